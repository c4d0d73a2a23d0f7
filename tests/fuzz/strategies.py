"""Hypothesis strategies for any IAM or STS operation's input, derived from botocore's model.

Each member gets a mix of values: ones that satisfy the model's constraints, ones that
break them (too long, too short, outside the enum or the pattern, out of range, not a
number at all), and realistic values picked by member name (names of entities that exist
and that do not, ARNs of every kind, policy documents valid and malformed, tokens and
certificates that almost parse). ``form_pairs`` writes the result as botocore's query
serializer would (``Tags.member.1.Key=...``).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import re
import string
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from rolecall.app import MAX_BODY
from rolecall.protocol import models, validate

from .harness import ACCOUNT_ID


@dataclass(frozen=True)
class Raw:
    """A form value sent as it is, whatever the member's type (``MaxItems=ten``)."""

    text: str


# Entities the fuzz fixture creates, so generated calls reach past NoSuchEntity.
USERS = ("alice", "bob")
ROLES = ("app-role",)
GROUPS = ("admins",)
POLICIES = ("team-policy",)
INSTANCE_PROFILES = ("app-profile",)
OIDC_URL = "token.example.com"
SAML_PROVIDER = "corp-idp"

_NASTY = ("", " ", "\x00", "%", "%zz", "&", "=", "+", "/", "//", "*", "?", "..", "'", '"',
          "<x>", "]]>", "\\", "\u00e9", "\U0001f600", "\u202e", "null", "true", "-1", "0",
          "1e999", "9" * 40, "a" * 200, "a" * 2100, "${aws:username}", "\n", "\r\n", "\t")

text = st.text(max_size=40)
nasty = st.sampled_from(_NASTY)


def _names(existing: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(existing), st.sampled_from(
        ("nobody", "ALICE", "Alice", "a" * 64, "a" * 65, "a" * 129, "a+b=c,d.e@f-g_h")), nasty)


_ARNS = (
    f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
    f"arn:aws:iam::{ACCOUNT_ID}:user/path/alice",
    f"arn:aws:iam::{ACCOUNT_ID}:user/nobody",
    f"arn:aws:iam::{ACCOUNT_ID}:role/app-role",
    f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/app-role",
    f"arn:aws:iam::{ACCOUNT_ID}:group/admins",
    f"arn:aws:iam::{ACCOUNT_ID}:policy/team-policy",
    f"arn:aws:iam::{ACCOUNT_ID}:policy/nope",
    f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/app-profile",
    f"arn:aws:iam::{ACCOUNT_ID}:mfa/device",
    f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{OIDC_URL}",
    f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{SAML_PROVIDER}",
    f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/cert",
    f"arn:aws:iam::{ACCOUNT_ID}:root",
    f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/app-role/session",
    f"arn:aws:sts::{ACCOUNT_ID}:federated-user/bob",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/NoSuchManagedPolicy",
    "arn:aws:iam::210987654321:role/app-role",
    "arn:aws:iam::210987654321:policy/team-policy",
    "arn:aws-cn:iam::123456789012:role/app-role",
    "arn:aws:s3:::bucket/key",
    "arn:aws:iam::123456789012:role/",
    "arn:aws:iam::123456789012:",
    "arn:aws:iam:::role/x",
    "arn:aws:iam::12345678901:role/x",
    "arn:aws:iam::123456789012:role/a/b/c/d/",
    "arn:aws:iam::123456789012:policy/p/v1/../x",
    "arn:::::",
    "arn:",
    "arn",
    "*",
)
arns = st.one_of(st.sampled_from(_ARNS), nasty,
                 st.builds(lambda a, b: f"arn:aws:{a}::{ACCOUNT_ID}:{b}", text, text))

