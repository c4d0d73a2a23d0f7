"""Whose bucket it is decides how a call on it is authorized: a bucket deleted and made
again by another account is decided in its new owner's account, and a bucket made in the
upstream without rolecall has its owner found from the upstream, by another server
process too."""

from __future__ import annotations

import json
import secrets

import httpx
import pytest
from botocore.exceptions import ClientError

from ..conftest import new_account, start_server, stop_server
from .gateway_helpers import client, moto_apart, user_with_policy


def _reader(account, bucket: str) -> dict:
    return user_with_policy(account, [{"Effect": "Allow", "Action": "s3:GetObject",
                                       "Resource": f"arn:aws:s3:::{bucket}/*"}])


def test_a_bucket_made_again_by_another_account_belongs_to_it(server, account):
    bucket = f"own-{secrets.token_hex(6)}"
    first = client(account, "s3")
    first.create_bucket(Bucket=bucket)
    first.put_object(Bucket=bucket, Key="k", Body=b"first")
    reader = _reader(account, bucket)
    assert client(account, "s3", reader).get_object(Bucket=bucket, Key="k")["Body"].read() == (
        b"first")
    first.delete_object(Bucket=bucket, Key="k")
    first.delete_bucket(Bucket=bucket)
    other = new_account(server)
    second = client(other, "s3")
    second.create_bucket(Bucket=bucket)
    second.put_object(Bucket=bucket, Key="k", Body=b"second")
    # Now another account's bucket: the reader's identity policy alone is not enough.
    with pytest.raises(ClientError) as denied:
        client(account, "s3", reader).get_object(Bucket=bucket, Key="k")
    assert denied.value.response["Error"]["Message"].endswith(
        "because no resource-based policy allows the s3:GetObject action")
    assert second.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"


@pytest.fixture(scope="module")
def upstream_apart():
    with moto_apart() as url:
        yield url


def _made_in_moto(moto: str, account_id: str, bucket: str) -> None:
    """A bucket made in moto itself, as ``account_id``, readable by everyone under public/."""
    owner = {"x-moto-account-id": account_id}
    assert httpx.put(f"{moto}/{bucket}", headers=owner).status_code == 200
    for key in ("public/a.txt", "private/b.txt"):
        assert httpx.put(f"{moto}/{bucket}/{key}", content=b"outside",
                         headers=owner).status_code == 200
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/public/*"}]}
    assert httpx.put(f"{moto}/{bucket}?policy", content=json.dumps(policy).encode(),
                     headers=owner).status_code in (200, 204)


def test_the_owner_of_a_bucket_made_without_rolecall_comes_from_the_upstream(
        tmp_path_factory, upstream_apart):
    db = f"sqlite:///{tmp_path_factory.mktemp('owners') / 'rolecall.db'}"
    logs = tmp_path_factory.mktemp("owners-log")
    running = start_server(db, logs / "server.log", "--upstream", upstream_apart)
    try:
        owner, outsider = new_account(running), new_account(running)
        bucket = f"outside-{secrets.token_hex(5)}"
        _made_in_moto(upstream_apart, owner.account_id, bucket)
        # The outsider's identity policy is not enough for another account's bucket.
        reader = _reader(outsider, bucket)
        with pytest.raises(ClientError) as denied:
            client(outsider, "s3", reader).get_object(Bucket=bucket, Key="private/b.txt")
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        got = client(outsider, "s3", reader).get_object(Bucket=bucket, Key="public/a.txt")
        assert got["Body"].read() == b"outside"
        got = client(owner, "s3").get_object(Bucket=bucket, Key="private/b.txt")
        assert got["Body"].read() == b"outside"
        anonymous = httpx.get(f"{running.endpoint}/{bucket}/public/a.txt", timeout=30)
        assert anonymous.status_code == 200 and anonymous.content == b"outside"
    finally:
        stop_server(running)
    # Another server process on the same database knows the owner found.
    again = start_server(db, logs / "again.log", "--upstream", upstream_apart)
    try:
        anonymous = httpx.get(f"{again.endpoint}/{bucket}/public/a.txt", timeout=30)
        assert anonymous.status_code == 200 and anonymous.content == b"outside"
    finally:
        stop_server(again)
