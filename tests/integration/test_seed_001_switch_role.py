"""Requirement page 001, "Switch to an IAM role (AWS CLI)", walked with the real aws CLI: a
role profile over the default profile, permissions that are not cumulative, the root user
refused, duration-seconds from 900 s to the role's maximum, role chaining capped at one
hour (through profiles and through assume-role), source identity and role session names
required by the trust policy, and an instance-profile role switching to a role in another
account with credential_source = Ec2InstanceMetadata."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests.conftest import new_account
from tests.integration.test_credential_endpoints import _free_port, _start
from tests.integration.test_sts_support import make_role, make_user, trust

ASSUME = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}
LIST_USERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
SESSION = re.compile(r"botocore-session-\d+")


def configure(aws, keys) -> None:
    """What `aws configure` writes for the user's default profile (step 1 of the page)."""
    (aws.home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {keys.access_key_id}\n"
        f"aws_secret_access_key = {keys.secret_access_key}\n")


def write_config(aws, text: str) -> None:
    (aws.home / ".aws" / "config").write_text("[default]\nregion = us-east-2\noutput = json\n\n"
                                              + text)


def as_keys(credentials: dict) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"]}


def expires_in(credentials: dict) -> dt.timedelta:
    expiration = dt.datetime.fromisoformat(credentials["Expiration"].replace("Z", "+00:00"))
    return expiration - dt.datetime.now(dt.UTC)


@pytest.fixture
def bob(iam, aws):
    keys = make_user(iam, "Bob", policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
         "Resource": "*"}]})
    configure(aws, keys)
    return keys


def test_prodaccess_profile_runs_with_the_roles_permissions(iam, account, aws, bob):
    acct = account.account_id
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": acct}), policy=LIST_USERS)
    write_config(aws, f"[profile prodaccess]\nrole_arn = {role_arn}\nsource_profile = default\n")
    listed = aws("iam", "list-users", "--profile", "prodaccess", env=NO_KEYS)
    assert listed.returncode == 0, listed.stderr
    assert [u["UserName"] for u in listed.json["Users"]] == ["Bob"]
    me = aws("sts", "get-caller-identity", "--profile", "prodaccess", env=NO_KEYS).json
    role_id = iam.get_role(RoleName="ProductionAccessRole")["Role"]["RoleId"]
    session = me["Arn"].rsplit("/", 1)[1]
    assert SESSION.fullmatch(session)
    assert me == {"UserId": f"{role_id}:{session}", "Account": acct,
                  "Arn": f"arn:aws:sts::{acct}:assumed-role/ProductionAccessRole/{session}"}
    # Without --profile the CLI is back on the user's own credentials and permissions.
    assert aws("sts", "get-caller-identity", env=NO_KEYS).json["Arn"] == \
        f"arn:aws:iam::{acct}:user/Bob"
    own = aws("iam", "list-users", env=NO_KEYS)
    assert own.returncode != 0
    assert (f"An error occurred (AccessDenied) when calling the ListUsers operation: User: "
            f"arn:aws:iam::{acct}:user/Bob is not authorized to perform: iam:ListUsers on "
            f"resource: arn:aws:iam::{acct}:user/ because no identity-based policy allows the "
            "iam:ListUsers action") in own.stderr


