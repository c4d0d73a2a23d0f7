"""HTTPS GET of an identity provider's JSON documents, with IAM's certificate rule: the
server's certificate is accepted when it chains to a trusted CA, or when the SHA-1
thumbprint of the top certificate the server presents is one of the provider's
thumbprints (which is how a self-signed issuer is trusted)."""

from __future__ import annotations

import _ssl
import hashlib
import http.client
import json
import ssl
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 1024 * 1024


class FetchError(Exception):
    """The document could not be fetched (network, HTTP status or content)."""


class Unreachable(FetchError):
    """The server could not be reached or did not answer in time."""


class ThumbprintMismatch(FetchError):
    """The server's certificate is neither CA-verified nor pinned by a thumbprint."""


def thumbprint(der: bytes) -> str:
    return hashlib.sha1(der).hexdigest()  # IAM thumbprints are SHA-1 by definition


def get_json(url: str, thumbprints: list[str]) -> Any:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise FetchError(f"not an https URL: {url}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection = _connect(parts.hostname, parts.port or 443, thumbprints)
    except ThumbprintMismatch:
        raise
    except OSError as exc:
        raise Unreachable(str(exc)) from exc
    try:
        connection.request("GET", path, headers={"Accept": "application/json",
                                                 "User-Agent": "rolecall-oidc"})
        response = connection.getresponse()
        body = response.read(MAX_BYTES + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable(str(exc)) from exc
    finally:
        connection.close()
    if response.status != 200 or len(body) > MAX_BYTES:
        raise FetchError(f"{url} answered {response.status}")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise FetchError(f"{url} did not answer JSON") from exc


def _connect(host: str, port: int, thumbprints: list[str]) -> http.client.HTTPSConnection:
    verified = http.client.HTTPSConnection(host, port, timeout=TIMEOUT_SECONDS,
                                           context=ssl.create_default_context())
    try:
        verified.connect()
        return verified
    except ssl.SSLCertVerificationError:
        verified.close()
    pinned = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    pinned.check_hostname = False
    pinned.verify_mode = ssl.CERT_NONE  # authenticated below by the pinned thumbprint
    connection = http.client.HTTPSConnection(host, port, timeout=TIMEOUT_SECONDS,
                                             context=pinned)
    connection.connect()
    if _top_certificate_thumbprint(connection.sock) not in {t.lower() for t in thumbprints}:
        connection.close()
        raise ThumbprintMismatch(host)
    return connection


def _top_certificate_thumbprint(sock: ssl.SSLSocket) -> str:
    """The thumbprint of the last certificate the server sent (its leaf when alone)."""
    chain_of = getattr(getattr(sock, "_sslobj", None), "get_unverified_chain", None)
    chain = chain_of() if chain_of is not None else None
    if chain:
        return thumbprint(chain[-1].public_bytes(_ssl.ENCODING_DER))
    return thumbprint(sock.getpeercert(binary_form=True) or b"")
