"""Which requests the gateway serves, and the request as the gateway sees it.

A request belongs to the gateway when it is signed for a service rolecall does not serve
itself (the SigV4 credential scope names it), when it is S3 addressed without a signature
(an anonymous request: a path below ``/``, or a virtual-hosted bucket
``BUCKET.localhost:PORT``), or when it is an unsigned call whose ``X-Amz-Target`` names
another JSON-protocol service (refused as that service refuses it). Everything is decided
from the path and headers: the body is not read here, so S3 objects can be streamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from ..protocol import models
from ..protocol.inbound import index as inbound_index

VIRTUAL_HOST_SUFFIX = ".localhost"
# Query parameters that carry a presigned URL's signature (SigV4, and S3's legacy SigV2):
# the signature's, never the operation's.
SIGNATURE_PARAMS = ("X-Amz-", "AWSAccessKeyId", "Signature", "Expires", "x-amz-security-token")
ROLECALL_PREFIX = "/_rolecall/"


@dataclass
class Inbound:
    """One gateway request. ``raw_path`` is path-style (``/bucket/key``, percent-encoded as
    sent); ``signed_path`` is the path the client signed (virtual-hosted: without the
    bucket); ``host`` is where the client sent it, without a bucket prefix."""

    method: str
    raw_path: str
    signed_path: str
    query_string: str
    query_pairs: list[tuple[str, str]]
    headers: dict[str, list[str]]
    host: str
    client_ip: str
    secure: bool
    signing_name: str

    def operation_query(self) -> list[tuple[str, str]]:
        """The query parameters without a presigned signature's."""
        return [(name, value) for name, value in self.query_pairs
                if not is_signature_param(name)]

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None


def is_signature_param(name: str) -> bool:
    return name.startswith(SIGNATURE_PARAMS[0]) or name in SIGNATURE_PARAMS[1:]


def _scope_service(credential: str) -> str | None:
    parts = credential.split("/")
    return parts[3] if len(parts) == 5 else None


def signing_name(headers: dict[str, list[str]], query_string: str) -> str | None:
    """The service of the request's SigV4 credential scope, if it is signed."""
    authorization = headers.get("authorization")
    if authorization:
        value = authorization[0]
        start = value.find("Credential=")
        if start < 0:
            return None
        end = value.find(",", start)
        return _scope_service(value[start + 11:end if end >= 0 else None].strip())
    if "X-Amz-Credential=" in query_string:
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            if name == "X-Amz-Credential":
                return _scope_service(value)
    return None


def virtual_bucket(host: str) -> str | None:
    """``bucket`` of ``bucket.localhost:PORT``."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.endswith(VIRTUAL_HOST_SUFFIX) and len(name) > len(VIRTUAL_HOST_SUFFIX):
        return name[: -len(VIRTUAL_HOST_SUFFIX)]
    return None


def inbound(scope: dict, headers: dict[str, list[str]]) -> Inbound | None:
    """The gateway request ``scope`` is, or None when it is one of rolecall's own."""
    path: str = scope["path"]
    if path.startswith(ROLECALL_PREFIX):
        return None
    query_string = scope.get("query_string", b"").decode("latin-1")
    raw = (scope.get("raw_path") or path.encode()).decode("latin-1")
    host = (headers.get("host") or [""])[0]
    bucket = virtual_bucket(host)
    service = signing_name(headers, query_string)
    target = (headers.get("x-amz-target") or [""])[0].strip().rpartition(".")[0]
    if service is None and target:
        # Unsigned, of a JSON-protocol service: refused by the gateway in its protocol,
        # unless it is one of rolecall's own (Organizations).
        service = inbound_index.signing_names_by_target().get(target)
        if service is None or service in models.SERVICES:
            return None
    elif service is None:
        # Unsigned: S3 when it names a bucket (STS's unsigned calls POST to "/").
        if bucket is None and (path == "/" or "Action=" in query_string):
            return None
        service = "s3"
    elif service in models.SERVICES:
        return None
    raw_path = raw
    if bucket is not None:
        raw_path = "/" + bucket + (raw if raw != "/" else "")
        host = host[len(bucket) + 1:]
    client = scope.get("client")
    return Inbound(
        method=scope["method"], raw_path=raw_path, signed_path=raw,
        query_string=query_string,
        query_pairs=parse_qsl(query_string, keep_blank_values=True),
        headers=headers, host=host, client_ip=client[0] if client else "127.0.0.1",
        secure=scope.get("scheme") == "https", signing_name=service,
    )
