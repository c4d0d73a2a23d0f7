"""ID tokens: read an unverified token's claims (to find its issuer), fetch the issuer's
signing keys, and verify the signature. Keys are cached per issuer for a few minutes."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from . import fetch

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"]
KEY_CACHE_SECONDS = 300.0

_cache: dict[tuple[str, tuple[str, ...]], tuple[float, dict]] = {}
_lock = threading.Lock()


class NotAJwt(Exception):
    """The value is not a signed JWT (three base64url parts with a JSON payload)."""


class BadSignature(Exception):
    """No key of the issuer verifies the token."""


def unverified_claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise NotAJwt
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError as exc:
        raise NotAJwt from exc
    if not isinstance(claims, dict):
        raise NotAJwt
    return claims


def issuer_keys(issuer: str, thumbprints: list[str]) -> dict:
    """The JWKS the issuer publishes (discovery document → jwks_uri), cached briefly."""
    key = (issuer, tuple(sorted(thumbprints)))
    hit = _cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    discovery = fetch.get_json(issuer.rstrip("/") + "/.well-known/openid-configuration",
                               thumbprints)
    jwks_uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
    if not isinstance(jwks_uri, str):
        raise fetch.FetchError("the discovery document has no jwks_uri")
    jwks = fetch.get_json(jwks_uri, thumbprints)
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise fetch.FetchError("the jwks_uri did not answer a key set")
    with _lock:
        _cache[key] = (time.monotonic() + KEY_CACHE_SECONDS, jwks)
    return jwks


def verify_signature(token: str, jwks: dict) -> None:
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise BadSignature from exc
