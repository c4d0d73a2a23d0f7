"""The outbound issuer's signing keys (rotation, publication, encryption at rest) and the
parsing of issuer URLs."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from rolecall.auth.keys import ServerKeys
from rolecall.outbound import issuer_url, signing_keys
from rolecall.store.db import Database
from rolecall.store.tables import OutboundSigningKey

WEEK = signing_keys.ROTATION_SECONDS
T0 = 2_000_000_000.0


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def keys(db):
    return ServerKeys.load(db)


@pytest.mark.parametrize("algorithm", signing_keys.ALGORITHMS)
def test_one_key_per_period_and_it_signs_what_the_jwks_verifies(db, keys, algorithm):
    kid, key = signing_keys.current_key(db, keys, algorithm, T0)
    assert signing_keys.current_key(db, keys, algorithm, T0 + 60)[0] == kid
    token = jwt.encode({"alg": algorithm, "kid": kid}, {"sub": "x"}, key, algorithms=[algorithm])
    published = KeySet.import_key_set(signing_keys.published(db, keys, T0 + 60))
    assert jwt.decode(token, published, algorithms=[algorithm]).claims == {"sub": "x"}


def test_rotation_keeps_the_previous_key_published_then_drops_it(db, keys):
    first = signing_keys.current_key(db, keys, "RS256", T0)[0]
    second = signing_keys.current_key(db, keys, "RS256", T0 + WEEK)[0]
    assert second != first
    kids = {k["kid"] for k in signing_keys.published(db, keys, T0 + WEEK)["keys"]}
    assert {first, second} <= kids
    third = signing_keys.current_key(db, keys, "RS256", T0 + 2 * WEEK)[0]
    kids = {k["kid"] for k in signing_keys.published(db, keys, T0 + 2 * WEEK)["keys"]}
    assert first not in kids and {second, third} <= kids
    with db.transaction(write=False) as session:
        stored = set(session.scalars(select(OutboundSigningKey.kid)))
    assert first not in stored  # deleted, not merely hidden


def test_a_key_made_by_another_process_is_used_not_duplicated(db, keys):
    kid = signing_keys.current_key(db, keys, "ES384", T0)[0]
    signing_keys._cache.clear()  # another process: nothing cached, the row exists
    assert signing_keys.current_key(db, keys, "ES384", T0)[0] == kid


def test_private_keys_are_encrypted_at_rest_and_never_published(db, keys):
    signing_keys.published(db, keys, T0)
    with db.transaction(write=False) as session:
        rows = session.scalars(select(OutboundSigningKey)).all()
        assert {row.algorithm for row in rows} == set(signing_keys.ALGORITHMS)
        for row in rows:
            assert b'"d"' not in row.private_key_encrypted
            assert "d" in json.loads(keys.decrypt(row.private_key_encrypted))
            assert "d" not in json.loads(row.public_jwk)


@given(st.uuids(), st.sampled_from(["http://127.0.0.1:8080", "https://iam.example.com",
                                    "https://h.example:8443/"]))
def test_issuer_urls_round_trip(issuer_id, base):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(issuer_url.PUBLIC_URL_ENV, base)
        url = issuer_url.issuer_url(str(issuer_id))
    assert url.startswith(base.rstrip("/") + issuer_url.PREFIX)
    assert issuer_url.issuer_id_of(url) == str(issuer_id)
    assert issuer_url.issuer_id_of(url + "/") == str(issuer_id)


@given(st.text(max_size=80))
def test_other_urls_are_not_outbound_issuers(text):
    if issuer_url.PREFIX not in text:
        assert issuer_url.issuer_id_of(text) is None


def test_issuer_id_must_be_a_whole_uuid():
    base = "https://h" + issuer_url.PREFIX
    assert issuer_url.issuer_id_of(base + str(uuid.uuid4()) + "/extra") is None
    assert issuer_url.issuer_id_of(base + "not-a-uuid") is None
