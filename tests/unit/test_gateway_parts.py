"""The gateway's pure parts: --upstream parsing, which requests it serves, refusals in each
protocol, and the signature it puts on forwarded requests (checked against botocore's)."""

from __future__ import annotations

import hashlib
import json

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from rolecall.auth import sigv4
from rolecall.gateway import refusals, routing, upstreams
from rolecall.protocol.errors import AWSError


def test_upstream_options_default_to_the_embedded_moto():
    assert upstreams.parse_options(()) == (upstreams.EMBEDDED, {})


def test_upstream_options_for_all_one_and_none():
    default, services = upstreams.parse_options(
        ("http://127.0.0.1:4566/", "s3=http://KEY:se%2Fcret@store:9000", "sns=none"))
    assert default == upstreams.Upstream("http://127.0.0.1:4566")
    assert services["s3"] == upstreams.Upstream("http://store:9000", "KEY", "se/cret")
    assert services["sns"] is None
    config = upstreams.Upstreams(default, services)  # type: ignore[arg-type]
    assert config.for_service("sqs") == default
    assert config.for_service("sns") is None
    assert upstreams.Upstreams.from_env(config.to_env()) == config
    assert upstreams.parse_options(("none",)) == (None, {})


@pytest.mark.parametrize("value", ["ftp://x", "localhost:4566", "s 3=http://x:1", "=http://x"])
def test_upstream_options_refuse_what_names_no_endpoint(value):
    with pytest.raises(upstreams.UpstreamError):
        upstreams.parse_options((value,))


def _scope(path="/", query=b"", method="GET"):
    return {"path": path, "raw_path": path.encode(), "query_string": query, "method": method,
            "client": ("127.0.0.1", 1)}


AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261203/us-east-1/{}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc")


@pytest.mark.parametrize("service,served", [("iam", False), ("sts", False), ("s3", True),
                                            ("dynamodb", True), ("ec2", True)])
def test_signed_requests_go_to_the_gateway_unless_iam_or_sts(service, served):
    headers = {"authorization": [AUTH.format(service)], "host": ["127.0.0.1:8080"]}
    found = routing.inbound(_scope(method="POST"), headers)
    assert (found is not None) == served
    if found:
        assert found.signing_name == service


def test_unsigned_requests_to_a_bucket_are_anonymous_s3_and_sts_stays_native():
    assert routing.inbound(_scope("/bucket/key"), {"host": ["h:1"]}).signing_name == "s3"
    assert routing.inbound(_scope("/", method="POST"), {"host": ["h:1"]}) is None
    assert routing.inbound(_scope("/_rolecall/health"), {"host": ["h:1"]}) is None


def test_unsigned_json_calls_go_to_the_gateway_unless_they_are_rolecalls_own():
    def target(value):
        return routing.inbound(_scope("/", method="POST"),
                               {"host": ["h:1"], "x-amz-target": [value]})

    assert target("DynamoDB_20120810.ListTables").signing_name == "dynamodb"
    assert target("TrentService.Encrypt").signing_name == "kms"
    assert target("AWSOrganizationsV20161128.ListAccounts") is None
    assert target("NoSuchService_2020.Op") is None


def test_virtual_hosted_buckets_become_path_style():
    found = routing.inbound(_scope("/dir/a%20b"), {"host": ["my.bucket.localhost:8080"]})
    assert found.raw_path == "/my.bucket/dir/a%20b"
    assert found.signed_path == "/dir/a%20b"
    assert found.host == "localhost:8080"
    assert routing.inbound(_scope("/"), {"host": ["b.localhost:8080"]}).raw_path == "/b"
    assert routing.virtual_bucket("localhost:8080") is None
    assert routing.virtual_bucket("127.0.0.1:8080") is None


def test_presigned_scope_names_the_service():
    query = "X-Amz-Credential=AKIA%2F20261203%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=1"
    assert routing.signing_name({}, query) == "s3"


def test_refusals_in_each_protocol():
    err = refusals.denied("dynamodb", "json", "User: u is not authorized")
    answer = refusals.answer(err, service="dynamodb", protocol="json", request_id="r1")
    assert (answer.status, json.loads(answer.body)) == (
        400, {"__type": "AccessDeniedException", "message": "User: u is not authorized"})
    assert answer.content_type == "application/x-amz-json-1.0"
    s3 = refusals.answer(refusals.denied("s3", "rest-xml", "m <&>"), service="s3",
                         protocol="rest-xml", request_id="r2")
    assert s3.status == 403 and b"<Code>AccessDenied</Code><Message>m &lt;&amp;&gt;" in s3.body
    ec2 = refusals.answer(refusals.denied("ec2", "ec2", "m"), service="ec2", protocol="ec2",
                          request_id="r3")
    assert b"<Errors><Error><Code>UnauthorizedOperation</Code>" in ec2.body
    sns = refusals.denied("sns", "query", "m")
    assert (sns.code, sns.status) == ("AuthorizationError", 403)
    lam = refusals.answer(refusals.denied("lambda", "rest-json", "m"), service="lambda",
                          protocol="rest-json", request_id="r4")
    assert lam.status == 403 and ("x-amzn-errortype", "AccessDeniedException") in lam.headers
    sqs = refusals.answer(AWSError("AccessDenied", "m", status=403), service="sqs",
                          protocol="json", request_id="r5")
    assert ("x-amzn-query-error", "AccessDenied;Sender") in sqs.headers


@pytest.mark.parametrize("service,auth,path", [
    ("dynamodb", SigV4Auth, "/"), ("s3", S3SigV4Auth, "/bucket/a%20b%2Bc"),
    ("lambda", SigV4Auth, "/2015-03-31/functions/f%3A1/invocations")])
def test_forwarded_requests_are_signed_as_botocore_signs_them(service, auth, path):
    body = b'{"a": 1}'
    stamp = "20261203T120000Z"
    digest = hashlib.sha256(body).hexdigest()
    request = AWSRequest("POST", f"http://up:4566{path}?b=2&a=1", data=body,
                         headers={"x-amz-date": stamp, "X-Amz-Content-SHA256": digest})
    request.context["timestamp"] = stamp
    signer = auth(Credentials("AKID", "SECRET"), service, "eu-west-1")
    expected = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request)
    ours = sigv4.authorization_header(
        access_key_id="AKID", secret="SECRET", region="eu-west-1", service=service,
        method="POST", raw_path=path, query_pairs=[("b", "2"), ("a", "1")],
        headers={"host": "up:4566", "x-amz-date": stamp, "x-amz-content-sha256": digest},
        payload_hash=digest, amz_stamp=stamp)
    assert ours.rsplit("Signature=", 1)[1] == expected
