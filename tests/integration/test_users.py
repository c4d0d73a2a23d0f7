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
    assert error["Message"] == (
        "1 validation error detected: Value 'not valid' at 'userName' failed to satisfy "
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
