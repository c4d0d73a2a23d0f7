"""Session lifetimes with an injected clock: expiry, tampering and revocation, driven
in-process through the request pipeline with botocore-signed requests (never sleeping).

IAM set-up goes through the running server; the in-process server shares its database and
therefore its keys, so sessions minted by either are valid in both.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlencode

import pyotp
import pytest
from botocore import auth as botocore_auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from sqlalchemy import select

from rolecall.pipeline import HttpRequest, handle
from rolecall.server import Server
from rolecall.store.tables import AuditEvent
from tests.integration.test_sts_support import enable_virtual_mfa, make_role, make_user, trust

VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}
LIST_USERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole"], "Resource": "*"}]}


class InProcess:
    """A rolecall server in this process whose clock the test sets."""

    def __init__(self, db_url: str, now: float) -> None:
        self.now = now
        self.server = Server(db_url, clock=lambda: self.now)

    def call(self, monkeypatch, service: str, action: str, creds: dict,
             **params: str) -> tuple[int, str]:
        body = urlencode({"Action": action, "Version": VERSIONS[service], **params})
        request = AWSRequest(method="POST", url="http://127.0.0.1/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Host": "127.0.0.1"})
        signing_time = dt.datetime.fromtimestamp(self.now, dt.UTC).replace(tzinfo=None)
        monkeypatch.setattr(botocore_auth, "get_current_datetime", lambda: signing_time)
        SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"],
                              creds.get("SessionToken")), service, "us-east-1").add_auth(request)
        headers = {k.lower(): [v] for k, v in request.headers.items()}
        response = handle(self.server, HttpRequest("POST", "/", "", headers, body.encode(),
                                                   "127.0.0.1", False))
        return response.status, response.body.decode()


def error_code(xml: str) -> str | None:
    found = re.search(r"<Code>([^<]+)</Code>", xml)
    return found.group(1) if found else None


def message(xml: str) -> str:
    found = re.search(r"<Message>([^<]*)</Message>", xml)
    return found.group(1) if found else ""


def tag(xml: str, name: str) -> str:
    found = re.search(rf"<{name}>([^<]+)</{name}>", xml)
    assert found, xml
    return found.group(1)


def credentials_of(xml: str) -> dict:
    return {name: tag(xml, name) for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")}


@pytest.fixture
def role_session(iam, account, server):
    keys = make_user(iam, "bob", policy=LIST_USERS)
    make_role(iam, "app", trust({"AWS": account.account_id}), policy=LIST_USERS)
    start = dt.datetime.now(dt.UTC).timestamp()
    local = InProcess(server.db_url, start)
    user = {"AccessKeyId": keys.access_key_id, "SecretAccessKey": keys.secret_access_key}
    yield local, user
    local.server.close()


def _assume(local: InProcess, monkeypatch, user: dict, account_id: str, **extra) -> dict:
    status, xml = local.call(monkeypatch, "sts", "AssumeRole", user,
                             RoleArn=f"arn:aws:iam::{account_id}:role/app",
                             RoleSessionName="sess", **extra)
    assert status == 200, xml
    return credentials_of(xml)


def test_session_works_until_it_expires(role_session, account, monkeypatch):
    local, user = role_session
    creds = _assume(local, monkeypatch, user, account.account_id, DurationSeconds="900")
    status, xml = local.call(monkeypatch, "sts", "GetCallerIdentity", creds)
    assert status == 200 and ":assumed-role/app/sess" in xml
    local.now += 899
    assert local.call(monkeypatch, "iam", "ListUsers", creds)[0] == 200
    local.now += 1
    status, xml = local.call(monkeypatch, "sts", "GetCallerIdentity", creds)
    assert (status, error_code(xml)) == (403, "ExpiredToken")
    assert message(xml) == "The security token included in the request is expired"


def test_tampered_session_token_is_invalid(role_session, account, monkeypatch):
    local, user = role_session
    creds = _assume(local, monkeypatch, user, account.account_id)
    token = creds["SessionToken"]
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    status, xml = local.call(monkeypatch, "sts", "GetCallerIdentity",
                             {**creds, "SessionToken": flipped})
    assert (status, error_code(xml)) == (403, "InvalidClientTokenId")
    assert message(xml) == "The security token included in the request is invalid."


def test_session_token_with_another_sessions_key_id_is_invalid(role_session, account,
                                                                monkeypatch):
    local, user = role_session
    first = _assume(local, monkeypatch, user, account.account_id)
    second = _assume(local, monkeypatch, user, account.account_id)
    status, xml = local.call(monkeypatch, "sts", "GetCallerIdentity",
                             {**first, "SessionToken": second["SessionToken"]})
    assert (status, error_code(xml)) == (403, "InvalidClientTokenId")


def test_revoke_active_sessions_denies_older_sessions_only(role_session, account, iam,
                                                            monkeypatch):
    local, user = role_session
    old = _assume(local, monkeypatch, user, account.account_id)
    assert local.call(monkeypatch, "iam", "ListUsers", old)[0] == 200
    # The console's "Revoke active sessions" writes exactly this inline policy.
    revoke_at = dt.datetime.fromtimestamp(local.now + 10, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    iam.put_role_policy(RoleName="app", PolicyName="AWSRevokeOlderSessions",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                            "Condition": {"DateLessThan": {"aws:TokenIssueTime": revoke_at}}}]}))
    local.server.state_changed()
    local.now += 60
    status, xml = local.call(monkeypatch, "iam", "ListUsers", old)
    assert (status, error_code(xml)) == (403, "AccessDenied")
    assert message(xml).endswith("with an explicit deny in an identity-based policy")
    new = _assume(local, monkeypatch, user, account.account_id)
    assert local.call(monkeypatch, "iam", "ListUsers", new)[0] == 200


def test_mfa_age_grows_with_the_session(role_session, account, iam, monkeypatch):
    local, user = role_session
    serial, seed = enable_virtual_mfa(iam, "bob", at=local.now)
    iam.put_role_policy(RoleName="app", PolicyName="fresh-mfa", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*",
            "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "600"}}}]}))
    local.server.state_changed()
    creds = _assume(local, monkeypatch, user, account.account_id, SerialNumber=serial,
                    TokenCode=pyotp.TOTP(seed).at(local.now))
    assert local.call(monkeypatch, "iam", "ListUsers", creds)[0] == 200
    local.now += 601
    status, xml = local.call(monkeypatch, "iam", "ListUsers", creds)
    assert (status, error_code(xml)) == (403, "AccessDenied")


def test_assume_role_audit_event_carries_session_name_mfa_and_source_identity(
        role_session, account, iam, monkeypatch):
    local, user = role_session
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=trust(
        {"AWS": account.account_id}, actions=["sts:AssumeRole", "sts:SetSourceIdentity"]))
    iam.put_user_policy(UserName="bob", PolicyName="si", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:SetSourceIdentity", "Resource": "*"}]}))
    serial, seed = enable_virtual_mfa(iam, "bob", at=local.now)
    local.server.state_changed()
    creds = _assume(local, monkeypatch, user, account.account_id, SerialNumber=serial,
                    TokenCode=pyotp.TOTP(seed).at(local.now), SourceIdentity="bob-laptop")
    local.call(monkeypatch, "sts", "GetCallerIdentity", creds)
    local.server.audit.flush()
    with local.server.db.transaction(write=False) as session:
        records = [json.loads(row.record) for row in session.scalars(
            select(AuditEvent).where(AuditEvent.account_id == account.account_id))]
    assumed = next(r for r in records if r["eventName"] == "AssumeRole")
    assert assumed["requestParameters"]["roleSessionName"] == "sess"
    assert assumed["requestParameters"]["tokenCode"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    assert assumed["additionalEventData"]["MFAAuthenticated"] == "true"
    assert assumed["sourceIdentity"] == "bob-laptop"
    assert creds["SessionToken"] not in json.dumps(assumed)
    used = next(r for r in records if r["eventName"] == "GetCallerIdentity"
                and r["userIdentity"]["type"] == "AssumedRole")
    context = used["userIdentity"]["sessionContext"]
    assert context["attributes"]["mfaAuthenticated"] == "true"
    assert context["sourceIdentity"] == "bob-laptop"
    assert context["sessionIssuer"]["userName"] == "app"