_POLICY_DOCS = (
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                             "Resource": "*"}]},
    {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "iam:*",
                                            "NotResource": "arn:aws:s3:::b/*",
                                            "Condition": {"Bool": {"aws:SecureTransport":
                                                                   "false"}}}},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:"
                                                                  "root"}}]},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                             "Action": "sts:AssumeRoleWithWebIdentity",
                                             "Principal": {"Federated": "cognito-identity."
                                                                        "amazonaws.com"}}]},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                             "Principal": "*", "Resource": "*",
                                             "Condition": {"StringLike": {"s3:prefix":
                                                                          ["${aws:username}/*"]},
                                                           "ForAnyValue:StringEquals": {
                                                               "aws:TagKeys": ["a"]}}}]},
    {"Version": "2012-10-17", "Statement": [{"Sid": "x", "Effect": "Allow", "Action": "iam:*",
                                             "Resource": "*", "Condition": {
                                                 "DateGreaterThan": {"aws:CurrentTime": "x"},
                                                 "NumericLessThan": {"aws:MultiFactorAuthAge":
                                                                     [1, "2", None]},
                                                 "IpAddress": {"aws:SourceIp": "10.0.0.0/99"}}}]},
    {"Version": "2008-10-17", "Statement": []},
    {"Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
                                             "Resource": "*", "NotPrincipal": {"AWS": "*"}}]},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                             "Resource": "arn:aws:s3:::${aws:PrincipalTag/t}",
                                             "Condition": {"Null": {"aws:TokenIssueTime":
                                                                    "maybe"}}}]},
)
_JSON_TEXTS = ("", "{", "}", "[]", "null", "1", '"x"', "{}", '{"Statement": null}',
               '{"Version": "2012-10-17", "Statement": [null]}', '{"a":' * 600 + "1" + "}" * 600,
               '{"Version": 1e999}', '{"Statement": [{"Effect": "Allow", "Action": 1}]}',
               '{"\\ud800": 1}', '{"Statement": {"Effect": "Allow", "Action": "*", '
               '"Resource": "*", "Condition": {"StringEquals": {"aws:x": {"y": "z"}}}}}')
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              text, st.sampled_from(("Allow", "Deny", "*", "iam:*", "2012-10-17"))),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(
                                ("Version", "Statement", "Effect", "Action", "NotAction",
                                 "Resource", "NotResource", "Principal", "NotPrincipal",
                                 "Condition", "Sid", "AWS", "Federated", "Service",
                                 "StringEquals", "aws:username", "Id")) | text, inner,
                                max_size=4)),
    max_leaves=12)