def test_the_users_permissions_are_set_aside_while_in_the_role(iam, account, aws):
    keys = make_user(iam, "Bob", policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:ListUsers"], "Resource": "*"}]})
    configure(aws, keys)
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": account.account_id}),
                         policy={"Version": "2012-10-17", "Statement": [
                             {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]})
    write_config(aws, f"[profile prodaccess]\nrole_arn = {role_arn}\nsource_profile = default\n")
    assert aws("iam", "list-users", env=NO_KEYS).returncode == 0
    assert aws("iam", "list-roles", "--profile", "prodaccess", env=NO_KEYS).returncode == 0
    denied = aws("iam", "list-users", "--profile", "prodaccess", env=NO_KEYS)
    assert denied.returncode != 0
    assert re.search(
        r"An error occurred \(AccessDenied\) when calling the ListUsers operation: User: "
        rf"arn:aws:sts::{account.account_id}:assumed-role/ProductionAccessRole/"
        r"botocore-session-\d+ is not authorized to perform: iam:ListUsers", denied.stderr)


def test_source_profile_without_assume_role_permission_is_refused(iam, account, aws):
    configure(aws, make_user(iam, "Bob", policy=None))
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": account.account_id}),
                         policy=LIST_USERS)
    write_config(aws, f"[profile prodaccess]\nrole_arn = {role_arn}\nsource_profile = default\n")
    out = aws("iam", "list-users", "--profile", "prodaccess", env=NO_KEYS)
    assert out.returncode != 0
    assert (f"An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
            f"arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
            f"sts:AssumeRole on resource: {role_arn}") in out.stderr


def test_the_root_user_cannot_switch_roles(iam, account, aws):
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": account.account_id}))
    out = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "root")
    assert out.returncode != 0
    assert ("An error occurred (AccessDenied) when calling the AssumeRole operation: Roles may "
            "not be assumed by root accounts.") in out.stderr


def test_duration_seconds_ranges_from_900_to_the_roles_maximum(iam, account, aws, bob):
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": account.account_id}),
                         max_session=7200)
    env = {"AWS_ACCESS_KEY_ID": bob.access_key_id,
           "AWS_SECRET_ACCESS_KEY": bob.secret_access_key}

    def assume(*extra: str):
        return aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name",
                   "switch", *extra, env=env)

    default = assume().json["Credentials"]
    assert dt.timedelta(minutes=59) < expires_in(default) <= dt.timedelta(hours=1)
    shortest = assume("--duration-seconds", "900").json["Credentials"]
    assert dt.timedelta(minutes=14) < expires_in(shortest) <= dt.timedelta(minutes=15)
    longest = assume("--duration-seconds", "7200").json["Credentials"]
    assert dt.timedelta(minutes=119) < expires_in(longest) <= dt.timedelta(hours=2)
    over = assume("--duration-seconds", "7201")
    assert over.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: The "
            "requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            ) in over.stderr
    assert assume("--duration-seconds", "899").returncode != 0


def test_duration_seconds_profile_setting_above_the_maximum_fails(iam, account, aws, bob):
    role_arn = make_role(iam, "ProductionAccessRole", trust({"AWS": account.account_id}))
    write_config(aws, f"[profile prodaccess]\nrole_arn = {role_arn}\nsource_profile = default\n"
                      "duration_seconds = 3601\n")
    out = aws("sts", "get-caller-identity", "--profile", "prodaccess", env=NO_KEYS)
    assert out.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: The "
            "requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            ) in out.stderr


CHAINED = ("An error occurred (ValidationError) when calling the AssumeRole operation: The "
           "requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
           "role chaining.")


