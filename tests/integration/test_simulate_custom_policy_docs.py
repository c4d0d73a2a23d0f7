"""SimulateCustomPolicy against cases taken from AWS's documentation.

Each case names the page it comes from. The decision tables run through boto3 against the
real server; a few cases run the real aws CLI with the commands and outputs printed in the
AWS CLI's own examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

OPERATORS = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
             "reference_policies_elements_condition_operators.html")
MULTIVALUED = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
               "reference_policies_condition-single-vs-multi-valued-context-keys.html")
VARIABLES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
NOTACTION = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
             "reference_policies_elements_notaction.html")
NOTRESOURCE = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
               "reference_policies_elements_notresource.html")
ACTION = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
RESOURCE = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "reference_policies_elements_resource.html")
CONDITION = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
             "reference_policies_elements_condition.html")
EVALUATION = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
              "reference_policies_evaluation-logic.html")
CROSS_ACCOUNT = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_evaluation-logic-cross-account.html")
BOUNDARIES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
SIMULATE_API = ("https://docs.aws.amazon.com/IAM/latest/APIReference/"
                "API_SimulateCustomPolicy.html")
EVALUATION_RESULT = ("https://docs.aws.amazon.com/IAM/latest/APIReference/"
                     "API_EvaluationResult.html")
CONTEXT_ENTRY = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html"
CLI_EXAMPLE = "https://docs.aws.amazon.com/cli/latest/reference/iam/simulate-custom-policy.html"
CONTEXT_KEYS_EXAMPLE = ("https://docs.aws.amazon.com/cli/latest/reference/iam/"
                        "get-context-keys-for-custom-policy.html")

OTHER_ACCOUNT = "210987654321"


def statement(effect: str, action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    key = "NotAction" if extra.pop("not_action", False) else "Action"
    where = "NotResource" if extra.pop("not_resource", False) else "Resource"
    return {"Effect": effect, key: action, where: resource, **extra}


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Allow", action, resource, **extra)


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return statement("Deny", action, resource, **extra)


def policy(*statements: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def entry(name: str, kind: str, *values: str) -> dict[str, Any]:
    return {"ContextKeyName": name, "ContextKeyType": kind, "ContextKeyValues": list(values)}


@dataclass
class Case:
    """One documented behaviour: the policies, the request, and AWS's decision."""

    name: str
    source: str
    policies: list[str]
    action: str
    decision: str
    context: list[dict[str, Any]] = field(default_factory=list)
    resource: str | None = None
    caller: str | None = None

    def request(self, account_id: str) -> dict[str, Any]:
        params: dict[str, Any] = {"PolicyInputList": self.policies, "ActionNames": [self.action]}
        if self.context:
            params["ContextEntries"] = self.context
        if self.resource:
            params["ResourceArns"] = [self.resource]
        if self.caller:
            params["CallerArn"] = f"arn:aws:iam::{account_id}:user/{self.caller}"
        return params


def condition(operator: str, key: str, value: Any, effect: str = "Allow") -> str:
    return policy(statement(effect, "s3:GetObject", Condition={operator: {key: value}}))