policy_documents = st.one_of(
    st.sampled_from(_POLICY_DOCS).map(json.dumps),
    st.sampled_from(_JSON_TEXTS),
    json_values.map(json.dumps),
    st.fixed_dictionaries({"Version": st.just("2012-10-17"), "Statement": json_values})
    .map(json.dumps),
    text,
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


web_identity_tokens = st.one_of(
    text, st.sampled_from(("a.b.c", "..", "a.b", "eyJ.eyJ.sig")),
    st.builds(lambda h, p: f"{_b64url(h)}.{_b64url(p)}.c2ln", json_values,
              st.fixed_dictionaries({"iss": st.sampled_from((f"https://{OIDC_URL}", "x")),
                                     "aud": json_values, "sub": json_values,
                                     "exp": json_values})),
)
saml_assertions = st.one_of(
    text, st.sampled_from(("!!!", _b64(b"<Response/>"), _b64(b"\xff\xfe"), _b64(b"<a"),
                           _b64(b'<!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">]><a>&x;&x;</a>'),
                           _b64(b'<?xml version="1.0"?><samlp:Response xmlns:samlp='
                                b'"urn:oasis:names:tc:SAML:2.0:protocol"/>'))),
    st.binary(max_size=60).map(_b64),
)
_PEM = "-----BEGIN {0}-----\n{1}\n-----END {0}-----\n"
pems = st.one_of(
    text,
    st.builds(lambda kind, body: _PEM.format(kind, body),
              st.sampled_from(("CERTIFICATE", "RSA PRIVATE KEY", "PRIVATE KEY", "PUBLIC KEY")),
              st.one_of(text, st.binary(max_size=80).map(_b64))),
)
ssh_keys = st.one_of(
    text,
    st.builds(lambda kind, body: f"{kind} {body}",
              st.sampled_from(("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "x")),
              st.one_of(text, st.binary(max_size=80).map(_b64))),
    st.sampled_from(("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                     "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----")),
)
saml_metadata = st.one_of(
    text,
    st.sampled_from(("<a/>", "<", "<?xml version='1.0'?>", "<EntityDescriptor/>",
                     '<!DOCTYPE a [<!ENTITY b "bbbbbbbbbb"><!ENTITY c "&b;&b;&b;&b;">]>'
                     "<a>&c;&c;</a>",
                     '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
                     '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                     'entityID="x"><md:IDPSSODescriptor/></md:EntityDescriptor>')),
)
urls = st.one_of(text, st.sampled_from((f"https://{OIDC_URL}", "https://", "http://x",
                                        "https://a:99999", "https://[::1", "ftp://x",
                                        "https://example.com/path?q#f",
                                        "https://" + "a" * 300)))
thumbprints = st.one_of(st.text("0123456789abcdefABCDEF", min_size=40, max_size=40), text)
codes = st.one_of(st.text("0123456789", min_size=6, max_size=6), text)
markers = st.one_of(text, st.sampled_from(("1", "-1", "0", "99999999999999999999", "abc",
                                           "%%", "null", "AAAA", "1.5")))

_BY_MEMBER: dict[str, st.SearchStrategy] = {
    "UserName": _names(USERS), "NewUserName": _names(USERS),
    "RoleName": _names(ROLES), "GroupName": _names(GROUPS), "NewGroupName": _names(GROUPS),
    "PolicyName": _names(POLICIES), "InstanceProfileName": _names(INSTANCE_PROFILES),
    "Marker": markers, "WebIdentityToken": web_identity_tokens,
    "SAMLAssertion": saml_assertions, "SAMLMetadataDocument": saml_metadata,
    "CertificateBody": pems, "CertificateChain": pems, "PrivateKey": pems,
    "SSHPublicKeyBody": ssh_keys, "Url": urls, "AuthenticationCode1": codes,
    "AuthenticationCode2": codes, "TokenCode": codes, "EncodedMessage": text,
    "VersionId": st.sampled_from(("v1", "v2", "v0", "v", "v99999", "vx", "V1")),
    "AccessKeyId": st.one_of(text, st.sampled_from(("AKIAIOSFODNN7EXAMPLE",
                                                    "ASIAIOSFODNN7EXAMPLE"))),
    "Path": st.sampled_from(("/", "/a/", "/a/b/", "a", "/a", "//", "/\u00e9/")),
    "PathPrefix": st.sampled_from(("/", "/a", "/a/", "a", "")),
}


def _realistic(name: str, shape: Shape) -> st.SearchStrategy | None:
    if name in _BY_MEMBER:
        return _BY_MEMBER[name]
    if shape.type_name != "string":
        return None
    if name.endswith("Arn") or name in ("arn", "SerialNumber", "PermissionsBoundary",
                                        "ResourceOwner", "CallerArn"):
        return arns
    if "PolicyDocument" in name or name in ("Policy", "ResourcePolicy"):
        return policy_documents
    return None


def _string(shape: Shape) -> st.SearchStrategy[str]:
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max", 128)
    # Strings at and just past the maximum length, built by repeating a short text
    # (drawing thousands of characters one by one is slow).
    at_limit = st.tuples(st.text(min_size=1, max_size=3), st.sampled_from((high, high + 1)))
    options = [text, nasty]
    if high <= MAX_BODY:
        options.append(at_limit.map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[:t[1]]))
    if low > 0:
        options.append(st.text(max_size=low - 1))
    if shape.enum:
        options.append(st.sampled_from(shape.enum))
    pattern = meta.get("pattern")
    matching = _matching(pattern) if pattern else None
    if matching is not None:
        options.append(matching.map(lambda s: s[:high]))
    return st.one_of(options)


@functools.cache
def _matching(pattern: str) -> st.SearchStrategy[str] | None:
    """Strings matching a model pattern; built once, as wide character classes are slow to
    build (None for the few Java patterns Python cannot compile)."""
    if "\\uD7FF" in pattern:
        # The model's "any character" class (ARNs): plain text covers it, and its
        # strategy is slow to build.
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None
    return st.from_regex(pattern, fullmatch=True)


@functools.cache
def operation_input(service: str, operation: str) -> st.SearchStrategy[dict]:
    """Inputs for one operation, built once per process: three in four pass the model's
    constraints (so calls reach the handler), one in four need not."""
    shape = models.operation_model(service, operation).input_shape
    if shape is None:
        return st.just({})
    valid, anything = valid_values(shape), values(shape)
    # (one_of would merge the repeated branch, so the odds are drawn explicitly)
    return st.integers(0, 3).flatmap(lambda pick: anything if pick == 3 else valid)


# Realistic values that are also well formed, by member name (valid inputs favour them).
_WELL_FORMED: dict[str, st.SearchStrategy] = {
    "UserName": st.sampled_from(USERS), "RoleName": st.sampled_from(ROLES),
    "GroupName": st.sampled_from(GROUPS), "PolicyName": st.sampled_from(POLICIES),
    "InstanceProfileName": st.sampled_from(INSTANCE_PROFILES),
    "PolicyDocument": st.sampled_from(_POLICY_DOCS).map(json.dumps),
    "AssumeRolePolicyDocument": st.sampled_from(_POLICY_DOCS).map(json.dumps),
    "Policy": st.sampled_from(_POLICY_DOCS).map(json.dumps),
}


def _satisfies(shape: Shape, value: Any) -> bool:
    problems: list[str] = []
    validate._check_value(shape, value, "member", problems)
    return not problems


def valid_values(shape: Shape, name: str = "") -> st.SearchStrategy:
    """Values that satisfy the model's constraints for ``shape`` (a member ``name``)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        members = {n: valid_values(m, n) for n, m in shape.members.items()}
        required = set(shape.required_members)
        return st.fixed_dictionaries({n: s for n, s in members.items() if n in required},
                                     optional={n: s for n, s in members.items()
                                               if n not in required})
    if kind == "list":
        return st.lists(valid_values(shape.member, name), min_size=meta.get("min", 0),
                        max_size=max(meta.get("min", 0), min(meta.get("max", 3), 3)))
    if kind == "map":
        return st.dictionaries(valid_values(shape.key, name), valid_values(shape.value, name),
                               max_size=2)
    if kind in ("integer", "long"):
        return st.integers(meta.get("min", -(2**31)), meta.get("max", 2**31))
    if kind != "string":
        return _scalar(shape).filter(lambda v: not isinstance(v, Raw))
    if shape.enum:
        return st.sampled_from(shape.enum)
    def satisfies(value: str) -> bool:
        return _satisfies(shape, value)

    pool = _WELL_FORMED.get(name, _BY_MEMBER.get(name))
    if pool is None and _realistic(name, shape) is arns:
        pool = st.sampled_from(_ARNS)
    options = [pool.filter(satisfies)] if pool is not None else []
    pattern = meta.get("pattern")
    matching = _matching(pattern) if pattern else None
    low, high = meta.get("min", 0), meta.get("max", 128)
    if matching is not None:
        # Padded to the minimum length with a character the pattern takes, when there is one.
        pad = next((c for c in "a1A_" if _satisfies(shape, c * max(low, 1))), "")
        options.append(matching.map(lambda s: (s + pad * low)[:high] if len(s) < low
                                    else s[:high]).filter(satisfies))
    else:
        options.append(st.text(string.ascii_letters + string.digits + "_-.", min_size=low,
                               max_size=max(low, min(high, 40))).filter(satisfies))
    return st.one_of(options)


def _scalar(shape: Shape) -> st.SearchStrategy:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        return _string(shape)
    garbage = st.one_of(text, nasty).map(Raw)
    if kind in ("integer", "long"):
        low, high = meta.get("min", -(2**31)), meta.get("max", 2**31)
        return st.one_of(st.integers(low, high), st.integers(low - 3, low),
                         st.integers(high, high + 3), st.sampled_from((-(2**63), 2**64, 10**30)),
                         garbage)
    if kind in ("float", "double"):
        return st.one_of(st.floats(), garbage)
    if kind == "boolean":
        return st.one_of(st.booleans(), garbage)
    if kind == "timestamp":
        return st.one_of(st.datetimes(timezones=st.just(dt.UTC)), garbage,
                         st.sampled_from(("1e20", "-1", "9999999999999", "2020-13-01"))
                         .map(Raw))
    if kind == "blob":
        return st.one_of(st.binary(max_size=100), garbage)
    return garbage


def values(shape: Shape, name: str = "", depth: int = 0) -> st.SearchStrategy:
    """Values for ``shape`` (a member called ``name``), valid and invalid."""
    kind = shape.type_name
    if kind == "structure":
        required = set(shape.required_members)
        members = {n: values(m, n, depth + 1) for n, m in shape.members.items()}
        needed = {n: s for n, s in members.items() if n in required}
        optional = {n: s for n, s in members.items() if n not in required}
        complete = st.fixed_dictionaries(needed, optional=optional)
        # Now and then a required member is left out too.
        return st.one_of(complete, complete, complete,
                         st.fixed_dictionaries({}, optional=members))
    if kind == "list":
        high = min(shape.metadata.get("max", 5), 5)
        return st.lists(values(shape.member, name, depth + 1), max_size=high + 1)
    if kind == "map":
        return st.dictionaries(values(shape.key, name), values(shape.value, name), max_size=3)
    realistic = _realistic(name, shape)
    generic = _scalar(shape)
    return st.one_of(realistic, generic) if realistic is not None else generic


def _scalar_text(shape: Shape, value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "blob":
        return base64.b64encode(value).decode()
    return str(value)


def form_pairs(shape: Shape | None, value: dict) -> list[tuple[str, str]]:
    """Flat query-protocol pairs for ``value``, named as botocore's serializer names them."""
    pairs: list[tuple[str, str]] = []
    if shape is not None:
        _flatten(shape, value, "", pairs)
    return pairs


def _flatten(shape: Shape, value: Any, prefix: str, pairs: list[tuple[str, str]]) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name, item in value.items():
            member = shape.members[name]
            key = member.serialization.get("name", name)
            _flatten(member, item, f"{prefix}.{key}" if prefix else key, pairs)
    elif kind == "list":
        if not value:
            pairs.append((prefix, ""))
        member_name = shape.member.serialization.get("name", "member")
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.{member_name}"
        for index, item in enumerate(value, start=1):
            _flatten(shape.member, item, f"{base}.{index}", pairs)
    elif kind == "map":
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        for index, (key, item) in enumerate(value.items(), start=1):
            _flatten(shape.key, key, f"{base}.{index}.key", pairs)
            _flatten(shape.value, item, f"{base}.{index}.value", pairs)
    else:
        pairs.append((prefix, _scalar_text(shape, value)))


_SUFFIXES = (".x", ".member", ".member.1", ".member.0", ".1", ".entry.1.key", ".Key", "..", ".")


@st.composite
def mangled(draw, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Now and then, keys the serializer would never write: a scalar named as if it had
    members, an item index of 0 or far past the end, a key sent twice or dropped."""
    pairs = list(pairs)
    for _ in range(draw(st.integers(0, 2))):
        if len(pairs) <= 2:
            break
        index = draw(st.integers(2, len(pairs) - 1))
        key, value = pairs[index]
        how = draw(st.sampled_from(("suffix", "renumber", "repeat", "drop")))
        if how == "suffix":
            pairs.append((key + draw(st.sampled_from(_SUFFIXES)), value))
        elif how == "renumber":
            number = str(draw(st.sampled_from((0, -1, 2, 99999, 10**30))))
            pairs.append((re.sub(r"\.\d+(?=\.|$)", "." + number, key, count=1), value))
        elif how == "repeat":
            pairs.append((key, draw(text)))
        else:
            del pairs[index]
    return pairs
