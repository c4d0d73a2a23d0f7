"""Requirement page 002, "Use an IAM role in the AWS CLI", walked with the real aws CLI: the
marketingadmin profile (source_profile, AWS_PROFILE), the user's permission to assume, MFA
(mfa_serial prompted, wrong, reused, not the user's), a cross-account role with MFA and
external_id, role_session_name, credential_source and its failures, web identity profiles
and variables, and the credential cache (reused, refreshed on expiry, revoked, cleared)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from tests.conftest import new_account
from tests.integration import test_oidc_issuer
from tests.integration.test_oidc_web_identity import AUDIENCE, web_trust
from tests.integration.test_sts_support import code, enable_virtual_mfa, make_role, make_user, trust

issuer = test_oidc_issuer.issuer  # the HTTPS issuer fixture
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
LIST_USERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code."
MFA_UNKNOWN = ("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify "
               "your MFA serial number is valid and associated with this user.")


def only_role(role_arn: str) -> dict:
    """The page's user policy: sts:AssumeRole on one role only."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}


def credentials_file(aws, profiles: dict[str, object]) -> None:
    (aws.home / ".aws" / "credentials").write_text("".join(
        f"[{name}]\naws_access_key_id = {keys.access_key_id}\n"
        f"aws_secret_access_key = {keys.secret_access_key}\n\n"
        for name, keys in profiles.items()))


def write_config(aws, text: str) -> None:
    (aws.home / ".aws" / "config").write_text(text)


def cache_files(aws) -> list:
    folder = aws.home / ".aws" / "cli" / "cache"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def clear_cache(aws) -> None:
    for cached in cache_files(aws):
        cached.unlink()


def assume_denied(account_id: str, user: str, role_arn: str) -> str:
    return (f"An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
            f"arn:aws:iam::{account_id}:user/{user} is not authorized to perform: "
            f"sts:AssumeRole on resource: {role_arn}")


def test_marketingadmin_profile_assumes_the_role_with_user1s_credentials(iam, account, aws):
    acct = account.account_id
    role_arn = f"arn:aws:iam::{acct}:role/marketingadminrole"
    credentials_file(aws, {"user1": make_user(iam, "user1", policy=only_role(role_arn))})
    make_role(iam, "marketingadminrole", trust({"AWS": f"arn:aws:iam::{acct}:root"}),
              policy=LIST_USERS)
    write_config(aws, f"[profile marketingadmin]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\n")
    # The user needs no permission of its own to list users: the role's apply.
    listed = aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS)
    assert listed.returncode == 0, listed.stderr
    assert [u["UserName"] for u in listed.json["Users"]] == ["user1"]
    own = aws("iam", "list-users", "--profile", "user1", env=NO_KEYS)
    assert own.returncode != 0 and "(AccessDenied)" in own.stderr
    by_variable = aws("sts", "get-caller-identity", env={**NO_KEYS,
                                                         "AWS_PROFILE": "marketingadmin"})
    assert by_variable.returncode == 0, by_variable.stderr
    assert by_variable.json["Arn"].startswith(
        f"arn:aws:sts::{acct}:assumed-role/marketingadminrole/botocore-session-")


def test_user_policy_for_one_role_does_not_open_another(iam, account, aws):
    acct = account.account_id
    allowed = f"arn:aws:iam::{acct}:role/marketingadminrole"
    credentials_file(aws, {"user1": make_user(iam, "user1", policy=only_role(allowed))})
    make_role(iam, "marketingadminrole", trust({"AWS": acct}))
    other = make_role(iam, "financeadminrole", trust({"AWS": acct}))
    write_config(aws, f"[profile finance]\nrole_arn = {other}\nsource_profile = user1\n")
    out = aws("sts", "get-caller-identity", "--profile", "finance", env=NO_KEYS)
    assert out.returncode != 0
    assert assume_denied(acct, "user1", other) in out.stderr


