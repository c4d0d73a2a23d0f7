"""Property tests: wildcard and ARN matching against a reference matcher, and variable
substitution round trips."""

import functools

from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import allow, decide, identity, user

from rolecall.policy.matching import arn_match, glob_match

ALPHABET = "ab:/*?"
text = st.text(alphabet=ALPHABET, max_size=8)
plain = st.text(alphabet="ab:/", max_size=8)


def reference_glob(pattern: str, value: str, stop: str = "") -> bool:
    """Straightforward recursive definition: '*' any run (not crossing ``stop``), '?' one."""

    @functools.cache
    def go(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(value)
        head = pattern[i]
        if head == "*":
            if go(i + 1, j):
                return True
            return j < len(value) and value[j] not in stop and go(i, j + 1)
        if j == len(value):
            return False
        if head == "?":
            return value[j] not in stop and go(i + 1, j + 1)
        return head == value[j] and go(i + 1, j + 1)

    return go(0, 0)


@given(text, plain)
def test_glob_matches_reference(pattern, value):
    assert glob_match(pattern, value) == reference_glob(pattern, value)


@given(text, plain)
def test_glob_ignore_case_matches_reference_on_folded_text(pattern, value):
    assert glob_match(pattern.upper(), value, ignore_case=True) == reference_glob(
        pattern, value.lower()
    )


@given(
    st.lists(st.text(alphabet="ab*?", max_size=4), min_size=6, max_size=6),
    st.lists(st.text(alphabet="ab", max_size=4), min_size=6, max_size=6),
)
def test_arn_match_is_segment_wise(pattern_segments, value_segments):
    pattern = ":".join(pattern_segments)
    value = ":".join(value_segments)
    expected = all(
        reference_glob(p, v, stop=":")
        for p, v in zip(pattern_segments[:5], value_segments[:5], strict=True)
    ) and reference_glob(pattern_segments[5], value_segments[5])
    assert arn_match(pattern, value) == (expected or pattern == "*")


@given(st.text(alphabet="abcXYZ09+=,.@-_*?$", min_size=1, max_size=12), plain)
def test_username_substitution_is_literal(name, other):
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"))
    caller = user(name)
    own = f"arn:aws:s3:::b/{name}/file"
    assert decide(caller, "s3:GetObject", own, identity=policies).allowed
    foreign = f"arn:aws:s3:::b/{other}/file"
    # "a/" differs from "a" yet names a path inside a/: the policy rightly allows it.
    if not foreign.startswith(f"arn:aws:s3:::b/{name}/"):
        assert not decide(caller, "s3:GetObject", foreign, identity=policies).allowed


@given(st.text(alphabet="abc*?", max_size=6), st.text(alphabet="abc", max_size=6))
def test_condition_string_like_agrees_with_resource_matching(pattern, value):
    by_condition = decide(
        user(),
        "s3:ListBucket",
        context={"s3:prefix": value},
        identity=identity(allow(Condition={"StringLike": {"s3:prefix": pattern}})),
    ).allowed
    assert by_condition == reference_glob(pattern, value)
