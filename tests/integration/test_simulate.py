"""The policy simulator answers from the same engine that enforces calls."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

EXAMPLE_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "iam:ListRoles",
                                                 "sts:AssumeRole"], "Resource": "*"}],
})


def trust_account(account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": account_id}, "Action": "sts:AssumeRole"}})


def decisions(response: dict) -> dict[str, str]:
    return {r["EvalActionName"]: r["EvalDecision"] for r in response["EvaluationResults"]}


def test_walkthrough_user_and_role_are_simulated_in_reverse(account, iam, aws):
    iam.create_user(UserName="Bob")
    arn = iam.create_policy(PolicyName="example-policy",
                            PolicyDocument=EXAMPLE_POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="Bob", PolicyArn=arn)
    iam.create_role(RoleName="example-role",
                    AssumeRolePolicyDocument=trust_account(account.account_id))
    iam.attach_role_policy(RoleName="example-role",
                           PolicyArn="arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
    bob = aws("iam", "simulate-principal-policy", "--policy-source-arn",
              f"arn:aws:iam::{account.account_id}:user/Bob",
              "--action-names", "ec2:DescribeInstances", "rds:DescribeDBInstances")
    assert bob.returncode == 0, bob.stderr
    assert decisions(bob.json) == {"ec2:DescribeInstances": "allowed",
                                   "rds:DescribeDBInstances": "implicitDeny"}
    allowed = bob.json["EvaluationResults"][0]
    assert allowed["EvalResourceName"] == "*"
    assert allowed["MatchedStatements"][0]["SourcePolicyId"] == "example-policy"
    # Recorded responses name attached policies "IAM Policy", whatever the enum says.
    assert allowed["MatchedStatements"][0]["SourcePolicyType"] == "IAM Policy"
    role = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:role/example-role",
        ActionNames=["ec2:DescribeInstances", "rds:DescribeDBInstances"])
    assert decisions(role) == {"ec2:DescribeInstances": "implicitDeny",
                               "rds:DescribeDBInstances": "allowed"}
    assert role["EvaluationResults"][1]["MatchedStatements"][0]["SourcePolicyId"] == (
        "AmazonRDSReadOnlyAccess")


def test_group_policies_count_for_users(account, iam):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.put_group_policy(GroupName="g", PolicyName="gp", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    result = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/u", ActionNames=["s3:GetObject"])
    statement = result["EvaluationResults"][0]["MatchedStatements"][0]
    assert (statement["SourcePolicyId"], statement["SourcePolicyType"]) == (
        "group_g_gp", "IAM Policy")
    # Just after the "[" of the Statement list.
    assert statement["StartPosition"] == {"Line": 1, "Column": 41}


def test_custom_policy_explicit_deny_and_positions(iam):
    policy = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n'
        '    {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}\n  ]\n}'
    )
    result = iam.simulate_custom_policy(PolicyInputList=[policy],
                                        ActionNames=["s3:GetObject", "s3:DeleteObject"])
    assert decisions(result) == {"s3:GetObject": "allowed", "s3:DeleteObject": "explicitDeny"}
    denied = result["EvaluationResults"][1]["MatchedStatements"]
    # A later statement starts right after the previous one's closing brace; every
    # statement ends right after its own.
    assert denied == [{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
                       "StartPosition": {"Line": 4, "Column": 59},
                       "EndPosition": {"Line": 5, "Column": 69}}]


def test_context_entries_and_missing_context_values(iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "dynamodb:CreateBackup", "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                      "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    missing = iam.simulate_custom_policy(PolicyInputList=[policy],
                                         ActionNames=["dynamodb:CreateBackup"])
    result = missing["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert set(result["MissingContextValues"]) == {"aws:CurrentTime", "aws:SourceIp"}

    def run(when: str, ip: str) -> str:
        response = iam.simulate_custom_policy(
            PolicyInputList=[policy], ActionNames=["dynamodb:CreateBackup"],
            ContextEntries=[
                {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": [when],
                 "ContextKeyType": "date"},
                {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip],
                 "ContextKeyType": "ip"}])
        return response["EvaluationResults"][0]["EvalDecision"]

    assert run("2024-04-25T11:00:00Z", "10.1.2.3") == "allowed"
    assert run("2018-04-25T11:00:00Z", "10.1.2.3") == "implicitDeny"
    assert run("2024-04-25T11:00:00Z", "192.168.0.1") == "implicitDeny"


@pytest.mark.parametrize("key_type, value", [
    ("numeric", "abc"), ("boolean", "yes"), ("ip", "300.1.1.1"), ("date", "tomorrow"),
    ("binary", "%%%"), ("numericList", "1x"),
])
def test_context_value_of_the_wrong_type_is_invalid_input(iam, key_type, value):
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(
            PolicyInputList=[json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})],
            ActionNames=["s3:GetObject"],
            ContextEntries=[{"ContextKeyName": "test:key", "ContextKeyValues": [value],
                             "ContextKeyType": key_type}])
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_list_context_types_match_any_value(iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"},
                      "NumericLessThan": {"s3:max-keys": "10"},
                      "Bool": {"aws:SecureTransport": "true"}}}]})
    result = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:ListBucket"],
        ContextEntries=[
            {"ContextKeyName": "aws:TagKeys", "ContextKeyValues": ["team", "env"],
             "ContextKeyType": "stringList"},
            {"ContextKeyName": "s3:max-keys", "ContextKeyValues": ["5"],
             "ContextKeyType": "numeric"},
            {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["TRUE"],
             "ContextKeyType": "boolean"}])
    assert result["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_malformed_input_policy_is_invalid_input(iam):
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=['{"Statement": "nope"'],
                                   ActionNames=["s3:GetObject"])
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_permissions_boundary_detail(account, iam):
    allow_all = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    only_s3 = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    result = iam.simulate_custom_policy(PolicyInputList=[allow_all],
                                        PermissionsBoundaryPolicyInputList=[only_s3],
                                        ActionNames=["s3:GetObject", "ec2:RunInstances"])
    first, second = result["EvaluationResults"]
    assert first["EvalDecision"] == "allowed"
    assert first["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert second["EvalDecision"] == "implicitDeny"
    assert second["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_user_boundary_applies_in_principal_simulation(account, iam):
    only_s3 = iam.create_policy(PolicyName="b", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.create_user(UserName="u", PermissionsBoundary=only_s3)
    iam.attach_user_policy(UserName="u", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    result = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/u",
        ActionNames=["s3:GetObject", "iam:CreateUser"])
    assert decisions(result) == {"s3:GetObject": "allowed", "iam:CreateUser": "implicitDeny"}


def test_resource_arns_and_resource_specific_results(iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"}]})
    result = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::public/a.txt", "arn:aws:s3:::private/b.txt"])
    by_resource = {r["EvalResourceName"]: r for r in result["EvaluationResults"]}
    assert by_resource["arn:aws:s3:::public/a.txt"]["EvalDecision"] == "allowed"
    assert by_resource["arn:aws:s3:::private/b.txt"]["EvalDecision"] == "implicitDeny"
    specific = by_resource["arn:aws:s3:::public/a.txt"]["ResourceSpecificResults"]
    assert specific[0]["EvalResourceDecision"] == "allowed"


def test_resource_policy_grants_named_caller(account, iam):
    caller = f"arn:aws:iam::{account.account_id}:user/alice"
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": caller}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::bkt/*"}]})
    nothing = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]})
    result = iam.simulate_custom_policy(
        PolicyInputList=[nothing], ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::bkt/k"], ResourcePolicy=bucket_policy, CallerArn=caller)
    evaluation = result["EvaluationResults"][0]
    assert evaluation["EvalDecision"] == "allowed"
    assert evaluation["MatchedStatements"][0]["SourcePolicyId"] == "ResourcePolicy"
    assert evaluation["MatchedStatements"][0]["SourcePolicyType"] == "Resource Policy"
    with pytest.raises(ClientError) as caught:
        iam.simulate_custom_policy(PolicyInputList=[nothing], ActionNames=["s3:GetObject"],
                                   ResourcePolicy=bucket_policy)
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_pagination_with_max_items(iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    first = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 2
    rest = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=actions,
                                      MaxItems=2, Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [r["EvalActionName"] for r in rest["EvaluationResults"]] == ["s3:DeleteObject"]


def test_unknown_policy_source_is_no_such_entity(account, iam):
    with pytest.raises(ClientError) as caught:
        iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/ghost",
            ActionNames=["s3:GetObject"])
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_context_keys_for_custom_and_principal_policy(account, iam):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*",
        "Resource": "arn:aws:s3:::b/${aws:username}/*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"]
    assert set(keys) == {"aws:username", "aws:SourceIp"}
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.put_group_policy(GroupName="g", PolicyName="gp", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
    principal_keys = iam.get_context_keys_for_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/u")["ContextKeyNames"]
    assert principal_keys == ["aws:MultiFactorAuthPresent"]


def test_simulation_requires_permission(account, iam):
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    bob = account.client("iam", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as caught:
        bob.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/bob",
            ActionNames=["s3:GetObject"])
    assert caught.value.response["Error"]["Message"].startswith(
        f"User: arn:aws:iam::{account.account_id}:user/bob is not authorized to perform: "
        f"iam:SimulatePrincipalPolicy on resource: arn:aws:iam::{account.account_id}:user/bob")


def test_role_inline_policy_is_named_after_role_and_policy(account, iam):
    # A recorded response names a role's inline policy "role_<role name>_<policy name>".
    iam.create_role(RoleName="ecs-task", AssumeRolePolicyDocument=trust_account(
        account.account_id))
    iam.put_role_policy(RoleName="ecs-task", PolicyName="secrets", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ssm:GetParameters", "Resource": "*"}]}))
    result = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:role/ecs-task",
        ActionNames=["ssm:GetParameters"])["EvaluationResults"][0]
    assert result["EvalDecision"] == "explicitDeny"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in result["MatchedStatements"]] \
        == [("role_ecs-task_secrets", "IAM Policy")]
    with pytest.raises(ClientError) as caught:
        iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account.account_id}:role/ecs-task",
            ActionNames=["s3:GetObject"], ResourcePolicy=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "*"}]}))
    assert caught.value.response["Error"] == {
        "Type": "Sender", "Code": "InvalidInput",
        "Message": "Invalid caller - Caller must be an IAM user in this context."}


def test_two_permissions_boundaries_are_refused(iam):
    # The API takes one permissions boundary (SimulateCustomPolicy / SimulatePrincipalPolicy
    # reference: "You can input only one permissions boundary").
    allow = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    with pytest.raises(ClientError) as err:
        iam.simulate_custom_policy(PolicyInputList=[allow], ActionNames=["s3:GetObject"],
                                   PermissionsBoundaryPolicyInputList=[allow, allow])
    assert err.value.response["Error"]["Code"] == "ValidationError"
    iam.create_user(UserName="two-boundaries")
    arn = iam.get_user(UserName="two-boundaries")["User"]["Arn"]
    with pytest.raises(ClientError) as err:
        iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:GetObject"],
                                      PermissionsBoundaryPolicyInputList=[allow, allow])
    assert err.value.response["Error"]["Code"] == "ValidationError"
