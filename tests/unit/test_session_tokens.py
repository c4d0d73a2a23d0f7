"""Sealed session tokens and the access key ids that carry their account."""

from __future__ import annotations

import base64
import secrets

import pytest

from rolecall.auth.session_tokens import InvalidToken, SessionClaims, seal, unseal
from rolecall.sts.sessions import account_of_key, temporary_key_id

KEY = secrets.token_bytes(32)


def _claims(**extra) -> SessionClaims:
    return SessionClaims(access_key_id=temporary_key_id("123456789012"), secret_access_key="s",
                         account_id="123456789012", kind="assumed-role", issued_at=1,
                         expires_at=2, **extra)


def test_claims_round_trip_with_tags_policies_and_mfa():
    claims = _claims(role_name="r", session_name="s", tags={"a": "1"},
                     transitive_tag_keys=("a",), policies=("{}",), mfa_authenticated=True,
                     mfa_authenticated_at=1, source_identity="bob", chained=True)
    assert unseal(seal(claims, KEY), KEY) == claims


def _decoded(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_any_changed_character_is_refused():
    token = seal(_claims(), KEY)
    for i in (0, len(token) // 2, len(token) - 1):
        # The last character may carry bits the decoder ignores: change it for one that
        # changes the decoded bytes.
        changed = next(candidate for letter in "AB_-wQg"
                       if _decoded(candidate := token[:i] + letter + token[i + 1:])
                       != _decoded(token))
        with pytest.raises(InvalidToken):
            unseal(changed, KEY)


def test_another_key_cannot_read_the_token():
    with pytest.raises(InvalidToken):
        unseal(seal(_claims(), KEY), secrets.token_bytes(32))


@pytest.mark.parametrize("account", ["000000000001", "123456789012", "999999999999"])
def test_temporary_key_ids_encode_their_account(account):
    key = temporary_key_id(account)
    assert key.startswith("ASIA") and len(key) == 20
    assert account_of_key(key) == account


def test_aws_documented_example_key_decodes():
    # AWS access key ids encode the account; this pair is a widely published example.
    assert account_of_key("ASIAY34FZKBOKMUTVV7A") == "609629065308"


def _old_token(claims: SessionClaims) -> str:
    """A token as servers before version 2 sealed it: every field, deflated."""
    import dataclasses
    import zlib

    import orjson
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    payload = zlib.compress(orjson.dumps(dataclasses.asdict(claims)))
    nonce = secrets.token_bytes(12)
    sealed = b"\x01" + nonce + AESGCM(KEY).encrypt(nonce, payload, b"\x01")
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def test_tokens_sealed_by_earlier_versions_are_read():
    claims = _claims(role_name="r", session_name="s", tags={"a": "1"}, policies=("{}",),
                     mfa_authenticated=True, mfa_authenticated_at=0)
    assert unseal(_old_token(claims), KEY) == claims


def test_a_typical_session_is_sealed_plain_and_large_claims_deflated():
    typical = _claims(role_id="AROAJQABLZS4A3QDU576Q", role_name="bench-role", role_path="/",
                      session_name="bench", issuer_arn="arn:aws:iam::123456789012:user/bench")
    many_tags = _claims(tags={f"team-{i}": "platform-engineering" for i in range(50)})
    assert _decoded(seal(typical, KEY))[:1] == b"\x02"
    sealed = seal(many_tags, KEY)
    assert _decoded(sealed)[:1] == b"\x01"
    assert len(sealed) < 1000  # 50 tags of ~35 bytes each, deflated
    assert unseal(sealed, KEY) == many_tags


def test_claims_equal_to_their_defaults_come_back_as_defaults():
    claims = _claims(mfa_authenticated_at=0, chained=False, tags={}, policies=())
    assert unseal(seal(claims, KEY), KEY) == claims
