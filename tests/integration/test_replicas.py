"""Replicas on one PostgreSQL database decide with each other's IAM changes at once.

Both servers poll for changes only every 30 s here (ROLECALL_CHANGE_POLL_SECONDS), longer
than any wait below, and the caches that hide a change (credentials for 60 s, roles until a
change) outlive the waits too: a prompt refusal on one replica after a change made through the
other can only come from PostgreSQL's push (LISTEN/NOTIFY). The authorizer also forgets what
it gathered every second, so a policy change is waited for at most half a second, several
times in a row: a second's expiry cannot explain them all.
"""

from __future__ import annotations

import json
import os
import secrets
import time

import pytest
import sqlalchemy
from botocore.exceptions import ClientError

from rolecall.store.changes import POLL_ENV
from rolecall.store.db import Database
from rolecall.store.notify import APPLICATION_NAME, Listener
from tests.conftest import Account, RunningServer, new_account, start_server, stop_server

pytestmark = pytest.mark.skipif(os.environ.get("ROLECALL_TEST_DB", "sqlite") != "postgresql",
                                reason="LISTEN/NOTIFY needs PostgreSQL (ROLECALL_TEST_DB)")

PROMPT_SECONDS = 5.0  # far below the 30 s poll: a refusal within it was pushed
POLICY_SECONDS = 0.5  # half the authorizer's own cache lifetime (authz/enforce.py)
ALLOW_GET_USER = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:GetUser", "sts:AssumeRole"], "Resource": "*"}]})


@pytest.fixture(scope="module")
def replicas(db_url, tmp_path_factory) -> tuple[RunningServer, RunningServer]:
    logs = tmp_path_factory.mktemp("replicas")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(POLL_ENV, "30")
        first = start_server(db_url, logs / "a.log")
        second = start_server(db_url, logs / "b.log")
    yield first, second
    stop_server(first)
    stop_server(second)


def _at(account: Account, endpoint: str, service: str, key: dict | None = None):
    key = key or {"AccessKeyId": account.access_key_id,
                  "SecretAccessKey": account.secret_access_key}
    return Account(account.account_id, key["AccessKeyId"], key["SecretAccessKey"],
                   endpoint).client(service)


def _refused(call, code: str, within: float = PROMPT_SECONDS) -> None:
    """Retry ``call`` until it fails with ``code``, for at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            call()
        except ClientError as err:
            assert err.response["Error"]["Code"] == code
            return
        assert time.monotonic() < deadline, f"still allowed {within} s after the change"
        time.sleep(0.01)


def _allowed(call, within: float) -> None:
    """Retry ``call`` until it succeeds, for at most ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            call()
            return
        except ClientError as err:
            assert err.response["Error"]["Code"] == "AccessDenied"
            assert time.monotonic() < deadline, f"still refused {within} s after the change"
        time.sleep(0.01)


def _user_with_key(account: Account, endpoint: str, name: str) -> dict:
    iam = _at(account, endpoint, "iam")
    iam.create_user(UserName=name)
    return iam.create_access_key(UserName=name)["AccessKey"]


def test_a_policy_detached_through_one_replica_is_enforced_by_the_other(replicas):
    a, b = replicas
    account = new_account(a)
    key = _user_with_key(account, a.endpoint, "bob")
    arn = _at(account, a.endpoint, "iam").create_policy(
        PolicyName="get-user", PolicyDocument=ALLOW_GET_USER)["Policy"]["Arn"]
    _at(account, a.endpoint, "iam").attach_user_policy(UserName="bob", PolicyArn=arn)
    bob_a = _at(account, a.endpoint, "iam", key)
    assert bob_a.get_user(UserName="bob")["User"]["UserName"] == "bob"
    root_b = _at(account, b.endpoint, "iam")
    for _ in range(3):
        root_b.detach_user_policy(UserName="bob", PolicyArn=arn)
        _refused(lambda: bob_a.get_user(UserName="bob"), "AccessDenied", POLICY_SECONDS)
        root_b.attach_user_policy(UserName="bob", PolicyArn=arn)
        _allowed(lambda: bob_a.get_user(UserName="bob"), POLICY_SECONDS)


def test_an_access_key_deleted_through_one_replica_stops_working_on_the_other(replicas):
    a, b = replicas
    account = new_account(a)
    key = _user_with_key(account, a.endpoint, "carol")
    carol_a = _at(account, a.endpoint, "sts", key)
    assert carol_a.get_caller_identity()["Arn"].endswith(":user/carol")
    _at(account, b.endpoint, "iam").delete_access_key(UserName="carol",
                                                      AccessKeyId=key["AccessKeyId"])
    _refused(carol_a.get_caller_identity, "InvalidClientTokenId")


