"""Unsigned S3 requests through the gateway: allowed only by a bucket policy granting "*"
(or {"AWS": "*"}), refused by an explicit Deny or a policy naming anyone else, acting as
the bucket owner, and recorded with CloudTrail's anonymous userIdentity in the owner's
account; the same with the real CLI's --no-sign-request. Unsigned calls to other services
are refused as those services refuse them."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from collections.abc import Callable

import httpx
import pytest

from ..conftest import BIN
from .gateway_helpers import client


def _bucket(account, *statements: Callable[[str], dict]) -> str:
    """A bucket with public/a.txt and private/b.txt, and a policy of ``statements`` (each
    made for the bucket's name) when any are given."""
    bucket = f"anon-{secrets.token_hex(6)}"
    s3 = client(account, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"for everyone")
    s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"for the owner")
    if statements:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [make(bucket) for make in statements]}))
    return bucket


def _statement(effect: str, action: str, pattern: str,
               principal: object = "*") -> Callable[[str], dict]:
    return lambda bucket: {"Effect": effect, "Principal": principal, "Action": action,
                           "Resource": f"arn:aws:s3:::{bucket}/{pattern}"}


READ_PUBLIC = _statement("Allow", "s3:GetObject", "public/*")


def _denied(response: httpx.Response) -> None:
    assert response.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Access Denied</Message>" in response.text


def _records(server, event_name: str, bucket: str) -> list[dict]:
    """The audit records of ``event_name`` calls on ``bucket``, once they are written."""
    for _ in range(50):
        shown = subprocess.run(
            [str(BIN / "rolecall"), "audit", "--json", "--limit", "200", "--db",
             server.db_url], capture_output=True, text=True, check=True)
        found = [r for r in json.loads(shown.stdout) if r["eventName"] == event_name
                 and any(bucket in res["ARN"] for res in r.get("resources", []))]
        if found:
            return found
        time.sleep(0.1)
    return []


def test_a_bucket_policy_granting_everyone_lets_an_unsigned_get_through(server, account):
    bucket = _bucket(account)
    _denied(httpx.get(f"{account.endpoint}/{bucket}/public/a.txt", timeout=30))
    client(account, "s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [READ_PUBLIC(bucket)]}))
    got = httpx.get(f"{account.endpoint}/{bucket}/public/a.txt", timeout=30)
    assert got.status_code == 200 and got.content == b"for everyone"
    _denied(httpx.get(f"{account.endpoint}/{bucket}/private/b.txt", timeout=30))
    _denied(httpx.get(f"{account.endpoint}/{bucket}?list-type=2", timeout=30))
    allowed = [r for r in _records(server, "GetObject", bucket) if r.get("errorCode") is None
               and r["userIdentity"]["type"] == "AWSAccount"]
    assert allowed, "no allowed anonymous GetObject recorded"
    record = allowed[0]
    assert record["userIdentity"] == {"type": "AWSAccount", "principalId": "",
                                      "accountId": "anonymous"}
    assert record["recipientAccountId"] == account.account_id
    assert record["rolecallAuthorization"][0]["decision"] == "allowed"
    assert record["rolecallAuthorization"][0]["statement"]["layer"] == "resource"


def test_an_unsigned_put_allowed_by_aws_star_runs_as_the_bucket_owner(account):
    bucket = _bucket(account, _statement("Allow", "s3:PutObject", "drop/*", {"AWS": "*"}))
    put = httpx.put(f"{account.endpoint}/{bucket}/drop/note.txt", content=b"left here",
                    timeout=30)
    assert put.status_code == 200, put.text
    owner_view = client(account, "s3").get_object(Bucket=bucket, Key="drop/note.txt")
    assert owner_view["Body"].read() == b"left here"
    _denied(httpx.put(f"{account.endpoint}/{bucket}/public/a.txt", content=b"overwrite",
                      timeout=30))
    _denied(httpx.get(f"{account.endpoint}/{bucket}/drop/note.txt", timeout=30))


def test_an_explicit_deny_beats_the_grant_to_everyone(account):
    bucket = _bucket(account, READ_PUBLIC,
                     _statement("Deny", "s3:GetObject", "public/withdrawn*"))
    client(account, "s3").put_object(Bucket=bucket, Key="public/withdrawn.txt", Body=b"no")
    assert httpx.get(f"{account.endpoint}/{bucket}/public/a.txt", timeout=30).status_code == 200
    _denied(httpx.get(f"{account.endpoint}/{bucket}/public/withdrawn.txt", timeout=30))


@pytest.mark.parametrize("principal", [
    "ACCOUNT", {"AWS": "ACCOUNT"}, {"Service": "cloudfront.amazonaws.com"}])
def test_a_policy_naming_anyone_but_everyone_refuses_anonymous_callers(account, principal):
    named = json.loads(json.dumps(principal).replace("ACCOUNT", account.account_id))
    bucket = _bucket(account, _statement("Allow", "s3:GetObject", "public/*", named))
    _denied(httpx.get(f"{account.endpoint}/{bucket}/public/a.txt", timeout=30))


def test_an_unsigned_request_for_a_bucket_nobody_owns_is_refused(account):
    _denied(httpx.get(f"{account.endpoint}/anon-{secrets.token_hex(6)}/k", timeout=30))


def test_the_cli_without_signing_downloads_and_uploads_what_the_policy_allows(
        aws, account, tmp_path):
    bucket = _bucket(account, READ_PUBLIC, _statement("Allow", "s3:PutObject", "drop/*"))
    s3 = client(account, "s3")
    target = tmp_path / "a.txt"
    got = aws("s3", "cp", f"s3://{bucket}/public/a.txt", str(target), "--no-sign-request")
    assert got.returncode == 0, got.stderr
    assert target.read_bytes() == b"for everyone"
    source = tmp_path / "up.txt"
    source.write_bytes(b"uploaded unsigned")
    put = aws("s3", "cp", str(source), f"s3://{bucket}/drop/up.txt", "--no-sign-request")
    assert put.returncode == 0, put.stderr
    assert s3.get_object(Bucket=bucket, Key="drop/up.txt")["Body"].read() == (
        b"uploaded unsigned")
    refused = aws("s3", "cp", str(source), f"s3://{bucket}/public/up.txt",
                  "--no-sign-request")
    assert refused.returncode != 0
    assert "AccessDenied" in refused.stderr


def test_an_unsigned_call_to_another_service_is_refused_in_its_protocol(account):
    table = f"t{secrets.token_hex(4)}"
    refused = httpx.post(f"{account.endpoint}/", content=json.dumps({
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}).encode(), headers={
        "X-Amz-Target": "DynamoDB_20120810.CreateTable",
        "Content-Type": "application/x-amz-json-1.0"}, timeout=30)
    assert refused.status_code == 400
    assert refused.json() == {"__type": "MissingAuthenticationTokenException",
                              "message": "Request is missing Authentication Token"}
    assert table not in client(account, "dynamodb").list_tables()["TableNames"]
