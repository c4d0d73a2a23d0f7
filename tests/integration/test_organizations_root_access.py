"""Centralized root access: the organization features, AssumeRoot from the management
account deleting a member's root access key, the session limited by its task policy, and
the member root user's password (the root forms of Create/Get/DeleteLoginProfile)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from rolecall.accounts import create_account
from rolecall.store.db import Database
from tests.conftest import AwsCli, new_account

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TASKS = "arn:aws:iam::aws:policy/root-task/"
DELETE_TASK = TASKS + "IAMDeleteRootUserCredentials"
CREATE_PASSWORD_TASK = TASKS + "IAMCreateRootUserPassword"
AUDIT_TASK = TASKS + "IAMAuditRootUserCredentials"


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


@pytest.fixture
def root_sessions(setup):
    """The organization with root sessions enabled, whichever test runs first."""
    server, admin, _, _ = setup
    _client(server.endpoint, "organizations", admin).enable_aws_service_access(
        ServicePrincipal="iam.amazonaws.com")
    iam = _client(server.endpoint, "iam", admin)
    iam.enable_organizations_root_credentials_management()
    iam.enable_organizations_root_sessions()
    return setup


def _root_iam(server, admin, member: str, task: str):
    creds = _client(server.endpoint, "sts", admin).assume_root(
        TargetPrincipal=member, TaskPolicyArn={"arn": task})["Credentials"]
    return _client(server.endpoint, "iam", creds), creds


def _error(call, **params) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _new_member(server, admin) -> str:
    orgs = _client(server.endpoint, "organizations", admin)
    request = orgs.create_account(Email=f"r-{uuid.uuid4().hex[:8]}@example.com",
                                  AccountName="member")["CreateAccountStatus"]
    return orgs.describe_create_account_status(
        CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]


def test_the_root_password_is_audited_deleted_and_allowed_again(root_sessions):
    server, admin, _, member = root_sessions
    # Created before root credentials were managed centrally, the member's root user has
    # the password Organizations gives it (nobody knows it; it is recovered by e-mail).
    audit, _ = _root_iam(server, admin, member, AUDIT_TASK)
    original = audit.get_login_profile()["LoginProfile"]
    assert (original["UserName"], original["PasswordResetRequired"]) == (member, False)
    assert audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"] == 1
    assert _error(audit.delete_login_profile)[0] == "AccessDenied"

    delete, _ = _root_iam(server, admin, member, DELETE_TASK)
    delete.delete_login_profile()
    assert _error(delete.delete_login_profile) == (
        "NoSuchEntity", f"Login Profile for User {member} cannot be found.")
    assert _error(audit.get_login_profile) == (
        "NoSuchEntity", f"Login Profile for User {member} cannot be found.")
    assert audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"] == 0
    assert _error(audit.create_login_profile)[0] == "AccessDenied"

    recover, creds = _root_iam(server, admin, member, CREATE_PASSWORD_TASK)
    unvalidated = _client(server.endpoint, "iam", creds, parameter_validation=False)
    code, message = _error(unvalidated.create_login_profile, Password="Chosen-by-caller-1")
    assert (code, "AssumeRoot" in message) == ("ValidationError", True)
    created = recover.create_login_profile()["LoginProfile"]
    assert (created["UserName"], created["PasswordResetRequired"]) == (member, False)
    assert _error(recover.create_login_profile) == (
        "EntityAlreadyExists", f"Login Profile for user {member} already exists.")
    # The task policy allows the password's creation and reading, not other users' nor
    # its deletion.
    assert _error(recover.get_login_profile, UserName="someone")[0] == "AccessDenied"
    assert _error(recover.delete_login_profile)[0] == "AccessDenied"
    assert recover.get_login_profile()["LoginProfile"] == created
    assert audit.get_login_profile()["LoginProfile"] == created
    assert audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"] == 1


def test_accounts_created_under_central_management_have_no_root_password(root_sessions):
    server, admin, _, _ = root_sessions
    member = _new_member(server, admin)
    audit, _ = _root_iam(server, admin, member, AUDIT_TASK)
    assert _error(audit.get_login_profile)[0] == "NoSuchEntity"
    assert audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"] == 0


def test_user_name_may_be_left_out_by_iam_users_and_root_sessions_only(setup):
    server, admin, _, member = setup
    iam = _client(server.endpoint, "iam", admin)
    # An IAM user leaving UserName out means itself.
    assert _error(iam.get_login_profile) == (
        "NoSuchEntity", "Login Profile for User admin cannot be found.")
    # Long-term root credentials must name a user: only an AssumeRoot session may leave it out.
    root_key = create_account(Database(server.db_url), member)
    root_iam = _client(server.endpoint, "iam", root_key)
    assert _error(root_iam.get_login_profile) == (
        "ValidationError", "Must specify userName when calling with non-User credentials")
    root_iam.delete_access_key(AccessKeyId=root_key["AccessKeyId"])


def test_the_aws_cli_allows_and_reads_the_root_password(root_sessions, tmp_path):
    server, admin, _, _ = root_sessions
    member = _new_member(server, admin)
    management = AwsCli(tmp_path / "home", new_account(server))
    management.env.update(AWS_ACCESS_KEY_ID=admin["AccessKeyId"],
                          AWS_SECRET_ACCESS_KEY=admin["SecretAccessKey"])
    assumed = management("sts", "assume-root", "--target-principal", member,
                         "--task-policy-arn", f"arn={CREATE_PASSWORD_TASK}")
    assert assumed.returncode == 0, assumed.stderr
    creds = assumed.json["Credentials"]
    session = {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
               "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
               "AWS_SESSION_TOKEN": creds["SessionToken"]}
    created = management("iam", "create-login-profile", env=session)
    assert created.returncode == 0, created.stderr
    assert created.json["LoginProfile"]["UserName"] == member
    again = management("iam", "create-login-profile", env=session)
    assert again.returncode != 0 and "EntityAlreadyExists" in again.stderr
    fetched = management("iam", "get-login-profile", env=session)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.json["LoginProfile"]["CreateDate"] == created.json["LoginProfile"][
        "CreateDate"]
