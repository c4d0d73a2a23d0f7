"""`rolecall serve --no-console` serves no console; by default the console answers."""

from __future__ import annotations

import urllib.error
import urllib.request

from tests.conftest import start_server, stop_server


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def test_console_is_served_with_security_headers(server):
    status, body, headers = _get(f"{server.endpoint}/_rolecall/console/signin")
    assert status == 200 and "Sign in as IAM user" in body
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"


def test_no_console_turns_it_off(db_url, tmp_path):
    running = start_server(db_url, tmp_path / "server.log", "--no-console")
    try:
        status, body, _ = _get(f"{running.endpoint}/_rolecall/console/signin")
    finally:
        stop_server(running)
    assert status != 200 and "Sign in" not in body
