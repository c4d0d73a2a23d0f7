"""Users with one inline policy, their clients, and a moto started apart, for the gateway's
tests."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import boto3
from botocore.config import Config

from ..conftest import _die_with_parent, _free_port


def user_with_policy(account, statements: list[dict], name: str | None = None) -> dict:
    """A new IAM user allowed exactly ``statements``; returns its access key."""
    iam = account.client("iam")
    name = name or f"u{secrets.token_hex(4)}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"name": name, "arn": f"arn:aws:iam::{account.account_id}:user/{name}",
            "AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


def client(account, service: str, key: dict | None = None, *, region: str = "us-east-1",
           **config):
    key = key or {"AccessKeyId": account.access_key_id,
                  "SecretAccessKey": account.secret_access_key}
    return boto3.client(
        service, endpoint_url=account.endpoint, region_name=region,
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        aws_session_token=key.get("SessionToken"),
        config=Config(retries={"max_attempts": 1}, **config))


def cli_env(key: dict) -> dict[str, str]:
    env = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    if key.get("SessionToken"):
        env["AWS_SESSION_TOKEN"] = key["SessionToken"]
    return env


@contextlib.contextmanager
def moto_apart() -> Iterator[str]:
    """A moto server of the test's own (an upstream that tests can also reach directly)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
