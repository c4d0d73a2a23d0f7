"""The console's safety without a browser: output escaping, CSRF on every form, sealed
cookies, security headers, and the policy editor's positions."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from rolecall.console.app import create_app
from rolecall.console.cookies import COOKIE, ConsoleSession, CookieSealer
from rolecall.console.positions import check
from rolecall.console.trust_templates import trust_policy
from rolecall.console.web import Console
from rolecall.policy import PolicyType
from rolecall.server import Server


@pytest.fixture
def server(tmp_path):
    s = Server(f"sqlite:///{tmp_path}/console.db")
    yield s
    s.close()


@pytest.fixture
def client(server):
    return TestClient(create_app(server), base_url="http://127.0.0.1")


def test_templates_escape_attacker_controlled_text(server):
    templates = Console(server).templates
    html = templates.get_template("signin.html").render(
        account='"><script>alert(1)</script>', username="<img src=x onerror=alert(1)>",
        csrf="t", session=ConsoleSession.new(), principal=None, title="", flash="")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_role_page_escapes_tags_descriptions_and_policy_documents(server):
    evil = '</textarea><script>alert("x")</script>'
    role = {"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "RoleId": "AROA",
            "CreateDate": "2026-01-01", "MaxSessionDuration": 3600, "Description": evil,
            "Tags": [{"Key": evil, "Value": evil}]}
    html = Console(server).templates.get_template("role.html").render(
        role=role, attached=[{"PolicyName": evil, "PolicyArn": evil}], inline=[evil],
        trust=json.dumps({"Statement": [{"Sid": evil}]}), csrf="t",
        session=ConsoleSession.new(), principal=None, title="", flash="")
    assert "<script>" not in html and "</textarea><script>" not in html
    assert html.count("&lt;script&gt;") >= 6


def test_sign_in_post_without_the_csrf_token_is_refused(client):
    page = client.get("/_rolecall/console/signin")
    assert page.status_code == 200
    refused = client.post("/_rolecall/console/signin",
                          data={"account": "123456789012", "username": "u", "password": "p"})
    assert refused.status_code == 403
    assert "did not come from this console" in refused.text


def test_an_oversized_form_is_refused_unread(client):
    page = client.get("/_rolecall/console/signin")
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/_rolecall/console/signin",
                         data={"csrf": token, "password": "x" * (2 * 1024 * 1024)})
    assert answer.status_code == 403


def test_sign_in_with_the_csrf_token_reaches_the_credential_check(client):
    page = client.get("/_rolecall/console/signin")
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/_rolecall/console/signin", data={
        "csrf": token, "account": "123456789012", "username": "u", "password": "p"})
    assert answer.status_code == 401
    assert "Your authentication information is incorrect" in answer.text


def test_cookie_is_httponly_samesite_and_headers_are_set(client):
    page = client.get("/_rolecall/console/signin")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert client.get("/_rolecall/console/static/console.css").headers[
        "referrer-policy"] == "no-referrer"


def test_a_tampered_cookie_is_no_session(server):
    sealer = CookieSealer(server.keys)
    session = ConsoleSession.new()
    session.stage, session.user_name = "signed-in", "bob"
    sealed = sealer.seal(session)
    assert sealer.unseal(sealed).user_name == "bob"
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    assert sealer.unseal(flipped) is None
    assert sealer.unseal("garbage") is None


def test_signed_in_pages_redirect_to_sign_in_without_a_session(client):
    answer = client.get("/_rolecall/console/roles", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/_rolecall/console/signin"


def test_an_expired_session_goes_back_to_sign_in(server, client):
    session = ConsoleSession.new()
    session.stage, session.expires_at = "signed-in", int(time.time()) - 1
    client.cookies.set(COOKIE, CookieSealer(server.keys).seal(session))
    answer = client.get("/_rolecall/console/roles", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/_rolecall/console/signin"


def test_syntax_error_is_reported_at_its_line_and_column():
    [problem] = check('{\n  "Version": "2012-10-17",\n  "Statement": [ }', PolicyType.TRUST)
    assert problem.code == "MalformedPolicyDocument"
    assert (problem.line, problem.column) == (3, 18)


def test_findings_are_placed_at_their_statement():
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:NoSuchAction", "Resource": "*"}]}, indent=2)
    [problem] = check(text, PolicyType.IDENTITY)
    assert problem.code == "INVALID_ACTION"
    assert (problem.line, problem.column) == (9, 5)  # the second statement's brace


def test_trust_templates_are_valid_trust_policies():
    for kind, value in (("account", "111122223333"), ("service", "lambda.amazonaws.com"),
                        ("web", "accounts.google.com"), ("saml", "Okta")):
        text = trust_policy(kind, value, account_id="123456789012")
        assert [p for p in check(text, PolicyType.TRUST)
                if p.code == "MalformedPolicyDocument"] == []
