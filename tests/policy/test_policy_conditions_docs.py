"""Every example of the Condition operators, multivalued-keys and variables pages, decided
as the pages describe, plus context values that cannot be compared."""

from typing import Any

import pytest
from policy_helpers import allow, decide, deny, identity, session, user

OPERATORS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html"
)
MULTI = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html"
VARIABLES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"


def allowed(condition: dict, context: dict[str, Any], principal=None, **kw: Any) -> bool:
    """Whether an Allow statement with ``condition`` applies to the request."""
    policies = identity(allow(Condition=condition), **kw)
    return decide(principal or user(), "s3:GetObject", "*", context, identity=policies).allowed


# OPERATORS, "String condition operators": aws:PrincipalTag/job-category example.


def test_string_equals_principal_tag_example():
    condition = {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}
    assert allowed(condition, {}, user(tags={"job-category": "iamuser-admin"}))
    assert not allowed(condition, {}, user(tags={"job-category": "dev-ops"}))
    assert not allowed(condition, {}, user())


def test_string_equals_is_case_sensitive_and_ignore_case_is_not():
    assert not allowed({"StringEquals": {"s3:prefix": "Home"}}, {"s3:prefix": "home"})
    assert allowed({"StringEqualsIgnoreCase": {"s3:prefix": "Home"}}, {"s3:prefix": "HOME"})
    assert not allowed({"StringNotEqualsIgnoreCase": {"s3:prefix": "a"}}, {"s3:prefix": "A"})


def test_string_like_home_directory_example_with_variable():
    condition = {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}}
    bob = user("Bob")
    assert allowed(condition, {"s3:prefix": ""}, bob)
    assert allowed(condition, {"s3:prefix": "home/"}, bob)
    assert allowed(condition, {"s3:prefix": "home/Bob/"}, bob)
    assert not allowed(condition, {"s3:prefix": "home/Alice/"}, bob)
    assert not allowed(condition, {}, bob)


def test_string_like_wildcards_match_anywhere_and_single_character():
    assert allowed({"StringLike": {"ec2:InstanceType": "t?.*"}}, {"ec2:InstanceType": "t2.nano"})
    assert not allowed({"StringLike": {"ec2:InstanceType": "t?.*"}}, {"ec2:InstanceType": "t22.x"})
    assert allowed({"StringLike": {"k:v": "*mid*"}}, {"k:v": "a:mid:b"})


# OPERATORS, "Numeric condition operators": s3:max-keys up to 10.


def test_numeric_less_than_equals_max_keys_example():
    condition = {"NumericLessThanEquals": {"s3:max-keys": "10"}}
    assert allowed(condition, {"s3:max-keys": "10"})
    assert allowed(condition, {"s3:max-keys": "9.5"})
    assert not allowed(condition, {"s3:max-keys": "11"})
    assert not allowed(condition, {})


