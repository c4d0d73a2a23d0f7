"""SigV4 verification against AWS's published test suite, and the refusals around it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pathlib
from urllib.parse import parse_qsl

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given
from hypothesis import strategies as st

from rolecall.auth import sigv4
from rolecall.protocol.errors import AWSError

SUITE = json.loads((pathlib.Path(__file__).parent / "sigv4_vectors.json").read_text())
SECRET = SUITE["secret"]
SIGNED_AT = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.UTC)


def _authorization(vector: dict, signature: str) -> str:
    return (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders={vector['signed']}, Signature={signature}"
    )


def _verify(vector: dict, signature: str, secret: str = SECRET) -> None:
    headers = {k: [v] for k, v in vector["headers"].items()}
    signed = sigv4.from_authorization(_authorization(vector, signature), vector["headers"])
    # The suite sends its paths unencoded on the request line; query pairs arrive decoded.
    pairs = [(k, v) for k, v in vector["query"]]
    sigv4.verify(signed, secret, vector["method"], vector["path"], pairs, headers,
                 vector["body"].encode())


@pytest.mark.parametrize("vector", SUITE["vectors"], ids=lambda v: v["name"])
def test_aws_test_suite_signature_verifies(vector):
    _verify(vector, vector["signature"])


@pytest.mark.parametrize("vector", SUITE["vectors"][:4], ids=lambda v: v["name"])
def test_aws_test_suite_with_wrong_secret_does_not_match(vector):
    with pytest.raises(AWSError) as err:
        _verify(vector, vector["signature"], secret="x" + SECRET[1:])
    assert err.value.code == "SignatureDoesNotMatch"


def test_flipped_signature_digit_does_not_match():
    vector = SUITE["vectors"][5]
    bad = ("0" if vector["signature"][0] != "0" else "1") + vector["signature"][1:]
    with pytest.raises(AWSError) as err:
        _verify(vector, bad)
    assert err.value.code == "SignatureDoesNotMatch"
    assert err.value.status == 403


def _botocore_request(body: str, *, presign: bool = False, token: str | None = None):
    credentials = Credentials("AKIDEXAMPLE", SECRET, token)
    request = AWSRequest("POST", "http://127.0.0.1:8080/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    if presign:
        request = AWSRequest("GET", "http://127.0.0.1:8080/?" + body)
        SigV4QueryAuth(credentials, "sts", "us-east-1", expires=300).add_auth(request)
    else:
        SigV4Auth(credentials, "iam", "us-east-1").add_auth(request)
    return request.prepare()


def _parts(prepared):
    path, _, query = prepared.url.partition("://")[2].partition("/")[2].partition("?")
    headers = {k.lower(): [v] for k, v in prepared.headers.items()}
    headers["host"] = ["127.0.0.1:8080"]
    return "/" + path, parse_qsl(query, keep_blank_values=True), headers


@given(st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,20}", fullmatch=True),
                       st.text(max_size=40), max_size=6))
def test_any_botocore_signed_form_body_verifies(fields):
    from urllib.parse import urlencode

    body = urlencode({"Action": "ListUsers", "Version": "2010-05-08", **fields})
    prepared = _botocore_request(body)
    raw_path, pairs, headers = _parts(prepared)
    flat = {k: v[0] for k, v in headers.items()}
    signed = sigv4.from_authorization(flat["authorization"], flat)
    body = prepared.body if isinstance(prepared.body, bytes) else prepared.body.encode()
    sigv4.verify(signed, SECRET, "POST", raw_path, pairs, headers, body)


def test_presigned_query_verifies_and_expires():
    prepared = _botocore_request("Action=GetCallerIdentity&Version=2011-06-15", presign=True)
    raw_path, pairs, headers = _parts(prepared)
    signed = sigv4.from_query(dict(pairs))
    assert signed.presigned and signed.expires == 300
    sigv4.verify(signed, SECRET, "GET", raw_path, pairs, headers, b"")
    sigv4.check_time(signed, signed.amz_date + dt.timedelta(seconds=299))
    with pytest.raises(AWSError) as err:
        sigv4.check_time(signed, signed.amz_date + dt.timedelta(seconds=301))
    assert err.value.code == "AccessDenied"


def test_request_signed_more_than_15_minutes_ago_is_refused():
    vector = SUITE["vectors"][5]
    signed = sigv4.from_authorization(_authorization(vector, vector["signature"]),
                                      vector["headers"])
    sigv4.check_time(signed, SIGNED_AT + dt.timedelta(minutes=14))
    with pytest.raises(AWSError) as err:
        sigv4.check_time(signed, SIGNED_AT + dt.timedelta(minutes=16))
    assert err.value.code == "SignatureDoesNotMatch"
    assert err.value.message.startswith("Signature expired: 20150830T123600Z is now earlier than")
    with pytest.raises(AWSError) as err:
        sigv4.check_time(signed, SIGNED_AT - dt.timedelta(minutes=16))
    assert err.value.message.startswith("Signature not yet current: 20150830T123600Z")


def test_authorization_header_missing_parts_is_incomplete_signature():
    with pytest.raises(AWSError) as err:
        sigv4.from_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request",
            {"x-amz-date": "20150830T123600Z"},
        )
    assert err.value.code == "IncompleteSignature"
    assert "Authorization header requires 'SignedHeaders' parameter." in err.value.message
    assert "Authorization header requires 'Signature' parameter." in err.value.message


def test_unsigned_host_header_is_refused():
    vector = SUITE["vectors"][5]
    headers = dict(vector["headers"])
    authorization = _authorization({**vector, "signed": "x-amz-date"}, vector["signature"])
    signed = sigv4.from_authorization(authorization, headers)
    with pytest.raises(AWSError):
        sigv4.verify(signed, SECRET, "GET", "/", [], {k: [v] for k, v in headers.items()}, b"")


def _s3_request(headers: dict[str, str], *, presign: bool = False):
    credentials = Credentials("AKIDEXAMPLE", SECRET)
    # A presigned URL is signed before any body exists.
    request = AWSRequest("PUT", "http://127.0.0.1:8080/bucket/key",
                         data=b"" if presign else b"abc", headers=headers)
    if presign:
        S3SigV4QueryAuth(credentials, "s3", "us-east-1", expires=300).add_auth(request)
    else:
        S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
    return request.prepare()


def test_s3_header_form_returns_what_the_payload_verifier_chains_from():
    path, pairs, headers = _parts(_s3_request({}))
    signed = sigv4.from_authorization(headers["authorization"][0],
                                      {k: v[0] for k, v in headers.items()})
    verified = sigv4.verify(signed, SECRET, "PUT", path, pairs, headers, b"abc")
    assert verified.signature == signed.signature
    assert verified.scope == signed.scope == f"{signed.date}/us-east-1/s3/aws4_request"
    assert verified.signing_key == sigv4.signing_key(SECRET, signed.date, "us-east-1", "s3")
    assert verified.payload_hash == headers["x-amz-content-sha256"][0]


def test_s3_header_form_without_x_amz_content_sha256_is_refused():
    path, pairs, headers = _parts(_s3_request({}))
    del headers["x-amz-content-sha256"]
    signed = sigv4.from_authorization(headers["authorization"][0],
                                      {k: v[0] for k, v in headers.items()})
    with pytest.raises(AWSError) as err:
        sigv4.verify(signed, SECRET, "PUT", path, pairs, headers, b"abc")
    assert (err.value.code, err.value.status) == ("InvalidRequest", 400)
    assert err.value.message == "Missing required header for this request: x-amz-content-sha256"


def test_presigned_s3_url_signs_unsigned_payload_whatever_header_is_sent():
    path, pairs, headers = _parts(_s3_request({}, presign=True))
    signed = sigv4.from_query(dict(pairs))
    headers["x-amz-content-sha256"] = [hashlib.sha256(b"abc").hexdigest()]
    verified = sigv4.verify(signed, SECRET, "PUT", path, pairs, headers, b"abc")
    assert verified.payload_hash == "UNSIGNED-PAYLOAD"
