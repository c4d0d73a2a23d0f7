"""Properties of the console's parsers: the simulator's context lines, the policy editor's
positions and the session cookie, for any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.console.cookies import ConsoleSession, CookieSealer
from rolecall.console.positions import check
from rolecall.console.simulator import _context
from rolecall.policy import PolicyType
from rolecall.server import Server

keys = st.text(st.characters(blacklist_characters="=\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               min_size=1).filter(str.strip)
values = st.text(st.characters(blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))


@given(st.lists(st.tuples(keys, values), max_size=8))
def test_context_lines_keep_every_value_of_every_key(pairs):
    text = "\n".join(f"{k}={v}" for k, v in pairs)
    parsed = {e["ContextKeyName"]: e["ContextKeyValues"] for e in _context(text)}
    expected: dict[str, list[str]] = {}
    for key, value in pairs:
        expected.setdefault(key.strip(), []).append(value.strip())
    assert parsed == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_positions_inside_the_document(text):
    for problem in check(text, PolicyType.IDENTITY):
        assert problem.line >= 1 and problem.column >= 1
        assert problem.line <= text.count("\n") + 1 or problem.line == 1


@pytest.fixture(scope="module")
def sealer(tmp_path_factory):
    server = Server(f"sqlite:///{tmp_path_factory.mktemp('db')}/cookie.db")
    yield CookieSealer(server.keys)
    server.close()


@settings(deadline=None)
@given(st.text(), st.integers(0, 2**40), st.text(max_size=30))
def test_a_sealed_session_reads_back_and_garbage_reads_as_none(sealer, name, expiry, junk):
    session = ConsoleSession.new()
    session.user_name, session.expires_at = name, expiry
    assert sealer.unseal(sealer.seal(session)) == session
    assert sealer.unseal(junk) is None