TAG = "aws:PrincipalTag/job-category"
CASES = [
    # String operators (condition operators page, "String condition operators").
    Case("string-equals-matches", OPERATORS, [condition("StringEquals", TAG, "iamuser-admin")],
         "s3:GetObject", "allowed", [entry(TAG, "string", "iamuser-admin")]),
    Case("string-equals-other-value", OPERATORS, [condition("StringEquals", TAG, "iamuser-admin")],
         "s3:GetObject", "implicitDeny", [entry(TAG, "string", "dev")]),
    Case("string-equals-is-case-sensitive", OPERATORS,
         [condition("StringEquals", TAG, "iamuser-admin")],
         "s3:GetObject", "implicitDeny", [entry(TAG, "string", "IAMUser-Admin")]),
    Case("string-equals-missing-key", OPERATORS, [condition("StringEquals", TAG, "iamuser-admin")],
         "s3:GetObject", "implicitDeny"),
    Case("string-equals-any-of-several-values", OPERATORS,
         [condition("StringEquals", TAG, ["dev", "iamuser-admin"])],
         "s3:GetObject", "allowed", [entry(TAG, "string", "iamuser-admin")]),
    Case("string-not-equals-missing-key-is-true", OPERATORS,
         [condition("StringNotEquals", TAG, "dev")], "s3:GetObject", "allowed"),
    Case("string-not-equals-none-of-the-values", OPERATORS,
         [condition("StringNotEquals", TAG, ["dev", "ops"])],
         "s3:GetObject", "implicitDeny", [entry(TAG, "string", "ops")]),
    Case("string-equals-ignore-case", OPERATORS,
         [condition("StringEqualsIgnoreCase", TAG, "IAMUSER-ADMIN")],
         "s3:GetObject", "allowed", [entry(TAG, "string", "iamuser-admin")]),
    Case("string-not-equals-ignore-case", OPERATORS,
         [condition("StringNotEqualsIgnoreCase", TAG, "DEV")],
         "s3:GetObject", "implicitDeny", [entry(TAG, "string", "dev")]),
    Case("string-like-star", OPERATORS, [condition("StringLike", TAG, "iamuser-*")],
         "s3:GetObject", "allowed", [entry(TAG, "string", "iamuser-admin")]),
    Case("string-like-question-mark-is-one-character", OPERATORS,
         [condition("StringLike", TAG, "dev?")],
         "s3:GetObject", "implicitDeny", [entry(TAG, "string", "dev12")]),
    Case("string-not-like", OPERATORS, [condition("StringNotLike", TAG, "iamuser-*")],
         "s3:GetObject", "allowed", [entry(TAG, "string", "dev")]),
    # Numeric operators: the page's s3:max-keys example.
    Case("numeric-less-than", OPERATORS, [condition("NumericLessThanEquals", "s3:max-keys", "10")],
         "s3:GetObject", "allowed", [entry("s3:max-keys", "numeric", "10")]),
    Case("numeric-less-than-is-strict", OPERATORS,
         [condition("NumericLessThan", "s3:max-keys", "10")],
         "s3:GetObject", "implicitDeny", [entry("s3:max-keys", "numeric", "10")]),
    Case("numeric-equals-compares-values", OPERATORS,
         [condition("NumericEquals", "s3:max-keys", "10")],
         "s3:GetObject", "allowed", [entry("s3:max-keys", "numeric", "10.0")]),
    Case("numeric-greater-than-decimals", OPERATORS,
         [condition("NumericGreaterThan", "s3:max-keys", "2.5")],
         "s3:GetObject", "allowed", [entry("s3:max-keys", "numeric", "2.75")]),
    Case("numeric-not-equals", OPERATORS, [condition("NumericNotEquals", "s3:max-keys", "10")],
         "s3:GetObject", "implicitDeny", [entry("s3:max-keys", "numeric", "10")]),
    # Date operators: aws:CurrentTime, W3C dates and epoch seconds.
    Case("date-greater-than", OPERATORS,
         [condition("DateGreaterThan", "aws:CurrentTime", "2020-04-01T00:00:00Z")],
         "s3:GetObject", "allowed", [entry("aws:CurrentTime", "date", "2020-06-30T00:00:00Z")]),
    Case("date-greater-than-earlier-date", OPERATORS,
         [condition("DateGreaterThan", "aws:CurrentTime", "2020-04-01T00:00:00Z")],
         "s3:GetObject", "implicitDeny",
         [entry("aws:CurrentTime", "date", "2019-06-30T00:00:00Z")]),
    Case("date-less-than-epoch-seconds", OPERATORS,
         [condition("DateLessThan", "aws:EpochTime", "1585699200")],
         "s3:GetObject", "allowed", [entry("aws:EpochTime", "date", "2020-03-01T00:00:00Z")]),
    Case("date-equals-with-offset", OPERATORS,
         [condition("DateEquals", "aws:CurrentTime", "2020-04-01T12:00:00Z")],
         "s3:GetObject", "allowed",
         [entry("aws:CurrentTime", "date", "2020-04-01T14:00:00+02:00")]),
    # Boolean, binary and IP address operators.
    Case("bool-true", OPERATORS, [condition("Bool", "aws:SecureTransport", "true")],
         "s3:GetObject", "allowed", [entry("aws:SecureTransport", "boolean", "true")]),
    Case("bool-deny-insecure-transport", OPERATORS,
         [policy(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))],
         "s3:GetObject", "explicitDeny", [entry("aws:SecureTransport", "boolean", "false")]),
    Case("bool-deny-without-the-key", OPERATORS,
         [policy(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))],
         "s3:GetObject", "allowed"),
    Case("binary-equals", OPERATORS,
         [condition("BinaryEquals", "test:key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==")],
         "s3:GetObject", "allowed", [entry("test:key", "binary", "QmluYXJ5VmFsdWVJbkJhc2U2NA==")]),
    Case("ip-address-in-range", OPERATORS,
         [condition("IpAddress", "aws:SourceIp", "203.0.113.0/24")],
         "s3:GetObject", "allowed", [entry("aws:SourceIp", "ip", "203.0.113.5")]),
    Case("ip-address-out-of-range", OPERATORS,
         [condition("IpAddress", "aws:SourceIp", "203.0.113.0/24")],
         "s3:GetObject", "implicitDeny", [entry("aws:SourceIp", "ip", "198.51.100.7")]),
    Case("ip-address-ipv6", OPERATORS,
         [condition("IpAddress", "aws:SourceIp", ["203.0.113.0/24", "2001:DB8:1234:5678::/64"])],
         "s3:GetObject", "allowed", [entry("aws:SourceIp", "ip", "2001:db8:1234:5678::7")]),
    Case("not-ip-address-deny-without-source-ip", OPERATORS,
         [policy(allow(), deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
         "s3:GetObject", "explicitDeny"),
    # ARN operators.
    Case("arn-like", OPERATORS,
         [condition("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111122223333:trail/*")],
         "s3:GetObject", "allowed",
         [entry("aws:SourceArn", "string", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t")]),
    Case("arn-equals-takes-wildcards", OPERATORS,
         [condition("ArnEquals", "aws:SourceArn", "arn:aws:sns:*:111122223333:topic")],
         "s3:GetObject", "allowed",
         [entry("aws:SourceArn", "string", "arn:aws:sns:eu-west-1:111122223333:topic")]),
    Case("arn-like-other-account", OPERATORS,
         [condition("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111122223333:trail/*")],
         "s3:GetObject", "implicitDeny",
         [entry("aws:SourceArn", "string", "arn:aws:cloudtrail:us-east-1:444455556666:trail/t")]),
    Case("arn-not-like-missing-key", OPERATORS,
         [condition("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*")],
         "s3:GetObject", "allowed"),
    # ...IfExists.
    Case("if-exists-missing-key", OPERATORS,
         [condition("StringEqualsIfExists", "ec2:InstanceType", ["t1.*", "t2.*"])],
         "s3:GetObject", "allowed"),
    Case("if-exists-present-key", OPERATORS,
         [condition("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*"])],
         "s3:GetObject", "implicitDeny", [entry("ec2:InstanceType", "string", "m5.large")]),
    Case("if-exists-deny-still-denies-without-key", OPERATORS,
         [policy(allow(), deny(Condition={"StringNotEqualsIfExists": {TAG: "admin"}}))],
         "s3:GetObject", "explicitDeny"),
    # Null.
    Case("null-true-when-key-absent", OPERATORS,
         [condition("Null", "aws:TokenIssueTime", "true")], "s3:GetObject", "allowed"),
    Case("null-false-when-key-present", OPERATORS,
         [condition("Null", "aws:TokenIssueTime", "false")], "s3:GetObject", "allowed",
         [entry("aws:TokenIssueTime", "date", "2020-01-01T00:00:00Z")]),
    Case("null-false-when-key-absent", OPERATORS,
         [condition("Null", "aws:TokenIssueTime", "false")], "s3:GetObject", "implicitDeny"),
    # Set operators on multivalued keys.
    Case("for-all-values-subset", MULTIVALUED,
         [condition("ForAllValues:StringEquals", "aws:TagKeys", ["environment", "cost-center"])],
         "s3:GetObject", "allowed", [entry("aws:TagKeys", "stringList", "environment")]),
    Case("for-all-values-outside", MULTIVALUED,
         [condition("ForAllValues:StringEquals", "aws:TagKeys", ["environment", "cost-center"])],
         "s3:GetObject", "implicitDeny",
         [entry("aws:TagKeys", "stringList", "environment", "owner")]),
    Case("for-all-values-missing-key", MULTIVALUED,
         [condition("ForAllValues:StringEquals", "aws:TagKeys", ["environment"])],
         "s3:GetObject", "allowed"),
    Case("for-any-value-missing-key", MULTIVALUED,
         [condition("ForAnyValue:StringEquals", "aws:TagKeys", ["environment"])],
         "s3:GetObject", "implicitDeny"),
    Case("for-any-value-one-match", MULTIVALUED,
         [condition("ForAnyValue:StringEquals", "aws:TagKeys", ["environment"])],
         "s3:GetObject", "allowed", [entry("aws:TagKeys", "stringList", "owner", "environment")]),
    Case("for-any-value-like", MULTIVALUED,
         [condition("ForAnyValue:StringLike", "aws:TagKeys", "env*")],
         "s3:GetObject", "allowed", [entry("aws:TagKeys", "stringList", "owner", "envname")]),
    # Policy variables.
    Case("variable-in-resource-with-caller", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"))],
         "s3:GetObject", "allowed", resource="arn:aws:s3:::amzn-s3-demo-bucket/alice/a.txt",
         caller="alice"),
    Case("variable-in-resource-other-user", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"))],
         "s3:GetObject", "implicitDeny", resource="arn:aws:s3:::amzn-s3-demo-bucket/bob/a.txt",
         caller="alice"),
    Case("variable-in-resource-without-caller", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"))],
         "s3:GetObject", "implicitDeny", resource="arn:aws:s3:::amzn-s3-demo-bucket/alice/a"),
    Case("variable-from-context-entry", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"))],
         "s3:GetObject", "allowed", [entry("aws:username", "string", "carol")],
         resource="arn:aws:s3:::amzn-s3-demo-bucket/carol/a"),
    Case("variable-in-condition", VARIABLES,
         [condition("StringLike", "s3:prefix", ["", "home/", "home/${aws:username}/*"])],
         "s3:GetObject", "allowed", [entry("s3:prefix", "string", "home/alice/docs")],
         caller="alice"),
    Case("variable-default-value", VARIABLES,
         [policy(allow("s3:GetObject",
                       "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'company-wide'}/*"))],
         "s3:GetObject", "allowed", resource="arn:aws:s3:::bucket/company-wide/a"),
    Case("variable-literal-star", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::bucket/a${*}b"))],
         "s3:GetObject", "implicitDeny", resource="arn:aws:s3:::bucket/axyzb"),
    Case("variable-in-old-version-is-text", VARIABLES,
         [policy(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*"),
                 version="2008-10-17")],
         "s3:GetObject", "implicitDeny", resource="arn:aws:s3:::bucket/alice/a", caller="alice"),
    # NotAction and NotResource.
    Case("not-action-allows-other-services", NOTACTION,
         [policy(allow("iam:*", not_action=True))], "s3:GetObject", "allowed"),
    Case("not-action-leaves-out-listed", NOTACTION,
         [policy(allow("iam:*", not_action=True))], "iam:CreateUser", "implicitDeny"),
    Case("deny-not-action", NOTACTION,
         [policy(allow(), deny(["iam:*", "sts:*"], not_action=True))],
         "s3:ListBucket", "explicitDeny"),
    Case("deny-not-action-spares-listed", NOTACTION,
         [policy(allow(), deny(["iam:*", "sts:*"], not_action=True))],
         "iam:ListUsers", "allowed"),
    Case("deny-not-resource", NOTRESOURCE,
         [policy(allow("s3:*"), deny("s3:*", ["arn:aws:s3:::HRBucket/Payroll",
                                               "arn:aws:s3:::HRBucket/Payroll/*"],
                                     not_resource=True))],
         "s3:GetObject", "explicitDeny", resource="arn:aws:s3:::OtherBucket/x"),
    Case("deny-not-resource-spares-listed", NOTRESOURCE,
         [policy(allow("s3:*"), deny("s3:*", ["arn:aws:s3:::HRBucket/Payroll",
                                               "arn:aws:s3:::HRBucket/Payroll/*"],
                                     not_resource=True))],
         "s3:GetObject", "allowed", resource="arn:aws:s3:::HRBucket/Payroll/x"),
    # Explicit and implicit deny (policy evaluation logic).
    Case("nothing-matches", EVALUATION, [policy(allow("ec2:*"))], "s3:GetObject",
         "implicitDeny"),
    Case("deny-alone-is-explicit", EVALUATION, [policy(deny("s3:*"))], "s3:GetObject",
         "explicitDeny"),
    Case("deny-in-second-policy-wins", EVALUATION,
         [policy(allow("s3:*")), policy(deny("s3:GetObject"))], "s3:GetObject", "explicitDeny"),
    # Action and Resource elements: wildcards and case.
    Case("action-wildcard", ACTION, [policy(allow("s3:Get*"))], "s3:GetObject", "allowed"),
    Case("action-wildcard-other-action", ACTION, [policy(allow("s3:Get*"))], "s3:PutObject",
         "implicitDeny"),
    Case("action-is-case-insensitive", ACTION, [policy(allow("S3:getobject"))], "s3:GetObject",
         "allowed"),
    Case("action-question-mark", ACTION, [policy(allow("iam:?etUser"))], "iam:GetUser",
         "allowed"),
    Case("resource-is-case-sensitive", RESOURCE,
         [policy(allow("s3:GetObject", "arn:aws:s3:::MyBucket/*"))], "s3:GetObject",
         "implicitDeny", resource="arn:aws:s3:::mybucket/a"),
    Case("resource-star-crosses-slashes", RESOURCE,
         [policy(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))], "s3:GetObject",
         "allowed", resource="arn:aws:s3:::bucket/a/b/c.txt"),
    Case("condition-key-names-are-case-insensitive", CONDITION,
         [condition("IpAddress", "AWS:SourceIP", "203.0.113.0/24")], "s3:GetObject", "allowed",
         [entry("aws:sourceip", "ip", "203.0.113.9")]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_decision(account, iam, case: Case):
    response = iam.simulate_custom_policy(**case.request(account.account_id))
    (result,) = response["EvaluationResults"]
    assert result["EvalActionName"] == case.action
    assert result["EvalResourceName"] == (case.resource or "*")
    assert result["EvalDecision"] == case.decision, case.source
    if case.decision == "implicitDeny":
        assert result["MatchedStatements"] == []
    else:
        assert result["MatchedStatements"], "allowed and denied results name their statements"


def test_explicit_deny_names_only_the_deny(iam):
    # EvaluationResult, MatchedStatements: "the deny statement is the only entry".
    response = iam.simulate_custom_policy(
        PolicyInputList=[policy(allow("s3:*")), policy(deny("s3:GetObject"))],
        ActionNames=["s3:GetObject"])
    matched = response["EvaluationResults"][0]["MatchedStatements"]
    assert [m["SourcePolicyId"] for m in matched] == ["PolicyInputList.2"]
    assert {m["SourcePolicyType"] for m in matched} == {"IAM Policy"}


# --- the AWS CLI's documented examples ------------------------------------------------

CLI_POLICY = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
              '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":'
              '"2018-08-16T12:00:00Z"}}}}')


def test_cli_example_allowed_after_date_with_positions(aws):
    # CLI_EXAMPLE, example 1: the output, positions included.
    run = aws("iam", "simulate-custom-policy", "--policy-input-list", CLI_POLICY,
              "--action-names", "dynamodb:CreateBackup", "--context-entries",
              "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',"
              "ContextKeyType=date")
    assert run.returncode == 0, run.stderr
    assert run.json["EvaluationResults"] == [{
        "EvalActionName": "dynamodb:CreateBackup",
        "EvalResourceName": "*",
        "EvalDecision": "allowed",
        "MatchedStatements": [{
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 1, "Column": 38},
            "EndPosition": {"Line": 1, "Column": 167},
        }],
        "MissingContextValues": [],
    }]


def test_cli_example_denied_before_date(aws):
    # CLI_EXAMPLE, example 2.
    run = aws("iam", "simulate-custom-policy", "--policy-input-list", CLI_POLICY,
              "--action-names", "dynamodb:CreateBackup", "--context-entries",
              "ContextKeyName='aws:CurrentTime',ContextKeyValues='2014-04-25T11:00:00Z',"
              "ContextKeyType=date")
    assert run.returncode == 0, run.stderr
    assert run.json["EvaluationResults"] == [{
        "EvalActionName": "dynamodb:CreateBackup", "EvalResourceName": "*",
        "EvalDecision": "implicitDeny", "MatchedStatements": [], "MissingContextValues": [],
    }]


def test_cli_example_from_files(aws, tmp_path):
    # The same simulation with file:// arguments, as the CLI documents them.
    policies = tmp_path / "policies.json"
    policies.write_text(json.dumps([CLI_POLICY]))
    context = tmp_path / "context.json"
    context.write_text(json.dumps([entry("aws:CurrentTime", "date", "2019-04-25T11:00:00Z")]))
    run = aws("iam", "simulate-custom-policy", "--policy-input-list", f"file://{policies}",
              "--action-names", "dynamodb:CreateBackup", "dynamodb:DeleteTable",
              "--context-entries", f"file://{context}")
    assert run.returncode == 0, run.stderr
    assert [r["EvalDecision"] for r in run.json["EvaluationResults"]] == ["allowed", "allowed"]


def test_cli_get_context_keys_example(aws):
    # CONTEXT_KEYS_EXAMPLE: keys from the Resource's variable and from the Condition.
    document = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
                '"Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}",'
                '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}')
    run = aws("iam", "get-context-keys-for-custom-policy", "--policy-input-list", document)
    assert run.returncode == 0, run.stderr
    assert run.json == {"ContextKeyNames": ["aws:username", "aws:CurrentTime"]}


# --- positions ---------------------------------------------------------------------------


def test_positions_of_statements_in_a_list(iam):
    # Recorded responses: the first statement of a list starts right after "[", the next
    # one right after the previous statement's "}"; each ends right after its own "}".
    bucket = ('{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport",'
              '"Effect":"Deny","Principal":"*","Action":"*","Resource":['
              '"arn:aws:s3:::tims-fancy-bucket/*","arn:aws:s3:::tims-fancy-bucket"],'
              '"Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Sid":"DenyTimDelete",'
              '"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject",'
              '"Resource":"arn:aws:s3:::tims-fancy-bucket/*","Condition":{"ArnLike":'
              '{"aws:PrincipalArn":"arn:aws:iam::112233445566:role/tims-test-role"}}}]}')
    role = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "s3", "Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
        "Resource": ["arn:aws:s3:::tims-fancy-bucket/only-here/*"]}]})
    response = iam.simulate_custom_policy(
        PolicyInputList=[role], ResourcePolicy=bucket,
        CallerArn="arn:aws:iam::112233445566:user/dummy",
        ActionNames=["s3:GetObject", "s3:DeleteObject"],
        ResourceArns=["arn:aws:s3:::tims-fancy-bucket/only-here/some-obj"],
        ContextEntries=[
            entry("aws:principalarn", "string", "arn:aws:iam::112233445566:role/tims-test-role"),
            entry("aws:SecureTransport", "boolean", "true")])
    get, delete = response["EvaluationResults"]
    assert get["EvalDecision"] == "allowed"
    assert get["MatchedStatements"] == [{
        "SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 1, "Column": 41}, "EndPosition": {"Line": 1, "Column": 180}}]
    assert delete["EvalDecision"] == "explicitDeny"
    assert delete["MatchedStatements"] == [{
        "SourcePolicyId": "ResourcePolicy", "SourcePolicyType": "Resource Policy",
        "StartPosition": {"Line": 1, "Column": 248}, "EndPosition": {"Line": 1, "Column": 470}}]


def test_positions_in_a_formatted_document(iam):
    # The simulate-principal-policy CLI example: a console-formatted document whose one
    # statement is reported from Line 3, Column 19 to Line 9, Column 10.
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "VisualEditor0", "Effect": "Allow", "Action": "codecommit:ListRepositories",
        "Resource": "*"}]}, indent=4)
    response = iam.simulate_custom_policy(PolicyInputList=[document],
                                          ActionNames=["codecommit:ListRepositories"])
    (matched,) = response["EvaluationResults"][0]["MatchedStatements"]
    assert matched["StartPosition"] == {"Line": 3, "Column": 19}
    assert matched["EndPosition"] == {"Line": 9, "Column": 10}


