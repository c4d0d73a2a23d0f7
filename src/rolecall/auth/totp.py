"""Time-based one-time passwords (RFC 6238) for virtual MFA devices.

IAM's virtual devices use the authenticator-app defaults: SHA-1, 6 digits, 30-second
steps. A code is matched to the time step it belongs to, so the caller can remember the
step and refuse the same code (or an older one) the next time.
"""

from __future__ import annotations

import base64
import hmac
import secrets

import pyotp

STEP_SECONDS = 30
# Steps of clock drift accepted either side of the server's time for a single code.
DRIFT_STEPS = 1


def new_seed() -> str:
    """A fresh 64-character Base32 seed, the length IAM gives virtual devices."""
    return base64.b32encode(secrets.token_bytes(40)).decode()


def time_step(at: float) -> int:
    return int(at // STEP_SECONDS)


def code_for_step(seed: str, step: int) -> str:
    return pyotp.TOTP(seed).at(step * STEP_SECONDS)


def matching_step(seed: str, code: str, now: float, *, behind: int = DRIFT_STEPS,
                  ahead: int = DRIFT_STEPS, after: int = 0) -> int | None:
    """The time step within the window whose code is ``code``, newest first; only steps
    later than ``after`` count, so a code already used is never accepted again."""
    current = time_step(now)
    for step in range(current + ahead, current - behind - 1, -1):
        if step > after and hmac.compare_digest(code_for_step(seed, step), code):
            return step
    return None


def consecutive_steps(seed: str, first: str, second: str, now: float, *, behind: int,
                      ahead: int = DRIFT_STEPS, after: int = 0) -> int | None:
    """The step of ``second`` when ``first`` and ``second`` are the codes of two
    consecutive steps within the window (how IAM enables and resynchronizes devices)."""
    current = time_step(now)
    for step in range(current + ahead, current - behind, -1):
        if step - 1 <= after:
            break
        if hmac.compare_digest(code_for_step(seed, step), second) and hmac.compare_digest(
            code_for_step(seed, step - 1), first
        ):
            return step
    return None
