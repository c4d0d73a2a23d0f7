"""TOTP matching for virtual MFA devices, at explicit times."""

from __future__ import annotations

import pyotp

from rolecall.auth import totp

SEED = totp.new_seed()
T = 1_700_000_000.0


def test_seed_is_64_base32_characters():
    assert len(SEED) == 64 and pyotp.TOTP(SEED).at(T).isdigit()


def test_code_of_the_current_step_matches_and_its_step_is_returned():
    assert totp.matching_step(SEED, pyotp.TOTP(SEED).at(T), T) == totp.time_step(T)


def test_one_step_of_drift_either_side_is_accepted_two_is_not():
    code = pyotp.TOTP(SEED)
    assert totp.matching_step(SEED, code.at(T - 30), T) == totp.time_step(T) - 1
    assert totp.matching_step(SEED, code.at(T + 30), T) == totp.time_step(T) + 1
    assert totp.matching_step(SEED, code.at(T - 60), T) is None


def test_a_used_step_is_never_accepted_again():
    step = totp.matching_step(SEED, pyotp.TOTP(SEED).at(T), T)
    assert totp.matching_step(SEED, pyotp.TOTP(SEED).at(T), T, after=step) is None


def test_consecutive_codes_in_order_only():
    code = pyotp.TOTP(SEED)
    assert totp.consecutive_steps(SEED, code.at(T - 30), code.at(T), T, behind=10) == \
        totp.time_step(T)
    assert totp.consecutive_steps(SEED, code.at(T), code.at(T - 30), T, behind=10) is None
    assert totp.consecutive_steps(SEED, code.at(T - 60), code.at(T), T, behind=10) is None