# --- missing context values --------------------------------------------------------------


def test_missing_context_values_list_every_key_the_policies_read(iam):
    # boto3 issue 3111 (a recorded response): keys of statements for other actions count.
    document = policy(
        allow("s3:ListBucket", "arn:aws:s3:::example-bucket",
              Condition={"StringLike": {"aws:PrincipalTag/allowed_service": "s3"}}),
        allow("s3:GetObject", "arn:aws:s3:::example-bucket/${aws:username}"))
    response = iam.simulate_custom_policy(PolicyInputList=[document],
                                          ActionNames=["s3:ListBucket"])
    assert response["EvaluationResults"][0]["MissingContextValues"] == [
        "aws:PrincipalTag/allowed_service", "aws:username"]


def test_caller_and_context_entries_supply_keys(account, iam):
    document = policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*",
                            Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    response = iam.simulate_custom_policy(
        PolicyInputList=[document], ActionNames=["s3:GetObject"],
        CallerArn=f"arn:aws:iam::{account.account_id}:user/alice",
        ContextEntries=[entry("aws:SourceIp", "ip", "10.1.1.1")])
    result = response["EvaluationResults"][0]
    assert result["MissingContextValues"] == []
    assert result["EvalDecision"] == "implicitDeny"  # the resource "*" is not alice's folder


