"""The server's keys: encryption of secrets at rest and the key that seals session tokens.

A random master key is created once and kept in the database, so every process and
replica on the same database shares it. When ``ROLECALL_MASTER_KEY`` (base64, 32 bytes)
is set, the stored key is itself encrypted with it, so a copy of the database alone
reveals no secret.
"""

from __future__ import annotations

import base64
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.exc import IntegrityError

from ..store.db import Database
from ..store.tables import ServerSecret

_NAME = "master-key"
_ENV = "ROLECALL_MASTER_KEY"


class ServerKeys:
    def __init__(self, master: bytes) -> None:
        self._secrets = AESGCM(self.derive(master, b"rolecall secrets at rest"))
        self.session_key = self.derive(master, b"rolecall session tokens")

    @staticmethod
    def derive(master: bytes, purpose: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt=None, info=purpose).derive(master)

    @classmethod
    def load(cls, db: Database) -> ServerKeys:
        wrapper = _env_wrapper()
        for _ in range(2):
            with db.transaction() as session:
                row = session.get(ServerSecret, _NAME)
                if row is not None:
                    return cls(_unwrap(row.value, wrapper))
            master = secrets.token_bytes(32)
            try:
                with db.transaction() as session:
                    session.add(ServerSecret(name=_NAME, value=_wrap(master, wrapper)))
                return cls(master)
            except IntegrityError:
                continue  # another process created it first; read theirs
        raise RuntimeError("could not load the server key")

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._secrets.encrypt(nonce, plaintext, None)

    def decrypt(self, blob: bytes) -> bytes:
        return self._secrets.decrypt(blob[:12], blob[12:], None)


def _env_wrapper() -> AESGCM | None:
    raw = os.environ.get(_ENV)
    if not raw:
        return None
    return AESGCM(base64.b64decode(raw))


def _wrap(master: bytes, wrapper: AESGCM | None) -> bytes:
    if wrapper is None:
        return b"plain:" + master
    nonce = secrets.token_bytes(12)
    return b"aesgcm:" + nonce + wrapper.encrypt(nonce, master, None)


def _unwrap(stored: bytes, wrapper: AESGCM | None) -> bytes:
    kind, _, body = stored.partition(b":")
    if kind == b"plain":
        return body
    if wrapper is None:
        raise RuntimeError(f"the server key is encrypted: set {_ENV}")
    return wrapper.decrypt(body[:12], body[12:], None)
