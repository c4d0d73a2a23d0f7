"""Centralized root access: the organization features, and AssumeRoot from the management
account deleting a member's root access key, the session limited by its task policy."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from rolecall.accounts import create_account
from rolecall.store.db import Database
from tests.conftest import new_account

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
DELETE_TASK = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"


def _client(endpoint: str, service: str, creds: dict[str, str], **config):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=Config(retries={"max_attempts": 1}, **config),
    )


@pytest.fixture(scope="module")
def setup(server):
    management = new_account(server)
    iam = management.client("iam")
    iam.create_user(UserName="admin")
    iam.attach_user_policy(UserName="admin", PolicyArn=ADMIN)
    admin = iam.create_access_key(UserName="admin")["AccessKey"]
    orgs = _client(server.endpoint, "organizations", admin)
    org_id = orgs.create_organization()["Organization"]["Id"]
    request = orgs.create_account(Email=f"r-{uuid.uuid4().hex[:8]}@example.com",
                                  AccountName="member")["CreateAccountStatus"]
    member = orgs.describe_create_account_status(
        CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]
    return server, admin, org_id, member


def test_features_need_trusted_access_for_iam(setup):
    server, admin, org_id, _ = setup
    iam = _client(server.endpoint, "iam", admin)
    with pytest.raises(ClientError) as caught:
        iam.list_organizations_features()
    assert caught.value.response["Error"]["Code"] == "ServiceAccessNotEnabledException"
    _client(server.endpoint, "organizations", admin).enable_aws_service_access(
        ServicePrincipal="iam.amazonaws.com")
    features = iam.list_organizations_features()
    assert (features["OrganizationId"], features["EnabledFeatures"]) == (org_id, [])
    iam.enable_organizations_root_credentials_management()
    enabled = iam.enable_organizations_root_sessions()
    assert enabled["EnabledFeatures"] == ["RootCredentialsManagement", "RootSessions"]


def test_assume_root_deletes_a_members_root_access_key(setup):
    server, admin, _, member = setup
    root_key = create_account(Database(server.db_url), member)
    sts = _client(server.endpoint, "sts", admin)
    with pytest.raises(ClientError) as caught:
        sts.assume_root(TargetPrincipal=member,
                        TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    unvalidated = _client(server.endpoint, "sts", admin, parameter_validation=False)
    with pytest.raises(ClientError) as caught:
        unvalidated.assume_root(TargetPrincipal=member, TaskPolicyArn={"arn": DELETE_TASK},
                                DurationSeconds=901)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    creds = sts.assume_root(TargetPrincipal=member,
                            TaskPolicyArn={"arn": DELETE_TASK})["Credentials"]
    assert (creds["Expiration"] - creds["Expiration"].replace(microsecond=0)).days == 0
    root_sts = _client(server.endpoint, "sts", creds)
    assert root_sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{member}:root"
    root_iam = _client(server.endpoint, "iam", creds)
    keys = root_iam.list_access_keys()["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [root_key["AccessKeyId"]]
    with pytest.raises(ClientError) as caught:
        root_iam.create_user(UserName="not-a-task")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert "with an explicit deny in a session policy" in caught.value.response["Error"][
        "Message"]
    root_iam.delete_access_key(AccessKeyId=root_key["AccessKeyId"])
    with pytest.raises(ClientError) as caught:
        _client(server.endpoint, "sts", root_key).get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_assume_root_is_refused_outside_the_organization(setup):
    server, admin, _, _ = setup
    outsider = new_account(server)
    with pytest.raises(ClientError) as caught:
        _client(server.endpoint, "sts", admin).assume_root(
            TargetPrincipal=outsider.account_id, TaskPolicyArn={"arn": DELETE_TASK})
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
