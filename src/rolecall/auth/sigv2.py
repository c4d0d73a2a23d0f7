"""S3's legacy presigned URLs (Signature Version 2 query authentication).

boto3's ``generate_presigned_url`` for S3 still writes these by default
(``?AWSAccessKeyId=...&Signature=...&Expires=...``), so the gateway verifies them as S3
does ("Authenticating Requests (AWS Signature Version 2)", query string request
authentication): HMAC-SHA1 over the method, Content-MD5, Content-Type, Expires, the
``x-amz-*`` headers and parameters, and the resource with its sub-resources.
"""

from __future__ import annotations

import base64
import hmac
import time
from dataclasses import dataclass

from botocore.auth import HmacV1Auth

from ..protocol.errors import AWSError
from .sigv4 import SIGNATURE_MISMATCH

QUERY_FIELDS = ("AWSAccessKeyId", "Signature", "Expires")
# Query parameters that are part of the signed resource (botocore's list of them).
_SUB_RESOURCES = frozenset(HmacV1Auth.QSAOfInterest)


@dataclass(frozen=True)
class SignedV2:
    access_key_id: str
    signature: str
    expires: int
    security_token: str | None


def from_query(query: dict[str, str]) -> SignedV2 | None:
    """The SigV2 claims of a presigned URL, or None when it is not one."""
    if not all(name in query for name in QUERY_FIELDS):
        return None
    expires = query["Expires"]
    if not (expires.isascii() and expires.isdigit()):
        raise AWSError("AccessDenied", "Invalid date (should be seconds since epoch): "
                       f"{expires}", status=403)
    return SignedV2(query["AWSAccessKeyId"], query["Signature"], int(expires),
                    query.get("x-amz-security-token"))


def string_to_sign(method: str, path: str, query_pairs: list[tuple[str, str]],
                   headers: dict[str, list[str]], expires: int) -> str:
    def header(name: str) -> str:
        values = headers.get(name)
        return values[0].strip() if values else ""

    amz: dict[str, list[str]] = {}
    for name, values in headers.items():
        if name.startswith("x-amz-"):
            amz.setdefault(name, []).extend(v.strip() for v in values)
    for name, value in query_pairs:
        if name.lower().startswith("x-amz-"):
            amz.setdefault(name.lower(), []).append(value)
    lines = [method.upper(), header("content-md5"), header("content-type"), str(expires)]
    lines += [f"{name}:{','.join(amz[name])}" for name in sorted(amz)]
    sub = sorted((name, value) for name, value in query_pairs if name in _SUB_RESOURCES)
    resource = path
    if sub:
        resource += "?" + "&".join(f"{n}={v}" if v else n for n, v in sub)
    return "\n".join([*lines, resource])


def verify(signed: SignedV2, secret: str, method: str, path: str,
           query_pairs: list[tuple[str, str]], headers: dict[str, list[str]],
           now: float | None = None) -> None:
    """Raise S3's error unless the URL is signed with ``secret`` and not yet expired.
    ``path`` is the path-style path as sent (``/bucket/key``, percent-encoded)."""
    text = string_to_sign(method, path, query_pairs, headers, signed.expires)
    expected = base64.b64encode(hmac.digest(secret.encode(), text.encode(), "sha1"))
    if not hmac.compare_digest(expected, signed.signature.encode("utf-8", "replace")):
        raise AWSError("SignatureDoesNotMatch", SIGNATURE_MISMATCH, status=403)
    if (time.time() if now is None else now) > signed.expires:
        raise AWSError("AccessDenied", "Request has expired", status=403)
