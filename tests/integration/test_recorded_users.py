"""Users, groups, MFA devices and the account's own answers (aliases, password policy,
summary, authorization details) compared with responses recorded from AWS.

Sources: LocalStack's AWS-validated snapshot suites in github.com/localstack/localstack,
``tests/aws/services/iam/test_iam_users.snapshot.json``, ``test_iam_groups.snapshot.json``,
``test_iam_mfa.snapshot.json``, ``test_iam_account_aliases.snapshot.json``,
``test_iam_account_password_policy.snapshot.json``, ``test_iam_account_summary.snapshot.json``
and ``test_iam_account_authorization_details.snapshot.json`` (recorded against AWS in
February and March 2026). Each test names the recorded response it follows; what
test_recorded_shapes.py and test_recorded_credential_shapes.py already compare is not
repeated here.
"""

from __future__ import annotations

import json
import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from .recorded import recorded, recorded_error, sender, shape
from .test_saml_idp import Idp
from .test_ssh_public_keys import openssh
from .test_ssh_public_keys import rsa_key as ssh_key
from .x509_factory import cert_pem, certificate, key_pem, rsa_key

LIST_USERS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]})
# test_iam_groups.py's document: a single Statement object, not a list
GROUP_DOC = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::example_bucket"]}}
LIST_BUCKET_DOC = {"Version": "2012-10-17", "Statement": [
    {"Action": "s3:ListBucket", "Resource": "*", "Effect": "Allow"}]}
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})

USER = {"Arn": "arn:<partition>:iam::111111111111:user/<user-name:1>",
        "CreateDate": "<datetime>", "Path": "/", "UserId": "<user-id:1>",
        "UserName": "<user-name:1>"}
GROUP = {"Arn": "arn:<partition>:iam::111111111111:group/<group-name:1>",
         "CreateDate": "<datetime>", "GroupId": "<group-id:1>", "GroupName": "<group-name:1>",
         "Path": "/"}


def no_such_user(name: str) -> dict:
    return sender("NoSuchEntity", f"The user with name {name} cannot be found.", 404)


def no_such_group(name: str) -> dict:
    return sender("NoSuchEntity", f"The group with name {name} cannot be found.", 404)


# --- users (test_iam_users.snapshot.json) ----------------------------------------------

@pytest.mark.parametrize("path", [None, "/", "/test-lifecycle-path/"])
def test_user_lifecycle(iam, account, path):
    # TestUserLifecycle::test_user_lifecycle[path]: create-user, get-user, list-users,
    # list-filtered-users, list-filtered-users-partial-path, delete-user,
    # get-deleted-user-error
    extra = {"Path": path} if path else {}
    created = iam.create_user(UserName="lifecycle", **extra)
    assert shape(created) == recorded({"User": USER})
    expected_path = path or "/"
    arn = f"arn:aws:iam::{account.account_id}:user{expected_path}lifecycle"
    assert created["User"]["Arn"] == arn and created["User"]["Path"] == expected_path
    assert shape(iam.get_user(UserName="lifecycle")) == recorded({"User": USER})
    assert shape(iam.list_users()) == recorded({"IsTruncated": False, "Users": [USER]})
    if path not in (None, "/"):
        for prefix in (path, "/test-life"):
            listed = iam.list_users(PathPrefix=prefix)
            assert shape(listed) == recorded({"IsTruncated": False, "Users": [USER]})
            assert listed["Users"][0]["Arn"] == arn
    assert shape(iam.delete_user(UserName="lifecycle")) == {}
    assert recorded_error(iam.get_user, UserName="lifecycle") == no_such_user("lifecycle")


def test_user_update(iam, account):
    # TestUserLifecycle::test_user_update: update-user, get-updated-user, get-old-user-error
    user_id = iam.create_user(UserName="original")["User"]["UserId"]
    assert shape(iam.update_user(UserName="original", NewUserName="renamed",
                                 NewPath="/new-path/")) == {}
    got = iam.get_user(UserName="renamed")["User"]
    assert got["UserId"] == user_id
    assert got["Arn"] == f"arn:aws:iam::{account.account_id}:user/new-path/renamed"
    assert got["Path"] == "/new-path/"
    assert recorded_error(iam.get_user, UserName="original") == no_such_user("original")


def test_user_errors(iam):
    # TestUserLifecycle::test_user_errors
    iam.create_user(UserName="taken")
    assert recorded_error(iam.create_user, UserName="taken") == sender(
        "EntityAlreadyExists", "User with name taken already exists.", 409)
    missing = no_such_user("nonexistent-user")
    assert recorded_error(iam.get_user, UserName="nonexistent-user") == missing
    assert recorded_error(iam.update_user, UserName="nonexistent-user",
                          NewUserName="new-name") == missing
    assert recorded_error(iam.delete_user, UserName="nonexistent-user") == missing


