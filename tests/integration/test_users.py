"""IAM users and access keys through boto3 and the aws CLI."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_create_and_get_user_round_trip(iam, account):
    created = iam.create_user(UserName="Bob", Path="/eng/", Tags=[{"Key": "team", "Value": "x"}])
    user = created["User"]
    assert user["Arn"] == f"arn:aws:iam::{account.account_id}:user/eng/Bob"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    fetched = iam.get_user(UserName="bob")["User"]  # names are case-insensitive
    assert fetched["UserName"] == "Bob"
    assert fetched["Tags"] == [{"Key": "team", "Value": "x"}]


def test_duplicate_user_name_differing_in_case_is_refused(iam):
    iam.create_user(UserName="Alice")
    with pytest.raises(ClientError) as err:
        iam.create_user(UserName="ALICE")
    assert err.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_invalid_user_name_gets_aws_validation_message(iam):
    with pytest.raises(ClientError) as err:
        iam.create_user(UserName="not valid")
    error = err.value.response["Error"]
    assert error["Code"] == "ValidationError"
    # IAM leaves the value out of model validation messages; this test
    # quoted it before AWS recordings showed otherwise (issue 12).
    assert error["Message"] == (
        "1 validation error detected: Value at 'userName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )


def test_get_missing_user_is_no_such_entity(iam):
    with pytest.raises(ClientError) as err:
        iam.get_user(UserName="ghost")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
    assert err.value.response["Error"]["Message"] == "The user with name ghost cannot be found."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_users_paginates_with_marker(iam):
    for i in range(5):
        iam.create_user(UserName=f"u{i}")
    first = iam.list_users(MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    names = [u["UserName"] for u in first["Users"]]
    marker = first["Marker"]
    while marker:
        page = iam.list_users(MaxItems=2, Marker=marker)
        names += [u["UserName"] for u in page["Users"]]
        marker = page.get("Marker")
    assert names == ["u0", "u1", "u2", "u3", "u4"]


def test_third_access_key_exceeds_quota(iam):
    iam.create_user(UserName="k")
    iam.create_access_key(UserName="k")
    iam.create_access_key(UserName="k")
    with pytest.raises(ClientError) as err:
        iam.create_access_key(UserName="k")
    assert err.value.response["Error"]["Code"] == "LimitExceeded"
    assert err.value.response["Error"]["Message"] == "Cannot exceed quota for AccessKeysPerUser: 2"


def test_new_key_authenticates_and_inactive_key_is_refused(iam, account):
    iam.create_user(UserName="Bob")
    key = iam.create_access_key(UserName="Bob")["AccessKey"]
    bob = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    identity = bob.get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{account.account_id}:user/Bob"
    iam.update_access_key(UserName="Bob", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as err:
        bob.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_delete_user_with_access_key_is_a_conflict(iam):
    iam.create_user(UserName="c")
    iam.create_access_key(UserName="c")
    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName="c")
    assert err.value.response["Error"]["Code"] == "DeleteConflict"


def test_cli_create_user_and_get_caller_identity(aws, account):
    result = aws("iam", "create-user", "--user-name", "Bob")
    assert result.returncode == 0, result.stderr
    assert result.json["User"]["Arn"] == f"arn:aws:iam::{account.account_id}:user/Bob"
    identity = aws("sts", "get-caller-identity")
    assert identity.json["Arn"] == f"arn:aws:iam::{account.account_id}:root"


def test_get_user_without_name_as_root_has_no_user_name_or_path(iam, account, aws):
    user = iam.get_user()["User"]
    assert user["UserId"] == account.account_id
    assert user["Arn"] == f"arn:aws:iam::{account.account_id}:root"
    assert "UserName" not in user and "Path" not in user
    assert "CreateDate" in user
    # The account's creation date, the same on every call.
    assert iam.get_user()["User"]["CreateDate"] == user["CreateDate"]
    result = aws("iam", "get-user")
    assert result.returncode == 0, result.stderr
    assert set(result.json["User"]) == {"UserId", "Arn", "CreateDate"}


def test_get_user_without_name_as_iam_user_is_that_user(iam, account):
    iam.create_user(UserName="Bob", Tags=[{"Key": "team", "Value": "x"}])
    key = iam.create_access_key(UserName="Bob")["AccessKey"]
    iam.attach_user_policy(UserName="Bob", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    bob = account.client("iam", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    user = bob.get_user()["User"]
    assert user["UserName"] == "Bob" and user["Path"] == "/"
    assert user["Tags"] == [{"Key": "team", "Value": "x"}]


def test_get_user_shows_boundary_and_tags_but_list_users_does_not(iam):
    boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.create_user(UserName="b", PermissionsBoundary=boundary,
                    Tags=[{"Key": "k", "Value": "v"}])
    user = iam.get_user(UserName="b")["User"]
    assert user["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy",
                                           "PermissionsBoundaryArn": boundary}
    assert user["Tags"] == [{"Key": "k", "Value": "v"}]
    listed = iam.list_users()["Users"][0]
    assert "PermissionsBoundary" not in listed and "Tags" not in listed
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="b")
    member = iam.get_group(GroupName="g")["Users"][0]
    assert "PermissionsBoundary" not in member and "Tags" not in member


def test_delete_user_in_a_group_is_a_conflict_with_aws_text(iam):
    iam.create_user(UserName="m")
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="m")
    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName="m")
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must remove users from group first.")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_delete_user_with_login_profile_is_a_conflict_with_aws_text(iam):
    iam.create_user(UserName="p")
    iam.create_login_profile(UserName="p", Password="Str0ng-Passw0rd!")
    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName="p")
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must delete login profile first.")


def test_renamed_user_keeps_tags_and_policies_and_names_stay_unique(iam):
    iam.create_user(UserName="old", Tags=[{"Key": "k", "Value": "v"}])
    iam.create_user(UserName="Other")
    iam.attach_user_policy(UserName="old", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as err:
        iam.update_user(UserName="old", NewUserName="OTHER")
    assert err.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert err.value.response["Error"]["Message"] == "User with name OTHER already exists."
    iam.update_user(UserName="old", NewUserName="New", NewPath="/moved/")
    user = iam.get_user(UserName="new")["User"]
    assert user["UserName"] == "New" and user["Path"] == "/moved/"
    assert user["Tags"] == [{"Key": "k", "Value": "v"}]
    attached = iam.list_attached_user_policies(UserName="New")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["ReadOnlyAccess"]
    with pytest.raises(ClientError) as err:
        iam.get_user(UserName="old")
    assert err.value.response["Error"]["Message"] == "The user with name old cannot be found."


def test_list_and_create_access_keys_without_user_name_as_root(iam, account):
    listed = iam.list_access_keys()["AccessKeyMetadata"]
    assert account.access_key_id in [k["AccessKeyId"] for k in listed]
    assert iam.list_access_keys()["IsTruncated"] is False
