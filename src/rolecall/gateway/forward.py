"""Forward a call to its upstream, re-signed with the upstream's credentials, and relay
the answer, streaming both bodies.

The caller's credentials never leave rolecall: its Authorization header, security token
and presigned query parameters are dropped and the request is signed anew (header form,
``UNSIGNED-PAYLOAD`` for a streamed body, the body's hash otherwise). The upstream learns
the caller's account from ``x-moto-account-id`` (moto) and from the access key id when no
credentials were configured (LocalStack reads a 12-digit access key id as the account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from ..auth import sigv4
from . import routing
from .upstreams import DEFAULT_SECRET, Upstream

# Headers that describe one hop, or the caller's signature, and never go further.
_DROPPED_REQUEST = frozenset({
    "authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256",
    "host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect",
    "te", "upgrade", "proxy-authorization", "x-amz-decoded-content-length", "x-amz-trailer",
    "x-moto-account-id",
})
_DROPPED_RESPONSE = frozenset({
    b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer", b"upgrade",
    b"proxy-authenticate",
})
TIMEOUT = httpx.Timeout(connect=5.0, read=300.0, write=300.0, pool=30.0)


class UpstreamUnavailable(Exception):
    """The upstream could not be reached, or broke off before it answered."""


def _query(query_string: str) -> tuple[str, list[tuple[str, str]]]:
    """The query string without presigned-signature parameters, raw and as decoded pairs."""
    kept = [part for part in query_string.split("&")
            if part and not routing.is_signature_param(unquote(part.split("=", 1)[0]))]
    raw = "&".join(kept)
    return raw, parse_qsl(raw, keep_blank_values=True)


def _content_encoding(value: str) -> str | None:
    """``Content-Encoding`` without ``aws-chunked``, which rolecall has already decoded."""
    kept = [v.strip() for v in value.split(",") if v.strip() and v.strip() != "aws-chunked"]
    return ", ".join(kept) or None


class Forwarder:
    """One HTTP connection pool for every upstream of a server process."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=TIMEOUT, follow_redirects=False,
                limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def forward(
        self,
        upstream: Upstream,
        *,
        account_id: str,
        signing_name: str,
        region: str,
        method: str,
        raw_path: str,
        query_string: str,
        headers: dict[str, list[str]],
        host: str,
        body: bytes | AsyncIterator[bytes],
        length: int | None,
        now: dt.datetime,
        relay: Callable[[int, list[tuple[bytes, bytes]], AsyncIterator[bytes]], Awaitable[Any]],
    ) -> None:
        """Send the call and hand the upstream's status, headers and body to ``relay``."""
        raw_query, pairs = _query(query_string)
        out: dict[str, str] = {}
        for name, values in headers.items():
            if name in _DROPPED_REQUEST:
                continue
            if name == "content-encoding":
                kept = _content_encoding(",".join(values))
                if kept:
                    out[name] = kept
                continue
            out[name] = ",".join(values)
        streamed = not isinstance(body, bytes)
        payload_hash = (sigv4.UNSIGNED_PAYLOAD if streamed
                        else hashlib.sha256(body).hexdigest())  # type: ignore[arg-type]
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        # The host the client addressed, so the URLs an upstream builds (SQS queue URLs)
        # lead back to rolecall.
        signed = {"host": host, "x-amz-date": stamp, "x-amz-content-sha256": payload_hash}
        out.update(signed)
        out["x-moto-account-id"] = account_id
        if length is not None:
            out["content-length"] = str(length)
        key_id = upstream.access_key_id or account_id
        secret = upstream.secret_access_key if upstream.access_key_id else DEFAULT_SECRET
        target = urlsplit(upstream.url)
        path = target.path + raw_path
        out["authorization"] = sigv4.authorization_header(
            access_key_id=key_id, secret=secret or "", region=region, service=signing_name,
            method=method, raw_path=path, query_pairs=pairs, headers=signed,
            payload_hash=payload_hash, amz_stamp=stamp,
        )
        url = f"{target.scheme}://{target.netloc}{path}" + ("?" + raw_query if raw_query else "")
        http = self._http()
        request = http.build_request(method, httpx.URL(url), headers=out, content=body)
        try:
            response = await http.send(request, stream=True)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise UpstreamUnavailable(type(exc).__name__) from None
        try:
            relayed = [(k.lower(), v) for k, v in response.headers.raw
                       if k.lower() not in _DROPPED_RESPONSE]
            await relay(response.status_code, relayed, response.aiter_raw())
        finally:
            await response.aclose()

    async def fetch(self, upstream: Upstream, *, account_id: str, signing_name: str,
                    region: str, now: dt.datetime, method: str = "POST", raw_path: str = "/",
                    query_string: str = "", headers: dict[str, list[str]],
                    body: bytes = b"") -> tuple[int, bytes]:
        """One call of rolecall's own to the upstream (what authorization needs to know, a
        role to mirror): its status and whole body."""
        answer: list = []

        async def collect(status: int, _headers: list, chunks: AsyncIterator[bytes]) -> None:
            answer.append(status)
            answer.append(b"".join([chunk async for chunk in chunks]))

        await self.forward(
            upstream, account_id=account_id, signing_name=signing_name, region=region,
            method=method, raw_path=raw_path, query_string=query_string, headers=headers,
            host=urlsplit(upstream.url).netloc, body=body, length=len(body), now=now,
            relay=collect)
        return answer[0], answer[1]
