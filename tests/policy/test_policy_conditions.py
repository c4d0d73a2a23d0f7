"""Condition operators, from the IAM User Guide page "IAM JSON policy elements: Condition
operators" and "Single-valued vs. multivalued context keys"."""

import pytest
from policy_helpers import allow, decide, deny, identity, user


def allowed(condition: dict, context: dict) -> bool:
    return decide(
        user(), "s3:GetObject", context=context, identity=identity(allow(Condition=condition))
    ).allowed


# String condition operators


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", "Dev", "Dev", True),
        ("StringEquals", "Dev", "dev", False),
        ("StringNotEquals", "Dev", "Ops", True),
        ("StringNotEquals", "Dev", "Dev", False),
        ("StringEqualsIgnoreCase", "Dev", "dEV", True),
        ("StringNotEqualsIgnoreCase", "Dev", "dEV", False),
        ("StringLike", "home/*", "home/bob/x:y", True),
        ("StringLike", "home/?ob", "home/bob", True),
        ("StringLike", "home/?ob", "home/bbob", False),
        ("StringLike", "Home/*", "home/bob", False),
        ("StringNotLike", "home/*", "tmp/x", True),
    ],
)
def test_string_operators(operator, policy, request_value, expected):
    assert allowed({operator: {"s3:prefix": policy}}, {"s3:prefix": request_value}) is expected


def test_several_values_are_alternatives():
    condition = {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}
    assert allowed(condition, {"aws:PrincipalTag/team": "b"})


def test_negated_operator_with_several_values_is_nor():
    condition = {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
    assert not allowed(condition, {"aws:RequestedRegion": "eu-west-1"})
    assert allowed(condition, {"aws:RequestedRegion": "ap-south-1"})


def test_several_keys_and_operators_must_all_hold():
    condition = {
        "StringEquals": {"aws:RequestedRegion": "us-east-1", "s3:prefix": "a"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    full = {"aws:RequestedRegion": "us-east-1", "s3:prefix": "a", "aws:SecureTransport": "true"}
    assert allowed(condition, full)
    assert not allowed(condition, {**full, "aws:SecureTransport": "false"})


def test_condition_key_names_are_case_insensitive():
    assert allowed(
        {"StringEquals": {"AWS:RequestedRegion": "us-east-1"}}, {"aws:requestedregion": "us-east-1"}
    )


# Missing keys: positive operators false, negated operators true, IfExists true.


def test_missing_key_positive_false_negated_true():
    assert not allowed({"StringEquals": {"s3:prefix": "a"}}, {})
    assert allowed({"StringNotEquals": {"s3:prefix": "a"}}, {})
    assert allowed({"StringNotLike": {"s3:prefix": "a*"}}, {})
    assert allowed({"NumericNotEquals": {"s3:max-keys": "5"}}, {})
    assert allowed({"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::x"}}, {})


def test_deny_with_not_ip_address_denies_request_without_source_ip():
    decision = decide(
        user(),
        "s3:GetObject",
        identity=identity(
            allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}})
        ),
    )
    assert decision.decision == "explicitDeny"
    assert decision.missing_context_keys == ["aws:SourceIp"]


