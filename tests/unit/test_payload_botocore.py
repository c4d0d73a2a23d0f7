"""Requests as boto3 really sends them to S3 (captured before they leave the process), their
signatures verified by sigv4.verify and their bodies by the payload verifier, in any split."""

from __future__ import annotations

import io
import os
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import boto3
import botocore.auth
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.auth import sigv4
from rolecall.auth.payload import payload_verifier
from rolecall.protocol.errors import AWSError
from tests.unit.payload_helpers import feed_all

SECRET = "s3cr3t/Key+example0000000000000000000000"
BODY = os.urandom(1024 * 1024 * 2 + 12345)  # three of botocore's 1 MiB aws-chunked chunks
ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


class _Captured:
    def __init__(self, request) -> None:
        parts = urlsplit(request.url)
        self.method = request.method
        self.path = parts.path
        self.query = parse_qsl(parts.query, keep_blank_values=True)
        self.headers = {
            name.lower(): [value.decode() if isinstance(value, bytes) else value]
            for name, value in request.headers.items()
        }
        self.headers["host"] = [parts.netloc]
        body = request.body
        self.body = body.read() if hasattr(body, "read") else (body or b"")
        if isinstance(self.body, str):
            self.body = self.body.encode()

    def verify(self, secret: str = SECRET, presigned: bool = False):
        """The pipeline's steps: the SigV4 signature, then a verifier for the payload."""
        flat = {name: values[0] for name, values in self.headers.items()}
        if presigned:
            signed = sigv4.from_query(dict(self.query))
        else:
            signed = sigv4.from_authorization(flat["authorization"], flat)
        verified = sigv4.verify(signed, secret, self.method, self.path, self.query,
                                self.headers, b"")
        declared = self.headers.get("x-amz-content-sha256")
        return payload_verifier(declared[0] if declared else None,
                                signing_key=verified.signing_key,
                                seed_signature=verified.signature, amz_stamp=signed.amz_stamp,
                                scope=verified.scope, headers=self.headers,
                                presigned=presigned)


def _client(scheme: str, s3: dict | None = None, **config):
    return boto3.client(
        "s3", endpoint_url=f"{scheme}://127.0.0.1:9", region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET,
        config=Config(s3={"addressing_style": "path", **(s3 or {})}, **config),
    )


def _put(scheme: str, body: bytes = BODY, *, streaming: bool = True, python_signer: bool = False,
         **params) -> _Captured:
    """PutObject through boto3, captured at send time (nothing leaves the process).

    With awscrt installed botocore signs with CRT's signer; ``python_signer`` puts botocore's
    own S3SigV4Auth back for the call."""
    config = params.pop("config", {})
    client = _client(scheme, **config)
    captured: list[_Captured] = []

    def send(request, **_):
        captured.append(_Captured(request))
        return AWSResponse(request.url, 200, {}, _EmptyRaw())

    client.meta.events.register("before-send", send)
    signers = {"s3v4": botocore.auth.S3SigV4Auth} if python_signer else {}
    with mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, signers):
        client.put_object(Bucket="bucket", Key="dir/key.bin",
                          Body=io.BytesIO(body) if streaming else body, **params)
    return captured[0]


class _EmptyRaw:
    def stream(self, *args, **kwargs):
        return iter([b""])


@pytest.mark.parametrize("python_signer", [False, True], ids=["crt", "S3SigV4Auth"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_https_put_with_a_trailing_checksum_verifies(algorithm, python_signer):
    request = _put("https", python_signer=python_signer, ChecksumAlgorithm=algorithm)
    assert request.headers["x-amz-content-sha256"] == ["STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
    decoded, trailers = feed_all(request.verify(), request.body, [])
    assert decoded == BODY
    assert list(trailers) == [f"x-amz-checksum-{algorithm.lower()}"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(ALGORITHMS), st.lists(st.integers(0, len(BODY) + 200), max_size=30))
def test_trailing_checksum_bodies_verify_in_any_split(algorithm, cuts):
    request = _captured_put(algorithm)
    assert feed_all(request.verify(), request.body, cuts)[0] == BODY


_CACHE: dict[str, _Captured] = {}


def _captured_put(algorithm: str) -> _Captured:
    if algorithm not in _CACHE:
        _CACHE[algorithm] = _put("https", ChecksumAlgorithm=algorithm)
    return _CACHE[algorithm]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_https_put_with_tampered_data_is_a_bad_digest(algorithm):
    request = _captured_put(algorithm)
    body = bytearray(request.body)
    body[len(body) // 2] ^= 0x40
    with pytest.raises(AWSError) as err:
        feed_all(request.verify(), bytes(body), [1000, 2_000_000])
    assert err.value.code == "BadDigest"
    assert err.value.message == (
        f"The {algorithm} you specified did not match the calculated checksum.")


def test_https_put_truncated_is_incomplete():
    request = _captured_put("CRC32")
    with pytest.raises(AWSError) as err:
        feed_all(request.verify(), request.body[:-40], [])
    assert err.value.code == "IncompleteBody"


def test_https_put_without_payload_signing_sends_unsigned_payload_and_verifies():
    request = _put("https", config={"request_checksum_calculation": "when_required",
                                    "s3": {"payload_signing_enabled": False}})
    assert request.headers["x-amz-content-sha256"] == ["UNSIGNED-PAYLOAD"]
    assert feed_all(request.verify(), request.body, [5, 70000]) == (BODY, {})


@pytest.mark.parametrize("python_signer", [False, True], ids=["crt", "S3SigV4Auth"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("streaming", [True, False])
def test_http_put_signs_the_body_hash_and_a_checksum_header(algorithm, streaming,
                                                            python_signer):
    request = _put("http", streaming=streaming, python_signer=python_signer,
                   ChecksumAlgorithm=algorithm)
    assert len(request.headers["x-amz-content-sha256"][0]) == 64
    assert f"x-amz-checksum-{algorithm.lower()}" in request.headers
    assert feed_all(request.verify(), request.body, [100, 1 << 20]) == (BODY, {})


def test_http_put_with_tampered_body_is_a_content_sha256_mismatch():
    request = _put("http", ChecksumAlgorithm="CRC32")
    body = BODY[:-1] + bytes([BODY[-1] ^ 1])
    with pytest.raises(AWSError) as err:
        feed_all(request.verify(), body, [])
    assert (err.value.code, err.value.status) == ("XAmzContentSHA256Mismatch", 400)
    assert err.value.message == (
        "The provided 'x-amz-content-sha256' header does not match what was computed.")


def test_http_put_last_byte_is_held_until_the_hash_is_checked():
    request = _put("http", ChecksumAlgorithm="SHA256")
    verifier = request.verify()
    assert verifier.feed(request.body[:-1]) == BODY[:-1]
    assert verifier.feed(request.body[-1:]) == BODY[-1:]
    assert verifier.finish() == {}


def test_http_put_with_wrong_secret_fails_at_the_seed():
    request = _put("http")
    with pytest.raises(AWSError) as err:
        request.verify(secret="x" + SECRET[1:])
    assert err.value.code == "SignatureDoesNotMatch"


def test_presigned_put_url_signs_unsigned_payload():
    client = _client("https", signature_version="s3v4")
    url = client.generate_presigned_url("put_object", Params={"Bucket": "b", "Key": "k"})
    parts = urlsplit(url)

    class _Request:
        method = "PUT"
        headers: dict[str, str] = {}
        body = BODY

    _Request.url = url
    request = _Captured(_Request)
    assert request.headers["host"] == [parts.netloc]
    assert feed_all(request.verify(presigned=True), BODY, [3]) == (BODY, {})
