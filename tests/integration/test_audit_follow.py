"""`rolecall audit --follow`: another process sees each call as it is decided."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
import time

from botocore.exceptions import ClientError

from tests.conftest import BIN


def _read_lines(process: subprocess.Popen, want, timeout: float = 20.0) -> list[str]:
    """Lines of the follower's output until ``want(lines)`` holds (read by a thread: a
    buffered pipe cannot be polled line by line)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while not want(got) and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        got.append(line)
    return got


def _follower(db_url: str, *args: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "rolecall"), "audit", "--follow", "--db", db_url, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    ready = process.stderr.readline()  # printed once it knows where to start
    assert ready.startswith("following audit events after event"), ready
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_follow_prints_each_decision_as_json_lines(server, account, iam):
    iam.create_user(UserName="watched")
    key = iam.create_access_key(UserName="watched")["AccessKey"]
    watched = account.client("iam", access_key_id=key["AccessKeyId"],
                             secret_access_key=key["SecretAccessKey"])
    iam.put_user_policy(UserName="watched", PolicyName="get", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "GetOnly", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
    follower = _follower(server.db_url, "--json", "--account-id", account.account_id)
    try:
        watched.get_user(UserName="watched")
        with contextlib.suppress(ClientError):
            watched.delete_user(UserName="watched")
        arn = f"arn:aws:iam::{account.account_id}:user/watched"
        lines = _read_lines(follower, lambda got: sum(arn in line for line in got) >= 2)
    finally:
        _stop(follower)
    seen = [json.loads(line) for line in lines if arn in line]
    assert [(s["action"], s["decision"]) for s in seen[:2]] == [
        ("iam:GetUser", "allowed"), ("iam:DeleteUser", "implicitDeny")]
    first, second = seen[:2]
    assert first["principal"] == arn and first["resource"] == arn
    assert first["statement"]["sid"] == "GetOnly" and first["statement"]["policy"] == "get"
    assert second["statement"] is None and second["errorCode"] == "AccessDenied"


def test_follow_prints_a_table_by_default(server, account, iam):
    follower = _follower(server.db_url, "--account-id", account.account_id)
    try:
        iam.create_user(UserName="tabled")
        lines = _read_lines(follower, lambda got: any("iam:CreateUser" in g for g in got))
    finally:
        _stop(follower)
    assert lines[0].split()[:4] == ["Time", "Principal", "Action", "Resource"]
    row = next(line for line in lines if "iam:CreateUser" in line)
    assert f"arn:aws:iam::{account.account_id}:root" in row and "allowed" in row
