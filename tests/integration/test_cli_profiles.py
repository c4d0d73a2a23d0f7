"""The aws CLI's role profiles, as "Use an IAM role in the AWS CLI" describes them:
role_arn with source_profile or credential_source = Environment, mfa_serial answered at the
prompt, external_id, role_session_name, duration_seconds, and the credential cache."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from tests.integration.test_sts_support import (
    code,
    enable_virtual_mfa,
    make_role,
    make_user,
    trust,
)

USER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
ROLE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:ListRoles"], "Resource": "*"}]}
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}


@pytest.fixture
def setup(iam, account, aws):
    keys = make_user(iam, "Bob", policy=USER_POLICY)
    (aws.home / ".aws" / "credentials").write_text(
        f"[user1]\naws_access_key_id = {keys.access_key_id}\n"
        f"aws_secret_access_key = {keys.secret_access_key}\n")
    return keys


def write_config(aws, text: str) -> None:
    (aws.home / ".aws" / "config").write_text(text)


def cache_files(aws) -> list:
    folder = aws.home / ".aws" / "cli" / "cache"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_source_profile_profile_runs_as_the_role(iam, account, aws, setup):
    role_arn = make_role(iam, "marketingadminrole", trust({"AWS": account.account_id}),
                         policy=ROLE_POLICY)
    write_config(aws, f"[profile marketingadmin]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\n")
    me = aws("sts", "get-caller-identity", "--profile", "marketingadmin", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"].startswith(
        f"arn:aws:sts::{account.account_id}:assumed-role/marketingadminrole/botocore-session-")
    listed = aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS)
    assert listed.returncode == 0, listed.stderr
    assert [u["UserName"] for u in listed.json["Users"]] == ["Bob"]
    # The user's own credentials stay as they were (AWS_PROFILE unset: no role).
    user = aws("sts", "get-caller-identity", "--profile", "user1", env=NO_KEYS)
    assert user.json["Arn"] == f"arn:aws:iam::{account.account_id}:user/Bob"


def test_aws_profile_variable_selects_the_role_profile(iam, account, aws, setup):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}), policy=ROLE_POLICY)
    write_config(aws, f"[profile prodaccess]\nrole_arn = {role_arn}\nsource_profile = user1\n")
    me = aws("sts", "get-caller-identity", env={**NO_KEYS, "AWS_PROFILE": "prodaccess"})
    assert ":assumed-role/r/" in me.json["Arn"]


def test_role_session_name_and_duration_seconds(iam, account, aws, setup):
    role_arn = make_role(iam, "SomeRole", trust({"AWS": account.account_id}), max_session=7200)
    write_config(aws, f"[profile namedsessionrole]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\nrole_session_name = Session_Maria_Garcia\n"
                      "duration_seconds = 7200\n")
    me = aws("sts", "get-caller-identity", "--profile", "namedsessionrole", env=NO_KEYS)
    assert me.json["Arn"] == (
        f"arn:aws:sts::{account.account_id}:assumed-role/SomeRole/Session_Maria_Garcia")
    cached = json.loads(cache_files(aws)[0].read_text())
    expires = dt.datetime.fromisoformat(cached["Credentials"]["Expiration"].replace("Z", "+00:00"))
    assert expires - dt.datetime.now(dt.UTC) > dt.timedelta(minutes=119)


def test_duration_over_the_role_maximum_fails_with_aws_text(iam, account, aws, setup):
    role_arn = make_role(iam, "SomeRole", trust({"AWS": account.account_id}))
    write_config(aws, f"[profile long]\nrole_arn = {role_arn}\nsource_profile = user1\n"
                      "duration_seconds = 7200\n")
    out = aws("sts", "get-caller-identity", "--profile", "long", env=NO_KEYS)
    assert out.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: The "
            "requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            ) in out.stderr


def test_credential_source_environment(iam, account, aws, setup):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}))
    write_config(aws, f"[profile envrole]\nrole_arn = {role_arn}\n"
                      "credential_source = Environment\n")
    me = aws("sts", "get-caller-identity", "--profile", "envrole", env={
        "AWS_ACCESS_KEY_ID": setup.access_key_id,
        "AWS_SECRET_ACCESS_KEY": setup.secret_access_key})
    assert me.returncode == 0, me.stderr
    assert ":assumed-role/r/" in me.json["Arn"]


def test_mfa_serial_prompts_for_the_code(iam, account, aws, setup):
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "Bob", at=now)
    role_arn = make_role(iam, "cli-role", trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:user/Bob"},
        {"Bool": {"aws:multifactorAuthPresent": True}}), policy=ROLE_POLICY)
    write_config(aws, f"[profile role-without-mfa]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\n\n"
                      f"[profile role-with-mfa]\nrole_arn = {role_arn}\nsource_profile = user1\n"
                      f"mfa_serial = {serial}\n")
    refused = aws("iam", "list-users", "--profile", "role-without-mfa", env=NO_KEYS)
    assert refused.returncode != 0
    assert "An error occurred (AccessDenied) when calling the AssumeRole operation" in \
        refused.stderr
    wrong = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
                input=f"{(int(code(seed, now)) + 1) % 1_000_000:06d}\n")
    assert "MultiFactorAuthentication failed with invalid MFA one time pass code." in \
        wrong.stderr
    ok = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
             input=code(seed, now) + "\n")
    assert ok.returncode == 0, ok.stderr
    assert f"Enter MFA code for {serial}: " in ok.stderr
    assert [u["UserName"] for u in ok.json["Users"]] == ["Bob"]


def test_external_id_profile(iam, account, aws, setup):
    role_arn = make_role(iam, "SomeRole", trust(
        {"AWS": account.account_id}, {"StringEquals": {"sts:ExternalId": "123456"}}))
    write_config(aws, f"[profile crossaccountrole]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\nexternal_id = 123456\n\n"
                      f"[profile wrongid]\nrole_arn = {role_arn}\nsource_profile = user1\n"
                      "external_id = 999999\n")
    assert aws("sts", "get-caller-identity", "--profile", "crossaccountrole",
               env=NO_KEYS).returncode == 0
    wrong = aws("sts", "get-caller-identity", "--profile", "wrongid", env=NO_KEYS)
    assert wrong.returncode != 0 and "(AccessDenied)" in wrong.stderr


def test_cached_credentials_are_reused_refreshed_on_expiry_and_fail_when_revoked(
        iam, account, aws, setup):
    role_arn = make_role(iam, "cached", trust({"AWS": account.account_id}), policy=ROLE_POLICY)
    write_config(aws, f"[profile cached]\nrole_arn = {role_arn}\nsource_profile = user1\n")
    assert aws("iam", "list-users", "--profile", "cached", env=NO_KEYS).returncode == 0
    [cache] = cache_files(aws)
    first = json.loads(cache.read_text())
    assert aws("iam", "list-users", "--profile", "cached", env=NO_KEYS).returncode == 0
    assert json.loads(cache.read_text()) == first  # reused, not renewed
    # Expired in the cache: the CLI assumes the role again.
    first["Credentials"]["Expiration"] = "2000-01-01T00:00:00Z"
    cache.write_text(json.dumps(first))
    assert aws("iam", "list-users", "--profile", "cached", env=NO_KEYS).returncode == 0
    second = json.loads(cache.read_text())
    assert second["Credentials"]["AccessKeyId"] != first["Credentials"]["AccessKeyId"]
    # "Revoke active sessions": the cached (still unexpired) credentials stop working.
    revoke_at = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    iam.put_role_policy(RoleName="cached", PolicyName="AWSRevokeOlderSessions",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                            "Condition": {"DateLessThan": {"aws:TokenIssueTime": revoke_at}}}]}))
    revoked = aws("iam", "list-users", "--profile", "cached", env=NO_KEYS)
    assert revoked.returncode != 0
    assert "An error occurred (AccessDenied) when calling the ListUsers operation: User: " \
        f"arn:aws:sts::{account.account_id}:assumed-role/cached/" in revoked.stderr
    assert "with an explicit deny in an identity-based policy" in revoked.stderr


def test_root_source_profile_cannot_assume(iam, account, aws):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}))
    write_config(aws, f"[profile rootrole]\nrole_arn = {role_arn}\n"
                      "credential_source = Environment\n")
    out = aws("sts", "get-caller-identity", "--profile", "rootrole")
    assert out.returncode != 0
    assert ("An error occurred (AccessDenied) when calling the AssumeRole operation: Roles may "
            "not be assumed by root accounts.") in out.stderr