def test_delete_user_with_policies(iam):
    # TestUserLifecycle::test_delete_user_with_attached_policy and
    # test_delete_user_with_inline_policy
    iam.create_user(UserName="attached")
    arn = iam.create_policy(PolicyName="p", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="attached", PolicyArn=arn)
    assert recorded_error(iam.delete_user, UserName="attached") == sender(
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_user_policy(UserName="attached", PolicyArn=arn)
    assert shape(iam.delete_user(UserName="attached")) == {}
    iam.create_user(UserName="inline")
    iam.put_user_policy(UserName="inline", PolicyName="p", PolicyDocument=LIST_USERS)
    assert recorded_error(iam.delete_user, UserName="inline") == sender(
        "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_user_policy(UserName="inline", PolicyName="p")
    assert shape(iam.delete_user(UserName="inline")) == {}
    assert recorded_error(iam.get_user, UserName="inline") == no_such_user("inline")


ACCESS_KEY = {"AccessKeyId": "<access-key-id:1>", "CreateDate": "<datetime>",
              "Status": "Active", "UserName": "<user-name:1>"}


def test_access_key_lifecycle(iam):
    # TestUserAccessKeys::test_access_key_lifecycle and test_access_key_update_status
    iam.create_user(UserName="keyed")
    assert shape(iam.list_access_keys(UserName="keyed")) == recorded(
        {"AccessKeyMetadata": [], "IsTruncated": False})
    created = iam.create_access_key(UserName="keyed")
    assert shape(created) == recorded(
        {"AccessKey": {**ACCESS_KEY, "SecretAccessKey": "<secret-access-key:1>"}})
    key = created["AccessKey"]["AccessKeyId"]
    assert len(key) == 20 and len(created["AccessKey"]["SecretAccessKey"]) == 40
    listed = iam.list_access_keys(UserName="keyed")
    assert shape(listed) == recorded({"AccessKeyMetadata": [ACCESS_KEY], "IsTruncated": False})
    iam.update_access_key(UserName="keyed", AccessKeyId=key, Status="Inactive")
    listed = iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"]
    assert [k["Status"] for k in listed] == ["Inactive"]
    iam.update_access_key(UserName="keyed", AccessKeyId=key, Status="Active")
    assert shape(iam.delete_access_key(UserName="keyed", AccessKeyId=key)) == {}
    assert iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"] == []


def test_access_key_limit_and_errors(iam):
    # TestUserAccessKeys::test_access_key_limit (create-third-access-key-error) and
    # test_access_key_errors (create-access-key-unknown-user-error,
    # update-nonexistent-access-key-error)
    iam.create_user(UserName="limited")
    assert recorded_error(iam.create_access_key, UserName="nonexistent-user") == (
        no_such_user("nonexistent-user"))
    assert recorded_error(iam.update_access_key, UserName="limited",
                          AccessKeyId="AKIAIOSFODNN7EXAMPLE", Status="Inactive") == sender(
        "NoSuchEntity", "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.", 404)
    iam.create_access_key(UserName="limited")
    iam.create_access_key(UserName="limited")
    assert recorded_error(iam.create_access_key, UserName="limited") == sender(
        "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    assert len(iam.list_access_keys(UserName="limited")["AccessKeyMetadata"]) == 2


def test_delete_access_key_without_username_as_a_role_session(iam, account):
    # TestUserAccessKeys::test_access_key_errors, delete-access-key-without-username-error:
    # the caller there is a role session. (The account's root user naming no user manages
    # its own keys, as the DeleteAccessKey reference says, so it is not asked here.)
    iam.create_user(UserName="key-holder")
    key = iam.create_access_key(UserName="key-holder")["AccessKey"]["AccessKeyId"]
    session = _admin_session(iam, account)
    assert recorded_error(session.delete_access_key, AccessKeyId=key) == sender(
        "ValidationError", "Must specify userName when calling with non-User credentials", 400)
    listed = iam.list_access_keys(UserName="key-holder")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key, "Active")]


def _admin_session(iam, account):
    """An IAM client signed by a session of a role allowed every IAM action."""
    iam.create_role(RoleName="admin", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"},
            "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="admin", PolicyName="all-iam", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}))
    iam.create_user(UserName="assumer")
    iam.put_user_policy(UserName="assumer", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="assumer")["AccessKey"]
    sts = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account.account_id}:role/admin",
        RoleSessionName="admin")["Credentials"]
    return account.client("iam", access_key_id=credentials["AccessKeyId"],
                          secret_access_key=credentials["SecretAccessKey"],
                          session_token=credentials["SessionToken"])