def test_role_chaining_through_profiles_is_capped_at_one_hour(iam, account, aws, bob):
    first = make_role(iam, "first", trust({"AWS": account.account_id}), max_session=43200,
                      policy=ASSUME)
    second = make_role(iam, "second", trust({"AWS": first}), max_session=43200,
                       policy=LIST_USERS)
    write_config(aws, f"[profile first]\nrole_arn = {first}\nsource_profile = default\n"
                      "duration_seconds = 43200\n\n"
                      f"[profile second]\nrole_arn = {second}\nsource_profile = first\n\n"
                      f"[profile second-long]\nrole_arn = {second}\nsource_profile = first\n"
                      "duration_seconds = 3601\n")
    me = aws("sts", "get-caller-identity", "--profile", "second", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    assert SESSION.fullmatch(me.json["Arn"].split(":assumed-role/second/")[1])
    assert aws("iam", "list-users", "--profile", "second", env=NO_KEYS).returncode == 0
    too_long = aws("sts", "get-caller-identity", "--profile", "second-long", env=NO_KEYS)
    assert too_long.returncode != 0
    assert CHAINED in too_long.stderr


def test_role_chaining_with_assume_role_is_capped_at_one_hour(iam, account, aws, bob):
    first = make_role(iam, "first", trust({"AWS": account.account_id}), max_session=43200,
                      policy=ASSUME)
    second = make_role(iam, "second", trust({"AWS": first}), max_session=43200)
    env = {"AWS_ACCESS_KEY_ID": bob.access_key_id,
           "AWS_SECRET_ACCESS_KEY": bob.secret_access_key}
    one = aws("sts", "assume-role", "--role-arn", first, "--role-session-name", "one",
              "--duration-seconds", "43200", env=env).json["Credentials"]
    assert expires_in(one) > dt.timedelta(hours=11)
    chained = aws("sts", "assume-role", "--role-arn", second, "--role-session-name", "two",
                  "--duration-seconds", "3601", env=as_keys(one))
    assert chained.returncode != 0 and CHAINED in chained.stderr
    two = aws("sts", "assume-role", "--role-arn", second, "--role-session-name", "two",
              env=as_keys(one))
    assert two.returncode == 0, two.stderr
    assert two.json["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{account.account_id}:assumed-role/second/two"
    assert expires_in(two.json["Credentials"]) <= dt.timedelta(hours=1)


def audited_role(iam, account) -> str:
    """A role whose trust policy requires the user's own name as both the source identity
    and the role session name."""
    return make_role(iam, "ProductionAccessRole", json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": account.account_id},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}",
                                           "sts:RoleSessionName": "${aws:username}"}}}]}),
        policy=ASSUME)


def test_trust_policy_can_require_source_identity_and_session_name(iam, account, aws, bob):
    role_arn = audited_role(iam, account)
    env = {"AWS_ACCESS_KEY_ID": bob.access_key_id,
           "AWS_SECRET_ACCESS_KEY": bob.secret_access_key}
    ok = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "Bob",
             "--source-identity", "Bob", env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.json["SourceIdentity"] == "Bob"
    assert ok.json["AssumedRoleUser"]["Arn"] == \
        f"arn:aws:sts::{account.account_id}:assumed-role/ProductionAccessRole/Bob"
    denied = (f"An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
              f"arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
              f"sts:AssumeRole on resource: {role_arn}")
    for extra in (["--role-session-name", "Bob"],
                  ["--role-session-name", "Alice", "--source-identity", "Bob"],
                  ["--role-session-name", "Bob", "--source-identity", "Alice"]):
        out = aws("sts", "assume-role", "--role-arn", role_arn, *extra, env=env)
        assert out.returncode != 0 and denied in out.stderr, extra


def test_role_session_name_in_the_profile_meets_the_trust_condition(iam, account, aws, bob):
    role_arn = make_role(iam, "ProductionAccessRole", trust(
        {"AWS": account.account_id},
        {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}))
    write_config(aws, f"[profile named]\nrole_arn = {role_arn}\nsource_profile = default\n"
                      "role_session_name = Bob\n\n"
                      f"[profile unnamed]\nrole_arn = {role_arn}\nsource_profile = default\n")
    me = aws("sts", "get-caller-identity", "--profile", "named", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"].endswith(":assumed-role/ProductionAccessRole/Bob")
    out = aws("sts", "get-caller-identity", "--profile", "unnamed", env=NO_KEYS)
    assert out.returncode != 0
    assert (f"An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
            f"arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
            f"sts:AssumeRole on resource: {role_arn}") in out.stderr


def test_source_identity_and_session_name_patterns(iam, account, aws, bob):
    role_arn = audited_role(iam, account)
    env = {"AWS_ACCESS_KEY_ID": bob.access_key_id,
           "AWS_SECRET_ACCESS_KEY": bob.secret_access_key}
    reserved = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "Bob",
                   "--source-identity", "aws:Bob", env=env)
    assert reserved.returncode != 0
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: 1 "
            "validation error detected: Value 'aws:Bob' at 'sourceIdentity' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            ) in reserved.stderr
    spaced = aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name",
                 "Maria Garcia", env=env)
    assert ("An error occurred (ValidationError) when calling the AssumeRole operation: 1 "
            "validation error detected: Value 'Maria Garcia' at 'roleSessionName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
            ) in spaced.stderr


