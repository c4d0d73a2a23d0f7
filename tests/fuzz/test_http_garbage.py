"""Whatever arrives over HTTP (bytes, headers, query strings, signatures that almost
parse), rolecall answers with an AWS error or a result, never a 500."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rolecall import explain_api
from rolecall.auth import sigv4
from rolecall.pipeline import HttpRequest, HttpResponse
from rolecall.protocol.errors import AWSError

from .harness import HOST, assert_answered, examples, http_request, signed_request

FUZZ = settings(max_examples=examples(150), deadline=None, database=None,
                suppress_health_check=list(HealthCheck))

# Header values arrive decoded as latin-1: any byte is one character.
latin1 = st.text(st.characters(max_codepoint=255), max_size=60)
FORM = "application/x-www-form-urlencoded"
ACTIONS = ("GetCallerIdentity", "ListUsers", "GetUser", "CreateUser", "AssumeRole",
           "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "DecodeAuthorizationMessage",
           "NoSuchThing", "", "getcalleridentity")


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


amz_dates = st.one_of(
    st.builds(lambda: _stamp(_now())),
    st.sampled_from(("", "20150830T123600Z", "99991231T235959Z", "00010101T000000Z",
                     "20151330T123600Z", "2015-08-30T12:36:00Z", "20150830T123600",
                     "2015083OT123600Z", "\u00e9" * 16, "+0150830T123600Z", "   0830T12360 Z")),
    latin1,
)
http_dates = st.one_of(st.sampled_from(("Sun, 30 Aug 2015 12:36:00 GMT", "Sun, 30 Aug 9999 "
                                        "23:59:59 GMT", "Mon, 1 Jan 0001 00:00:00 +2359",
                                        "x", "", "30 Feb 2015 99:99:99")), latin1)
services = st.sampled_from(("iam", "sts", "s3", "ec2", "rds", "dynamodb", "", "IAM", "x y"))
credentials = st.one_of(
    st.builds(lambda key, date, region, service, term: "/".join(
        p for p in (key, date, region, service, term) if p is not None),
        st.sampled_from(("AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "", "AKIA\u00e9")),
        st.one_of(st.none(), st.builds(lambda: _now().strftime("%Y%m%d")), latin1),
        st.one_of(st.none(), st.sampled_from(("us-east-1", "", "eu-west-1"))),
        st.one_of(st.none(), services),
        st.one_of(st.none(), st.sampled_from(("aws4_request", "aws4", "")))),
    latin1,
)
signatures = st.one_of(st.text("0123456789abcdef", min_size=64, max_size=64),
                       st.sampled_from(("", "\u00e9" * 64, "z" * 64)), latin1)
signed_headers = st.one_of(st.sampled_from(("host;x-amz-date", "host", "", ";;", "x-amz-date",
                                            "host;content-type;x-amz-date",
                                            "Host;X-Amz-Date", "host;nope")), latin1)
authorizations = st.one_of(
    st.builds(
        lambda algorithm, parts, sep, cut: (algorithm + " " + sep.join(parts))[:cut],
        st.sampled_from(("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", "AWS", "", "aws4-hmac-sha256",
                         "AWS4-ECDSA-P256-SHA256", "Bearer")),
        st.lists(st.one_of(
            credentials.map(lambda c: f"Credential={c}"),
            signed_headers.map(lambda h: f"SignedHeaders={h}"),
            signatures.map(lambda s: f"Signature={s}"),
            latin1), max_size=5),
        st.sampled_from((", ", ",", " ", ",,", "=")),
        st.integers(0, 400)),
    latin1,
)
content_types = st.sampled_from((FORM, FORM + "; charset=utf-8", "text/xml", "application/json",
                                 "application/x-amz-json-1.1", "", "multipart/form-data",
                                 FORM + "; charset=latin-1"))
bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(st.tuples(st.sampled_from(("Action", "Version", "UserName", "RoleArn",
                                        "Tags.member.1.Key", "Tags.member.2.Value",
                                        "X-Amz-Signature", "", "=",
                                        "Action.member.1")) | latin1,
                       st.sampled_from(ACTIONS) | latin1), max_size=8)
    .map(lambda pairs: urlencode(pairs).encode()),
    st.sampled_from((b"Action=GetCallerIdentity&Action=ListUsers", b"%", b"%zz=%zz", b"&&&",
                     b"Action=GetUser&UserName=" + b"a" * 100_000,
                     b"Action=ListUsers&MaxItems=99999999999999999999999",
                     b"Action=CreateUser&UserName=a&Tags.member.99999.Key=k",
                     b"Action=CreateUser&UserName=a&Tags.member.1.Key.member.1=k",
                     b"Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=x")),
)
query_strings = st.one_of(
    latin1,
    st.lists(st.tuples(st.sampled_from(("Action", "Version", "X-Amz-Algorithm",
                                        "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                                        "X-Amz-SignedHeaders",
                                        "X-Amz-Signature", "X-Amz-Security-Token", "UserName")),
                       st.one_of(st.sampled_from(("AWS4-HMAC-SHA256", "-1", "604801", "99" * 20,
                                                  "host", "GetCallerIdentity")),
                                 credentials, amz_dates, latin1)), max_size=8)
    .map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)),
)
header_sets = st.fixed_dictionaries({}, optional={
    "authorization": authorizations, "x-amz-date": amz_dates, "date": http_dates,
    "host": st.sampled_from((HOST, "", "\u00e9")), "content-type": content_types,
    "x-amz-security-token": st.one_of(latin1, st.just("A" * 5000)),
    "x-amz-content-sha256": st.sampled_from(("UNSIGNED-PAYLOAD", "", "00", "x" * 64)),
    "x-amz-target": st.sampled_from(("DynamoDB_20120810.ListTables", "", ".", "a.b.c")),
    "user-agent": latin1,
})


def _answered(response: HttpResponse) -> None:
    """Any answer except a 500; IAM/STS answers are read by botocore's parser."""
    assert response.status != 500, response.body
    if response.content_type == "text/xml" and b"<ErrorResponse" in response.body[:60]:
        assert_answered("iam", None, response)