def test_access_key_deletion_without_username(iam, account):
    # TestUserAccessKeys::test_access_key_deletion_without_username: a user deletes its own
    # key without naming itself
    iam.create_user(UserName="self-deleter")
    iam.put_user_policy(UserName="self-deleter", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:DeleteAccessKey", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="self-deleter")["AccessKey"]
    own = account.client("iam", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    assert shape(own.delete_access_key(AccessKeyId=key["AccessKeyId"])) == {}
    assert iam.list_access_keys(UserName="self-deleter")["AccessKeyMetadata"] == []


def test_user_inline_policy_lifecycle(iam):
    # TestUserPolicies::test_user_inline_policy_lifecycle
    iam.create_user(UserName="inline-user")
    assert shape(iam.list_user_policies(UserName="inline-user")) == recorded(
        {"IsTruncated": False, "PolicyNames": []})
    assert shape(iam.put_user_policy(UserName="inline-user", PolicyName="p",
                                     PolicyDocument=LIST_USERS)) == {}
    got = iam.get_user_policy(UserName="inline-user", PolicyName="p")
    assert shape(got) == recorded({"PolicyDocument": json.loads(LIST_USERS),
                                   "PolicyName": "<policy-name:1>",
                                   "UserName": "<user-name:1>"})
    assert got["PolicyDocument"] == json.loads(LIST_USERS)
    assert iam.list_user_policies(UserName="inline-user")["PolicyNames"] == ["p"]
    assert shape(iam.delete_user_policy(UserName="inline-user", PolicyName="p")) == {}
    assert iam.list_user_policies(UserName="inline-user")["PolicyNames"] == []


def test_user_managed_policies(iam, account):
    # TestUserPolicies::test_user_managed_policy_lifecycle and test_user_managed_policy_errors
    iam.create_user(UserName="managed-user")
    arn = iam.create_policy(PolicyName="managed", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    assert shape(iam.list_attached_user_policies(UserName="managed-user")) == recorded(
        {"AttachedPolicies": [], "IsTruncated": False})
    ghost = f"arn:aws:iam::{account.account_id}:policy/nonexistent"
    assert recorded_error(iam.attach_user_policy, UserName="managed-user",
                          PolicyArn=ghost) == sender(
        "NoSuchEntity", f"Policy {ghost} does not exist or is not attachable.", 404)
    assert recorded_error(iam.detach_user_policy, UserName="managed-user",
                          PolicyArn=arn) == sender(
        "NoSuchEntity", f"Policy {arn} was not found.", 404)
    assert shape(iam.attach_user_policy(UserName="managed-user", PolicyArn=arn)) == {}
    assert iam.list_attached_user_policies(UserName="managed-user")["AttachedPolicies"] == [
        {"PolicyArn": arn, "PolicyName": "managed"}]
    assert shape(iam.detach_user_policy(UserName="managed-user", PolicyArn=arn)) == {}
    assert iam.list_attached_user_policies(UserName="managed-user")["AttachedPolicies"] == []


def test_user_tags(iam):
    # TestUserTags::test_user_tag_lifecycle, test_user_tag_operations, test_user_tag_errors
    tags = [{"Key": "Environment", "Value": "Test"}, {"Key": "Team", "Value": "Platform"}]
    created = iam.create_user(UserName="tagged", Tags=tags)
    assert shape(created) == recorded({"User": {**USER, "Tags": tags}})
    assert created["User"]["Tags"] == tags
    assert iam.list_user_tags(UserName="tagged")["Tags"] == tags
    assert iam.get_user(UserName="tagged")["User"]["Tags"] == tags
    iam.create_user(UserName="untagged")
    assert shape(iam.list_user_tags(UserName="untagged")) == recorded(
        {"IsTruncated": False, "Tags": []})
    pair = [{"Key": "key-1", "Value": "value-1"}, {"Key": "key-2", "Value": "value-2"}]
    assert shape(iam.tag_user(UserName="untagged", Tags=pair)) == {}
    assert iam.list_user_tags(UserName="untagged")["Tags"] == pair
    assert shape(iam.untag_user(UserName="untagged", TagKeys=["key-2"])) == {}
    assert iam.list_user_tags(UserName="untagged")["Tags"] == pair[:1]
    missing = no_such_user("nonexistent-user")
    assert recorded_error(iam.tag_user, UserName="nonexistent-user",
                          Tags=[{"Key": "key", "Value": "value"}]) == missing
    assert recorded_error(iam.untag_user, UserName="nonexistent-user",
                          TagKeys=["key"]) == missing
    assert recorded_error(iam.list_user_tags, UserName="nonexistent-user") == missing


def test_user_group_membership(iam):
    # TestUserGroups::test_user_group_membership: list-groups-for-user-empty,
    # list-groups-for-user, get-group-with-user, remove-nonmember-user-from-group (succeeds)
    iam.create_user(UserName="member")
    iam.create_group(GroupName="group-1")
    iam.create_group(GroupName="group-2")
    assert shape(iam.list_groups_for_user(UserName="member")) == recorded(
        {"Groups": [], "IsTruncated": False})
    assert shape(iam.add_user_to_group(GroupName="group-1", UserName="member")) == {}
    iam.add_user_to_group(GroupName="group-2", UserName="member")
    iam.add_user_to_group(GroupName="group-1", UserName="member")
    listed = iam.list_groups_for_user(UserName="member")
    assert shape(listed) == recorded({"Groups": [GROUP, GROUP], "IsTruncated": False})
    assert sorted(g["GroupName"] for g in listed["Groups"]) == ["group-1", "group-2"]
    got = iam.get_group(GroupName="group-1")
    assert shape(got) == recorded({"Group": GROUP, "IsTruncated": False, "Users": [USER]})
    assert shape(iam.remove_user_from_group(GroupName="group-1", UserName="member")) == {}
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="member")["Groups"]] == [
        "group-2"]
    assert shape(iam.remove_user_from_group(GroupName="group-1", UserName="member")) == {}


def test_user_group_errors(iam):
    # TestUserGroups::test_user_group_errors
    iam.create_user(UserName="lonely")
    iam.create_group(GroupName="club")
    assert recorded_error(iam.add_user_to_group, GroupName="club",
                          UserName="nonexistent-user") == no_such_user("nonexistent-user")
    assert recorded_error(iam.add_user_to_group, GroupName="nonexistent-group",
                          UserName="lonely") == no_such_group("nonexistent-group")
    assert recorded_error(iam.remove_user_from_group, GroupName="nonexistent-group",
                          UserName="lonely") == no_such_group("nonexistent-group")


def _enable_mfa(iam, user: str, device: str) -> str:
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName=device)["VirtualMFADevice"]
    totp = pyotp.TOTP(created["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName=user, SerialNumber=created["SerialNumber"],
                          AuthenticationCode1=totp.at(now - 30),
                          AuthenticationCode2=totp.at(now))
    return created["SerialNumber"]


def test_user_rename_carries_credentials(iam, account):
    # TestUserRename: test_user_rename_preserves_access_key_identity,
    # test_user_rename_updates_access_key_metadata, test_user_rename_updates_login_profile,
    # test_user_rename_updates_ssh_public_keys, test_user_rename_updates_mfa_devices and
    # test_user_rename_updates_service_specific_credentials (ServiceUserName keeps the old
    # name)
    user_id = iam.create_user(UserName="before")["User"]["UserId"]
    key = iam.create_access_key(UserName="before")["AccessKey"]
    iam.create_login_profile(UserName="before", Password="Recorded-Passw0rd!")
    iam.upload_ssh_public_key(UserName="before", SSHPublicKeyBody=openssh(ssh_key()))
    serial = _enable_mfa(iam, "before", "renamed-device")
    credential = iam.create_service_specific_credential(
        UserName="before", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    sts = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    identity = sts.get_caller_identity()
    assert identity["Arn"].endswith(":user/before") and identity["UserId"] == user_id
    iam.update_user(UserName="before", NewUserName="after")
    got = iam.get_user(UserName="after")["User"]
    assert got["UserId"] == user_id and got["Arn"].endswith(":user/after")
    identity = sts.get_caller_identity()
    assert identity["Arn"] == got["Arn"] and identity["UserId"] == user_id
    keys = iam.list_access_keys(UserName="after")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["UserName"]) for k in keys] == [(key["AccessKeyId"], "after")]
    assert iam.get_login_profile(UserName="after")["LoginProfile"]["UserName"] == "after"
    ssh = iam.list_ssh_public_keys(UserName="after")["SSHPublicKeys"]
    assert [k["UserName"] for k in ssh] == ["after"]
    devices = iam.list_mfa_devices(UserName="after")
    assert shape(devices) == recorded({"IsTruncated": False, "MFADevices": [
        {"EnableDate": "<datetime>", "SerialNumber": "s", "UserName": "<user-name:2>"}]})
    assert [(d["SerialNumber"], d["UserName"]) for d in devices["MFADevices"]] == [
        (serial, "after")]
    listed = iam.list_service_specific_credentials(UserName="after")
    assert [(c["UserName"], c["ServiceUserName"])
            for c in listed["ServiceSpecificCredentials"]] == [
        ("after", credential["ServiceUserName"])]
    assert credential["ServiceUserName"].startswith("before-at-")