@pytest.fixture
def mfa_setup(iam, account, aws):
    """The page's cli-role that only anika may assume, with MFA; returns (role, serial,
    seed, time the device was enabled)."""
    now = time.time()
    credentials_file(aws, {"cli-user": make_user(iam, "anika", policy=None)})
    serial, seed = enable_virtual_mfa(iam, "anika", at=now)
    role_arn = make_role(iam, "cli-role", trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:user/anika"},
        {"Bool": {"aws:multifactorAuthPresent": True}}), policy=LIST_USERS)
    write_config(aws, f"[profile role-without-mfa]\nregion = us-west-2\nrole_arn = {role_arn}\n"
                      "source_profile = cli-user\n\n"
                      f"[profile role-with-mfa]\nregion = us-west-2\nrole_arn = {role_arn}\n"
                      f"source_profile = cli-user\nmfa_serial = {serial}\n\n"
                      "[profile cli-user]\nregion = us-west-2\noutput = json\n")
    return role_arn, serial, seed, now


def test_role_requiring_mfa_refuses_the_profile_without_mfa_serial(account, aws, mfa_setup):
    role_arn, *_ = mfa_setup
    out = aws("iam", "list-users", "--profile", "role-without-mfa", env=NO_KEYS)
    assert out.returncode != 0
    assert assume_denied(account.account_id, "anika", role_arn) in out.stderr


def test_mfa_serial_prompts_and_the_code_unlocks_the_role(aws, mfa_setup):
    _, serial, seed, now = mfa_setup
    ok = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
             input=code(seed, now) + "\n")
    assert ok.returncode == 0, ok.stderr
    assert f"Enter MFA code for {serial}: " in ok.stderr
    assert code(seed, now) not in ok.stderr + ok.stdout  # the code is not echoed
    assert [u["UserName"] for u in ok.json["Users"]] == ["anika"]


def test_wrong_mfa_code_fails_with_aws_text(aws, mfa_setup):
    _, _, seed, now = mfa_setup
    wrong = f"{(int(code(seed, now)) + 1) % 1_000_000:06d}"
    out = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
              input=wrong + "\n")
    assert out.returncode != 0
    assert ("An error occurred (AccessDenied) when calling the AssumeRole operation: "
            + MFA_INVALID) in out.stderr
    assert cache_files(aws) == []


def test_an_mfa_code_works_only_once(aws, mfa_setup):
    _, _, seed, now = mfa_setup
    first = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
                input=code(seed, now) + "\n")
    assert first.returncode == 0, first.stderr
    clear_cache(aws)
    again = aws("iam", "list-users", "--profile", "role-with-mfa", env=NO_KEYS,
                input=code(seed, now) + "\n")
    assert again.returncode != 0
    assert MFA_INVALID in again.stderr


def test_mfa_serial_that_is_not_the_users_device(iam, account, aws, mfa_setup):
    role_arn, _, _, now = mfa_setup
    iam.create_user(UserName="saanvi")
    others_serial, others_seed = enable_virtual_mfa(iam, "saanvi", at=now)
    write_config(aws, f"[profile borrowed]\nrole_arn = {role_arn}\nsource_profile = cli-user\n"
                      f"mfa_serial = {others_serial}\n\n"
                      f"[profile hardware]\nrole_arn = {role_arn}\nsource_profile = cli-user\n"
                      "mfa_serial = GAHT12345678\n")
    for profile in ("borrowed", "hardware"):
        out = aws("sts", "get-caller-identity", "--profile", profile, env=NO_KEYS,
                  input=code(others_seed, now) + "\n")
        assert out.returncode != 0
        assert ("An error occurred (AccessDenied) when calling the AssumeRole operation: "
                + MFA_UNKNOWN) in out.stderr, profile


@pytest.fixture
def cross_account(account, server, iam, aws):
    """saanvi in the first account; SomeRole in a second account trusting the first with
    MFA and external id 123456."""
    now = time.time()
    other = new_account(server)
    role_arn = make_role(other.client("iam"), "SomeRole", trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:root"},
        {"StringEquals": {"sts:ExternalId": "123456"},
         "Bool": {"aws:MultiFactorAuthPresent": "true"}}), policy=LIST_USERS)
    credentials_file(aws, {"default": make_user(iam, "saanvi", policy=only_role(role_arn))})
    serial, seed = enable_virtual_mfa(iam, "saanvi", at=now)
    return other, role_arn, serial, seed, now


