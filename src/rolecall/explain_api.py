"""``POST /_rolecall/explain``: the explanation behind `rolecall explain`, over HTTP.

The request is signed with SigV4 like any IAM call (service ``iam``) and carries JSON:
``{"PrincipalArn", "Action", "Resource", "Context": {key: value or [values]}}``. The caller
needs iam:SimulatePrincipalPolicy on the principal, in its own account, as for
SimulatePrincipalPolicy; the answer is the JSON report `rolecall explain --json` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import explain, report_api
from .pipeline import HttpRequest, HttpResponse
from .protocol.errors import AWSError
from .server import Server

PATH = "/_rolecall/explain"


def handle(server: Server, request: HttpRequest) -> HttpResponse:
    def report(body: dict[str, Any], now: dt.datetime) -> Any:
        decision = explain.decide(server.db, body["PrincipalArn"], body["Action"],
                                  body["Resource"], body.get("Context") or {}, now)
        return explain.as_json(decision)

    return report_api.serve(server, request, _body, report, (explain.ExplainError,))


def _body(raw: bytes) -> dict:
    body = report_api.json_body(raw)
    if not isinstance(body, dict):
        raise AWSError("InvalidInput", "Required: an object")
    missing = [k for k in ("PrincipalArn", "Action", "Resource")
               if not isinstance(body.get(k), str)]
    if missing:
        raise AWSError("InvalidInput", "Required: " + ", ".join(missing or ["an object"]))
    context = body.get("Context") or {}
    if not isinstance(context, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in context.values()
    ):
        raise AWSError("InvalidInput", "Context maps keys to a string or a list of strings.")
    return body
