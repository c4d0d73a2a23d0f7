"""Sealed session tokens: everything a temporary credential means, inside the token itself.

A token is ``version || nonce || AES-GCM(claims)`` in URL-safe base64. Any replica that
shares the server key verifies and reads it without a database read; a single changed
byte makes it fail authentication (InvalidClientTokenId).

The claims are JSON of the fields that differ from their defaults. Version 2 carries them
as they are: deflating the few hundred bytes of a typical session cost more than the rest
of sealing put together, and leaving the defaults out saves more (a typical role session's
token is 510 characters, where every field deflated made 583). Version 1 carries them
deflated; claims larger than ``_COMPRESS_ABOVE`` (many session tags, a session policy) are
still sealed that way. Tokens of either version are read.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import secrets
import zlib
from dataclasses import dataclass, field

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_DEFLATED = b"\x01"
_PLAIN = b"\x02"
# Claims larger than this are deflated. A typical role session's are about 370 bytes; up
# to this size a plain token is at most a few dozen characters longer than a deflated one.
_COMPRESS_ABOVE = 512


@dataclass(frozen=True)
class SessionClaims:
    """What a session is. Times are epoch seconds."""

    access_key_id: str
    secret_access_key: str
    account_id: str
    # assumed-role | federated-user | user-session | root-session | root-task (AssumeRoot)
    kind: str
    issued_at: int
    expires_at: int
    # The role of an assumed-role session, and the session's name.
    role_id: str | None = None
    role_name: str | None = None
    role_path: str | None = None
    session_name: str | None = None
    # The IAM user behind a GetSessionToken or GetFederationToken session.
    user_id: str | None = None
    user_name: str | None = None
    user_path: str | None = None
    # Who asked for the session (an ARN), for audit and chaining.
    issuer_arn: str | None = None
    # Session policies: inline documents and managed policy ARNs.
    policies: tuple[str, ...] = ()
    policy_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    mfa_authenticated: bool = False
    mfa_authenticated_at: int | None = None
    # True when this session was obtained with another role session's credentials.
    chained: bool = False
    # Web identity and SAML federation details, for context keys and audit.
    federated_provider: str | None = None
    federated_subject: str | None = None
    federated_audience: str | None = None
    federated_claims: dict[str, object] = field(default_factory=dict)


class InvalidToken(Exception):
    """The token was not made by this server, or was altered."""


_FIELDS = tuple(f.name for f in dataclasses.fields(SessionClaims))
# (name, default) of the fields that have one; a claim equal to its default is left out.
_DEFAULTS = tuple(
    (f.name, f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
    for f in dataclasses.fields(SessionClaims)
    if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
)
_REQUIRED = tuple(name for name in _FIELDS if name not in dict(_DEFAULTS))


@functools.lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def _compressed(data: bytes) -> bytes:
    """A zlib stream of the claims. They are a few hundred bytes: a 1 KiB window, a small
    state and the fastest level give the same size as zlib's defaults at a fraction of the
    cost, most of which is setting up the compressor. ``zlib.decompress`` reads either."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 10, 2)
    return compressor.compress(data) + compressor.flush()


def seal(claims: SessionClaims, key: bytes) -> str:
    data = {name: getattr(claims, name) for name in _REQUIRED}
    for name, default in _DEFAULTS:
        value = getattr(claims, name)
        if value != default:
            data[name] = value
    payload = orjson.dumps(data)
    version = _PLAIN
    if len(payload) > _COMPRESS_ABOVE:
        payload, version = _compressed(payload), _DEFLATED
    nonce = secrets.token_bytes(12)
    sealed = version + nonce + _cipher(key).encrypt(nonce, payload, version)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def unseal(token: str, key: bytes) -> SessionClaims:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version = raw[:1]
        if version not in (_PLAIN, _DEFLATED) or len(raw) < 30:
            raise InvalidToken
        payload = _cipher(key).decrypt(raw[1:13], raw[13:], version)
        data = orjson.loads(payload if version == _PLAIN else zlib.decompress(payload))
    except (InvalidTag, ValueError, binascii.Error, zlib.error) as exc:
        raise InvalidToken from exc
    for name in ("policies", "policy_arns", "transitive_tag_keys"):
        data[name] = tuple(data.get(name, ()))
    return SessionClaims(**{k: v for k, v in data.items() if k in _FIELDS})
