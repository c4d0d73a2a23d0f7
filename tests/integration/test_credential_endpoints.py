"""The credential endpoints behind credential_source: `rolecall imds` (EC2 instance
metadata, IMDSv2 and v1) and `rolecall ecs-credentials` (container credentials), used
directly over HTTP, by botocore's providers, and by the aws CLI's role profiles."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rolecall.credential_endpoints.minting import REFRESH_BEFORE_SECONDS, RoleSessions, named_role
from rolecall.store.db import Database
from tests.integration.test_sts_support import make_role, trust

BIN = Path(sys.executable).parent
LIST_USERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole"], "Resource": "*"}]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], port: int, env: dict | None = None) -> subprocess.Popen:
    process = subprocess.Popen([str(BIN / "rolecall"), *args, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("endpoint did not start")


def _request(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def instance(iam, account, server):
    role_arn = make_role(iam, "instance-role", trust({"Service": "ec2.amazonaws.com"}),
                         policy=LIST_USERS)
    iam.create_instance_profile(InstanceProfileName="abcd")
    iam.add_role_to_instance_profile(InstanceProfileName="abcd", RoleName="instance-role")
    port = _free_port()
    process = _start(["imds", "--instance-profile", "abcd", "--account-id", account.account_id,
                      "--db", server.db_url], port)
    yield f"http://127.0.0.1:{port}", role_arn
    process.terminate()
    process.wait(timeout=10)


def test_imdsv2_token_then_credentials(instance, account):
    endpoint, _ = instance
    status, token = _request(endpoint + "/latest/api/token", "PUT",
                             {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
    assert status == 200 and token
    headers = {"X-aws-ec2-metadata-token": token}
    status, name = _request(endpoint + "/latest/meta-data/iam/security-credentials/",
                            headers=headers)
    assert (status, name) == (200, "instance-role")
    status, body = _request(endpoint + "/latest/meta-data/iam/security-credentials/"
                            "instance-role", headers=headers)
    document = json.loads(body)
    assert status == 200
    assert set(document) == {"Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey",
                             "Token", "Expiration"}
    assert document["Code"] == "Success" and document["Type"] == "AWS-HMAC"
    assert document["AccessKeyId"].startswith("ASIA")
    me = account.client("sts", access_key_id=document["AccessKeyId"],
                        secret_access_key=document["SecretAccessKey"],
                        session_token=document["Token"]).get_caller_identity()
    assert me["Arn"] == (f"arn:aws:sts::{account.account_id}:assumed-role/instance-role/"
                         "i-0123456789abcdef0")


def test_imds_token_rules(instance):
    endpoint, _ = instance
    creds = endpoint + "/latest/meta-data/iam/security-credentials/"
    assert _request(endpoint + "/latest/api/token", "PUT")[0] == 400  # TTL is required
    assert _request(endpoint + "/latest/api/token", "PUT",
                    {"X-aws-ec2-metadata-token-ttl-seconds": "21601"})[0] == 400
    assert _request(creds, headers={"X-aws-ec2-metadata-token": "forged"})[0] == 401
    assert _request(creds) == (200, "instance-role")  # IMDSv1 without a token
    assert _request(endpoint + "/latest/meta-data/nothing-here")[0] == 404


def test_cli_uses_instance_metadata_directly_and_as_credential_source(
        instance, iam, account, aws):
    endpoint, instance_role = instance
    env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
           "AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint}
    direct = aws("sts", "get-caller-identity", env=env)
    assert direct.returncode == 0, direct.stderr
    assert ":assumed-role/instance-role/i-0123456789abcdef0" in direct.json["Arn"]
    target = make_role(iam, "efgh", trust({"AWS": instance_role}), policy=LIST_USERS)
    (aws.home / ".aws" / "config").write_text(
        f"[profile instancecrossaccount]\nrole_arn = {target}\n"
        "credential_source = Ec2InstanceMetadata\n")
    out = aws("iam", "list-users", "--profile", "instancecrossaccount", env=env)
    assert out.returncode == 0, out.stderr
    me = aws("sts", "get-caller-identity", "--profile", "instancecrossaccount", env=env)
    assert me.json["Arn"].startswith(
        f"arn:aws:sts::{account.account_id}:assumed-role/efgh/botocore-session-")


def test_role_not_trusting_ec2_gets_no_credentials(iam, account, server):
    make_role(iam, "not-ec2", trust({"AWS": account.account_id}))
    iam.create_instance_profile(InstanceProfileName="p")
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="not-ec2")
    port = _free_port()
    process = _start(["imds", "--instance-profile", "p", "--account-id", account.account_id,
                      "--db", server.db_url], port)
    try:
        status, _ = _request(f"http://127.0.0.1:{port}/latest/meta-data/iam/"
                             "security-credentials/")
        assert status == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def container(iam, account, server):
    role_arn = make_role(iam, "task-role", trust({"Service": "ecs-tasks.amazonaws.com"}),
                         policy=LIST_USERS)
    port = _free_port()
    process = _start(["ecs-credentials", "--role-name", "task-role", "--account-id",
                      account.account_id, "--db", server.db_url, "--token", "s3cr3t-token"],
                     port)
    yield f"http://127.0.0.1:{port}/v2/credentials", role_arn
    process.terminate()
    process.wait(timeout=10)


def test_container_endpoint_needs_the_authorization_token(container):
    url, role_arn = container
    assert _request(url)[0] == 401
    assert _request(url, headers={"Authorization": "wrong"})[0] == 401
    status, body = _request(url, headers={"Authorization": "s3cr3t-token"})
    document = json.loads(body)
    assert status == 200 and document["RoleArn"] == role_arn
    assert {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} <= set(document)


def test_cli_uses_container_credentials_as_credential_source(container, iam, account, aws):
    url, task_role = container
    env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
           "AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "s3cr3t-token"}
    direct = aws("sts", "get-caller-identity", env=env)
    assert direct.returncode == 0, direct.stderr
    assert ":assumed-role/task-role/" in direct.json["Arn"]
    target = make_role(iam, "target", trust({"AWS": task_role}), policy=LIST_USERS)
    (aws.home / ".aws" / "config").write_text(
        f"[profile fromcontainer]\nrole_arn = {target}\ncredential_source = EcsContainer\n")
    out = aws("sts", "get-caller-identity", "--profile", "fromcontainer", env=env)
    assert out.returncode == 0, out.stderr
    assert ":assumed-role/target/" in out.json["Arn"]
    bad = aws("sts", "get-caller-identity", "--profile", "fromcontainer",
              env={**env, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"})
    assert bad.returncode != 0


def test_sessions_are_reused_then_refreshed_before_expiry(iam, account, server):
    make_role(iam, "task-role", trust({"Service": "ecs-tasks.amazonaws.com"}))
    clock = [time.time()]
    sessions = RoleSessions(Database(server.db_url), account.account_id,
                            "ecs-tasks.amazonaws.com", "task",
                            named_role(account.account_id, "task-role"), clock=lambda: clock[0])
    first = sessions.current()
    assert sessions.current() is first
    clock[0] = first.claims.expires_at - REFRESH_BEFORE_SECONDS - 1
    assert sessions.current() is first
    clock[0] += 1
    second = sessions.current()
    assert second.claims.access_key_id != first.claims.access_key_id
    assert second.claims.expires_at > first.claims.expires_at