@FUZZ
@given(headers=header_sets, body=bodies, query=query_strings,
       method=st.sampled_from(("POST", "GET", "PUT", "DELETE", "", "P\u00d6ST")),
       path=st.sampled_from(("/", "", "//", "/a/../..", "/%zz", "/\u00e9", "/?")))
@example(headers={"authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
                                   "20150830/us-east-1/iam/aws4_request, SignedHeaders=host, "
                                   "Signature=" + "\u00e9" * 64, "x-amz-date": "20150830T123600Z",
                  "host": HOST},
         body=b"", query="", method="POST", path="/")
def test_arbitrary_requests_never_answer_500(rolecall, headers, body, query, method, path):
    request = http_request({k: [v] for k, v in headers.items()}, body, method=method, path=path,
                           query=query)
    _answered(rolecall.send(request))


@FUZZ
@given(body=bodies, service=services, extra=header_sets,
       signer_index=st.integers(0, 3))
def test_correctly_signed_garbage_never_answers_500(rolecall, body, service, extra,
                                                    signer_index):
    """A valid signature over a body that is anything at all."""
    extra = {k: v for k, v in extra.items() if k not in ("authorization", "host", "x-amz-date")}
    request = signed_request(service or "iam", body, rolecall.signers[signer_index],
                             headers={k.title(): v for k, v in extra.items()})
    _answered(rolecall.send(request))


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(("Action", "Version", "UserName", "RoleName",
                                                 "MaxItems", "Marker", "PathPrefix")),
                                st.sampled_from(ACTIONS) | latin1), max_size=10))
def test_duplicate_and_repeated_parameters_never_answer_500(rolecall, pairs):
    response = rolecall.call("iam", [("Action", "ListUsers"), ("Version", "2010-05-08"),
                                     *pairs])
    _answered(response)


@FUZZ
@given(body=st.one_of(st.binary(max_size=200), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), latin1),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(("PrincipalArn", "Action", "Resource", "Context")) | latin1, inner,
        max_size=4), max_leaves=10).map(lambda v: json.dumps(v).encode())),
       signer_index=st.integers(0, 3))
def test_explain_api_never_answers_500(rolecall, body, signer_index):
    request = signed_request("iam", body, rolecall.signers[signer_index])
    request.raw_path = explain_api.PATH
    response = explain_api.handle(rolecall.server, request)
    assert response.status != 500, response.body


@FUZZ
@given(signature=signatures, security_token=st.one_of(st.none(), latin1),
       signer_index=st.integers(0, 3), date=st.one_of(st.none(), amz_dates))
@example(signature="\u00e9" * 64, security_token=None, signer_index=0, date=None)
def test_known_keys_with_mangled_signatures_never_answer_500(rolecall, signature,
                                                             security_token, signer_index,
                                                             date):
    """The key exists, so the request reaches the signature comparison itself."""
    request = signed_request("sts", b"Action=GetCallerIdentity&Version=2011-06-15",
                             rolecall.signers[signer_index])
    head, _, _ = request.headers["authorization"][0].rpartition("Signature=")
    request.headers["authorization"] = [head + "Signature=" + signature]
    if security_token is not None:
        request.headers["x-amz-security-token"] = [security_token]
    if date is not None:
        request.headers["x-amz-date"] = [date]
    _answered(rolecall.send(request))


def _presigned(signer, stamp: str, expires: str, service: str) -> HttpRequest:
    """A GET presigned for ``stamp`` (whatever it says), signed correctly."""
    query = {"Action": "GetCallerIdentity", "Version": "2011-06-15",
             "X-Amz-Algorithm": sigv4.ALGORITHM,
             "X-Amz-Credential": f"{signer.access_key_id}/{stamp[:8]}/us-east-1/{service}/"
                                 "aws4_request",
             "X-Amz-Date": stamp, "X-Amz-Expires": expires, "X-Amz-SignedHeaders": "host",
             "X-Amz-Signature": "0" * 64}
    if signer.session_token:
        query["X-Amz-Security-Token"] = signer.session_token
    headers = {"host": [HOST]}
    try:
        claims = sigv4.from_query(query)
    except AWSError:
        claims = None
    if claims is not None:
        canonical = sigv4.canonical_request(claims, "GET", "/", list(query.items()), headers,
                                            sigv4.UNSIGNED_PAYLOAD)
        key = sigv4.signing_key(signer.secret_access_key, claims.date, claims.region,
                                claims.service)
        query["X-Amz-Signature"] = hmac.new(
            key, sigv4.string_to_sign(claims, canonical).encode(), "sha256").hexdigest()
    return http_request(headers, b"", method="GET", query=urlencode(query))


@FUZZ
@given(stamp=amz_dates, expires=st.one_of(st.integers(-5, 700000).map(str), latin1),
       service=st.sampled_from(("sts", "iam", "ec2")), signer_index=st.integers(0, 3))
@example(stamp="99991231T235959Z", expires="604800", service="sts", signer_index=0)
@example(stamp="00010101T000000Z", expires="604800", service="sts", signer_index=0)
@example(stamp="20150830T123600Z", expires="\u00b9", service="sts", signer_index=0)
def test_presigned_urls_of_any_date_never_answer_500(rolecall, stamp, expires, service,
                                                     signer_index):
    _answered(rolecall.send(_presigned(rolecall.signers[signer_index], stamp, expires,
                                       service)))
