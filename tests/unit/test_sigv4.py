"""SigV4 verification against AWS's published test suite, and the refusals around it."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from urllib.parse import parse_qsl

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
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
