"""Grammar fuzzing: any input gives a Policy (and then a decision) or MalformedPolicyError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_helpers import decide, ref, session, user

from rolecall.policy import (
    MalformedPolicyError,
    PolicyRef,
    PolicyType,
    context_keys,
    explain,
    parse_policy,
    validate_policy_findings,
)

WORDS = [
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Allow",
    "Deny",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "*",
    "2012-10-17",
    "2008-10-17",
    "s3:GetObject",
    "sts:AssumeRole",
    "iam:*",
    "arn:aws:s3:::b/*",
    "arn:aws:iam::123456789012:user/Bob",
    "123456789012",
    "ec2.amazonaws.com",
    "StringEquals",
    "ForAnyValue:StringLike",
    "NotIpAddress",
    "Null",
    "DateLessThanIfExists",
    "ArnLike",
    "NumericGreaterThan",
    "Bool",
    "aws:SourceIp",
    "aws:username",
    "${aws:username}",
    "${x, 'y'}",
    "10.0.0.0/8",
    "true",
    "2020-01-01",
    "",
]

scalars = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=6),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), inner, max_size=5),
    ),
    max_leaves=25,
)


def statement_like():
    field = st.sampled_from(WORDS[3:14])
    return st.dictionaries(field, json_values, max_size=7)


documents = st.fixed_dictionaries(
    {
        "Version": st.sampled_from(["2012-10-17", "2008-10-17"]),
        "Statement": st.lists(statement_like(), min_size=1, max_size=3),
    }
)


def exercise(text: str) -> None:
    for kind in PolicyType:
        try:
            policy = parse_policy(text, kind)
        except MalformedPolicyError as error:
            assert isinstance(error.message, str) and error.message
            continue
        context_keys(policy)
        validate_policy_findings(policy)
        policy_ref = PolicyRef("p", "IAM Policy", policy)
        for caller in (user(), session()):
            if kind is PolicyType.TRUST or kind is PolicyType.RESOURCE:
                decision = decide(caller, "s3:GetObject", "arn:aws:s3:::b/x", resource=policy_ref)
            else:
                decision = decide(
                    caller,
                    "s3:GetObject",
                    "arn:aws:s3:::b/x",
                    {"aws:SourceIp": "10.1.1.1", "aws:TagKeys": ["a"]},
                    identity=[policy_ref],
                )
            assert decision.decision in ("allowed", "explicitDeny", "implicitDeny")
            explain(decision)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_structured_documents(document):
    exercise(json.dumps(document))


@settings(max_examples=200)
@given(json_values)
def test_arbitrary_json(value):
    exercise(json.dumps(value))


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_random_bytes(data):
    exercise(data.decode("utf-8", errors="surrogateescape"))


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_random_text(text):
    exercise(text)


def test_deeply_nested_input_is_a_syntax_error():
    text = "[" * 5000 + "]" * 5000
    try:
        parse_policy(text, PolicyType.IDENTITY)
    except MalformedPolicyError as error:
        assert error.message == "Syntax errors in policy."
    else:
        raise AssertionError("accepted")


def test_findings_report_unknown_names_and_overlaps():
    policy = ref(
        PolicyType.IDENTITY,
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "nosuchsvc:Do", "s3:NoSuchAction"],
            "Resource": "*",
            "Condition": {"StringEquals": {"s3:nosuchkey": "x", "aws:username": "y"}},
        },
        {
            "Effect": "Allow",
            "Action": "s3:Get*",
            "Resource": "*",
            "Condition": {"StringEquals": {"s3:nosuchkey": "x", "aws:username": "y"}},
        },
        {"Effect": "Allow", "Action": "iam:Zzz*", "Resource": "arn:aws:s3:::b"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "arn:aws:s3:::b"},
    ).policy
    codes = {(f.issue_code, f.statement_index) for f in validate_policy_findings(policy)}
    assert ("INVALID_SERVICE", 0) in codes
    assert ("INVALID_ACTION", 0) in codes
    assert ("UNKNOWN_CONDITION_KEY", 0) in codes
    assert ("INVALID_ACTION", 2) in codes
    assert ("ALLOW_OVERRIDDEN_BY_DENY", 2) in codes
    clean = ref(PolicyType.IDENTITY, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert validate_policy_findings(clean.policy) == []


# Every operator family, with and without qualifiers and IfExists, against context values
# of any shape: a value that cannot be compared makes the condition false, never an error.
_EVERY_OPERATOR = ref(
    PolicyType.IDENTITY,
    *(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {operator: {"k:v": values}},
        }
        for operator, values in (
            ("StringEquals", ["a", "${k:w}"]),
            ("StringNotEqualsIgnoreCase", "A"),
            ("ForAllValues:StringLike", ["a*", "${k:w}?"]),
            ("ForAnyValue:StringNotLike", "*b"),
            ("NumericLessThan", ["10", "1e3"]),
            ("NumericNotEqualsIfExists", "-1.5"),
            ("DateGreaterThan", ["2020-01-01T00:00:00Z", "1577836800"]),
            ("ForAnyValue:DateEquals", "2020-01"),
            ("Bool", ["true", "${k:w}"]),
            ("BinaryEquals", "QQ=="),
            ("IpAddress", ["10.0.0.0/8", "2001:db8::/32"]),
            ("NotIpAddressIfExists", "192.0.2.1"),
            ("ArnLike", ["arn:aws:s3:::*", "arn:aws:iam::*:user/${k:w}"]),
            ("ForAllValues:ArnNotEquals", "arn:aws:s3:::b"),
            ("Null", ["true", "false"]),
        )
    ),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "10.1.1.1",
            "::1",
            "1e999",
            "nan",
            "2020-13-40",
            "arn:aws:s3:::b",
            "${k:w}",
            "\uff21\uff22",
        ]
    ),
)
_context_values = st.one_of(_scalars, st.lists(_scalars, max_size=4), st.tuples(_scalars))


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["k:v", "K:W", "aws:username", "x"]), _context_values))
def test_any_context_value_decides_without_error(context):
    for caller in (user(), session()):
        decision = decide(
            caller, "s3:GetObject", "arn:aws:s3:::b/x", context, identity=[_EVERY_OPERATOR]
        )
        assert decision.decision in ("allowed", "implicitDeny")
        explain(decision)


def test_non_text_input_of_any_type_is_a_syntax_error():
    for value in (["x"], {"a": 1}, None, 3, b"{}", bytearray(b"{}")):
        for kind in PolicyType:
            try:
                parse_policy(value, kind)  # type: ignore[arg-type]
            except MalformedPolicyError as error:
                assert error.message == "Syntax errors in policy."
            else:
                raise AssertionError(value)
