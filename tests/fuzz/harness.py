"""An in-process rolecall for fuzzing: a Server on a fresh database, an account, four
signers (root, an IAM user with no policies, a role session, a session whose role was
deleted), and helpers that sign form bodies and read answers back with botocore's parser.

Requests go straight to ``pipeline.handle``: no HTTP, so thousands of calls fit in seconds.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.parsers import QueryParser

from rolecall import accounts
from rolecall.pipeline import HttpRequest, HttpResponse, handle
from rolecall.protocol import models
from rolecall.server import Server

ACCOUNT_ID = "123456789012"
HOST = "rolecall.test"
# Names of the identities the fuzzer signs with, kept out of its name pools so generated
# calls cannot delete them.
SIGNER_USER = "fuzz-signer"
SESSION_ROLE = "fuzz-session-role"
# A session whose role was deleted after it was assumed: its token stays valid.
ORPHAN_ROLE = "fuzz-deleted-role"
# Examples per property; ROLECALL_FUZZ_EXAMPLES raises it for long local runs.
EXAMPLES = int(os.environ.get("ROLECALL_FUZZ_EXAMPLES", "0")) or None

VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}


def examples(default: int) -> int:
    return EXAMPLES or default


@dataclass(frozen=True)
class Signer:
    name: str
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


class Rolecall:
    """One server, one account, and the signers that call it."""

    def __init__(self, db_url: str) -> None:
        self.server = Server(db_url)
        key = accounts.create_account(self.server.db, ACCOUNT_ID)
        self.root = Signer("root", key["AccessKeyId"], key["SecretAccessKey"])
        self.user = self._user()
        self.session = self._session(SESSION_ROLE)
        self.orphan = self._session(ORPHAN_ROLE)
        self.ok("iam", "DeleteRolePolicy", {"RoleName": ORPHAN_ROLE, "PolicyName": "admin"})
        self.ok("iam", "DeleteRole", {"RoleName": ORPHAN_ROLE})
        self.signers = (self.root, self.user, self.session, self.orphan)

    def close(self) -> None:
        self.server.close()

    def _user(self) -> Signer:
        self.ok("iam", "CreateUser", {"UserName": SIGNER_USER})
        made = self.ok("iam", "CreateAccessKey", {"UserName": SIGNER_USER})["AccessKey"]
        return Signer("user", made["AccessKeyId"], made["SecretAccessKey"])

    def _session(self, role: str) -> Signer:
        """A session of ``role``, which allows everything; assumed by the signer user."""
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/{SIGNER_USER}"}}]}
        admin = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        self.ok("iam", "CreateRole", {"RoleName": role,
                                      "AssumeRolePolicyDocument": json.dumps(trust)})
        self.ok("iam", "PutRolePolicy", {"RoleName": role, "PolicyName": "admin",
                                         "PolicyDocument": json.dumps(admin)})
        made = self.ok("sts", "AssumeRole", {
            "RoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/{role}",
            "RoleSessionName": "fuzz"}, signer=self.user)["Credentials"]
        return Signer(role, made["AccessKeyId"], made["SecretAccessKey"],
                      made["SessionToken"])

    def call(self, service: str, form: dict[str, str] | list[tuple[str, str]],
             signer: Signer | None = None) -> HttpResponse:
        """Sign ``form`` as a POST body (as the SDKs send it) and handle it."""
        body = urlencode(form)
        return self.send(signed_request(service, body.encode(), signer or self.root))

    def send(self, request: HttpRequest) -> HttpResponse:
        response = handle(self.server, request)
        # Audit events are written by a background thread in a real server; writing them
        # here makes a failure to record one surface in the call that caused it.
        self.server.audit.flush()
        return response

    def ok(self, service: str, operation: str, params: dict[str, str],
           signer: Signer | None = None) -> dict[str, Any]:
        form = {"Action": operation, "Version": VERSIONS[service], **params}
        response = self.call(service, form, signer)
        parsed = parse(service, operation, response)
        assert response.status == 200, parsed
        return parsed


def signed_request(service: str, body: bytes, signer: Signer,
                   headers: dict[str, str] | None = None) -> HttpRequest:
    credentials = Credentials(signer.access_key_id, signer.secret_access_key,
                              signer.session_token)
    request = AWSRequest("POST", f"http://{HOST}/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **(headers or {})})
    SigV4Auth(credentials, service, "us-east-1").add_auth(request)
    sent = {k.lower(): [v] for k, v in request.headers.items()}
    sent["host"] = [HOST]
    return http_request(sent, body)


def http_request(headers: dict[str, list[str]], body: bytes, *, method: str = "POST",
                 path: str = "/", query: str = "") -> HttpRequest:
    return HttpRequest(method=method, raw_path=path, query_string=query, headers=headers,
                       body=body, client_ip="127.0.0.1", secure=False)


def parse(service: str, operation: str | None, response: HttpResponse) -> dict[str, Any]:
    """The answer as botocore reads it: a result, or ``{"Error": {"Code": ...}}``."""
    model = models.operation_model(service, operation) if operation else None
    shape = model.output_shape if model is not None else None
    return QueryParser().parse(
        {"body": response.body, "headers": {}, "status_code": response.status}, shape)


def assert_answered(service: str, operation: str | None, response: HttpResponse) -> dict:
    """No 500: a result botocore can read, or an error with a code and AWS's status."""
    assert response.status != 500, response.body.decode(errors="replace")
    parsed = parse(service, operation, response)
    if response.status == 200:
        assert "Error" not in parsed, parsed
    else:
        code = parsed.get("Error", {}).get("Code")
        assert code, (response.status, response.body)
        assert code != "InternalFailure", response.body
    return parsed