def test_missing_values_move_under_resource_specific_results(iam):
    # EVALUATION_RESULT, MissingContextValues: with resources listed, the missing values
    # are reported under ResourceSpecificResults instead.
    document = policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"))
    response = iam.simulate_custom_policy(PolicyInputList=[document],
                                          ActionNames=["s3:GetObject"],
                                          ResourceArns=["arn:aws:s3:::b/alice/x"])
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == []
    (specific,) = result["ResourceSpecificResults"]
    assert specific["EvalResourceName"] == "arn:aws:s3:::b/alice/x"
    assert specific["EvalResourceDecision"] == "implicitDeny"
    assert specific["MissingContextValues"] == ["aws:username"]


def test_same_account_resource_result_shape(iam):
    # EVALUATION_RESULT, EvalDecisionDetails: same account with a resource ARN, present but
    # empty; with "*", absent. A recorded response shows no details per resource.
    document = policy(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    named = iam.simulate_custom_policy(PolicyInputList=[document], ActionNames=["s3:GetObject"],
                                       ResourceArns=["arn:aws:s3:::bucket/*"])
    result = named["EvaluationResults"][0]
    assert result["EvalDecisionDetails"] == {}
    assert "EvalDecisionDetails" not in result["ResourceSpecificResults"][0]
    assert result["ResourceSpecificResults"][0]["MatchedStatements"] == result[
        "MatchedStatements"]
    everything = iam.simulate_custom_policy(PolicyInputList=[document],
                                            ActionNames=["s3:GetObject"])
    assert "EvalDecisionDetails" not in everything["EvaluationResults"][0]
    assert "ResourceSpecificResults" not in everything["EvaluationResults"][0]


def test_one_result_per_action_and_resource(iam):
    # SIMULATE_API, ActionNames: each operation is evaluated against each resource.
    document = policy(allow("s3:GetObject", "arn:aws:s3:::public/*"))
    response = iam.simulate_custom_policy(
        PolicyInputList=[document], ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::public/a", "arn:aws:s3:::private/b"])
    assert [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"])
            for r in response["EvaluationResults"]] == [
        ("s3:GetObject", "arn:aws:s3:::public/a", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::private/b", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::public/a", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::private/b", "implicitDeny"),
    ]


# --- permissions boundaries --------------------------------------------------------------

BOUNDARY_S3 = policy(allow(["s3:*", "cloudwatch:*"]))


@pytest.mark.parametrize("identity, action, decision, allowed_by_boundary", [
    (policy(allow()), "s3:GetObject", "allowed", True),
    (policy(allow("ec2:*")), "ec2:RunInstances", "implicitDeny", False),
    (policy(allow("iam:*")), "s3:GetObject", "implicitDeny", True),
])
def test_boundary_limits_identity_policies(iam, identity, action, decision,
                                           allowed_by_boundary):
    # BOUNDARIES: effective permissions are where identity policy and boundary overlap.
    response = iam.simulate_custom_policy(PolicyInputList=[identity],
                                          PermissionsBoundaryPolicyInputList=[BOUNDARY_S3],
                                          ActionNames=[action])
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == decision
    assert result["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": allowed_by_boundary}


def test_boundary_explicit_deny(iam):
    # BOUNDARIES: an explicit deny in the boundary wins over everything.
    boundary = policy(allow(), deny("s3:DeleteObject"))
    response = iam.simulate_custom_policy(PolicyInputList=[policy(allow())],
                                          PermissionsBoundaryPolicyInputList=[boundary],
                                          ActionNames=["s3:DeleteObject"])
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert [m["SourcePolicyId"] for m in result["MatchedStatements"]] == [
        "PermissionsBoundaryPolicyInputList.1"]


def test_no_boundary_no_boundary_detail(iam):
    response = iam.simulate_custom_policy(PolicyInputList=[policy(allow())],
                                          ActionNames=["s3:GetObject"])
    assert "PermissionsBoundaryDecisionDetail" not in response["EvaluationResults"][0]


# --- resource-based policies -------------------------------------------------------------


def bucket_policy(principal: str, effect: str = "Allow") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": effect, "Principal": {"AWS": principal}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bkt/*"}]})