@pytest.mark.parametrize("value", ["ten", "", "1_0", "nan", "inf", "0x10", "10 "])
def test_numeric_operator_with_non_numeric_value_is_false(value):
    assert not allowed({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": value})
    # A negated operator is the negation of a false match: true.
    assert allowed({"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": value})


def test_numeric_compares_values_not_text():
    assert allowed({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10.0"})
    assert allowed({"NumericGreaterThan": {"s3:max-keys": "-1"}}, {"s3:max-keys": "1e1"})


def test_numeric_with_policy_variable_never_matches():
    # "You can not use a policy variable with the Numeric condition operator."
    condition = {"NumericEquals": {"s3:max-keys": "${s3:other}"}}
    assert not allowed(condition, {"s3:max-keys": "3", "s3:other": "3"})


# OPERATORS, "Date condition operators": aws:TokenIssueTime after 2020-01-01T00:00:01Z.


def test_date_greater_than_token_issue_time_example():
    condition = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}
    assert allowed(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:02Z"})
    assert not allowed(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"})
    assert not allowed(condition, {}), "the key is absent when access keys sign the request"


def test_dates_accept_w3c_forms_offsets_and_epoch_seconds():
    condition = {"DateEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}
    for same in (
        "2020-01-01T01:00:00+01:00",
        "2020-01-01",
        "2020-01-01T00:00Z",
        "2020-01-01T00:00:00.000Z",
        "1577836800",
    ):
        assert allowed(condition, {"aws:CurrentTime": same}), same
    epoch = {"DateLessThan": {"aws:EpochTime": "1577836800"}}
    assert allowed(epoch, {"aws:EpochTime": "2019-12-31T23:59:59Z"})


@pytest.mark.parametrize("value", ["yesterday", "2020-13-45", "", "9999-99-99T99:99Z"])
def test_date_operator_with_invalid_date_is_false(value):
    assert not allowed(
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}, {"aws:CurrentTime": value}
    )
    assert allowed({"DateNotEquals": {"aws:CurrentTime": "2030-01-01"}}, {"aws:CurrentTime": value})


# OPERATORS, "Boolean condition operators": deny when aws:SecureTransport is false.


def test_bool_secure_transport_deny_example():
    policies = identity(
        allow(),
        deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}),
    )
    over_http = decide(
        user(), "s3:GetObject", "*", {"aws:SecureTransport": "false"}, identity=policies
    )
    assert over_http.decision == "explicitDeny"
    over_tls = decide(
        user(), "s3:GetObject", "*", {"aws:SecureTransport": "true"}, identity=policies
    )
    assert over_tls.allowed


def test_bool_accepts_json_booleans_and_any_case():
    assert allowed(
        {"Bool": {"aws:MultiFactorAuthPresent": True}}, {"aws:MultiFactorAuthPresent": "TRUE"}
    )
    assert allowed(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"aws:MultiFactorAuthPresent": True}
    )
    assert not allowed(
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {"aws:MultiFactorAuthPresent": "yes"}
    )


def test_bool_with_policy_variable():
    # "You can use a policy variable with the Boolean condition operator."
    condition = {"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/tls}"}}
    assert allowed(condition, {"aws:SecureTransport": "true"}, user(tags={"tls": "true"}))
    assert not allowed(condition, {"aws:SecureTransport": "false"}, user(tags={"tls": "true"}))


# OPERATORS, "Binary condition operators": byte-for-byte against the base-64 value.


def test_binary_equals_example():
    condition = {"BinaryEquals": {"key:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}
    assert allowed(condition, {"key:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not allowed(condition, {"key:bin": "qmluYXJ5VmFsdWVJbkJhc2U2NA=="})
    assert not allowed(condition, {})


# OPERATORS, "IP address condition operators": 203.0.113.0/24 and mixed IPv4/IPv6.


def test_ip_address_example():
    condition = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    assert allowed(condition, {"aws:SourceIp": "203.0.113.255"})
    assert not allowed(condition, {"aws:SourceIp": "198.51.100.1"})
    assert not allowed(condition, {}), "no aws:SourceIp through a VPC endpoint"


def test_ip_address_mixed_ipv4_and_ipv6_example():
    condition = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    assert allowed(condition, {"aws:SourceIp": "2001:db8:1234:5678::1"})
    assert allowed(condition, {"aws:SourceIp": "203.0.113.7"})
    assert not allowed(condition, {"aws:SourceIp": "2001:db8:1234:5679::1"})


def test_ip_without_prefix_means_slash_32():
    assert allowed({"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, {"aws:SourceIp": "203.0.113.7"})
    assert not allowed(
        {"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, {"aws:SourceIp": "203.0.113.8"}
    )


@pytest.mark.parametrize("value", ["not-an-ip", "", "300.1.1.1", "203.0.113.0/24", "::g"])
def test_ip_operator_with_invalid_address_is_false(value):
    assert not allowed({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, {"aws:SourceIp": value})


def test_not_ip_address_deny_applies_without_source_ip():
    policies = identity(allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert decide(user(), "s3:GetObject", "*", {}, identity=policies).decision == "explicitDeny"
    inside = decide(user(), "s3:GetObject", "*", {"aws:SourceIp": "10.1.1.1"}, identity=policies)
    assert inside.allowed


# OPERATORS, "Amazon Resource Name (ARN) condition operators".


def test_arn_like_matches_segments_where_string_like_crosses_colons():
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert allowed({"StringLike": {"aws:SourceArn": pattern}}, {"aws:SourceArn": value})
    assert not allowed({"ArnLike": {"aws:SourceArn": pattern}}, {"aws:SourceArn": value})


def test_arn_equals_source_arn_example_and_wildcards():
    topic = "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"
    assert allowed({"ArnEquals": {"aws:SourceArn": topic}}, {"aws:SourceArn": topic})
    assert not allowed({"ArnEquals": {"aws:SourceArn": topic}}, {})
    wild = {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:123456789012:TOPIC-?D"}}
    assert allowed(wild, {"aws:SourceArn": topic})
    assert not allowed({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}, {"aws:SourceArn": "x"})


def test_arn_operators_take_policy_variables():
    condition = {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:username}-*"}}
    assert allowed(condition, {"aws:SourceArn": "arn:aws:sns:us-east-1:1:Bob-alerts"}, user("Bob"))
    assert not allowed(condition, {"aws:SourceArn": "arn:aws:sns:us-east-1:1:Al-x"}, user("Bob"))


# OPERATORS, "...IfExists condition operators".


def test_string_like_if_exists_instance_type_example():
    condition = {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}
    assert allowed(condition, {"ec2:InstanceType": "t2.micro"})
    assert not allowed(condition, {"ec2:InstanceType": "c5.large"})
    assert allowed(condition, {}), "resources without the key are not refused"


def test_deny_with_string_not_equals_if_exists_still_denies_without_key():
    policies = identity(
        allow(),
        deny(Condition={"StringNotEqualsIfExists": {"aws:ResourceTag/team": "blue"}}),
    )
    assert decide(user(), "s3:GetObject", "*", {}, identity=policies).decision == "explicitDeny"
    ok = decide(user(), "s3:GetObject", "*", {"aws:ResourceTag/team": "blue"}, identity=policies)
    assert ok.allowed


# OPERATORS, "Condition operator to check existence of condition keys" (Null).


def test_null_token_issue_time_example():
    condition = {"Null": {"aws:TokenIssueTime": "true"}}
    assert allowed(condition, {})
    assert not allowed(condition, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    present = {"Null": {"aws:TokenIssueTime": "false"}}
    assert allowed(present, {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"})
    assert not allowed(present, {})


# OPERATORS, "Important": a missing key makes a positive operator false and a negated
# one (StringNotLike, ArnNotLike, ...) true.


@pytest.mark.parametrize(
    "operator,value",
    [
        ("StringNotEquals", "a"),
        ("StringNotEqualsIgnoreCase", "a"),
        ("StringNotLike", "a*"),
        ("NumericNotEquals", "1"),
        ("DateNotEquals", "2020-01-01"),
        ("NotIpAddress", "10.0.0.0/8"),
        ("ArnNotEquals", "arn:aws:s3:::b"),
        ("ArnNotLike", "arn:aws:s3:::*"),
    ],
)
def test_negated_operator_is_true_when_key_missing(operator, value):
    assert allowed({operator: {"k:missing": value}}, {})
    positive = operator.replace("Not", "", 1)
    assert not allowed({positive: {"k:missing": value}}, {})


def test_negated_operator_with_several_values_matches_none_of_them():
    condition = {"StringNotEquals": {"aws:ResourceTag/env": ["prod", "stage"]}}
    assert allowed(condition, {"aws:ResourceTag/env": "dev"})
    assert not allowed(condition, {"aws:ResourceTag/env": "stage"})


# MULTI: ForAllValues / ForAnyValue with dynamodb:requestedAttributes.


def test_for_all_values_string_like_requested_attributes_example():
    condition = {
        "ForAllValues:StringLike": {
            "dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]
        }
    }
    key = "dynamodb:requestedAttributes"
    assert allowed(condition, {key: ["PostDateTime", "Message"]})
    assert not allowed(condition, {key: ["PostDateTime", "UserName"]})
    assert not allowed(condition, {key: ["ID"]})


def test_for_all_values_is_true_for_missing_or_empty_key():
    condition = {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}
    assert allowed(condition, {})
    assert allowed(condition, {"aws:TagKeys": []})


def test_for_any_value_deny_example():
    policies = identity(
        allow(),
        deny(
            Condition={
                "ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}
            }
        ),
    )
    key = "dynamodb:requestedAttributes"
    hit = decide(
        user(),
        "dynamodb:PutItem",
        "*",
        {key: ["UserName", "Message", "PostDateTime"]},
        identity=policies,
    )
    assert hit.decision == "explicitDeny"
    miss = decide(user(), "dynamodb:PutItem", "*", {key: ["UserName"]}, identity=policies)
    assert miss.allowed


def test_for_any_value_is_false_for_missing_or_empty_key():
    condition = {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}
    assert not allowed(condition, {})
    assert not allowed(condition, {"aws:TagKeys": []})


def test_for_all_values_with_null_false_requires_the_key():
    condition = {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]},
        "Null": {"aws:TagKeys": "false"},
    }
    assert not allowed(condition, {})
    assert allowed(condition, {"aws:TagKeys": ["a"]})


def test_string_like_on_multivalued_key_without_set_operator_matches_any_value():
    assert allowed({"StringLike": {"aws:TagKeys": "env*"}}, {"aws:TagKeys": ["a", "env-x"]})
    assert not allowed({"StringLike": {"aws:TagKeys": "env*"}}, {"aws:TagKeys": ["a", "b"]})


def test_for_all_values_negated_means_no_value_is_listed():
    condition = {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}
    assert allowed(condition, {"aws:TagKeys": ["a", "b"]})
    assert not allowed(condition, {"aws:TagKeys": ["a", "secret"]})


# VARIABLES: substitution, case-insensitive names, special characters, defaults, missing
# values and Version 2008-10-17.


def test_variable_names_and_condition_keys_are_case_insensitive():
    condition = {"StringEquals": {"AWS:PRINCIPALTAG/Team": "${AWS:UserName}"}}
    assert allowed(condition, {}, user("blue", tags={"team": "blue"}))


def test_special_character_variables_are_literal():
    condition = {"StringLike": {"s3:prefix": "a${*}b${?}c${$}"}}
    assert allowed(condition, {"s3:prefix": "a*b?c$"})
    assert not allowed(condition, {"s3:prefix": "aXXbYc$"})


def test_default_value_supplies_missing_variable():
    condition = {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team, 'company-wide'}"}}
    assert allowed(condition, {"s3:prefix": "company-wide"}, user())
    assert allowed(condition, {"s3:prefix": "red"}, user(tags={"team": "red"}))
    assert not allowed(condition, {"s3:prefix": "company-wide"}, user(tags={"team": "red"}))


def test_missing_variable_matches_nothing_but_satisfies_negation():
    role = session()  # aws:username is absent for role sessions
    assert not allowed({"StringEquals": {"s3:prefix": "${aws:username}"}}, {"s3:prefix": "x"}, role)
    assert allowed({"StringNotEquals": {"s3:prefix": "${aws:username}"}}, {"s3:prefix": "x"}, role)


def test_multivalued_key_cannot_be_a_variable():
    condition = {"StringEquals": {"s3:prefix": "${aws:TagKeys}"}}
    assert not allowed(condition, {"s3:prefix": "a", "aws:TagKeys": ["a", "b"]})


def test_variable_in_resource_resolves_or_matches_nothing():
    policies = identity(allow("s3:*", "arn:aws:s3:::bucket/${aws:username}/*"))
    own = decide(user("Bob"), "s3:GetObject", "arn:aws:s3:::bucket/Bob/a", identity=policies)
    assert own.allowed
    other = decide(user("Bob"), "s3:GetObject", "arn:aws:s3:::bucket/Al/a", identity=policies)
    assert not other.allowed
    role = decide(
        session(), "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/a", identity=policies
    )
    assert not role.allowed


def test_variable_value_is_matched_literally_in_resource():
    policies = identity(allow("s3:*", "arn:aws:s3:::bucket/${aws:username}/*"))
    starry = user("x*")
    assert not decide(
        starry, "s3:GetObject", "arn:aws:s3:::bucket/xyz/a", identity=policies
    ).allowed
    assert decide(starry, "s3:GetObject", "arn:aws:s3:::bucket/x*/a", identity=policies).allowed


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_plain_text_without_version_2012(version):
    policies = identity(allow("s3:*", "arn:aws:s3:::bucket/${aws:username}/*"), version=version)
    assert not decide(
        user("Bob"), "s3:GetObject", "arn:aws:s3:::bucket/Bob/a", identity=policies
    ).allowed
    literal = "arn:aws:s3:::bucket/${aws:username}/a"
    assert decide(user("Bob"), "s3:GetObject", literal, identity=policies).allowed


# Context values that are not text never break evaluation.


@pytest.mark.parametrize("value", [None, 3, 2.5, True, ["a", None, 1], (), {"x"}])
def test_context_values_of_any_type_are_compared_as_text(value):
    decision = decide(
        user(),
        "s3:GetObject",
        "*",
        {"k:v": value},
        identity=identity(allow(Condition={"StringEquals": {"k:v": "3"}})),
    )
    assert decision.allowed == (value == 3)
