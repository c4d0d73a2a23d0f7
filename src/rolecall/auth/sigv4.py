"""AWS Signature Version 4 verification, in the Authorization header or a presigned query.

Pure functions: the caller supplies the request parts and the secret key; nothing here
touches storage. Canonicalization follows AWS's specification ("Create a canonical
request for Signature Version 4"); signing keys are cached per key, date, region and service.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from ..protocol.errors import AWSError

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
# How far a request's X-Amz-Date may be from the server clock.
MAX_SKEW = dt.timedelta(minutes=15)
MAX_PRESIGN_EXPIRES = 604800

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass(frozen=True)
class SignedRequest:
    """The signature claims a request makes, before they are checked."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: dt.datetime
    amz_stamp: str  # amz_date as signed, e.g. 20150830T123600Z
    security_token: str | None
    presigned: bool
    expires: int | None

    @property
    def scope(self) -> str:
        """The credential scope, ``20150830/us-east-1/s3/aws4_request``."""
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@dataclass(frozen=True)
class Verified:
    """What a verified signature hands on to the verification of an S3 payload."""

    signing_key: bytes
    scope: str
    signature: str  # the seed signature of a chunked upload
    payload_hash: str  # the payload hash the signature covers, as signed


def _incomplete(message: str) -> AWSError:
    return AWSError("IncompleteSignature", message)


def parse_amz_date(value: str) -> dt.datetime:
    """``20150830T123600Z`` → an aware datetime (by hand: strptime is slow on the hot path)."""
    try:
        if len(value) != 16 or value[8] != "T" or value[15] != "Z":
            raise ValueError(value)
        return dt.datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[9:11]),
                           int(value[11:13]), int(value[13:15]), tzinfo=dt.UTC)
    except ValueError:
        raise _incomplete(
            f"Date must be in ISO-8601 'basic format'. Got '{value}'. See "
            "http://en.wikipedia.org/wiki/ISO_8601"
        ) from None


