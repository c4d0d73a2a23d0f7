"""The gateway's options: --enforcement log, --upstream URL (a moto started apart),
--upstream SERVICE=URL, an upstream that cannot be reached, and --upstream none."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from ..conftest import BIN, new_account, start_server, stop_server
from .gateway_helpers import client, moto_apart, user_with_policy


@pytest.fixture(scope="module")
def separate_moto():
    with moto_apart() as url:
        yield url


def _server(tmp_path_factory, label: str, *extra: str):
    db = f"sqlite:///{tmp_path_factory.mktemp(label) / 'rolecall.db'}"
    return start_server(db, tmp_path_factory.mktemp(label + "-log") / "server.log", *extra)


def test_log_mode_lets_a_denied_call_through_and_records_why(tmp_path_factory):
    running = _server(tmp_path_factory, "logmode", "--enforcement", "log")
    try:
        account = new_account(running)
        bucket = f"b-{secrets.token_hex(5)}"
        client(account, "s3").create_bucket(Bucket=bucket)
        nobody = user_with_policy(account, [{"Effect": "Allow", "Action": "sqs:ListQueues",
                                             "Resource": "*"}])
        s3 = client(account, "s3", nobody)
        s3.put_object(Bucket=bucket, Key="k", Body=b"through")
        assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"through"
        audit = subprocess.run(
            [str(BIN / "rolecall"), "audit", "--json", "--limit", "50",
             "--db", running.db_url], capture_output=True, text=True, check=True)
        records = [r for r in json.loads(audit.stdout)
                   if r["eventName"] == "PutObject" and
                   r["userIdentity"].get("userName") == nobody["name"]]
        assert records, audit.stdout[-2000:]
        would = records[0]["additionalEventData"]["wouldHaveBeenDenied"]
        assert would[0]["action"] == "s3:PutObject"
        assert "no identity-based policy allows the s3:PutObject action" in would[0]["reason"]
        assert "would deny" in running.log_path.read_text()
    finally:
        stop_server(running)


def test_a_separately_started_moto_as_the_upstream(tmp_path_factory, separate_moto):
    running = _server(tmp_path_factory, "apart", "--upstream", separate_moto)
    try:
        account = new_account(running)
        table = f"t{secrets.token_hex(4)}"
        client(account, "dynamodb").create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        import boto3

        moto_client = boto3.client("dynamodb", endpoint_url=separate_moto,
                                   region_name="us-east-1", aws_access_key_id="x",
                                   aws_secret_access_key="y")
        moto_client.meta.events.register(
            "before-sign.dynamodb.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id",
                                                             account.account_id))
        assert table in moto_client.list_tables()["TableNames"]
        reader = user_with_policy(account, [{"Effect": "Allow", "Action": "dynamodb:ListTables",
                                             "Resource": "*"}])
        assert table in client(account, "dynamodb", reader).list_tables()["TableNames"]
        with pytest.raises(ClientError):
            client(account, "dynamodb", reader).delete_table(TableName=table)
    finally:
        stop_server(running)


def test_per_service_upstreams_and_an_unreachable_one(tmp_path_factory, separate_moto):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nothing listens there once the socket is closed
    running = _server(tmp_path_factory, "perservice", "--upstream", separate_moto,
                      "--upstream", f"sqs=http://127.0.0.1:{dead}", "--upstream", "sns=none")
    try:
        account = new_account(running)
        started = time.monotonic()
        with pytest.raises(ClientError) as unavailable:
            client(account, "sqs").list_queues()
        assert time.monotonic() - started < 30  # refused at once, not a hang
        assert unavailable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        with pytest.raises(ClientError) as none:
            client(account, "sns").list_topics()
        assert none.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert "sns:ListTopics" in none.value.response["Error"]["Message"]
        assert client(account, "s3").list_buckets()["Buckets"] == []
        health = urllib.request.urlopen(running.endpoint + "/_rolecall/health", timeout=5)
        assert health.status == 200
    finally:
        stop_server(running)


def test_upstream_none_decides_then_answers_not_implemented(tmp_path_factory):
    running = _server(tmp_path_factory, "none", "--upstream", "none")
    try:
        account = new_account(running)
        with pytest.raises(ClientError) as allowed:
            client(account, "ec2").describe_instances()
        assert allowed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        user = user_with_policy(account, [{"Effect": "Allow", "Action": "sqs:ListQueues",
                                           "Resource": "*"}])
        with pytest.raises(ClientError) as denied:
            client(account, "ec2", user).describe_instances()
        assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    finally:
        stop_server(running)
