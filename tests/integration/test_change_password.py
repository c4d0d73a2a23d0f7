"""ChangePassword over HTTP: an IAM user changing his own console password with his own
keys, under the account's password policy (complexity, reuse prevention, hard expiry)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import sqlalchemy
from botocore.exceptions import ClientError

from rolecall.audit.show import recent
from rolecall.store.db import Database
from tests.integration.test_credential_report import report_rows
from tests.integration.test_sts_support import error_of

FIRST = "First-pass-1"
ALLOW_OWN = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "iam:ChangePassword",
    "Resource": "arn:aws:iam::*:user/${aws:username}"}]}


def _user(account, iam, name: str = "alice", *, policy: dict | None = ALLOW_OWN,
          reset_required: bool = False):
    """A user with a console password and keys of his own; his IAM client."""
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=FIRST,
                             PasswordResetRequired=reset_required)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="pw", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return account.client("iam", access_key_id=key["AccessKeyId"],
                          secret_access_key=key["SecretAccessKey"])


def _refused(call, **params) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as err:
        call(**params)
    return error_of(err)


def test_user_changes_his_password_and_the_old_one_stops_working(iam, account):
    alice = _user(account, iam, reset_required=True)
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    code, message, status = _refused(alice.change_password, OldPassword=FIRST,
                                     NewPassword="Third-pass-3")
    assert (code, status) == ("AccessDenied", 403)
    assert "old password" in message
    alice.change_password(OldPassword="Second-pass-2", NewPassword="Third-pass-3")


def test_wrong_old_password_changes_nothing(iam, account):
    alice = _user(account, iam)
    assert _refused(alice.change_password, OldPassword="Not-it-123",
                    NewPassword="Second-pass-2")[0] == "AccessDenied"
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")


def test_new_password_must_satisfy_the_policy(iam, account):
    alice = _user(account, iam)
    code, message, status = _refused(alice.change_password, OldPassword=FIRST,
                                     NewPassword="short")
    assert (code, message, status) == (
        "PasswordPolicyViolation", "Password does not conform to the account password policy.",
        400)
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    assert _refused(alice.change_password, OldPassword=FIRST,
                    NewPassword="LongEnoughButNoSymbol1")[0] == "PasswordPolicyViolation"
    alice.change_password(OldPassword=FIRST, NewPassword="Long-enough-with-1")


def test_password_reuse_prevention(iam, account):
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=2)
    alice = _user(account, iam)
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")
    # The current password and the one before it are both remembered.
    for reused in ("Second-pass-2", FIRST):
        assert _refused(alice.change_password, OldPassword="Second-pass-2",
                        NewPassword=reused)[0] == "PasswordPolicyViolation"
    alice.change_password(OldPassword="Second-pass-2", NewPassword="Third-pass-3")
    # Two changes later the first password may come back.
    alice.change_password(OldPassword="Third-pass-3", NewPassword=FIRST)


def _age_password(server, account_id: str, user: str, days: int) -> None:
    engine = sqlalchemy.create_engine(server.db_url)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(
                "UPDATE login_profiles SET password_changed_at = :old WHERE user_id = "
                "(SELECT id FROM users WHERE account_id = :account AND name = :name)"),
                {"old": old, "account": account_id, "name": user})
    finally:
        engine.dispose()


def test_hard_expiry_stops_an_expired_user_changing_his_password(iam, account, server):
    iam.update_account_password_policy(MaxPasswordAge=90, HardExpiry=True)
    alice = _user(account, iam)
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")  # not expired yet
    _age_password(server, account.account_id, "alice", 91)
    code, message, status = _refused(alice.change_password, OldPassword="Second-pass-2",
                                     NewPassword="Third-pass-3")
    assert (code, status) == ("AccessDenied", 403)
    assert "expired" in message
    # Without HardExpiry an expired password is exactly what ChangePassword renews.
    iam.update_account_password_policy(MaxPasswordAge=90, HardExpiry=False)
    alice.change_password(OldPassword="Second-pass-2", NewPassword="Third-pass-3")


def test_allow_users_to_change_password_grants_it_but_a_deny_still_wins(iam, account):
    bob = _user(account, iam, "bob", policy=None)
    assert _refused(bob.change_password, OldPassword=FIRST,
                    NewPassword="Second-pass-2")[0] == "AccessDenied"
    iam.update_account_password_policy(AllowUsersToChangePassword=True)
    bob.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")
    iam.put_user_policy(UserName="bob", PolicyName="deny", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}))
    code, message, _ = _refused(bob.change_password, OldPassword="Second-pass-2",
                                NewPassword="Third-pass-3")
    assert code == "AccessDenied" and "explicit deny" in message


def test_only_iam_users_change_passwords(iam, account):
    code, _, status = _refused(iam.change_password, OldPassword=FIRST, NewPassword="Other-pw-12")
    assert (code, status) == ("InvalidUserType", 400)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}]}
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName="r", PolicyName="pw", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"}]}))
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="a", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]}))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    creds = account.client("sts", access_key_id=key["AccessKeyId"],
                           secret_access_key=key["SecretAccessKey"]).assume_role(
        RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]
    session = account.client("iam", access_key_id=creds["AccessKeyId"],
                             secret_access_key=creds["SecretAccessKey"],
                             session_token=creds["SessionToken"])
    assert _refused(session.change_password, OldPassword=FIRST,
                    NewPassword="Other-pw-12")[0] == "InvalidUserType"


def test_user_without_a_login_profile(iam, account):
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="pw", PolicyDocument=json.dumps(ALLOW_OWN))
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    carol = account.client("iam", access_key_id=key["AccessKeyId"],
                           secret_access_key=key["SecretAccessKey"])
    assert _refused(carol.change_password, OldPassword=FIRST, NewPassword="Other-pw-12") == (
        "NoSuchEntity", "Login Profile for User carol cannot be found.", 404)


def test_cli_change_password_with_the_users_own_keys(aws, iam, account):
    iam.create_user(UserName="dave")
    iam.create_login_profile(UserName="dave", Password=FIRST)
    iam.put_user_policy(UserName="dave", PolicyName="pw", PolicyDocument=json.dumps(ALLOW_OWN))
    key = iam.create_access_key(UserName="dave")["AccessKey"]
    env = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    done = aws("iam", "change-password", "--old-password", FIRST,
               "--new-password", "Second-pass-2", env=env)
    assert done.returncode == 0, done.stderr
    again = aws("iam", "change-password", "--old-password", FIRST,
                "--new-password", "Third-pass-3", env=env)
    assert again.returncode != 0
    assert "(AccessDenied) when calling the ChangePassword operation" in again.stderr


def test_passwords_never_reach_the_audit_trail(iam, account, server):
    alice = _user(account, iam)
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")
    _refused(alice.change_password, OldPassword="Wrong-pass-9", NewPassword="Third-pass-3")
    deadline = time.monotonic() + 10
    records = ""
    while time.monotonic() < deadline and records.count('"ChangePassword"') < 2:
        time.sleep(0.2)
        records = json.dumps(recent(Database(server.db_url), 200, account.account_id))
    assert records.count('"ChangePassword"') >= 2
    for secret in (FIRST, "Second-pass-2", "Wrong-pass-9", "Third-pass-3"):
        assert secret not in records


def test_credential_report_shows_when_the_password_was_changed(iam, account, server):
    iam.update_account_password_policy(MaxPasswordAge=30)
    alice = _user(account, iam)
    _age_password(server, account.account_id, "alice", 10)
    alice.change_password(OldPassword=FIRST, NewPassword="Second-pass-2")
    iam.generate_credential_report()
    _, rows = report_rows(iam)
    changed = dt.datetime.fromisoformat(rows["alice"]["password_last_changed"])
    assert abs((dt.datetime.now(dt.UTC) - changed).total_seconds()) < 60
    rotation = dt.datetime.fromisoformat(rows["alice"]["password_next_rotation"])
    assert rotation - changed == dt.timedelta(days=30)