def _split_scope(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise _incomplete(
            f"Credential should be scoped to a valid region. Credential={credential}"
            if len(parts) == 5
            else "Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{parts[-1]}'."
        )
    return parts[0], parts[1], parts[2], parts[3]


def from_authorization(header: str, headers: dict[str, str]) -> SignedRequest:
    """Parse ``Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., ...``."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            fields[name] = value
    missing = [f for f in ("Credential", "SignedHeaders", "Signature") if f not in fields]
    amz_date_raw = headers.get("x-amz-date") or ""
    problems = [f"Authorization header requires '{f}' parameter." for f in missing]
    if not amz_date_raw and not headers.get("date"):
        problems.append("Authorization header requires existence of either a 'X-Amz-Date' or "
                        "a 'Date' header.")
    if problems:
        raise _incomplete(" ".join(problems) + f" Authorization={header}")
    key, date, region, service = _split_scope(fields["Credential"])
    amz_date = (
        parse_amz_date(amz_date_raw) if amz_date_raw else _http_date(headers["date"])
    )
    return SignedRequest(
        access_key_id=key,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
        amz_date=amz_date,
        amz_stamp=amz_date_raw or amz_date.strftime("%Y%m%dT%H%M%SZ"),
        security_token=headers.get("x-amz-security-token"),
        presigned=False,
        expires=None,
    )


def _http_date(value: str) -> dt.datetime:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).astimezone(dt.UTC)
    except (TypeError, ValueError):
        raise _incomplete(f"Date must be in ISO-8601 'basic format'. Got '{value}'.") from None


def from_query(query: dict[str, str]) -> SignedRequest:
    """Parse the ``X-Amz-*`` parameters of a presigned request."""
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders",
                "X-Amz-Signature")
    missing = [name for name in required if name not in query]
    if missing:
        raise _incomplete(
            "AWS query-string parameters must include " + ", ".join(f"'{m}'" for m in missing)
            + ". Re-examine the query-string parameters."
        )
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise _incomplete(f"Unsupported AWS 'algorithm': '{query['X-Amz-Algorithm']}'")
    key, date, region, service = _split_scope(query["X-Amz-Credential"])
    expires_raw = query.get("X-Amz-Expires")
    expires = None
    if expires_raw is not None:
        # isdigit() alone admits characters int() refuses ('¹').
        if (not (expires_raw.isascii() and expires_raw.isdigit())
                or int(expires_raw) > MAX_PRESIGN_EXPIRES):
            raise AWSError("AuthorizationQueryParametersError",
                           "X-Amz-Expires must be less than a week (in seconds) that is 604800",
                           status=400)
        expires = int(expires_raw)
    return SignedRequest(
        access_key_id=key,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(query["X-Amz-SignedHeaders"].split(";")),
        signature=query["X-Amz-Signature"],
        amz_date=parse_amz_date(query["X-Amz-Date"]),
        amz_stamp=query["X-Amz-Date"],
        security_token=query.get("X-Amz-Security-Token"),
        presigned=True,
        expires=expires,
    )


def check_time(signed: SignedRequest, now: dt.datetime) -> None:
    """Refuse requests signed too far from now, or presigned URLs past their expiry."""
    stamp = signed.amz_stamp
    if signed.presigned:
        # A difference of dates, not a date plus the expiry: a signed date in year 9999
        # plus a week is past datetime's range.
        if signed.expires is not None and now - signed.amz_date > dt.timedelta(
            seconds=signed.expires
        ):
            raise AWSError("AccessDenied", "Request has expired")
        if signed.amz_date - now > MAX_SKEW:
            raise _not_yet_current(stamp, now)
        return
    if now - signed.amz_date > MAX_SKEW:
        earliest = (now - MAX_SKEW).strftime("%Y%m%dT%H%M%SZ")
        raise AWSError(
            "SignatureDoesNotMatch",
            f"Signature expired: {stamp} is now earlier than {earliest} "
            f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)",
        )
    if signed.amz_date - now > MAX_SKEW:
        raise _not_yet_current(stamp, now)


def _not_yet_current(stamp: str, now: dt.datetime) -> AWSError:
    latest = (now + MAX_SKEW).strftime("%Y%m%dT%H%M%SZ")
    return AWSError(
        "SignatureDoesNotMatch",
        f"Signature not yet current: {stamp} is still later than {latest} "
        f"({now.strftime('%Y%m%dT%H%M%SZ')} + 15 min.)",
    )


def canonical_uri(raw_path: str) -> str:
    """Normalize the path (RFC 3986 dot segments, empty segments) and encode it once more."""
    if raw_path == "/":  # every query-protocol call
        return raw_path
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and segments:
        path += "/"
    return quote(path, safe="/~")


def canonical_query(pairs: list[tuple[str, str]], *, skip_signature: bool) -> str:
    """``pairs`` are decoded query parameters; each name and value is encoded as AWS does."""
    if not pairs:
        return ""
    encoded = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
        for k, v in pairs
        if not (skip_signature and k == "X-Amz-Signature")
    )
    return "&".join(f"{k}={v}" for k, v in encoded)


def _trimmed(value: str) -> str:
    """Trim and collapse every run of white space to one space, as botocore signs it."""
    return " ".join(value.split())


def canonical_headers(signed_headers: tuple[str, ...], headers: dict[str, list[str]]) -> str:
    lines = []
    for name in signed_headers:
        values = headers.get(name)
        if values is None:
            raise AWSError("SignatureDoesNotMatch", SIGNATURE_MISMATCH)
        lines.append(name + ":" + ",".join(_trimmed(v) for v in values) + "\n")
    return "".join(lines)


@functools.lru_cache(maxsize=4096)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.digest(("AWS4" + secret).encode(), date.encode(), "sha256")
    key = hmac.digest(key, region.encode(), "sha256")
    key = hmac.digest(key, service.encode(), "sha256")
    return hmac.digest(key, b"aws4_request", "sha256")


def string_to_sign(signed: SignedRequest, canonical_request: str) -> str:
    return "\n".join(
        (
            ALGORITHM,
            signed.amz_stamp,
            signed.scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        )
    )


def canonical_request(
    signed: SignedRequest,
    method: str,
    raw_path: str,
    query_pairs: list[tuple[str, str]],
    headers: dict[str, list[str]],
    payload_hash: str,
) -> str:
    # S3 signs the path as sent: neither normalized nor encoded a second time.
    return "\n".join(
        (
            method,
            raw_path if signed.service == "s3" else canonical_uri(raw_path),
            canonical_query(query_pairs, skip_signature=signed.presigned),
            canonical_headers(signed.signed_headers, headers),
            ";".join(signed.signed_headers),
            payload_hash,
        )
    )


def verify(
    signed: SignedRequest,
    secret: str,
    method: str,
    raw_path: str,
    query_pairs: list[tuple[str, str]],
    headers: dict[str, list[str]],
    body: bytes,
) -> Verified:
    """Raise SignatureDoesNotMatch unless the signature is right for ``secret``.

    The payload hash signed is the declared ``x-amz-content-sha256`` when sent (S3's
    payload forms, ``STREAMING-...`` included, are signed with that literal value), else
    the hash of ``body``; a presigned URL may also sign ``UNSIGNED-PAYLOAD``, as S3's
    always do. Checking the payload against that declaration is
    :mod:`rolecall.auth.payload`'s job, with what this returns.
    """
    if "host" not in signed.signed_headers:
        raise AWSError("SignatureDoesNotMatch", SIGNATURE_MISMATCH)
    declared = headers.get("x-amz-content-sha256")
    if signed.service == "s3" and not signed.presigned and not declared:
        raise AWSError("InvalidRequest",
                       "Missing required header for this request: x-amz-content-sha256")
    candidates = [declared[0]] if declared else [hashlib.sha256(body).hexdigest()]
    if signed.presigned and UNSIGNED_PAYLOAD not in candidates:
        candidates.append(UNSIGNED_PAYLOAD)
    key = signing_key(secret, signed.date, signed.region, signed.service)
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and a
    # claimed signature is whatever the client sent.
    claimed = signed.signature.encode()
    for payload_hash in candidates:
        request = canonical_request(signed, method, raw_path, query_pairs, headers, payload_hash)
        expected = hmac.new(key, string_to_sign(signed, request).encode(), "sha256").hexdigest()
        if hmac.compare_digest(expected.encode(), claimed):
            return Verified(key, signed.scope, signed.signature, payload_hash)
    raise AWSError("SignatureDoesNotMatch", SIGNATURE_MISMATCH)


def authorization_header(
    *,
    access_key_id: str,
    secret: str,
    region: str,
    service: str,
    method: str,
    raw_path: str,
    query_pairs: list[tuple[str, str]],
    headers: dict[str, str],
    payload_hash: str,
    amz_stamp: str,
) -> str:
    """The Authorization header that signs a request rolecall sends (the gateway re-signs
    each forwarded call with its upstream's credentials). ``headers`` are the headers to
    sign, lower-case, and must hold ``host`` and ``x-amz-date``."""
    names = tuple(sorted(headers))
    signed = SignedRequest(
        access_key_id=access_key_id, date=amz_stamp[:8], region=region, service=service,
        signed_headers=names, signature="", amz_date=parse_amz_date(amz_stamp),
        amz_stamp=amz_stamp, security_token=None, presigned=False, expires=None,
    )
    request = canonical_request(signed, method, raw_path, query_pairs,
                                {name: [value] for name, value in headers.items()},
                                payload_hash)
    key = signing_key(secret, signed.date, region, service)
    signature = hmac.new(key, string_to_sign(signed, request).encode(), "sha256").hexdigest()
    return (f"{ALGORITHM} Credential={access_key_id}/{signed.date}/{region}/{service}/"
            f"aws4_request, SignedHeaders={';'.join(names)}, Signature={signature}")