def test_a_trust_policy_changed_through_one_replica_is_enforced_by_the_other(replicas):
    a, b = replicas
    account = new_account(a)
    key = _user_with_key(account, a.endpoint, "dave")
    root_a = _at(account, a.endpoint, "iam")
    root_a.put_user_policy(UserName="dave", PolicyName="assume", PolicyDocument=ALLOW_GET_USER)
    root_a.create_user(UserName="erin")

    def trusting(name: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:user/{name}"}}]})

    role_arn = root_a.create_role(RoleName="ops", AssumeRolePolicyDocument=trusting("dave"))[
        "Role"]["Arn"]
    dave_a = _at(account, a.endpoint, "sts", key)
    assert dave_a.assume_role(RoleArn=role_arn, RoleSessionName="ops-session")["Credentials"]
    _at(account, b.endpoint, "iam").update_assume_role_policy(
        RoleName="ops", PolicyDocument=trusting("erin"))
    _refused(lambda: dave_a.assume_role(RoleArn=role_arn, RoleSessionName="ops-session"),
             "AccessDenied")


def _listener_pid(admin: sqlalchemy.Engine, server: RunningServer, other_than: int = 0) -> int:
    """The backend of ``server``'s LISTEN connection, once there is one (not ``other_than``)."""
    name = f"{APPLICATION_NAME} {server.process.pid}"
    deadline = time.monotonic() + PROMPT_SECONDS
    while True:
        with admin.connect() as conn:
            pids = conn.execute(sqlalchemy.text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                "AND pid <> :other"), {"name": name, "other": other_than}).scalars().all()
        if pids:
            assert len(pids) == 1
            return pids[0]
        assert time.monotonic() < deadline, "no LISTEN connection"
        time.sleep(0.05)


def test_the_listener_reconnects_when_its_connection_is_terminated(replicas):
    a, b = replicas
    admin = sqlalchemy.create_engine(a.db_url, isolation_level="AUTOCOMMIT")
    try:
        account = new_account(a)
        first = _user_with_key(account, a.endpoint, "frank")
        second = _at(account, a.endpoint, "iam").create_access_key(UserName="frank")[
            "AccessKey"]
        frank_a = [_at(account, a.endpoint, "sts", k) for k in (first, second)]
        for sts in frank_a:
            assert sts.get_caller_identity()["Arn"].endswith(":user/frank")
        old = _listener_pid(admin, a)
        with admin.connect() as conn:
            assert conn.execute(sqlalchemy.text("SELECT pg_terminate_backend(:pid)"),
                                {"pid": old}).scalar()
        # Changed while the listener may be down: caught up when it is back.
        iam_b = _at(account, b.endpoint, "iam")
        iam_b.delete_access_key(UserName="frank", AccessKeyId=first["AccessKeyId"])
        _refused(frank_a[0].get_caller_identity, "InvalidClientTokenId")
        _listener_pid(admin, a, other_than=old)
        # And pushed again once it is back.
        assert frank_a[1].get_caller_identity()["Arn"].endswith(":user/frank")
        iam_b.delete_access_key(UserName="frank", AccessKeyId=second["AccessKeyId"])
        _refused(frank_a[1].get_caller_identity, "InvalidClientTokenId")
    finally:
        admin.dispose()


def _until(check, what: str) -> None:
    deadline = time.monotonic() + PROMPT_SECONDS
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_the_listener_counts_notifications_and_every_connection_lost_or_made(db_url):
    db = Database(db_url)
    channel = f"rolecall_test_{secrets.token_hex(4)}"
    listener = Listener(db, channel)
    listener.start()
    try:
        _until(lambda: listener.listening, "not listening")
        connected = listener.count
        assert connected >= 1
        with db.engine.begin() as conn:
            conn.execute(sqlalchemy.text("SELECT pg_notify(:channel, 'x')"), {"channel": channel})
            assert listener.count == connected  # delivered at commit, not before
        _until(lambda: listener.count == connected + 1, "the notification was not counted")
        with db.engine.begin() as conn:
            assert conn.execute(sqlalchemy.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = :listen"), {"listen": f"LISTEN {channel}"}).scalar()
        # Lost (one), then made again (one more), and listening.
        _until(lambda: listener.count >= connected + 3 and listener.listening,
               "the listener did not come back")
    finally:
        listener.close()
        db.dispose()