def test_cross_account_role_with_mfa_and_external_id(aws, cross_account):
    other, role_arn, serial, seed, now = cross_account
    write_config(aws, f"[profile crossaccountrole]\nrole_arn = {role_arn}\n"
                      f"source_profile = default\nmfa_serial = {serial}\nexternal_id = 123456\n")
    me = aws("sts", "get-caller-identity", "--profile", "crossaccountrole", env=NO_KEYS,
             input=code(seed, now) + "\n")
    assert me.returncode == 0, me.stderr
    assert me.json["Account"] == other.account_id
    assert me.json["Arn"].startswith(
        f"arn:aws:sts::{other.account_id}:assumed-role/SomeRole/botocore-session-")


@pytest.mark.parametrize("setting", ["external_id = 654321\n", ""])
def test_wrong_or_missing_external_id_is_refused(account, aws, cross_account, setting):
    _, role_arn, serial, seed, now = cross_account
    write_config(aws, f"[profile crossaccountrole]\nrole_arn = {role_arn}\n"
                      f"source_profile = default\nmfa_serial = {serial}\n{setting}")
    out = aws("sts", "get-caller-identity", "--profile", "crossaccountrole", env=NO_KEYS,
              input=code(seed, now) + "\n")
    assert out.returncode != 0
    assert assume_denied(account.account_id, "saanvi", role_arn) in out.stderr


def test_external_id_outside_the_allowed_characters(aws, cross_account):
    role_arn = cross_account[1]
    write_config(aws, f"[profile crossaccountrole]\nrole_arn = {role_arn}\n"
                      "source_profile = default\nexternal_id = 123 456\n")
    out = aws("sts", "get-caller-identity", "--profile", "crossaccountrole", env=NO_KEYS)
    assert out.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: 1 "
            "validation error detected: Value '123 456' at 'externalId' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"
            ) in out.stderr


def test_role_session_name_becomes_part_of_the_session_arn(iam, account, aws):
    acct = account.account_id
    credentials_file(aws, {"default": make_user(iam, "maria")})
    role_arn = make_role(iam, "SomeRole", trust({"AWS": acct}))
    write_config(aws, f"[profile namedsessionrole]\nrole_arn = {role_arn}\n"
                      "source_profile = default\nrole_session_name = Session_Maria_Garcia\n\n"
                      f"[profile badname]\nrole_arn = {role_arn}\nsource_profile = default\n"
                      "role_session_name = Maria Garcia\n")
    me = aws("sts", "get-caller-identity", "--profile", "namedsessionrole", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    role_id = iam.get_role(RoleName="SomeRole")["Role"]["RoleId"]
    assert me.json == {
        "UserId": f"{role_id}:Session_Maria_Garcia", "Account": acct,
        "Arn": f"arn:aws:sts::{acct}:assumed-role/SomeRole/Session_Maria_Garcia"}
    bad = aws("sts", "get-caller-identity", "--profile", "badname", env=NO_KEYS)
    assert bad.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: 1 "
            "validation error detected: Value 'Maria Garcia' at 'roleSessionName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            ) in bad.stderr


def test_credential_source_environment_and_its_failures(iam, account, aws):
    keys = make_user(iam, "ops")
    credentials_file(aws, {"default": keys})
    role_arn = make_role(iam, "marketingadminrole", trust({"AWS": account.account_id}),
                         policy=LIST_USERS)
    write_config(aws, f"[profile fromenv]\nrole_arn = {role_arn}\n"
                      "credential_source = Environment\n\n"
                      f"[profile fromimds]\nrole_arn = {role_arn}\n"
                      "credential_source = Ec2InstanceMetadata\n\n"
                      f"[profile both]\nrole_arn = {role_arn}\nsource_profile = default\n"
                      "credential_source = Environment\n")
    env = {"AWS_ACCESS_KEY_ID": keys.access_key_id,
           "AWS_SECRET_ACCESS_KEY": keys.secret_access_key}
    me = aws("sts", "get-caller-identity", "--profile", "fromenv", env=env)
    assert me.returncode == 0, me.stderr
    assert ":assumed-role/marketingadminrole/" in me.json["Arn"]
    missing = aws("sts", "get-caller-identity", "--profile", "fromenv", env=NO_KEYS)
    assert missing.returncode != 0
    assert "credential_source" in missing.stderr and "Environment" in missing.stderr
    no_imds = aws("sts", "get-caller-identity", "--profile", "fromimds", env=NO_KEYS)
    assert no_imds.returncode != 0 and "Ec2InstanceMetadata" in no_imds.stderr
    both = aws("sts", "get-caller-identity", "--profile", "both", env=env)
    assert both.returncode != 0
    assert "source_profile" in both.stderr and "credential_source" in both.stderr


@pytest.fixture
def web_role(iam, account, issuer):
    iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                        ThumbprintList=[issuer.thumbprint])
    return iam.create_role(RoleName="RoleNameToAssume", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host))["Role"]["Arn"]


