"""Every IAM and STS call is authorized by the caller's policies, as AWS does it."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

EXAMPLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "iam:ListRoles",
                                                 "sts:AssumeRole"], "Resource": "*"}],
}


def allow(*actions: str, resource: str = "*", condition: dict | None = None) -> str:
    statement: dict = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def deny(*actions: str, resource: str = "*", condition: dict | None = None) -> str:
    statement: dict = {"Effect": "Deny", "Action": list(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def user_client(account, iam, name: str, service: str = "iam", **user_args):
    iam.create_user(UserName=name, **user_args)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return account.client(service, access_key_id=key["AccessKeyId"],
                          secret_access_key=key["SecretAccessKey"])


def error_of(call, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response


def test_user_without_policies_is_denied_with_aws_message(account, iam):
    bob = user_client(account, iam, "bob")
    response = error_of(bob.list_users)
    assert response["Error"]["Code"] == "AccessDenied"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert response["Error"]["Message"] == (
        f"User: arn:aws:iam::{account.account_id}:user/bob is not authorized to perform: "
        f"iam:ListUsers on resource: arn:aws:iam::{account.account_id}:user/ because no "
        "identity-based policy allows the iam:ListUsers action"
    )


def test_get_caller_identity_needs_no_permission(account, iam):
    bob = user_client(account, iam, "bob", "sts")
    assert bob.get_caller_identity()["Arn"].endswith(":user/bob")


def test_walkthrough_user_can_list_roles_but_not_create_users(account, iam, aws):
    iam.create_user(UserName="Bob")
    arn = iam.create_policy(PolicyName="example-policy",
                            PolicyDocument=json.dumps(EXAMPLE_POLICY))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="Bob", PolicyArn=arn)
    key = iam.create_access_key(UserName="Bob")["AccessKey"]
    env = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    listed = aws("iam", "list-roles", env=env)
    assert listed.returncode == 0, listed.stderr
    created = aws("iam", "create-user", "--user-name", "Eve", env=env)
    assert created.returncode != 0
    assert (
        "An error occurred (AccessDenied) when calling the CreateUser operation: User: "
        f"arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"iam:CreateUser on resource: arn:aws:iam::{account.account_id}:user/Eve because no "
        "identity-based policy allows the iam:CreateUser action"
    ) in created.stderr


def test_inline_user_policy_allows_and_explicit_deny_wins(account, iam):
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="all", PolicyDocument=allow("iam:*"))
    assert bob.list_users()["Users"]
    iam.put_user_policy(UserName="bob", PolicyName="no-list",
                        PolicyDocument=deny("iam:ListUsers"))
    response = error_of(bob.list_users)
    assert response["Error"]["Message"].endswith(
        "with an explicit deny in an identity-based policy")
    assert bob.list_roles()["Roles"] == []


def test_group_policies_apply_to_members(account, iam):
    bob = user_client(account, iam, "bob")
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="read",
                         PolicyDocument=allow("iam:GetUser"))
    error_of(bob.get_user, UserName="bob")
    iam.add_user_to_group(GroupName="readers", UserName="bob")
    assert bob.get_user(UserName="bob")["User"]["UserName"] == "bob"
    iam.attach_group_policy(GroupName="readers",
                            PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert bob.list_groups()["Groups"][0]["GroupName"] == "readers"


def test_permissions_boundary_limits_a_user(account, iam):
    boundary = iam.create_policy(PolicyName="only-get",
                                 PolicyDocument=allow("iam:GetUser"))["Policy"]["Arn"]
    bob = user_client(account, iam, "bob", PermissionsBoundary=boundary)
    iam.put_user_policy(UserName="bob", PolicyName="all", PolicyDocument=allow("iam:*"))
    assert bob.get_user(UserName="bob")["User"]["UserName"] == "bob"
    response = error_of(bob.list_users)
    assert response["Error"]["Message"].endswith(
        "because no permissions boundary allows the iam:ListUsers action")


def test_resource_arn_uses_the_roles_real_path(account, iam):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="app", Path="/team/", AssumeRolePolicyDocument=trust)
    bob = user_client(account, iam, "bob")
    role_arn = f"arn:aws:iam::{account.account_id}:role/team/app"
    iam.put_user_policy(UserName="bob", PolicyName="p",
                        PolicyDocument=allow("iam:UpdateAssumeRolePolicy", resource=role_arn))
    bob.update_assume_role_policy(RoleName="app", PolicyDocument=trust)
    iam.put_user_policy(UserName="bob", PolicyName="p",
                        PolicyDocument=allow("iam:UpdateAssumeRolePolicy",
                                             resource=f"arn:aws:iam::{account.account_id}:role/app"))
    response = error_of(bob.update_assume_role_policy, RoleName="app", PolicyDocument=trust)
    assert f"on resource: {role_arn} because" in response["Error"]["Message"]


def test_resource_tag_condition_on_roles(account, iam):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="mine", AssumeRolePolicyDocument=trust,
                    Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_role(RoleName="theirs", AssumeRolePolicyDocument=trust,
                    Tags=[{"Key": "team", "Value": "red"}])
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:GetRole", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}}))
    assert bob.get_role(RoleName="mine")["Role"]["RoleName"] == "mine"
    error_of(bob.get_role, RoleName="theirs")
    iam.tag_role(RoleName="theirs", Tags=[{"Key": "team", "Value": "blue"}])
    assert bob.get_role(RoleName="theirs")["Role"]["RoleName"] == "theirs"


def test_request_tag_condition_on_create_user(account, iam):
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:CreateUser", "iam:TagUser",
        condition={"StringEquals": {"aws:RequestTag/cost": "lab"}}))
    error_of(bob.create_user, UserName="u1")
    bob.create_user(UserName="u2", Tags=[{"Key": "cost", "Value": "lab"}])


def test_principal_tag_condition(account, iam):
    bob = user_client(account, iam, "bob", Tags=[{"Key": "dept", "Value": "ops"}])
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:ListUsers", condition={"StringEquals": {"aws:PrincipalTag/dept": "ops"}}))
    bob.list_users()
    iam.tag_user(UserName="bob", Tags=[{"Key": "dept", "Value": "dev"}])
    error_of(bob.list_users)


def test_source_ip_condition(account, iam):
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:ListUsers", condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    bob.list_users()
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:ListUsers", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    error_of(bob.list_users)


def test_username_policy_variable_scopes_access_keys_to_self(account, iam):
    bob = user_client(account, iam, "bob")
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="bob", PolicyName="self", PolicyDocument=allow(
        "iam:ListAccessKeys", resource=f"arn:aws:iam::{account.account_id}:user/${{aws:username}}"))
    assert len(bob.list_access_keys()["AccessKeyMetadata"]) == 1
    assert bob.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    error_of(bob.list_access_keys, UserName="alice")


def test_policy_arn_condition_on_attach(account, iam):
    bob = user_client(account, iam, "bob")
    iam.create_user(UserName="carol")
    readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:AttachUserPolicy", condition={"ArnEquals": {"iam:PolicyARN": readonly}}))
    bob.attach_user_policy(UserName="carol", PolicyArn=readonly)
    error_of(bob.attach_user_policy, UserName="carol",
             PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")


def test_permissions_boundary_condition_on_create_user(account, iam):
    boundary = iam.create_policy(PolicyName="b", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow(
        "iam:CreateUser", condition={"StringEquals": {"iam:PermissionsBoundary": boundary}}))
    error_of(bob.create_user, UserName="free")
    bob.create_user(UserName="bounded", PermissionsBoundary=boundary)


def test_add_role_to_instance_profile_needs_pass_role(account, iam):
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust)
    iam.create_instance_profile(InstanceProfileName="web")
    bob = user_client(account, iam, "bob")
    iam.put_user_policy(UserName="bob", PolicyName="p",
                        PolicyDocument=allow("iam:AddRoleToInstanceProfile"))
    response = error_of(bob.add_role_to_instance_profile, InstanceProfileName="web",
                        RoleName="web")
    assert "iam:PassRole on resource: arn:aws:iam::" in response["Error"]["Message"]
    iam.put_user_policy(UserName="bob", PolicyName="pass", PolicyDocument=allow(
        "iam:PassRole",
        condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}))
    bob.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")


def test_root_user_is_not_limited_by_policies(iam):
    iam.create_user(UserName="someone")
    assert iam.list_users()["Users"]


def trust(principal: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})


def test_trust_policy_naming_the_user_needs_no_identity_policy(account, iam):
    bob_sts = user_client(account, iam, "bob", "sts")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(
        f"arn:aws:iam::{account.account_id}:user/bob"))
    role_arn = f"arn:aws:iam::{account.account_id}:role/r"
    assert bob_sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]


def test_boundary_must_allow_assume_role_even_when_trust_names_the_user(account, iam):
    boundary = iam.create_policy(PolicyName="b", PolicyDocument=allow("s3:*"))["Policy"]["Arn"]
    bob_sts = user_client(account, iam, "bob", "sts", PermissionsBoundary=boundary)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(
        f"arn:aws:iam::{account.account_id}:user/bob"))
    role_arn = f"arn:aws:iam::{account.account_id}:role/r"
    response = error_of(bob_sts.assume_role, RoleArn=role_arn, RoleSessionName="s1")
    assert response["Error"]["Message"].startswith(
        f"User: arn:aws:iam::{account.account_id}:user/bob is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}")
    iam.create_policy_version(PolicyArn=boundary, SetAsDefault=True,
                              PolicyDocument=allow("s3:*", "sts:AssumeRole"))
    assert bob_sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]


def test_trust_policy_naming_the_account_needs_an_identity_policy(account, iam):
    bob_sts = user_client(account, iam, "bob", "sts")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(account.account_id))
    role_arn = f"arn:aws:iam::{account.account_id}:role/r"
    error_of(bob_sts.assume_role, RoleArn=role_arn, RoleSessionName="s1")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    assert bob_sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]


def test_root_may_not_assume_roles(account, iam, sts):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(account.account_id))
    response = error_of(sts.assume_role,
                        RoleArn=f"arn:aws:iam::{account.account_id}:role/r",
                        RoleSessionName="s1")
    assert response["Error"] == {"Type": "Sender", "Code": "AccessDenied",
                                 "Message": "Roles may not be assumed by root accounts."}


def test_role_session_has_the_roles_permissions_and_session_policy_limits(account, iam):
    bob_sts = user_client(account, iam, "bob", "sts")
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust(
        f"arn:aws:iam::{account.account_id}:user/bob"))
    iam.attach_role_policy(RoleName="reader",
                           PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    role_arn = f"arn:aws:iam::{account.account_id}:role/reader"

    def session_client(**extra):
        creds = bob_sts.assume_role(RoleArn=role_arn, RoleSessionName="s1",
                                    **extra)["Credentials"]
        return account.client("iam", access_key_id=creds["AccessKeyId"],
                              secret_access_key=creds["SecretAccessKey"],
                              session_token=creds["SessionToken"])

    session = session_client()
    assert session.list_roles()["Roles"][0]["RoleName"] == "reader"
    response = error_of(session.create_user, UserName="x")
    assert response["Error"]["Message"] == (
        f"User: arn:aws:sts::{account.account_id}:assumed-role/reader/s1 is not authorized to "
        f"perform: iam:CreateUser on resource: arn:aws:iam::{account.account_id}:user/x "
        "because no identity-based policy allows the iam:CreateUser action")
    limited = session_client(Policy=allow("iam:ListUsers"))
    assert limited.list_users()["Users"]
    response = error_of(limited.list_roles)
    assert response["Error"]["Message"].endswith(
        "because no session policy allows the iam:ListRoles action")
