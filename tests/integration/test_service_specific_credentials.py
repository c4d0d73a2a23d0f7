"""Service-specific credentials (CodeCommit, Keyspaces) through boto3 and the aws CLI."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

CODECOMMIT = "codecommit.amazonaws.com"
KEYSPACES = "cassandra.amazonaws.com"


def error_of(call) -> dict:
    with pytest.raises(ClientError) as err:
        call()
    return {**err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_create_returns_generated_user_name_and_password(iam, account):
    iam.create_user(UserName="dev")
    cred = iam.create_service_specific_credential(UserName="dev", ServiceName=CODECOMMIT
                                                  )["ServiceSpecificCredential"]
    assert cred["ServiceUserName"] == f"dev-at-{account.account_id}"
    assert len(cred["ServicePassword"]) >= 32
    assert cred["ServiceSpecificCredentialId"].startswith("ACCA")
    assert cred["Status"] == "Active" and cred["ServiceName"] == CODECOMMIT
    listed = iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [
        cred["ServiceSpecificCredentialId"]]
    assert "ServicePassword" not in listed[0]


def test_unsupported_service_is_refused(iam):
    # IAM answers NoSuchEntity, not the NotSupportedService its reference lists (LocalStack's
    # AWS-validated test_iam.py: test_create_service_specific_credential_invalid_service).
    iam.create_user(UserName="dev")
    error = error_of(lambda: iam.create_service_specific_credential(
        UserName="dev", ServiceName="s3.amazonaws.com"))
    assert error["Code"] == "NoSuchEntity" and error["Status"] == 404


def test_two_per_service_per_user(iam):
    iam.create_user(UserName="dev")
    for _ in range(2):
        iam.create_service_specific_credential(UserName="dev", ServiceName=CODECOMMIT)
    error = error_of(lambda: iam.create_service_specific_credential(UserName="dev",
                                                                    ServiceName=CODECOMMIT))
    assert error["Code"] == "LimitExceeded" and error["Status"] == 409
    iam.create_service_specific_credential(UserName="dev", ServiceName=KEYSPACES)
    only_keyspaces = iam.list_service_specific_credentials(UserName="dev", ServiceName=KEYSPACES)
    assert [c["ServiceName"] for c in only_keyspaces["ServiceSpecificCredentials"]] == [KEYSPACES]


def test_reset_gives_a_new_password(iam):
    iam.create_user(UserName="dev")
    cred = iam.create_service_specific_credential(UserName="dev", ServiceName=CODECOMMIT
                                                  )["ServiceSpecificCredential"]
    reset = iam.reset_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"]
    )["ServiceSpecificCredential"]
    assert reset["ServicePassword"] != cred["ServicePassword"]
    assert reset["ServiceUserName"] == cred["ServiceUserName"]


def test_update_and_delete_are_scoped_to_the_user(iam):
    iam.create_user(UserName="dev")
    iam.create_user(UserName="ops")
    cred_id = iam.create_service_specific_credential(
        UserName="dev", ServiceName=CODECOMMIT)["ServiceSpecificCredential"][
        "ServiceSpecificCredentialId"]
    error = error_of(lambda: iam.delete_service_specific_credential(
        UserName="ops", ServiceSpecificCredentialId=cred_id))
    assert error["Code"] == "NoSuchEntity" and error["Status"] == 404
    iam.update_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred_id,
                                           Status="Inactive")
    listed = iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]
    assert listed[0]["Status"] == "Inactive"
    iam.delete_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred_id)
    assert iam.list_service_specific_credentials(UserName="dev")[
        "ServiceSpecificCredentials"] == []


def test_all_users_lists_every_users_credentials(iam):
    for name in ("dev", "ops"):
        iam.create_user(UserName=name)
        iam.create_service_specific_credential(UserName=name, ServiceName=CODECOMMIT)
    listed = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert sorted(c["UserName"] for c in listed) == ["dev", "ops"]


def test_cli_create_shows_the_password_and_listing_does_not(iam, aws):
    iam.create_user(UserName="dev")
    created = aws("iam", "create-service-specific-credential", "--user-name", "dev",
                  "--service-name", CODECOMMIT)
    assert created.returncode == 0, created.stderr
    assert created.json["ServiceSpecificCredential"]["ServicePassword"]
    listed = aws("iam", "list-service-specific-credentials", "--user-name", "dev")
    assert listed.returncode == 0, listed.stderr
    assert "ServicePassword" not in listed.stdout
    refused = aws("iam", "create-service-specific-credential", "--user-name", "dev",
                  "--service-name", "ec2.amazonaws.com")
    assert refused.returncode != 0 and "(NoSuchEntity)" in refused.stderr


def test_user_with_service_specific_credential_cannot_be_deleted(iam):
    iam.create_user(UserName="dev")
    iam.create_service_specific_credential(UserName="dev", ServiceName=CODECOMMIT)
    error = error_of(lambda: iam.delete_user(UserName="dev"))
    assert error["Code"] == "DeleteConflict" and error["Status"] == 409
