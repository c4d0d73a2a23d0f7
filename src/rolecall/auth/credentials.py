"""Resolve an access key id (and session token) to its secret and its principal.

Long-term keys are read from the database and cached; temporary keys are read from their
sealed session token, with no database read. The cache is dropped whenever IAM state
changes, in this process or in another one on the same database (server.py).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from ..ids import TEMPORARY_KEY
from ..protocol.errors import AWSError
from ..store.db import Database
from ..store.tables import AccessKey, User
from . import principal as principals
from .keys import ServerKeys
from .principal import Principal
from .session_tokens import InvalidToken, unseal

CACHE_SECONDS = 60.0

INVALID_TOKEN = "The security token included in the request is invalid."
INVALID_KEY = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"


def invalid_client_token() -> AWSError:
    return AWSError("InvalidClientTokenId", INVALID_TOKEN)


class CredentialResolver:
    def __init__(self, db: Database, keys: ServerKeys) -> None:
        self._db = db
        self._keys = keys
        self._cache: dict[tuple[str, str | None], tuple[float, str, Principal]] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()

    def resolve(self, access_key_id: str, token: str | None, now: float) -> tuple[str, Principal]:
        """Return (secret, principal) or raise AWS's error for unknown, inactive or expired keys."""
        cache_key = (access_key_id, token)
        hit = self._cache.get(cache_key)
        if hit is not None and hit[0] > time.monotonic():
            secret, principal = hit[1], hit[2]
            self._check_expiry(principal, now)
            return secret, principal
        if not (access_key_id.isascii() and access_key_id.isalnum()):
            # No key has such an id; PostgreSQL would refuse some of them (U+0000) outright.
            raise invalid_client_token()
        if access_key_id.startswith(TEMPORARY_KEY) or token:
            secret, principal = self._from_token(access_key_id, token, now)
            ttl = 3600.0  # a sealed token never changes; expiry is checked on every hit
        else:
            secret, principal = self._from_database(access_key_id)
            ttl = CACHE_SECONDS
        with self._lock:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[cache_key] = (time.monotonic() + ttl, secret, principal)
        return secret, principal

    @staticmethod
    def _check_expiry(principal: Principal, now: float) -> None:
        if principal.session is not None and now >= principal.session.expires_at:
            raise AWSError("ExpiredToken", EXPIRED_TOKEN)

    def _from_token(self, access_key_id: str, token: str | None, now: float):
        if not token:
            raise invalid_client_token()
        try:
            claims = unseal(token, self._keys.session_key)
        except InvalidToken:
            raise invalid_client_token() from None
        if claims.access_key_id != access_key_id:
            raise invalid_client_token()
        principal = principals.from_session(claims)
        self._check_expiry(principal, now)
        return claims.secret_access_key, principal

    def _from_database(self, access_key_id: str) -> tuple[str, Principal]:
        with self._db.transaction(write=False) as session:
            row = session.execute(
                select(AccessKey, User)
                .outerjoin(User, User.id == AccessKey.user_id)
                .where(AccessKey.id == access_key_id)
            ).first()
        if row is None:
            raise invalid_client_token()
        key, user = row
        if key.status != "Active" or (key.user_id is not None and user is None):
            raise invalid_client_token()
        secret = self._keys.decrypt(key.secret_encrypted).decode()
        if user is None:
            return secret, principals.root(key.account_id, key.id)
        return secret, principals.iam_user(key.account_id, user.id, user.name, user.path, key.id)
