"""Account-wide reads, the account alias and login profiles, through boto3."""

from __future__ import annotations

import json
import secrets

import pytest
from botocore.exceptions import ClientError

DOC = json.dumps({"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
RDS_READ = "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess"


def _error(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    r = err.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_account_summary_counts_entities(iam):
    before = iam.get_account_summary()["SummaryMap"]
    assert before["Users"] == 0 and before["UsersQuota"] == 5000
    assert before["AccountAccessKeysPresent"] == 1  # the root key the account was made with
    assert before["AttachedPoliciesPerRoleQuota"] == 10 and before["GroupsPerUserQuota"] == 10
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam.attach_user_policy(UserName="u", PolicyArn=RDS_READ)
    after = iam.get_account_summary()["SummaryMap"]
    assert (after["Users"], after["Groups"], after["Roles"], after["Policies"]) == (1, 1, 1, 1)
    assert after["PolicyVersionsInUse"] == 2


def test_authorization_details_lists_everything_with_policies(iam, account):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="inline", PolicyDocument=DOC)
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName="ip")
    iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=RDS_READ)

    details = iam.get_account_authorization_details()
    user = details["UserDetailList"][0]
    assert user["UserName"] == "u" and user["GroupList"] == ["g"]
    assert user["UserPolicyList"][0]["PolicyName"] == "inline"
    assert user["UserPolicyList"][0]["PolicyDocument"] == json.loads(DOC)
    group = details["GroupDetailList"][0]
    assert group["AttachedManagedPolicies"] == [{"PolicyName": "p", "PolicyArn": arn}]
    role = details["RoleDetailList"][0]
    assert role["InstanceProfileList"][0]["InstanceProfileName"] == "ip"
    assert role["AttachedManagedPolicies"][0]["PolicyArn"] == RDS_READ
    assert "RoleLastUsed" in role
    assert sorted(p["Arn"] for p in details["Policies"]) == sorted([arn, RDS_READ])
    local = next(p for p in details["Policies"] if p["Arn"] == arn)
    assert local["PolicyVersionList"][0]["Document"] == json.loads(DOC)

    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and only_roles["Policies"] == []
    assert len(only_roles["RoleDetailList"]) == 1
    only_aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])
    assert [p["Arn"] for p in only_aws["Policies"]] == [RDS_READ]


def test_authorization_details_paginates(iam):
    for i in range(3):
        iam.create_user(UserName=f"u{i}")
    first = iam.get_account_authorization_details(MaxItems=2)
    assert first["IsTruncated"] and len(first["UserDetailList"]) == 2
    rest = iam.get_account_authorization_details(MaxItems=2, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["UserDetailList"]] == ["u2"]


def test_account_alias_create_replace_list_delete(iam, account):
    alias = f"rc-{secrets.token_hex(6)}"
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    iam.create_account_alias(AccountAlias=alias + "-b")  # an account has one alias
    assert iam.list_account_aliases()["AccountAliases"] == [alias + "-b"]
    with pytest.raises(ClientError) as err:
        iam.delete_account_alias(AccountAlias=alias)
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_account_alias(AccountAlias=alias + "-b")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_account_alias_is_unique_across_accounts(iam, server):
    from tests.conftest import new_account

    alias = f"rc-{secrets.token_hex(6)}"
    iam.create_account_alias(AccountAlias=alias)
    other = new_account(server).client("iam")
    with pytest.raises(ClientError) as err:
        other.create_account_alias(AccountAlias=alias)
    assert err.value.response["Error"]["Code"] == "EntityAlreadyExists"


def test_login_profile_lifecycle(iam):
    iam.create_user(UserName="u")
    created = iam.create_login_profile(UserName="u", Password="Passw0rd!x",
                                       PasswordResetRequired=True)["LoginProfile"]
    assert created["UserName"] == "u" and created["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as err:
        iam.create_login_profile(UserName="u", Password="Passw0rd!x")
    assert _error(err) == ("EntityAlreadyExists", "Login Profile for user u already exists.", 409)
    iam.update_login_profile(UserName="u", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="u")["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName="u")
    assert _error(err)[1] == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName="u")
    with pytest.raises(ClientError) as err:
        iam.get_login_profile(UserName="u")
    assert _error(err) == ("NoSuchEntity", "Login Profile for User u cannot be found.", 404)


def test_weak_password_violates_default_password_policy(iam):
    iam.create_user(UserName="u")
    for weak in ("Sh0rt!", "alllowercase1"):
        with pytest.raises(ClientError) as err:
            iam.create_login_profile(UserName="u", Password=weak)
        assert _error(err)[:2] == ("PasswordPolicyViolation",
                                   "Password does not conform to the account password policy.")
    with pytest.raises(ClientError):
        iam.get_login_profile(UserName="u")


def test_account_password_policy_lifecycle_and_enforcement(iam, account):
    with pytest.raises(ClientError) as err:
        iam.get_account_password_policy()
    assert _error(err) == (
        "NoSuchEntity",
        f"The Password Policy with domain name {account.account_id} cannot be found.", 404)
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True,
                                       MaxPasswordAge=90, PasswordReusePrevention=5)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    assert policy["RequireNumbers"] is False and policy["ExpirePasswords"] is True
    assert policy["MaxPasswordAge"] == 90 and policy["PasswordReusePrevention"] == 5
    iam.create_user(UserName="u")
    with pytest.raises(ClientError) as err:
        iam.create_login_profile(UserName="u", Password="Passw0rdPassw0rd")  # no symbol
    assert _error(err)[0] == "PasswordPolicyViolation"
    iam.create_login_profile(UserName="u", Password="all-lowercase-ok!")
    iam.update_account_password_policy()  # every parameter back to its default
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 6 and policy["ExpirePasswords"] is False
    assert "MaxPasswordAge" not in policy
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as err:
        iam.delete_account_password_policy()
    assert _error(err)[0] == "NoSuchEntity"