def simulate_with_bucket(iam, account_id: str, identity: str, resource_policy: str,
                         owner: str | None = None, boundary: str | None = None) -> dict:
    params: dict[str, Any] = {
        "PolicyInputList": [identity], "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::bkt/k"], "ResourcePolicy": resource_policy,
        "CallerArn": f"arn:aws:iam::{account_id}:user/alice"}
    if owner:
        params["ResourceOwner"] = f"arn:aws:iam::{owner}:root"
    if boundary:
        params["PermissionsBoundaryPolicyInputList"] = [boundary]
    return iam.simulate_custom_policy(**params)["EvaluationResults"][0]


def test_same_account_resource_policy_naming_the_user_is_enough(account, iam):
    # EVALUATION: in one account, a resource-based policy that names the user allows alone.
    alice = f"arn:aws:iam::{account.account_id}:user/alice"
    result = simulate_with_bucket(iam, account.account_id, policy(allow("ec2:*")),
                                  bucket_policy(alice))
    assert result["EvalDecision"] == "allowed"
    assert [m["SourcePolicyId"] for m in result["MatchedStatements"]] == ["ResourcePolicy"]


def test_same_account_resource_policy_naming_the_account_delegates(account, iam):
    # EVALUATION: a grant to the account leaves the decision to identity-based policies.
    result = simulate_with_bucket(iam, account.account_id, policy(allow("ec2:*")),
                                  bucket_policy(account.account_id))
    assert result["EvalDecision"] == "implicitDeny"
    granted = simulate_with_bucket(iam, account.account_id, policy(allow("s3:GetObject")),
                                   bucket_policy(account.account_id))
    assert granted["EvalDecision"] == "allowed"


