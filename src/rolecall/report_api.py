"""What rolecall's own JSON APIs about a principal share (``/_rolecall/explain``,
``/_rolecall/policy/generate``): a SigV4-signed request whose JSON body names a principal
of the caller's account, allowed when the caller may iam:SimulatePrincipalPolicy on it, as
SimulatePrincipalPolicy is; errors as ``{"Error": {"Code", "Message"}, "RequestId"}``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from . import ids
from .operations import CallContext
from .pipeline import HttpRequest, HttpResponse, authenticate_request
from .protocol.errors import AWSError
from .server import Server

_ACCOUNT = re.compile(r"arn:aws:(?:iam|sts)::(\d{12}):")
Report = Callable[[dict[str, Any], dt.datetime], Any]


def serve(server: Server, request: HttpRequest, read_body: Callable[[bytes], dict],
          report: Report, input_errors: tuple[type[Exception], ...]) -> HttpResponse:
    """Authenticate, check ``PrincipalArn``, authorize, then answer ``report(body, now)``
    as JSON; ``input_errors`` raised by the report are the caller's InvalidInput."""
    request_id = ids.request_id()
    ctx: CallContext | None = None
    try:
        now = dt.datetime.fromtimestamp(server.clock(), dt.UTC)
        principal, region = authenticate_request(server, request, now)
        body = read_body(request.body)
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
        payload = report(body, now)
        return HttpResponse(200, json.dumps(payload).encode(), request_id, "application/json")
    except AWSError as err:
        if ctx is not None:
            ctx.finish(err)
        return _error(err.status, err.code, err.message, request_id)
    except input_errors as err:
        return _error(400, "InvalidInput", str(err), request_id)


def json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        raise AWSError("InvalidInput", "The request body is not JSON.") from None


def _error(status: int, code: str, message: str, request_id: str) -> HttpResponse:
    payload = {"Error": {"Code": code, "Message": message}, "RequestId": request_id}
    return HttpResponse(status, json.dumps(payload).encode(), request_id, "application/json")
