"""S3 through the gateway: a user limited to a prefix, the CLI's multipart uploads,
presigned URLs used with a plain HTTP client, virtual-hosted addressing, and refusals in
S3's own XML."""

from __future__ import annotations

import os
import secrets
import socket
import urllib.error
import urllib.request

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .gateway_helpers import cli_env, client, user_with_policy


def _bucket(account) -> str:
    name = f"b-{secrets.token_hex(6)}"
    client(account, "s3").create_bucket(Bucket=name)
    return name


def _prefix_user(account, bucket: str) -> dict:
    return user_with_policy(account, [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringLike": {"s3:prefix": ["home/alice/*", "home/alice/"]}}},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": f"arn:aws:s3:::{bucket}/home/alice/*"},
    ])


def test_a_user_limited_to_a_prefix(account):
    bucket = _bucket(account)
    alice = _prefix_user(account, bucket)
    s3 = client(account, "s3", alice)
    s3.put_object(Bucket=bucket, Key="home/alice/notes.txt", Body=b"mine")
    assert s3.get_object(Bucket=bucket, Key="home/alice/notes.txt")["Body"].read() == b"mine"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="home/alice/")
    assert [o["Key"] for o in listed["Contents"]] == ["home/alice/notes.txt"]
    client(account, "s3").put_object(Bucket=bucket, Key="home/bob/secret.txt", Body=b"x")
    with pytest.raises(ClientError) as denied:
        s3.get_object(Bucket=bucket, Key="home/bob/secret.txt")
    error = denied.value.response["Error"]
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: {alice['arn']} is not authorized to perform: s3:GetObject on resource: "
        f'"arn:aws:s3:::{bucket}/home/bob/secret.txt" because no identity-based policy '
        "allows the s3:GetObject action")
    with pytest.raises(ClientError) as listing:
        s3.list_objects_v2(Bucket=bucket, Prefix="home/bob/")
    assert listing.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="elsewhere.txt", Body=b"no")
    with pytest.raises(ClientError) as missing:
        client(account, "s3").head_object(Bucket=bucket, Key="elsewhere.txt")
    assert missing.value.response["Error"]["Code"] == "404"


def test_upstream_errors_are_relayed(account):
    s3 = client(account, "s3")
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=f"missing-{secrets.token_hex(4)}", Key="k")
    assert err.value.response["Error"]["Code"] == "NoSuchBucket"


def test_cli_copies_a_multipart_object_both_ways(aws, account, tmp_path):
    bucket = _bucket(account)
    alice = _prefix_user(account, bucket)
    source = tmp_path / "big.bin"
    data = os.urandom(20 * 1024 * 1024 + 123)
    source.write_bytes(data)
    put = aws("s3", "cp", str(source), f"s3://{bucket}/home/alice/big.bin", env=cli_env(alice))
    assert put.returncode == 0, put.stderr
    head = client(account, "s3").head_object(Bucket=bucket, Key="home/alice/big.bin")
    assert head["ContentLength"] == len(data)
    assert "-" in head["ETag"]  # assembled from parts: a multipart upload
    back = tmp_path / "back.bin"
    got = aws("s3", "cp", f"s3://{bucket}/home/alice/big.bin", str(back), env=cli_env(alice))
    assert got.returncode == 0, got.stderr
    assert back.read_bytes() == data
    refused = aws("s3", "cp", str(source), f"s3://{bucket}/other/big.bin", env=cli_env(alice))
    assert refused.returncode != 0
    assert "AccessDenied" in refused.stderr


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_presigned_get_and_put_with_a_plain_http_client(account, version):
    bucket = _bucket(account)
    alice = _prefix_user(account, bucket)
    s3 = client(account, "s3", alice, signature_version=version)
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "home/alice/p.txt"}, ExpiresIn=300)
    assert httpx.put(put_url, content=b"presigned body", timeout=30).status_code == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "home/alice/p.txt"}, ExpiresIn=300)
    got = httpx.get(get_url, timeout=30)
    assert (got.status_code, got.content) == (200, b"presigned body")
    outside = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "top.txt"}, ExpiresIn=300)
    denied = httpx.get(outside, timeout=30)
    assert denied.status_code == 403
    assert b"<Code>AccessDenied</Code>" in denied.content
    tampered = httpx.get(get_url.replace("p.txt", "q.txt"), timeout=30)
    assert tampered.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in tampered.content


@pytest.fixture
def localhost_subdomains(monkeypatch):
    """Resolve ``*.localhost`` to the loopback address, as RFC 6761 asks of resolvers
    (systemd-resolved and browsers do; this machine's libc does not)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_virtual_hosted_addressing(account, localhost_subdomains):
    bucket = _bucket(account)
    endpoint = account.endpoint.replace("127.0.0.1", "localhost")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=account.access_key_id,
                      aws_secret_access_key=account.secret_access_key,
                      config=Config(s3={"addressing_style": "virtual"},
                                    retries={"max_attempts": 1}))
    s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=b"virtual")
    assert s3.get_object(Bucket=bucket, Key="dir/a b+c.txt")["Body"].read() == b"virtual"
    path_style = client(account, "s3")
    assert path_style.get_object(Bucket=bucket, Key="dir/a b+c.txt")["Body"].read() == (
        b"virtual")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["dir/a b+c.txt"]
    presigned = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "dir/a b+c.txt"}, ExpiresIn=60)
    assert f"//{bucket}.localhost:" in presigned
    assert httpx.get(presigned, timeout=30).content == b"virtual"


def test_anonymous_requests_are_refused(account):
    bucket = _bucket(account)
    client(account, "s3").put_object(Bucket=bucket, Key="k", Body=b"v")
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"{account.endpoint}/{bucket}/k", timeout=30)
    assert denied.value.code == 403
    assert b"<Code>AccessDenied</Code>" in denied.value.read()