def test_source_identity_is_kept_along_a_role_chain(iam, account, aws, bob):
    first = audited_role(iam, account)
    second = make_role(iam, "second", trust({"AWS": first},
                                            actions=["sts:AssumeRole", "sts:SetSourceIdentity"]))
    env = {"AWS_ACCESS_KEY_ID": bob.access_key_id,
           "AWS_SECRET_ACCESS_KEY": bob.secret_access_key}
    one = aws("sts", "assume-role", "--role-arn", first, "--role-session-name", "Bob",
              "--source-identity", "Bob", env=env).json["Credentials"]
    two = aws("sts", "assume-role", "--role-arn", second, "--role-session-name", "next",
              env=as_keys(one))
    assert two.returncode == 0, two.stderr
    assert two.json["SourceIdentity"] == "Bob"


@pytest.fixture
def two_accounts(account, server):
    """Account 111111111111's stand-in (the instance's) and 222222222222's (efgh's)."""
    return account, new_account(server)


def test_instance_profile_role_switches_to_a_role_in_another_account(
        two_accounts, server, aws):
    first, second = two_accounts
    iam_a, iam_b = first.client("iam"), second.client("iam")
    efgh_arn = f"arn:aws:iam::{second.account_id}:role/efgh"
    abcd_arn = make_role(iam_a, "abcd", trust({"Service": "ec2.amazonaws.com"}), policy={
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": efgh_arn}]})
    iam_a.create_instance_profile(InstanceProfileName="abcd")
    iam_a.add_role_to_instance_profile(InstanceProfileName="abcd", RoleName="abcd")
    make_role(iam_b, "efgh", trust({"AWS": abcd_arn}), policy=LIST_USERS)
    iam_b.create_user(UserName="in-222")
    port = _free_port()
    imds = _start(["imds", "--instance-profile", "abcd", "--account-id", first.account_id,
                   "--db", server.db_url], port)
    try:
        env = {**NO_KEYS, "AWS_EC2_METADATA_DISABLED": None,
               "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{port}"}
        write_config(aws, f"[profile instancecrossaccount]\nrole_arn = {efgh_arn}\n"
                          "credential_source = Ec2InstanceMetadata\n")
        listed = aws("iam", "list-users", "--profile", "instancecrossaccount", env=env)
        assert listed.returncode == 0, listed.stderr
        assert [u["UserName"] for u in listed.json["Users"]] == ["in-222"]
        me = aws("sts", "get-caller-identity", "--profile", "instancecrossaccount", env=env)
        assert me.json["Account"] == second.account_id
        assert SESSION.fullmatch(me.json["Arn"].split(":assumed-role/efgh/")[1])
        # Without --profile: the instance profile role itself, in the first account.
        own = aws("sts", "get-caller-identity", env=env).json
        assert own["Arn"] == (f"arn:aws:sts::{first.account_id}:assumed-role/abcd/"
                              "i-0123456789abcdef0")
        # The instance role needs its own permission for the cross-account role.
        iam_a.delete_role_policy(RoleName="abcd", PolicyName="perm")
        (aws.home / ".aws" / "cli" / "cache").mkdir(parents=True, exist_ok=True)
        for cached in (aws.home / ".aws" / "cli" / "cache").glob("*.json"):
            cached.unlink()
        refused = aws("sts", "get-caller-identity", "--profile", "instancecrossaccount",
                      env=env)
        assert refused.returncode != 0
        assert (f"An error occurred (AccessDenied) when calling the AssumeRole operation: "
                f"User: arn:aws:sts::{first.account_id}:assumed-role/abcd/i-0123456789abcdef0 "
                f"is not authorized to perform: sts:AssumeRole on resource: {efgh_arn}"
                ) in refused.stderr
    finally:
        imds.terminate()
        imds.wait(timeout=10)
