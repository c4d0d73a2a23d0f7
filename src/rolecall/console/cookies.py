"""The console's session: a sealed, HttpOnly, SameSite cookie that holds who is signed in.

Like session tokens it is ``AES-GCM(claims)`` under a key derived from the server key, so
any replica reads it without a database read and a changed byte makes it worthless. Each
session carries its own CSRF token; every form posts it back.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..auth.keys import ServerKeys

COOKIE = "rolecall-console"
# AWS signs IAM users out of the console after 12 hours.
SESSION_SECONDS = 12 * 3600
# Sign-in that stops half way (at the MFA or new-password step) must finish quickly.
PENDING_SECONDS = 10 * 60
_VERSION = b"\x01"

# Where a session is in the sign-in flow.
ANONYMOUS = "anonymous"
NEEDS_MFA = "mfa"
NEEDS_PASSWORD = "new-password"
SIGNED_IN = "signed-in"


@dataclass
class SwitchedRole:
    """A role the signed-in user switched to, with the sealed session token AssumeRole gave."""

    account_id: str
    role_name: str
    display_name: str
    color: str
    session_token: str


@dataclass
class ConsoleSession:
    csrf: str
    stage: str = ANONYMOUS
    expires_at: int = 0
    account_id: str = ""
    user_id: str = ""
    user_name: str = ""
    mfa_at: int | None = None
    role: SwitchedRole | None = None
    # Roles switched to before, newest first, as AWS's console lists them.
    history: list[dict[str, str]] = field(default_factory=list)
    # A one-time notice for the next page ("Role Test-Role updated.").
    flash: str = ""

    @classmethod
    def new(cls) -> ConsoleSession:
        return cls(csrf=secrets.token_urlsafe(24))

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


class CookieSealer:
    def __init__(self, keys: ServerKeys) -> None:
        self._cipher = AESGCM(ServerKeys.derive(keys.session_key, b"rolecall console cookie"))

    def seal(self, session: ConsoleSession) -> str:
        payload = json.dumps(asdict(session), separators=(",", ":")).encode()
        nonce = secrets.token_bytes(12)
        sealed = _VERSION + nonce + self._cipher.encrypt(nonce, payload, _VERSION)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def unseal(self, value: str | None) -> ConsoleSession | None:
        """The session in the cookie, or None when it is missing or was not made here."""
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            if raw[:1] != _VERSION or len(raw) < 30:
                return None
            data = json.loads(self._cipher.decrypt(raw[1:13], raw[13:], _VERSION))
            role = data.pop("role", None)
            session = ConsoleSession(**data)
        except (InvalidTag, ValueError, TypeError, binascii.Error):
            return None
        session.role = SwitchedRole(**role) if role else None
        return session