# --- groups (test_iam_groups.snapshot.json) --------------------------------------------

def test_group_crud(iam, account):
    # TestIAMGroupsCRUD: test_create_group, test_get_group, test_get_group_with_path,
    # test_list_groups, test_delete_group, test_delete_unknown_group
    created = iam.create_group(GroupName="crud")
    assert shape(created) == recorded({"Group": GROUP})
    assert recorded_error(iam.create_group, GroupName="crud") == sender(
        "EntityAlreadyExists", "Group with name crud already exists.", 409)
    assert shape(iam.get_group(GroupName="crud")) == recorded(
        {"Group": GROUP, "IsTruncated": False, "Users": []})
    assert recorded_error(iam.get_group, GroupName="non-existent-group") == no_such_group(
        "non-existent-group")
    located = iam.create_group(GroupName="located", Path="/some/location/")["Group"]
    assert located["Arn"] == f"arn:aws:iam::{account.account_id}:group/some/location/located"
    assert located["Path"] == "/some/location/"
    assert shape(iam.list_groups()) == recorded({"Groups": [GROUP, GROUP], "IsTruncated": False})
    assert shape(iam.delete_group(GroupName="crud")) == {}
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["located"]
    assert recorded_error(iam.delete_group, GroupName="unknown-group") == no_such_group(
        "unknown-group")


def test_update_group(iam, account):
    # TestIAMGroupsCRUD: test_update_group_name, test_update_group_path,
    # test_update_group_not_found, test_update_group_duplicate_name
    group_id = iam.create_group(GroupName="old-name", Path="/path/")["Group"]["GroupId"]
    iam.update_group(GroupName="old-name", NewGroupName="new-name", NewPath="/new-path/")
    assert recorded_error(iam.get_group, GroupName="old-name") == no_such_group("old-name")
    got = iam.get_group(GroupName="new-name")["Group"]
    assert got == {**got, "GroupId": group_id, "Path": "/new-path/",
                   "Arn": f"arn:aws:iam::{account.account_id}:group/new-path/new-name"}
    assert recorded_error(iam.update_group, GroupName="nonexisting",
                          NewGroupName="new-name-2") == no_such_group("nonexisting")
    iam.create_group(GroupName="other")
    assert recorded_error(iam.update_group, GroupName="other", NewGroupName="new-name") == (
        sender("EntityAlreadyExists", "Group with name new-name already exists.", 409))


