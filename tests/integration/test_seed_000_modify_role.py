"""Modifying a role with the AWS CLI, step by step as the IAM User Guide walks it: trust
policy, permissions policies, description, maximum session duration, permissions boundary."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

EC2_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# The guide's example: users of two other accounts may assume the role.
TWO_ACCOUNTS_TRUST = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
    "Action": "sts:AssumeRole"}}


@pytest.fixture
def role(aws, tmp_path) -> str:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(EC2_TRUST))
    created = aws("iam", "create-role", "--role-name", "Test-Role",
                  "--assume-role-policy-document", f"file://{path}")
    assert created.returncode == 0, created.stderr
    return "Test-Role"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result.json


def test_trust_policy_is_listed_viewed_and_replaced_from_a_file(aws, role, tmp_path):
    names = [r["RoleName"] for r in ok(aws("iam", "list-roles"))["Roles"]]
    assert role in names
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"][
        "AssumeRolePolicyDocument"] == EC2_TRUST
    policy_file = tmp_path / "trust-two-accounts.json"
    policy_file.write_text(json.dumps(TWO_ACCOUNTS_TRUST, indent=4))
    assert ok(aws("iam", "update-assume-role-policy", "--role-name", role,
                  "--policy-document", f"file://{policy_file}")) is None
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"][
        "AssumeRolePolicyDocument"] == TWO_ACCOUNTS_TRUST


def test_trust_policy_of_a_service_linked_role_cannot_be_modified(aws, tmp_path):
    created = ok(aws("iam", "create-service-linked-role",
                     "--aws-service-name", "autoscaling.amazonaws.com"))["Role"]
    policy_file = tmp_path / "trust.json"
    policy_file.write_text(json.dumps(TWO_ACCOUNTS_TRUST))
    result = aws("iam", "update-assume-role-policy", "--role-name", created["RoleName"],
                 "--policy-document", f"file://{policy_file}")
    assert result.returncode != 0
    assert ("An error occurred (UnmodifiableEntity) when calling the UpdateAssumeRolePolicy "
            "operation: Cannot perform the operation on the protected role "
            "'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS"
            ) in result.stderr


def test_trusted_account_grants_its_users_assume_role_with_a_managed_policy(aws, role, account,
                                                                            tmp_path):
    policy_file = tmp_path / "assume.json"
    policy_file.write_text(json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::{account.account_id}:role/{role}"}}))
    policy = ok(aws("iam", "create-policy", "--policy-name", "AssumeTestRole",
                    "--policy-document", f"file://{policy_file}"))["Policy"]
    ok(aws("iam", "create-user", "--user-name", "Bob"))
    ok(aws("iam", "attach-user-policy", "--user-name", "Bob", "--policy-arn", policy["Arn"]))
    attached = ok(aws("iam", "list-attached-user-policies", "--user-name", "Bob"))
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [policy["Arn"]]


def test_permissions_policies_are_listed_and_updated(aws, role, tmp_path):
    inline = tmp_path / "inline.json"
    inline.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    ok(aws("iam", "put-role-policy", "--role-name", role, "--policy-name", "Inline",
           "--policy-document", f"file://{inline}"))
    assert ok(aws("iam", "list-role-policies", "--role-name", role))["PolicyNames"] == ["Inline"]
    managed = ok(aws("iam", "create-policy", "--policy-name", "RolePerms",
                     "--policy-document", f"file://{inline}"))["Policy"]
    ok(aws("iam", "attach-role-policy", "--role-name", role, "--policy-arn", managed["Arn"]))
    attached = ok(aws("iam", "list-attached-role-policies", "--role-name", role))
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == ["RolePerms"]
    version = ok(aws("iam", "create-policy-version", "--policy-arn", managed["Arn"],
                     "--policy-document", f"file://{inline}", "--set-as-default"))
    assert version["PolicyVersion"]["VersionId"] == "v2"
    inline.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    ok(aws("iam", "put-role-policy", "--role-name", role, "--policy-name", "Inline",
           "--policy-document", f"file://{inline}"))
    stored = ok(aws("iam", "get-role-policy", "--role-name", role, "--policy-name", "Inline"))
    assert stored["PolicyDocument"]["Statement"][0]["Action"] == "s3:GetObject"


def test_permissions_policy_of_a_service_linked_role_cannot_be_modified(aws, tmp_path):
    name = ok(aws("iam", "create-service-linked-role",
                  "--aws-service-name", "ecs.amazonaws.com"))["Role"]["RoleName"]
    inline = tmp_path / "inline.json"
    inline.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    put = aws("iam", "put-role-policy", "--role-name", name, "--policy-name", "x",
              "--policy-document", f"file://{inline}")
    assert "(UnmodifiableEntity)" in put.stderr
    attach = aws("iam", "attach-role-policy", "--role-name", name,
                 "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert "(UnmodifiableEntity)" in attach.stderr


def test_description_is_viewed_and_updated(aws, role):
    assert "Description" not in ok(aws("iam", "get-role", "--role-name", role))["Role"]
    updated = ok(aws("iam", "update-role", "--role-name", role,
                     "--description", "Role for the test fleet"))
    assert updated is None
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"][
        "Description"] == "Role for the test fleet"
    via_description = ok(aws("iam", "update-role-description", "--role-name", role,
                             "--description", "Second text"))
    assert via_description["Role"]["Description"] == "Second text"


def test_max_session_duration_is_viewed_and_updated(aws, role):
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"]["MaxSessionDuration"] == 3600
    ok(aws("iam", "update-role", "--role-name", role, "--max-session-duration", "43200"))
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"]["MaxSessionDuration"] == 43200


def test_max_session_duration_above_12_hours_is_refused(aws, role):
    result = aws("iam", "update-role", "--role-name", role, "--max-session-duration", "43201")
    assert result.returncode != 0
    # IAM leaves the value out of model validation messages; this test
    # quoted it before AWS recordings showed otherwise (issue 12).
    assert ("An error occurred (ValidationError) when calling the UpdateRole operation: "
            "1 validation error detected: Value at 'maxSessionDuration' failed to "
            "satisfy constraint: Member must have value less than or equal to 43200"
            ) in result.stderr
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"]["MaxSessionDuration"] == 3600


def test_max_session_duration_below_one_hour_is_refused_by_the_server_too(account, role):
    # The CLI refuses values under its minimum itself; SDKs that do not validate reach us.
    client = boto3.client("iam", endpoint_url=account.endpoint, region_name="us-east-1",
                          aws_access_key_id=account.access_key_id,
                          aws_secret_access_key=account.secret_access_key,
                          config=Config(parameter_validation=False,
                                        retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as err:
        client.update_role(RoleName=role, MaxSessionDuration=3599)
    assert err.value.response["Error"]["Code"] == "ValidationError"
    # IAM leaves the value out of model validation messages; this test
    # quoted it before AWS recordings showed otherwise (issue 12).
    assert err.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value greater than or equal to 3600")


def test_permissions_boundary_is_viewed_and_changed(aws, role, account, tmp_path):
    assert "PermissionsBoundary" not in ok(aws("iam", "get-role", "--role-name", role))["Role"]
    ok(aws("iam", "put-role-permissions-boundary", "--role-name", role,
           "--permissions-boundary", "arn:aws:iam::aws:policy/PowerUserAccess"))
    boundary = ok(aws("iam", "get-role", "--role-name", role))["Role"]["PermissionsBoundary"]
    assert boundary == {"PermissionsBoundaryType": "Policy",
                        "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"}
    ok(aws("iam", "put-role-permissions-boundary", "--role-name", role,
           "--permissions-boundary", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
    boundary = ok(aws("iam", "get-role", "--role-name", role))["Role"]["PermissionsBoundary"]
    assert boundary["PermissionsBoundaryArn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_customer_managed_policy_as_boundary_is_set_counted_and_removed(aws, role, iam, tmp_path):
    document = tmp_path / "boundary.json"
    document.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    arn = ok(aws("iam", "create-policy", "--policy-name", "RoleBoundary",
                 "--policy-document", f"file://{document}"))["Policy"]["Arn"]
    assert ok(aws("iam", "put-role-permissions-boundary", "--role-name", role,
                  "--permissions-boundary", arn)) is None
    assert ok(aws("iam", "get-role", "--role-name", role))["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    policy = ok(aws("iam", "get-policy", "--policy-arn", arn))["Policy"]
    assert policy["PermissionsBoundaryUsageCount"] == 1 and policy["AttachmentCount"] == 0
    entities = ok(aws("iam", "list-entities-for-policy", "--policy-arn", arn,
                      "--policy-usage-filter", "PermissionsBoundary"))
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    deleted = aws("iam", "delete-policy", "--policy-arn", arn)
    assert "(DeleteConflict)" in deleted.stderr
    assert "Cannot delete a policy attached to entities." in deleted.stderr
    assert ok(aws("iam", "delete-role-permissions-boundary", "--role-name", role)) is None
    assert "PermissionsBoundary" not in ok(aws("iam", "get-role", "--role-name", role))["Role"]
    assert ok(aws("iam", "get-policy", "--policy-arn", arn))["Policy"][
        "PermissionsBoundaryUsageCount"] == 0


def test_boundary_that_is_no_existing_policy_is_refused_with_aws_text(aws, role, account):
    missing = f"arn:aws:iam::{account.account_id}:policy/NoSuchBoundary"
    result = aws("iam", "put-role-permissions-boundary", "--role-name", role,
                 "--permissions-boundary", missing)
    assert ("An error occurred (NoSuchEntity) when calling the PutRolePermissionsBoundary "
            f"operation: Scope ARN: {missing} does not exist or is not attachable."
            ) in result.stderr
    assert "PermissionsBoundary" not in ok(aws("iam", "get-role", "--role-name", role))["Role"]


def test_boundary_policy_of_another_account_is_refused(aws, role, server):
    from tests.conftest import new_account

    other = new_account(server).client("iam")
    arn = other.create_policy(PolicyName="Theirs", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]["Arn"]
    result = aws("iam", "put-role-permissions-boundary", "--role-name", role,
                 "--permissions-boundary", arn)
    assert "(NoSuchEntity)" in result.stderr


def test_boundary_of_a_missing_role_is_no_such_entity(aws):
    result = aws("iam", "put-role-permissions-boundary", "--role-name", "Ghost",
                 "--permissions-boundary", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert ("An error occurred (NoSuchEntity) when calling the PutRolePermissionsBoundary "
            "operation: The role with name Ghost cannot be found.") in result.stderr
    deleted = aws("iam", "delete-role-permissions-boundary", "--role-name", "Ghost")
    assert "The role with name Ghost cannot be found." in deleted.stderr
