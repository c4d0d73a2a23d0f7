"""State lives in the database: it survives restarts and kills, and several server
processes on one database see one another's writes."""

from __future__ import annotations

import concurrent.futures
import os
import signal

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Account, new_account, start_server, stop_server


def _client(account: Account, endpoint: str):
    return Account(account.account_id, account.access_key_id, account.secret_access_key,
                   endpoint).client("iam")


@pytest.fixture
def second_server(server, tmp_path):
    running = start_server(server.db_url, tmp_path / "second.log")
    yield running
    stop_server(running)


def test_two_servers_on_one_database_see_each_others_writes(server, second_server):
    account = new_account(server)
    first, second = _client(account, server.endpoint), _client(account, second_server.endpoint)
    first.create_user(UserName="shared")
    assert second.get_user(UserName="shared")["User"]["UserName"] == "shared"
    second.delete_user(UserName="shared")
    with pytest.raises(ClientError) as err:
        first.get_user(UserName="shared")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"


def test_racing_creates_of_one_name_on_two_servers_make_exactly_one_user(server,
                                                                           second_server):
    account = new_account(server)
    clients = [_client(account, server.endpoint), _client(account, second_server.endpoint)]

    def create(i: int) -> str:
        try:
            clients[i % 2].create_user(UserName="race")
            return "created"
        except ClientError as err:
            return err.response["Error"]["Code"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(create, range(8)))
    assert outcomes.count("created") == 1
    assert set(outcomes) <= {"created", "EntityAlreadyExists", "ConcurrentModification"}
    assert [u["UserName"] for u in clients[0].list_users()["Users"]] == ["race"]


def test_an_acknowledged_write_survives_a_kill(server, tmp_path):
    victim = start_server(server.db_url, tmp_path / "victim.log")
    account = new_account(server)
    iam = _client(account, victim.endpoint)
    iam.create_user(UserName="durable")
    key = iam.create_access_key(UserName="durable")["AccessKey"]
    os.kill(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    restarted = start_server(server.db_url, tmp_path / "restarted.log")
    try:
        again = _client(account, restarted.endpoint)
        assert again.get_user(UserName="durable")["User"]["UserName"] == "durable"
        keys = again.list_access_keys(UserName="durable")["AccessKeyMetadata"]
        assert [k["AccessKeyId"] for k in keys] == [key["AccessKeyId"]]
    finally:
        stop_server(restarted)


def _eventually(check, seconds: float = 5.0):
    """IAM is eventually consistent across processes: poll until ``check`` passes."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (AssertionError, ClientError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_policy_change_on_one_server_is_enforced_by_the_other(server, second_server):
    account = new_account(server)
    root_a = _client(account, server.endpoint)
    root_a.create_user(UserName="bob")
    key = root_a.create_access_key(UserName="bob")["AccessKey"]
    bob_b = Account(account.account_id, key["AccessKeyId"], key["SecretAccessKey"],
                    second_server.endpoint).client("iam")
    with pytest.raises(ClientError) as err:
        bob_b.list_users()
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    root_a.put_user_policy(UserName="bob", PolicyName="list", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",'
        '"Resource":"*"}]}'))
    _eventually(lambda: bob_b.list_users())
    root_a.update_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"], Status="Inactive")

    def refused():
        try:
            bob_b.list_users()
        except ClientError as denied:
            assert denied.response["Error"]["Code"] == "InvalidClientTokenId"
            return
        raise AssertionError("the deactivated key still works")

    _eventually(refused)