def test_if_exists_is_true_when_missing_and_evaluated_when_present():
    condition = {"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}
    assert allowed(condition, {})
    assert allowed(condition, {"ec2:InstanceType": "t2.micro"})
    assert not allowed(condition, {"ec2:InstanceType": "m5.large"})


def test_deny_with_not_equals_if_exists_still_denies_without_key():
    decision = decide(
        user(),
        "ec2:RunInstances",
        identity=identity(
            allow(), deny(Condition={"StringNotEqualsIfExists": {"ec2:InstanceType": "t2.micro"}})
        ),
    )
    assert decision.decision == "explicitDeny"


# Numeric, date, Boolean, binary, IP address, ARN and Null operators.


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "10", False),
        ("NumericLessThan", "10", "9.5", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThanEquals", 10, "9", False),
        ("NumericEquals", "10", "ten", False),
    ],
)
def test_numeric_operators(operator, policy, request_value, expected):
    assert allowed({operator: {"s3:max-keys": policy}}, {"s3:max-keys": request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("DateLessThan", "2020-01-01T00:00:00Z", "2019-12-31T23:59:59Z", True),
        ("DateLessThan", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+02:00", True),
        ("DateGreaterThan", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+02:00", False),
        ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", True),
        ("DateEquals", "1577836800", "2020-01-01", True),
        ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z", True),
        ("DateGreaterThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z", True),
        ("DateLessThanEquals", "2020-01-01", "not a date", False),
    ],
)
def test_date_operators(operator, policy, request_value, expected):
    assert (
        allowed({operator: {"aws:CurrentTime": policy}}, {"aws:CurrentTime": request_value})
        is expected
    )


def test_bool_accepts_json_boolean_and_any_case():
    assert allowed(
        {"Bool": {"aws:MultiFactorAuthPresent": True}}, {"aws:MultiFactorAuthPresent": "TRUE"}
    )
    assert not allowed(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"aws:MultiFactorAuthPresent": "false"}
    )


def test_binary_equals_compares_base64_text():
    assert allowed({"BinaryEquals": {"s3:key": "QmluYXJ5"}}, {"s3:key": "QmluYXJ5"})
    assert not allowed({"BinaryEquals": {"s3:key": "QmluYXJ5"}}, {"s3:key": "QmluYXJz"})


@pytest.mark.parametrize(
    ("policy", "address", "expected"),
    [
        ("203.0.113.0/24", "203.0.113.7", True),
        ("203.0.113.0/24", "203.0.114.7", False),
        ("203.0.113.7", "203.0.113.7", True),
        ("2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
        ("2001:DB8:1234:5678::/64", "203.0.113.7", False),
        ("203.0.113.0/24", "not-an-ip", False),
    ],
)
def test_ip_address(policy, address, expected):
    assert allowed({"IpAddress": {"aws:SourceIp": policy}}, {"aws:SourceIp": address}) is expected
    assert (
        allowed({"NotIpAddress": {"aws:SourceIp": policy}}, {"aws:SourceIp": address})
        is not expected
    )


@pytest.mark.parametrize(
    ("operator", "policy", "value", "expected"),
    [
        (
            "ArnLike",
            "arn:aws:sns:*:123456789012:topic",
            "arn:aws:sns:us-east-1:123456789012:topic",
            True,
        ),
        ("ArnLike", "arn:aws:sns:*:123456789012:*", "arn:aws:sns:us-east-1:123456789012:a:b", True),
        (
            "ArnLike",
            "arn:aws:sns:*:123456789012:topic",
            "arn:aws:sns:us-east-1:extra:123456789012:topic",
            False,
        ),
        (
            "ArnEquals",
            "arn:aws:sns:*:123456789012:topic",
            "arn:aws:sns:eu-west-1:123456789012:topic",
            True,
        ),
        ("ArnLike", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:ROLE/x", False),
        (
            "ArnNotLike",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:user/x",
            True,
        ),
        (
            "ArnNotEquals",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:role/x",
            False,
        ),
        ("ArnLike", "arn:aws:iam::123456789012:role/*", "not-an-arn", False),
    ],
)
def test_arn_operators_match_segment_by_segment(operator, policy, value, expected):
    assert allowed({operator: {"aws:SourceArn": policy}}, {"aws:SourceArn": value}) is expected


def test_string_like_star_crosses_colons_but_arn_like_does_not():
    value = {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}
    assert allowed({"StringLike": {"aws:SourceArn": "arn:aws:sns:*:topic"}}, value)
    assert not allowed({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:topic"}}, value)


def test_null_checks_presence():
    assert allowed({"Null": {"aws:TokenIssueTime": "true"}}, {})
    assert not allowed(
        {"Null": {"aws:TokenIssueTime": "true"}}, {"aws:TokenIssueTime": "2020-01-01"}
    )
    assert allowed({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:TokenIssueTime": "2020-01-01"})
    assert allowed({"Null": {"aws:TokenIssueTime": False}}, {"aws:TokenIssueTime": "x"})


# Set operators ("Single-valued vs. multivalued context keys").


def test_for_all_values_true_when_key_missing_or_empty():
    condition = {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert allowed(condition, {})
    assert allowed(condition, {"aws:TagKeys": []})
    assert allowed(condition, {"aws:TagKeys": ["env"]})
    assert not allowed(condition, {"aws:TagKeys": ["env", "cost"]})


def test_for_any_value_false_when_key_missing_or_empty():
    condition = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}}
    assert not allowed(condition, {})
    assert not allowed(condition, {"aws:TagKeys": []})
    assert allowed(condition, {"aws:TagKeys": ["cost", "team"]})


def test_for_any_value_if_exists_true_when_missing():
    assert allowed({"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "env"}}, {})


def test_for_all_values_with_negated_operator():
    condition = {"ForAllValues:StringNotLike": {"aws:TagKeys": "secret*"}}
    assert allowed(condition, {"aws:TagKeys": ["env", "team"]})
    assert not allowed(condition, {"aws:TagKeys": ["env", "secret-x"]})


def test_for_any_value_with_negated_operator():
    condition = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}}
    assert allowed(condition, {"aws:TagKeys": ["env", "team"]})
    assert not allowed(condition, {"aws:TagKeys": ["env"]})


def test_multivalued_key_without_qualifier_matches_any_value():
    assert allowed({"StringEquals": {"aws:TagKeys": "env"}}, {"aws:TagKeys": ["team", "env"]})


def test_missing_keys_are_reported_once():
    decision = decide(
        user(),
        "s3:GetObject",
        identity=identity(
            allow(Condition={"StringEquals": {"s3:prefix": "a", "aws:SourceVpc": "v"}}),
            allow(Condition={"StringEquals": {"s3:prefix": "b"}}),
        ),
    )
    assert decision.missing_context_keys == ["s3:prefix", "aws:SourceVpc"]


def test_trace_shows_compared_values():
    decision = decide(
        user(),
        "s3:GetObject",
        context={"s3:prefix": "zzz"},
        identity=identity(allow(Condition={"StringLike": {"s3:prefix": "home/*"}})),
    )
    statement = decision.trace[0].statements[0]
    assert statement.failed == "Condition"
    clause = statement.conditions[0]
    assert (clause.operator, clause.request_values, clause.policy_values, clause.result) == (
        "StringLike",
        ("zzz",),
        ("home/*",),
        False,
    )
