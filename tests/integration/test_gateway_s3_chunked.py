"""S3's chunk-signed uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) through the gateway, as the
Java and JavaScript SDKs send them: every chunk's signature is verified, and a request with
a tampered chunk is refused without the object ever reaching the upstream.

The signer here follows AWS's "Signature Calculations for the Authorization Header:
Transferring Payload in Multiple Chunks" page, written apart from rolecall's verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets

import httpx
import pytest
from botocore.exceptions import ClientError

from .gateway_helpers import client, user_with_policy

STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
EMPTY = hashlib.sha256(b"").hexdigest()
CHUNK = 64 * 1024
# Past the size the gateway reads whole before forwarding: these bodies stream.
SIZE = 24 * CHUNK + 1234


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def chunked_put(endpoint: str, key: dict, bucket: str, name: str, data: bytes,
                tamper_chunk: int | None = None) -> httpx.Response:
    now = dt.datetime.now(dt.UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/us-east-1/s3/aws4_request"
    host = endpoint.removeprefix("http://")
    chunks = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] + [b""]
    framed_length = sum(len(f"{len(c):x};chunk-signature=") + 64 + 2 + len(c) + 2
                        for c in chunks)
    headers = {"host": host, "x-amz-content-sha256": STREAMING, "x-amz-date": stamp,
               "x-amz-decoded-content-length": str(len(data)),
               "content-encoding": "aws-chunked", "content-length": str(framed_length)}
    names = sorted(headers)
    canonical = "\n".join(["PUT", f"/{bucket}/{name}", "",
                           "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names),
                           STREAMING])
    signing = _hmac(_hmac(_hmac(_hmac(("AWS4" + key["SecretAccessKey"]).encode(), day),
                                "us-east-1"), "s3"), "aws4_request")
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    previous = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key['AccessKeyId']}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={previous}")
    body = b""
    for index, chunk in enumerate(chunks):
        text = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", stamp, scope, previous, EMPTY,
                          hashlib.sha256(chunk).hexdigest()])
        previous = hmac.new(signing, text.encode(), hashlib.sha256).hexdigest()
        if index == tamper_chunk:
            chunk = bytes([chunk[0] ^ 1]) + chunk[1:]
        body += f"{len(chunk):x};chunk-signature={previous}\r\n".encode() + chunk + b"\r\n"
    return httpx.put(f"{endpoint}/{bucket}/{name}", content=body, headers=headers, timeout=60)


@pytest.fixture
def writer(account):
    bucket = f"c-{secrets.token_hex(6)}"
    client(account, "s3").create_bucket(Bucket=bucket)
    user = user_with_policy(account, [{"Effect": "Allow", "Action": "s3:PutObject",
                                       "Resource": f"arn:aws:s3:::{bucket}/*"}])
    return bucket, user


def test_a_chunk_signed_upload_is_stored(account, writer):
    bucket, user = writer
    data = os.urandom(SIZE)
    answer = chunked_put(account.endpoint, user, bucket, "ok.bin", data)
    assert answer.status_code == 200, answer.text
    stored = client(account, "s3").get_object(Bucket=bucket, Key="ok.bin")["Body"].read()
    assert stored == data


@pytest.mark.parametrize("chunk", [0, 12, 24])
def test_a_tampered_chunk_is_refused_and_nothing_is_stored(account, writer, chunk):
    bucket, user = writer
    data = os.urandom(SIZE)
    answer = chunked_put(account.endpoint, user, bucket, "bad.bin", data, tamper_chunk=chunk)
    assert answer.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in answer.text
    with pytest.raises(ClientError) as missing:
        client(account, "s3").head_object(Bucket=bucket, Key="bad.bin")
    assert missing.value.response["Error"]["Code"] == "404"