def test_resource_policy_deny(account, iam):
    result = simulate_with_bucket(iam, account.account_id, policy(allow()),
                                  bucket_policy("*", effect="Deny"))
    assert result["EvalDecision"] == "explicitDeny"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in result["MatchedStatements"]] \
        == [("ResourcePolicy", "Resource Policy")]


def test_cross_account_needs_both_sides(account, iam):
    # CROSS_ACCOUNT: the identity policy and the other account's resource policy must allow.
    alice = f"arn:aws:iam::{account.account_id}:user/alice"
    both = simulate_with_bucket(iam, account.account_id, policy(allow("s3:GetObject")),
                                bucket_policy(alice), owner=OTHER_ACCOUNT)
    assert both["EvalDecision"] == "allowed"
    assert both["EvalDecisionDetails"]["IAM Policy"] == "allowed"
    assert both["EvalDecisionDetails"]["Resource Policy"] == "allowed"
    no_identity = simulate_with_bucket(iam, account.account_id, policy(allow("ec2:*")),
                                       bucket_policy(alice), owner=OTHER_ACCOUNT)
    assert no_identity["EvalDecision"] == "implicitDeny"
    no_grant = simulate_with_bucket(iam, account.account_id, policy(allow("s3:GetObject")),
                                    bucket_policy("arn:aws:iam::444455556666:root"),
                                    owner=OTHER_ACCOUNT)
    assert no_grant["EvalDecision"] == "implicitDeny"
    assert no_grant["EvalDecisionDetails"]["Resource Policy"] == "implicitDeny"


