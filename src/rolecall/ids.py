"""Identifiers in AWS's formats (AIDA..., AROA..., AKIA..., ASIA...) and secret keys."""

from __future__ import annotations

import base64
import random
import secrets

# Unique-ID prefixes IAM uses (IAM User Guide, "IAM identifiers": unique ID prefixes).
USER = "AIDA"
GROUP = "AGPA"
ROLE = "AROA"
POLICY = "ANPA"
INSTANCE_PROFILE = "AIPA"
LONG_TERM_KEY = "AKIA"
TEMPORARY_KEY = "ASIA"


def _base32(length: int) -> str:
    """``length`` random characters of A-Z and 2-7 (base32 of random bytes: fast)."""
    return base64.b32encode(secrets.token_bytes((length * 5 + 7) // 8)).decode()[:length]


def unique_id(prefix: str) -> str:
    """A 21-character unique id such as ``AIDAJQABLZS4A3QDU576Q``."""
    return prefix + _base32(17)


def access_key_id(prefix: str = LONG_TERM_KEY) -> str:
    return prefix + _base32(16)


SECRET_BYTES = 30


def secret_access_key(raw: bytes | None = None) -> str:
    """40 characters of A-Z, a-z, 0-9, + and /, like AWS's secret keys: ``raw``, 30 bytes
    from ``secrets``, or new ones."""
    return base64.b64encode(raw if raw is not None else secrets.token_bytes(SECRET_BYTES)
                            ).decode()


# Request and event ids only need to be unique, not unguessable: a PRNG seeded from the OS
# makes them without a system call per request.
_ids = random.Random(secrets.randbits(128))


def request_id() -> str:
    """A UUID-shaped id for a request or an audit event."""
    raw = f"{_ids.getrandbits(128):032x}"
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
