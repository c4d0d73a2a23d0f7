"""``POST /_rolecall/policy/generate``: `rolecall policy generate` over HTTP.

Signed with SigV4 like any IAM call and authorized like the explain API: the caller needs
iam:SimulatePrincipalPolicy on the principal, in its own account. The body is JSON,
``{"PrincipalArn": ARN, "Since": "7d" (optional), "Denied": false (optional)}``; the answer
is the JSON report `rolecall policy generate --json` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import report_api
from ..audit.query import parse_since
from ..pipeline import HttpRequest, HttpResponse
from ..protocol.errors import AWSError
from ..server import Server
from .generate import GenerationError, generate

PATH = "/_rolecall/policy/generate"


def handle(server: Server, request: HttpRequest) -> HttpResponse:
    def report(body: dict[str, Any], now: dt.datetime) -> Any:
        since = parse_since(body["Since"], now) if body.get("Since") else None
        server.audit.flush()  # the calls just made count
        generated = generate(server.db, body["PrincipalArn"], since=since,
                             denied_only=bool(body.get("Denied")))
        return generated.as_json()

    return report_api.serve(server, request, _body, report, (GenerationError, ValueError))


def _body(raw: bytes) -> dict:
    body = report_api.json_body(raw)
    if not isinstance(body, dict) or not isinstance(body.get("PrincipalArn"), str):
        raise AWSError("InvalidInput", "Required: PrincipalArn")
    if "Since" in body and body["Since"] is not None and not isinstance(body["Since"], str):
        raise AWSError("InvalidInput", "Since is a duration such as 7d, or an ISO 8601 time.")
    if "Denied" in body and not isinstance(body["Denied"], bool):
        raise AWSError("InvalidInput", "Denied is true or false.")
    return body