def test_group_membership(iam):
    # TestIAMGroupsMembership: test_add_user_to_group, test_add_unknown_user_to_group,
    # test_add_user_to_unknown_group, test_remove_user_from_group,
    # test_add_user_to_group_idempotent, test_list_groups_for_user
    iam.create_group(GroupName="members")
    iam.create_group(GroupName="not-joined")
    iam.create_user(UserName="joiner")
    iam.add_user_to_group(GroupName="members", UserName="joiner")
    iam.add_user_to_group(GroupName="members", UserName="joiner")
    assert shape(iam.get_group(GroupName="members")) == recorded(
        {"Group": GROUP, "IsTruncated": False, "Users": [USER]})
    assert shape(iam.list_groups_for_user(UserName="joiner")["Groups"]) == recorded([GROUP])
    assert recorded_error(iam.add_user_to_group, GroupName="members",
                          UserName="non-existent-user") == no_such_user("non-existent-user")
    assert recorded_error(iam.add_user_to_group, GroupName="non-existent-group",
                          UserName="joiner") == no_such_group("non-existent-group")
    iam.remove_user_from_group(GroupName="members", UserName="joiner")
    assert iam.get_group(GroupName="members")["Users"] == []
    assert iam.list_groups_for_user(UserName="joiner")["Groups"] == []


def test_group_policies(iam, account):
    # TestIAMGroupsPolicies: test_put_group_policy, test_get_group_policy (the document
    # comes back as it was put, its single Statement an object), test_list_group_policies,
    # test_attach_detach_group_policy, test_detach_unattached_group_policy
    iam.create_group(GroupName="policied")
    assert recorded_error(iam.get_group_policy, GroupName="policied", PolicyName="gp") == (
        sender("NoSuchEntity", "The group policy with name gp cannot be found.", 404))
    assert shape(iam.list_group_policies(GroupName="policied")) == recorded(
        {"IsTruncated": False, "PolicyNames": []})
    assert shape(iam.put_group_policy(GroupName="policied", PolicyName="gp",
                                      PolicyDocument=json.dumps(GROUP_DOC))) == {}
    got = iam.get_group_policy(GroupName="policied", PolicyName="gp")
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        "GroupName": "policied", "PolicyDocument": GROUP_DOC, "PolicyName": "gp"}
    assert iam.list_group_policies(GroupName="policied")["PolicyNames"] == ["gp"]
    arn = iam.create_policy(PolicyName="gm", PolicyDocument=json.dumps(GROUP_DOC))["Policy"][
        "Arn"]
    assert shape(iam.list_attached_group_policies(GroupName="policied")) == recorded(
        {"AttachedPolicies": [], "IsTruncated": False})
    assert recorded_error(iam.detach_group_policy, GroupName="policied",
                          PolicyArn=arn) == sender(
        "NoSuchEntity", f"Policy {arn} was not found.", 404)
    iam.attach_group_policy(GroupName="policied", PolicyArn=arn)
    assert iam.list_attached_group_policies(GroupName="policied")["AttachedPolicies"] == [
        {"PolicyArn": arn, "PolicyName": "gm"}]
    iam.detach_group_policy(GroupName="policied", PolicyArn=arn)
    assert iam.list_attached_group_policies(GroupName="policied")["AttachedPolicies"] == []


# --- MFA devices (test_iam_mfa.snapshot.json) ------------------------------------------

