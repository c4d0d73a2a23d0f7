"""Property tests: the pattern sets behind Action and Resource lists (exact names, one
startswith over the ``prefix*`` patterns, a regex for the rest) and the integer test behind
IpAddress agree with straightforward definitions."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st
from policy_helpers import allow, decide, identity, user
from test_policy_properties import reference_glob

from rolecall.policy.matching import ActionMatcher, PatternSet

# Plenty of ``prefix*`` patterns beside the other shapes, as they take the startswith path.
patterns = st.lists(
    st.text(alphabet="ab:*?", max_size=5) | st.text(alphabet="ab:", max_size=3).map("{}*".format),
    min_size=1,
    max_size=5,
)
values = st.text(alphabet="ab:", max_size=6)


@settings(max_examples=500)
@given(patterns, values)
def test_pattern_set_matches_any_pattern(found, value):
    expected = any(reference_glob(pattern, value) for pattern in found)
    assert PatternSet(found).matches(value) == expected


@settings(max_examples=500)
@given(patterns, values)
def test_action_matcher_ignores_case(found, value):
    expected = any(reference_glob(pattern.lower(), value.lower()) for pattern in found)
    assert ActionMatcher([p.upper() for p in found]).matches(value.lower()) == expected


ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6)
networks = st.one_of(
    st.tuples(ipv4, st.integers(0, 32)),
    st.tuples(ipv6, st.integers(0, 128)),
).map(lambda pair: str(ipaddress.ip_network(f"{pair[0]}/{pair[1]}", strict=False)))


@settings(max_examples=300, deadline=None)
@given(st.lists(networks, min_size=1, max_size=3), st.one_of(ipv4, ipv6), st.booleans())
def test_ip_address_condition_agrees_with_ipaddress(found, address, negated):
    operator = "NotIpAddress" if negated else "IpAddress"
    policies = identity(allow(Condition={operator: {"aws:SourceIp": found}}))
    inside = any(address in ipaddress.ip_network(n) for n in found)
    decision = decide(
        user(), "s3:GetObject", context={"aws:SourceIp": str(address)}, identity=policies
    )
    assert decision.allowed == (inside != negated)
