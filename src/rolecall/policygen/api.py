"""``POST /_rolecall/policy/generate``: `rolecall policy generate` over HTTP.

Signed with SigV4 like any IAM call and authorized like the explain API: the caller needs
iam:SimulatePrincipalPolicy on the principal, in its own account. The body is JSON,
``{"PrincipalArn": ARN, "Since": "7d" (optional), "Denied": false (optional)}``; the answer
is the JSON report `rolecall policy generate --json` prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from .. import ids
from ..audit.query import parse_since
from ..operations import CallContext
from ..pipeline import HttpRequest, HttpResponse, authenticate_request
from ..protocol.errors import AWSError
from ..server import Server
from .generate import GenerationError, generate

PATH = "/_rolecall/policy/generate"
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
        since = parse_since(body["Since"], now) if body.get("Since") else None
        ctx = CallContext(server=server, service="iam", operation="SimulatePrincipalPolicy",
                          request_id=request_id, principal=principal, region=region, now=now,
                          source_ip=request.client_ip, user_agent="", secure_transport=False)
        server.authorizer.authorize(ctx, {"PolicySourceArn": target},
                                    action="iam:SimulatePrincipalPolicy", resource=target)
        ctx.finish(None)
        server.audit.flush()  # the calls just made count
        generated = generate(server.db, target, since=since,
                             denied_only=bool(body.get("Denied")))
        return HttpResponse(200, json.dumps(generated.as_json()).encode(), request_id,
                            "application/json")
    except AWSError as err:
        if ctx is not None:
            ctx.finish(err)
        return _error(err.status, err.code, err.message, request_id)
    except (GenerationError, ValueError) as err:
        return _error(400, "InvalidInput", str(err), request_id)


def _body(raw: bytes) -> dict:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise AWSError("InvalidInput", "The request body is not JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("PrincipalArn"), str):
        raise AWSError("InvalidInput", "Required: PrincipalArn")
    if "Since" in body and body["Since"] is not None and not isinstance(body["Since"], str):
        raise AWSError("InvalidInput", "Since is a duration such as 7d, or an ISO 8601 time.")
    if "Denied" in body and not isinstance(body["Denied"], bool):
        raise AWSError("InvalidInput", "Denied is true or false.")
    return body


def _error(status: int, code: str, message: str, request_id: str) -> HttpResponse:
    payload = {"Error": {"Code": code, "Message": message}, "RequestId": request_id}
    return HttpResponse(status, json.dumps(payload).encode(), request_id, "application/json")
