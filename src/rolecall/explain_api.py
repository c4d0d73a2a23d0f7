"""``POST /_rolecall/explain``: the explanation behind `rolecall explain`, over HTTP.

The request is signed with SigV4 like any IAM call (service ``iam``) and carries JSON:
``{"PrincipalArn", "Action", "Resource", "Context": {key: value or [values]}}``. The caller
needs iam:SimulatePrincipalPolicy on the principal, in its own account, as for
SimulatePrincipalPolicy; the answer is the JSON report `rolecall explain --json` prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from . import explain, ids
from .operations import CallContext
from .pipeline import HttpRequest, HttpResponse, authenticate_request
from .protocol.errors import AWSError
from .server import Server

PATH = "/_rolecall/explain"
_ACCOUNT = re.compile(r"arn:aws:(?:iam|sts)::(\d{12}):")


def handle(server: Server, request: HttpRequest) -> HttpResponse:
    request_id = ids.request_id()
    ctx: CallContext | None = None
    try:
        now = dt.datetime.fromtimestamp(server.clock(), dt.UTC)
        principal, region = authenticate_request(server, request, now)
        body = _body(request.body)
        target = body["PrincipalArn"]
        found = _ACCOUNT.match(target)
        if found is None or found.group(1) != principal.account_id:
            raise AWSError("InvalidInput", f"PrincipalArn {target} is not in your account.")
        ctx = CallContext(server=server, service="iam", operation="SimulatePrincipalPolicy",
                          request_id=request_id, principal=principal, region=region, now=now,
                          source_ip=request.client_ip, user_agent="", secure_transport=False)
        server.authorizer.authorize(ctx, {"PolicySourceArn": target},
                                    action="iam:SimulatePrincipalPolicy", resource=target)
        ctx.finish(None)
        decision = explain.decide(server.db, target, body["Action"], body["Resource"],
                                  body.get("Context") or {}, now)
        payload = explain.as_json(decision)
        return HttpResponse(200, json.dumps(payload).encode(), request_id, "application/json")
    except AWSError as err:
        if ctx is not None:
            ctx.finish(err)
        return _error(err.status, err.code, err.message, request_id)
    except explain.ExplainError as err:
        return _error(400, "InvalidInput", str(err), request_id)


def _body(raw: bytes) -> dict:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise AWSError("InvalidInput", "The request body is not JSON.") from None
    missing = [k for k in ("PrincipalArn", "Action", "Resource")
               if not isinstance(body.get(k), str)]
    if not isinstance(body, dict) or missing:
        raise AWSError("InvalidInput", "Required: " + ", ".join(missing or ["an object"]))
    context = body.get("Context") or {}
    if not isinstance(context, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in context.values()
    ):
        raise AWSError("InvalidInput", "Context maps keys to a string or a list of strings.")
    return body


def _error(status: int, code: str, message: str, request_id: str) -> HttpResponse:
    payload = {"Error": {"Code": code, "Message": message}, "RequestId": request_id}
    return HttpResponse(status, json.dumps(payload).encode(), request_id, "application/json")