@pytest.mark.parametrize("path", [None, "/", "/test-path/", "/test//double/"])
def test_virtual_mfa_device_lifecycle(iam, account, path):
    # TestVirtualMfaDevice::test_virtual_mfa_device_lifecycle[path]
    extra = {"Path": path} if path is not None else {}
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName="device", **extra)
    serial = created["VirtualMFADevice"]["SerialNumber"]
    assert serial == f"arn:aws:iam::{account.account_id}:mfa{path or '/'}device"
    listed = iam.list_virtual_mfa_devices()
    assert listed["VirtualMFADevices"] == [{"SerialNumber": serial}]
    assert listed["IsTruncated"] is False
    assert shape(iam.delete_virtual_mfa_device(SerialNumber=serial)) == {}
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_virtual_mfa_device_path_errors(iam):
    # TestVirtualMfaDevice::test_virtual_mfa_device_errors:
    # create-invalid-path-no-leading-slash-error, create-invalid-path-no-trailing-slash-error,
    # create-path-too-long-error
    invalid = sender("ValidationError", "The specified value for path is invalid. It must "
                     "begin and end with / and contain only alphanumeric characters and/or / "
                     "characters.", 400)
    for path in ("invalid-path/", "/invalid-path"):
        assert recorded_error(iam.create_virtual_mfa_device, VirtualMFADeviceName="d",
                              Path=path) == invalid
    assert recorded_error(iam.create_virtual_mfa_device, VirtualMFADeviceName="d",
                          Path="/" + "a" * 512 + "/") == sender(
        "ValidationError", "1 validation error detected: Value at 'path' failed to satisfy "
        "constraint: Member must have length less than or equal to 512", 400)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_list_virtual_mfa_devices(iam):
    # TestVirtualMfaDevice::test_list_virtual_mfa_devices: list-unassigned, list-assigned,
    # list-any, MaxItems paging and list-invalid-marker-error
    serials = [iam.create_virtual_mfa_device(VirtualMFADeviceName=f"mfa-list-{i}")[
        "VirtualMFADevice"]["SerialNumber"] for i in range(3)]
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")
    assert shape(unassigned) == recorded({"IsTruncated": False, "VirtualMFADevices": [
        {"SerialNumber": "s"}] * 3})
    assert sorted(d["SerialNumber"] for d in unassigned["VirtualMFADevices"]) == sorted(serials)
    assert shape(iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")) == recorded(
        {"IsTruncated": False, "VirtualMFADevices": []})
    assert len(iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"]) == 3
    page = iam.list_virtual_mfa_devices(MaxItems=1)
    assert len(page["VirtualMFADevices"]) == 1 and page["IsTruncated"] is True
    following = iam.list_virtual_mfa_devices(Marker=page["Marker"], MaxItems=1)
    assert following["VirtualMFADevices"] != page["VirtualMFADevices"]
    assert recorded_error(iam.list_virtual_mfa_devices, Marker="invalid-marker-value") == (
        sender("ValidationError", "Invalid Marker.", 400))


def test_enable_virtual_mfa_device(iam):
    # TestVirtualMfaDevice::test_enable_virtual_mfa_device: list-mfa-devices-before,
    # list-mfa-devices-after, list-assigned-with-user, list-mfa-devices-after-deactivate
    iam.create_user(UserName="mfa-owner")
    assert shape(iam.list_mfa_devices(UserName="mfa-owner")) == recorded(
        {"IsTruncated": False, "MFADevices": []})
    serial = _enable_mfa(iam, "mfa-owner", "owned")
    assert shape(iam.list_mfa_devices(UserName="mfa-owner")) == recorded(
        {"IsTruncated": False, "MFADevices": [
            {"EnableDate": "<datetime>", "SerialNumber": "s", "UserName": "<user-name:1>"}]})
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")
    assert shape(assigned) == recorded({"IsTruncated": False, "VirtualMFADevices": [
        {"EnableDate": "<datetime>", "SerialNumber": "s", "User": USER}]})
    assert shape(iam.deactivate_mfa_device(UserName="mfa-owner", SerialNumber=serial)) == {}
    assert iam.list_mfa_devices(UserName="mfa-owner")["MFADevices"] == []
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"] == []


def test_enable_mfa_device_errors(iam):
    # TestVirtualMfaDevice::test_enable_mfa_device_errors (enable-mfa-nonexistent-user-error:
    # the missing user is reported before the codes are looked at) and
    # test_enable_mfa_device_already_attached
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")[
        "VirtualMFADevice"]["SerialNumber"]
    assert recorded_error(iam.enable_mfa_device, UserName="nonexistent-user",
                          SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321") == no_such_user("nonexistent-user")
    assert recorded_error(iam.deactivate_mfa_device, UserName="nonexistent-user",
                          SerialNumber=serial) == no_such_user("nonexistent-user")
    iam.create_user(UserName="first")
    iam.create_user(UserName="second")
    used = _enable_mfa(iam, "first", "in-use")
    in_use = sender("EntityAlreadyExists", "MFA Device is already in use.", 409)
    for user in ("first", "second"):
        assert recorded_error(iam.enable_mfa_device, UserName=user, SerialNumber=used,
                              AuthenticationCode1="123456",
                              AuthenticationCode2="654321") == in_use
    assert iam.list_mfa_devices(UserName="second")["MFADevices"] == []


# --- account aliases, password policy, summary ----------------------------------------

def test_account_alias_lifecycle(iam):
    # test_iam_account_aliases.snapshot.json: test_account_alias_lifecycle
    assert shape(iam.list_account_aliases()) == recorded(
        {"AccountAliases": [], "IsTruncated": False})
    assert shape(iam.create_account_alias(AccountAlias="recorded-alias")) == {}
    assert iam.list_account_aliases()["AccountAliases"] == ["recorded-alias"]
    assert shape(iam.delete_account_alias(AccountAlias="recorded-alias")) == {}
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_account_password_policy_custom_values(iam):
    # test_iam_account_password_policy.snapshot.json:
    # test_update_account_password_policy_custom_values, password-policy-custom
    assert shape(iam.update_account_password_policy(
        AllowUsersToChangePassword=True, HardExpiry=True, MaxPasswordAge=60,
        MinimumPasswordLength=10, PasswordReusePrevention=3, RequireLowercaseCharacters=True,
        RequireNumbers=True, RequireSymbols=True, RequireUppercaseCharacters=True)) == {}
    got = iam.get_account_password_policy()
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {"PasswordPolicy": {
        "AllowUsersToChangePassword": True, "ExpirePasswords": True, "HardExpiry": True,
        "MaxPasswordAge": 60, "MinimumPasswordLength": 10, "PasswordReusePrevention": 3,
        "RequireLowercaseCharacters": True, "RequireNumbers": True, "RequireSymbols": True,
        "RequireUppercaseCharacters": True}}


def test_account_password_policy_validation_errors(iam):
    # test_iam_account_password_policy.snapshot.json:
    # test_update_account_password_policy_validation_errors (AWS lists the three in this
    # order, not in the order of the request's members)
    assert recorded_error(iam.update_account_password_policy, MaxPasswordAge=1096,
                          MinimumPasswordLength=129, PasswordReusePrevention=25) == sender(
        "ValidationError", "3 validation errors detected: Value at 'minimumPasswordLength' "
        "failed to satisfy constraint: Member must have value less than or equal to 128; "
        "Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have "
        "value less than or equal to 24; Value at 'maxPasswordAge' failed to satisfy "
        "constraint: Member must have value less than or equal to 1095", 400)
    with pytest.raises(ClientError):
        iam.get_account_password_policy()


# The recording's AccountAccessKeysPresent (0) is left out: it counts the root user's keys,
# and the accounts here are made with one.
QUOTAS = {
    "AccessKeysPerUserQuota": 2, "AccountMFAEnabled": 0,
    "AccountSigningCertificatesPresent": 0, "AssumeRolePolicySizeQuota": 2048,
    "AttachedPoliciesPerGroupQuota": 10, "AttachedPoliciesPerRoleQuota": 10,
    "AttachedPoliciesPerUserQuota": 10, "GlobalEndpointTokenVersion": 1,
    "GroupPolicySizeQuota": 5120, "GroupsPerUserQuota": 10, "GroupsQuota": 300,
    "InstanceProfilesQuota": 1000, "PoliciesQuota": 1500, "PolicySizeQuota": 6144,
    "PolicyVersionsInUseQuota": 10000, "RolePolicySizeQuota": 10240, "RolesQuota": 1000,
    "ServerCertificatesQuota": 20, "SigningCertificatesPerUserQuota": 2,
    "UserPolicySizeQuota": 2048, "UsersQuota": 5000, "VersionsPerPolicyQuota": 5,
}
COUNTED = ["AccountPasswordPresent", "Groups", "InstanceProfiles", "MFADevices",
           "MFADevicesInUse", "Policies", "PolicyVersionsInUse", "Providers", "Roles",
           "ServerCertificates", "Users"]


def test_get_account_summary_quotas(iam):
    # test_iam_account_summary.snapshot.json: test_get_account_summary_format
    summary = iam.get_account_summary()["SummaryMap"]
    assert {k: summary[k] for k in QUOTAS} == QUOTAS


def test_get_account_summary_counts(iam):
    # test_iam_account_summary.snapshot.json: test_get_account_summary_with_resources
    # (resource-deltas)
    before = iam.get_account_summary()["SummaryMap"]
    iam.create_user(UserName="counted")
    iam.create_group(GroupName="counted")
    iam.create_role(RoleName="counted", AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName="counted", PolicyDocument=json.dumps(LIST_BUCKET_DOC))[
        "Policy"]["Arn"]
    iam.attach_role_policy(RoleName="counted", PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName="counted")
    iam.create_open_id_connect_provider(Url="https://oidc-counted.example.com",
                                        ThumbprintList=["a" * 40])
    iam.create_saml_provider(Name="counted", SAMLMetadataDocument=Idp().metadata())
    _enable_mfa(iam, "counted", "counted")
    key, ca_key = rsa_key(4), rsa_key(5)
    leaf = certificate(key, "counted", issuer_key=ca_key, issuer_name="Recorded CA")
    iam.upload_server_certificate(ServerCertificateName="counted", CertificateBody=cert_pem(leaf),
                                  PrivateKey=key_pem(key))
    after = iam.get_account_summary()["SummaryMap"]
    assert {k: after[k] - before[k] for k in COUNTED} == {
        "AccountPasswordPresent": 0, "Groups": 1, "InstanceProfiles": 1, "MFADevices": 1,
        "MFADevicesInUse": 1, "Policies": 1, "PolicyVersionsInUse": 1, "Providers": 2,
        "Roles": 1, "ServerCertificates": 1, "Users": 1}


# --- authorization details (test_iam_account_authorization_details.snapshot.json) -------

def _full(iam, *filters: str) -> dict:
    """Every page joined, as the recordings were taken (the paginator drops IsTruncated)."""
    paginator = iam.get_paginator("get_account_authorization_details")
    params = {"Filter": list(filters)} if filters else {}
    return paginator.paginate(**params).build_full_result()


MANAGED = {"PolicyArn": "a", "PolicyName": "n"}
TAGS = [{"Key": "somekey", "Value": "somevalue"},
        {"Key": "someotherkey", "Value": "someothervalue"}]


def test_authorization_details_filter_user(iam):
    # test_get_account_authorization_details_filter_user: user-filter-result
    iam.create_user(UserName="detailed")
    iam.create_group(GroupName="detailed-group")
    arn = iam.create_policy(PolicyName="detailed",
                            PolicyDocument=json.dumps(LIST_BUCKET_DOC))["Policy"]["Arn"]
    iam.put_user_policy(UserName="detailed", PolicyName="user-inline-policy",
                        PolicyDocument=json.dumps(LIST_BUCKET_DOC))
    iam.attach_user_policy(UserName="detailed", PolicyArn=arn)
    iam.add_user_to_group(GroupName="detailed-group", UserName="detailed")
    iam.tag_user(UserName="detailed", Tags=TAGS)
    out = _full(iam, "User")
    assert shape(out) == recorded({
        "GroupDetailList": [], "Policies": [], "RoleDetailList": [],
        "UserDetailList": [{**USER, "AttachedManagedPolicies": [MANAGED],
                            "GroupList": ["<group-name:1>"], "Tags": TAGS,
                            "UserPolicyList": [{"PolicyDocument": LIST_BUCKET_DOC,
                                                "PolicyName": "p"}]}]})
    user = out["UserDetailList"][0]
    assert user["GroupList"] == ["detailed-group"] and user["Tags"] == TAGS
    assert user["AttachedManagedPolicies"] == [{"PolicyArn": arn, "PolicyName": "detailed"}]
    assert user["UserPolicyList"] == [{"PolicyDocument": LIST_BUCKET_DOC,
                                       "PolicyName": "user-inline-policy"}]


def test_authorization_details_filter_group(iam):
    # test_get_account_authorization_details_filter_group: group-filter-result
    iam.create_group(GroupName="detailed-group")
    arn = iam.create_policy(PolicyName="detailed",
                            PolicyDocument=json.dumps(LIST_BUCKET_DOC))["Policy"]["Arn"]
    iam.put_group_policy(GroupName="detailed-group", PolicyName="group-inline-policy",
                         PolicyDocument=json.dumps(LIST_BUCKET_DOC))
    iam.attach_group_policy(GroupName="detailed-group", PolicyArn=arn)
    out = _full(iam, "Group")
    assert shape(out) == recorded({
        "GroupDetailList": [{**GROUP, "AttachedManagedPolicies": [MANAGED],
                             "GroupPolicyList": [{"PolicyDocument": LIST_BUCKET_DOC,
                                                  "PolicyName": "p"}]}],
        "Policies": [], "RoleDetailList": [], "UserDetailList": []})
    assert out["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyDocument"] == LIST_BUCKET_DOC


POLICY_DETAIL = {"Arn": "a", "AttachmentCount": 0, "CreateDate": "<datetime>",
                 "DefaultVersionId": "v1", "IsAttachable": True, "Path": "/",
                 "PermissionsBoundaryUsageCount": 0, "PolicyId": "i", "PolicyName": "n",
                 "UpdateDate": "<datetime>"}


def test_authorization_details_filter_local_managed_policy(iam):
    # test_get_account_authorization_details_filter_local_managed_policy:
    # local-managed-policy-filter-result
    iam.create_policy(PolicyName="local", PolicyDocument=json.dumps(LIST_BUCKET_DOC))
    out = _full(iam, "LocalManagedPolicy")
    version = {"CreateDate": "<datetime>", "Document": LIST_BUCKET_DOC,
               "IsDefaultVersion": True, "VersionId": "v1"}
    assert shape(out) == recorded({
        "GroupDetailList": [], "RoleDetailList": [], "UserDetailList": [],
        "Policies": [{**POLICY_DETAIL, "PolicyVersionList": [version]}]})
    assert out["Policies"][0]["PolicyVersionList"][0]["Document"] == LIST_BUCKET_DOC


def test_authorization_details_filter_aws_managed_policy(iam):
    # test_get_account_authorization_details_filter_aws_managed_policy:
    # aws-managed-policy-result (AmazonS3FullAccess, attached in that account)
    iam.create_role(RoleName="s3-user", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="s3-user",
                           PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    out = _full(iam, "AWSManagedPolicy")
    assert out["GroupDetailList"] == out["RoleDetailList"] == out["UserDetailList"] == []
    [policy] = [p for p in out["Policies"] if p["PolicyName"] == "AmazonS3FullAccess"]
    assert set(policy) == set(POLICY_DETAIL) | {"PolicyVersionList"}
    assert policy["Arn"] == "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    assert policy["DefaultVersionId"] == "v2"
    versions = policy["PolicyVersionList"]
    assert {tuple(sorted(v)) for v in versions} == {
        ("CreateDate", "Document", "IsDefaultVersion", "VersionId")}
    # AWS lists v2 (the default) and then v1, newest first
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [
        ("v2", True), ("v1", False)]
    assert versions[0]["Document"]["Statement"][0]["Action"] == ["s3:*", "s3-object-lambda:*"]
    assert versions[1]["Document"] == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    assert versions[1]["CreateDate"] < versions[0]["CreateDate"]
    assert policy["AttachmentCount"] == 1


def test_authorization_details_with_tags_and_managed_role_policy(iam):
    # test_get_account_authorization_details_with_tags (tags-result) and
    # test_get_account_authorization_details_filter_role (AttachedManagedPolicies and Tags
    # of the role)
    iam.create_user(UserName="tagged")
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=TRUST)
    tags = [{"Key": "environment", "Value": "test"}, {"Key": "team", "Value": "platform"}]
    iam.tag_user(UserName="tagged", Tags=tags)
    iam.tag_role(RoleName="tagged", Tags=tags)
    arn = iam.create_policy(PolicyName="for-role",
                            PolicyDocument=json.dumps(LIST_BUCKET_DOC))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="tagged", PolicyArn=arn)
    out = _full(iam)
    [user] = out["UserDetailList"]
    [role] = out["RoleDetailList"]
    assert user["Tags"] == tags and role["Tags"] == tags
    assert role["AttachedManagedPolicies"] == [{"PolicyArn": arn, "PolicyName": "for-role"}]
    assert "UserPolicyList" not in user
    assert role["RolePolicyList"] == [] and role["RoleLastUsed"] == {}
