"""A user's commonest slip on pages 000, 003 and 004: the role's ARN (or a path) where the
CLI wants its name. IAM answers with its own text for a name's characters, as observed from
AWS (hashicorp/terraform-provider-aws#3087 for PutRolePolicy, aws-cdk and CloudFormation logs
for GetRole, openshift/rosa for CreateRole), while lengths keep the generic
"1 validation error detected" format."""

from __future__ import annotations

import json

BAD_ROLE_NAME = ("An error occurred (ValidationError) when calling the {op} operation: "
                 "The specified value for roleName is invalid. It must contain only "
                 "alphanumeric characters and/or the following: +=,.@_-")

TRUST = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}})


def test_role_arn_given_as_role_name_is_iams_name_error(aws, account, tmp_path):
    (tmp_path / "home" / "trust.json").write_text(TRUST)
    assert aws("iam", "create-role", "--role-name", "example-role",
               "--assume-role-policy-document", "file://trust.json").returncode == 0
    arn = f"arn:aws:iam::{account.account_id}:role/example-role"
    attach = aws("iam", "attach-role-policy", "--role-name", arn,
                 "--policy-arn", "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
    assert attach.returncode != 0
    assert attach.stderr.strip() == BAD_ROLE_NAME.format(op="AttachRolePolicy")
    update = aws("iam", "update-assume-role-policy", "--role-name", arn,
                 "--policy-document", "file://trust.json")
    assert update.stderr.strip() == BAD_ROLE_NAME.format(op="UpdateAssumeRolePolicy")
    get = aws("iam", "get-role", "--role-name", "service-role/example-role")
    assert get.stderr.strip() == BAD_ROLE_NAME.format(op="GetRole")
    listed = aws("iam", "list-attached-role-policies", "--role-name", "example-role")
    assert listed.json == {"AttachedPolicies": []}


def test_user_and_policy_names_with_spaces_are_refused_the_same_way(aws, tmp_path):
    user = aws("iam", "create-user", "--user-name", "Bob Smith")
    assert user.stderr.strip() == (
        "An error occurred (ValidationError) when calling the CreateUser operation: "
        "The specified value for userName is invalid. It must contain only alphanumeric "
        "characters and/or the following: +=,.@_-")
    (tmp_path / "home" / "example-policy.json").write_text(json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    policy = aws("iam", "create-policy", "--policy-name", "example policy",
                 "--policy-document", "file://example-policy.json")
    assert policy.stderr.strip() == (
        "An error occurred (ValidationError) when calling the CreatePolicy operation: "
        "The specified value for policyName is invalid. It must contain only alphanumeric "
        "characters and/or the following: +=,.@_-")


def test_a_too_long_role_name_keeps_the_generic_length_message(aws):
    name = "r" * 65
    result = aws("iam", "get-role", "--role-name", name)
    assert result.stderr.strip() == (
        "An error occurred (ValidationError) when calling the GetRole operation: "
        f"1 validation error detected: Value '{name}' at 'roleName' failed to satisfy "
        "constraint: Member must have length less than or equal to 64")