def test_resource_policy_naming_the_user_is_not_limited_by_a_boundary(account, iam):
    # BOUNDARIES, "Evaluating effective permissions with boundaries": a same-account
    # resource-based policy that names the user is not limited by the boundary.
    alice = f"arn:aws:iam::{account.account_id}:user/alice"
    result = simulate_with_bucket(iam, account.account_id, policy(allow("ec2:*")),
                                  bucket_policy(alice), boundary=policy(allow("ec2:*")))
    assert result["EvalDecision"] == "allowed"


# --- inputs AWS refuses --------------------------------------------------------------------


@pytest.mark.parametrize("kind, values", [
    ("numeric", ["ten"]), ("numericList", ["1", "two"]), ("boolean", ["maybe"]),
    ("booleanList", ["true", "nope"]), ("ip", ["10.0.0.300"]), ("ipList", ["10.0.0.1", "x"]),
    ("date", ["yesterday"]), ("dateList", ["2020-01-01T00:00:00Z", "soon"]),
    ("binary", ["not base64!"]), ("binaryList", ["QQ==", "@@"]),
])
def test_context_value_not_of_its_type_is_invalid_input(iam, kind, values):
    # CONTEXT_ENTRY: each value must be of ContextKeyType.
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=[policy(allow())],
                                   ActionNames=["s3:GetObject"],
                                   ContextEntries=[entry("test:key", kind, *values)])
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