def test_minimal_web_identity_profile(aws, account, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token())
    write_config(aws, f"[profile web-identity]\nrole_arn={web_role}\n"
                      f"web_identity_token_file={token_file}\n")
    me = aws("sts", "get-caller-identity", "--profile", "web-identity", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"].startswith(
        f"arn:aws:sts::{account.account_id}:assumed-role/RoleNameToAssume/botocore-session-")
    # Cached like any role profile.
    assert len(cache_files(aws)) == 1


def test_web_identity_variables_with_session_name(aws, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token())
    env = {**NO_KEYS, "AWS_ROLE_ARN": web_role, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
           "AWS_ROLE_SESSION_NAME": "from-env"}
    me = aws("sts", "get-caller-identity", env=env)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"].endswith(":assumed-role/RoleNameToAssume/from-env")


def test_web_identity_profile_with_a_malformed_role_arn(aws, account, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token())
    # The page's example omits a colon: arn:aws:iam:123456789012:role/...
    write_config(aws, f"[profile web-identity]\nrole_arn=arn:aws:iam:{account.account_id}:role/"
                      f"RoleNameToAssume\nweb_identity_token_file={token_file}\n")
    out = aws("sts", "get-caller-identity", "--profile", "web-identity", env=NO_KEYS)
    assert out.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity "
            "operation: Request ARN is invalid") in out.stderr


@pytest.fixture
def cached_profile(iam, account, aws):
    credentials_file(aws, {"user1": make_user(iam, "user1")})
    role_arn = make_role(iam, "marketingadminrole", trust({"AWS": account.account_id}),
                         policy=LIST_USERS)
    write_config(aws, f"[profile marketingadmin]\nrole_arn = {role_arn}\n"
                      "source_profile = user1\n")
    assert aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS).returncode == 0
    [cache] = cache_files(aws)
    return cache


def test_cached_credentials_are_reused_until_they_expire(aws, cached_profile):
    first = json.loads(cached_profile.read_text())
    assert aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS).returncode == 0
    assert json.loads(cached_profile.read_text()) == first
    first["Credentials"]["Expiration"] = "2000-01-01T00:00:00Z"
    cached_profile.write_text(json.dumps(first))
    assert aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS).returncode == 0
    renewed = json.loads(cached_profile.read_text())
    assert renewed["Credentials"]["AccessKeyId"] != first["Credentials"]["AccessKeyId"]


def test_revoked_cached_credentials_fail_and_are_not_renewed(iam, account, aws,
                                                             cached_profile):
    before = json.loads(cached_profile.read_text())
    revoke_at = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    iam.put_role_policy(RoleName="marketingadminrole", PolicyName="AWSRevokeOlderSessions",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                            "Condition": {"DateLessThan": {"aws:TokenIssueTime": revoke_at}}}]}))
    session = before["AssumedRoleUser"]["Arn"]
    for _ in range(2):
        out = aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS)
        assert out.returncode != 0
        assert (f"An error occurred (AccessDenied) when calling the ListUsers operation: User: "
                f"{session} is not authorized to perform: iam:ListUsers on resource: "
                f"arn:aws:iam::{account.account_id}:user/ with an explicit deny in an "
                "identity-based policy") in out.stderr
        assert json.loads(cached_profile.read_text()) == before


def test_clearing_the_cache_fetches_new_credentials(aws, cached_profile):
    before = json.loads(cached_profile.read_text())
    clear_cache(aws)
    assert aws("iam", "list-users", "--profile", "marketingadmin", env=NO_KEYS).returncode == 0
    [cache] = cache_files(aws)
    after = json.loads(cache.read_text())
    assert after["Credentials"]["AccessKeyId"] != before["Credentials"]["AccessKeyId"]
