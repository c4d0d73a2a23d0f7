"""The keys GetWebIdentityToken signs with, rotated on a schedule.

One key per signing algorithm (RS256, ES384) and rotation period, created by whichever
process first needs it (a unique constraint settles races between processes). The private
key is stored encrypted with the server's secrets key; the JWKS publishes the keys of the
current and the previous period, so a token signed just before a rotation (at most an hour
old) still verifies after it. Older keys are deleted when a new one is made.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading

from joserfc.jwk import ECKey, RSAKey
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..auth.keys import ServerKeys
from ..store.db import Database
from ..store.tables import OutboundSigningKey

ALGORITHMS = ("RS256", "ES384")
ROTATION_SECONDS = 7 * 24 * 3600
_RSA_BITS = 2048

SigningKey = RSAKey | ECKey
# (database URL, algorithm, period) → (kid, private key)
_cache: dict[tuple[str, str, int], tuple[str, SigningKey]] = {}
_lock = threading.Lock()


def period_of(now: float) -> int:
    return int(now // ROTATION_SECONDS)


def current_key(db: Database, keys: ServerKeys, algorithm: str, now: float
                ) -> tuple[str, SigningKey]:
    """(kid, private key) to sign with now, made on first use in this period."""
    period = period_of(now)
    slot = (db.url, algorithm, period)
    hit = _cache.get(slot)
    if hit is not None:
        return hit
    with _lock:
        row = _load(db, algorithm, period) or _create(db, keys, algorithm, period, now)
        for stale in [s for s in _cache if s[2] < period - 1]:
            del _cache[stale]
        _cache[slot] = (row.kid, _private(keys, row))
        return _cache[slot]


def published(db: Database, keys: ServerKeys, now: float) -> dict:
    """The JWKS: public keys of the current and previous periods, every algorithm."""
    for algorithm in ALGORITHMS:
        current_key(db, keys, algorithm, now)
    period = period_of(now)
    with db.transaction(write=False) as session:
        rows = session.scalars(select(OutboundSigningKey)
                               .where(OutboundSigningKey.period >= period - 1)
                               .order_by(OutboundSigningKey.period.desc(),
                                         OutboundSigningKey.algorithm)).all()
        return {"keys": [json.loads(row.public_jwk) for row in rows]}


def _load(db: Database, algorithm: str, period: int) -> OutboundSigningKey | None:
    with db.transaction(write=False) as session:
        row = session.scalar(select(OutboundSigningKey).where(
            OutboundSigningKey.algorithm == algorithm, OutboundSigningKey.period == period))
        if row is not None:
            session.expunge(row)
        return row


def _create(db: Database, keys: ServerKeys, algorithm: str, period: int, now: float
            ) -> OutboundSigningKey:
    kid = secrets.token_hex(16)
    params = {"kid": kid, "alg": algorithm, "use": "sig"}
    if algorithm == "RS256":
        key: SigningKey = RSAKey.generate_key(_RSA_BITS, parameters=params, private=True)
    else:
        key = ECKey.generate_key("P-384", parameters=params, private=True)
    row = OutboundSigningKey(
        kid=kid, algorithm=algorithm, period=period,
        private_key_encrypted=keys.encrypt(json.dumps(key.as_dict(private=True)).encode()),
        public_jwk=json.dumps(key.as_dict(private=False)),
        created_at=dt.datetime.fromtimestamp(now, dt.UTC),
    )
    try:
        with db.transaction(write=True) as session:
            session.execute(delete(OutboundSigningKey).where(
                OutboundSigningKey.algorithm == algorithm,
                OutboundSigningKey.period < period - 1))
            session.add(row)
            session.flush()
            session.expunge(row)
        return row
    except IntegrityError:
        found = _load(db, algorithm, period)  # another process made it first
        if found is None:
            raise
        return found


def _private(keys: ServerKeys, row: OutboundSigningKey) -> SigningKey:
    data = json.loads(keys.decrypt(row.private_key_encrypted))
    if row.algorithm == "RS256":
        return RSAKey.import_key(data)
    return ECKey.import_key(data)