@pytest.mark.parametrize("kind, values, operator, policy_value", [
    ("numericList", ["1", "20"], "ForAnyValue:NumericGreaterThan", "10"),
    ("ipList", ["10.0.0.1", "192.168.1.1"], "ForAnyValue:IpAddress", "192.168.0.0/16"),
    ("dateList", ["2020-01-01T00:00:00Z"], "ForAllValues:DateLessThan", "2021-01-01T00:00:00Z"),
    ("booleanList", ["true", "TRUE"], "ForAllValues:Bool", "true"),
    ("binaryList", ["QQ==", "Qg=="], "ForAnyValue:BinaryEquals", "Qg=="),
    ("stringList", [], "ForAllValues:StringEquals", "a"),
])
def test_list_types_feed_set_operators(iam, kind, values, operator, policy_value):
    # CONTEXT_ENTRY and MULTIVALUED: list types are multivalued keys.
    response = iam.simulate_custom_policy(
        PolicyInputList=[condition(operator, "test:key", policy_value)],
        ActionNames=["s3:GetObject"], ContextEntries=[entry("test:key", kind, *values)])
    assert response["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_resource_policy_requires_caller_arn(iam):
    # SIMULATE_API, CallerArn: required when a ResourcePolicy is included.
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=[policy(allow())],
                                   ActionNames=["s3:GetObject"],
                                   ResourcePolicy=bucket_policy("*"))
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_caller_arn_must_be_a_user(account, iam):
    # SIMULATE_API, CallerArn: not a role, federated user or service principal.
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(
            PolicyInputList=[policy(allow())], ActionNames=["s3:GetObject"],
            CallerArn=f"arn:aws:iam::{account.account_id}:role/r")
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_malformed_input_policy_is_invalid_input(iam):
    # SIMULATE_API lists InvalidInput (not MalformedPolicyDocument) among its errors.
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=[policy({"Effect": "Allow"})],
                                   ActionNames=["s3:GetObject"])
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_pagination_over_action_and_resource_pairs(iam):
    # SIMULATE_API, MaxItems and Marker.
    actions = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::a/1", "arn:aws:s3:::a/2"]
    first = iam.simulate_custom_policy(PolicyInputList=[policy(allow("s3:*"))],
                                       ActionNames=actions, ResourceArns=resources, MaxItems=3)
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 3
    rest = iam.simulate_custom_policy(PolicyInputList=[policy(allow("s3:*"))],
                                      ActionNames=actions, ResourceArns=resources, MaxItems=3,
                                      Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [(r["EvalActionName"], r["EvalResourceName"]) for r in rest["EvaluationResults"]] == [
        ("s3:PutObject", "arn:aws:s3:::a/2")]
