"""Calls to other AWS services (EC2, RDS, DynamoDB, ...) signed for rolecall's endpoint.

rolecall does not implement those services, but it is the IAM they would ask: it
authenticates the call, decides it with the caller's policies, and answers in the
service's own error format. A refusal is the service's AccessDenied (EC2's
UnauthorizedOperation with an encoded authorization message, which
sts:DecodeAuthorizationMessage decodes); an allowed call answers NotImplemented, naming
the action rolecall allowed. This is how page 004's `aws rds describe-db-instances` is
refused offline, with AWS's reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from .audit import events
from .auth.principal import Principal
from .authz import encoded_messages
from .operations import CallContext
from .pipeline import HttpRequest, HttpResponse
from .policy import known_action
from .protocol.errors import AWSError
from .protocol.xml import escape
from .server import Server

EC2_DENIED = "You are not authorized to perform this operation."


def handle(server: Server, request: HttpRequest, service: str, region: str,
           form: dict[str, str], authenticate: Callable[[], Principal], request_id: str,
           now: dt.datetime) -> HttpResponse:
    kind = _protocol(service, request)
    operation = form.get("Action") or _json_target(request) or ""
    principal: Principal | None = None
    error: AWSError | None = None
    try:
        principal = authenticate()
        action = f"{service}:{operation}"
        if not operation or not known_action(action):
            raise AWSError("NotImplemented",
                           f"rolecall does not implement {service}:{operation or '?'}.")
        _authorize(server, request, principal, service, operation, region, request_id, now)
        raise AWSError(
            "NotImplemented",
            f"rolecall allows {action} for {principal.arn} but does not implement the "
            f"{service} service.",
        )
    except AWSError as err:
        error = err
    server.audit.record(events.build(
        service=service, operation=operation or "Unknown", request_id=request_id,
        principal=principal, when=now, region=region, source_ip=request.client_ip,
        user_agent=_header(request, "user-agent"), read_only=True, request_parameters=None,
        response_elements=None, error_code=error.code, error_message=error.message,
    ), now)
    return _error(kind, error, request_id)


def _authorize(server: Server, request: HttpRequest, principal: Principal, service: str,
               operation: str, region: str, request_id: str, now: dt.datetime) -> None:
    action = f"{service}:{operation}"
    ctx = CallContext(server=server, service=service, operation=operation,
                      request_id=request_id, principal=principal, region=region, now=now,
                      source_ip=request.client_ip, user_agent=_header(request, "user-agent"),
                      secure_transport=request.secure)
    try:
        server.authorizer.authorize(ctx, {}, action=action, resource="*")
    except AWSError as err:
        ctx.finish(err)
        if err.code == "AccessDenied" and service == "ec2" and err.decision is not None:
            decision = err.decision
            encoded = encoded_messages.encode(server.keys, principal, action, "*", decision,
                                              dict(decision.request.context))
            reason = err.message.split(" on resource: * ", 1)[-1]
            raise AWSError(
                "UnauthorizedOperation",
                f"{EC2_DENIED} User: {principal.arn} is not authorized to perform: {action} "
                f"{reason}. Encoded authorization failure message: {encoded}",
                status=403,
            ) from None
        raise
    ctx.finish(None)


def _protocol(service: str, request: HttpRequest) -> str:
    if service == "ec2":
        return "ec2"
    if _json_target(request):
        return "json"
    return "query"


def _json_target(request: HttpRequest) -> str | None:
    target = _header(request, "x-amz-target")
    return target.rpartition(".")[2] if target else None


def _header(request: HttpRequest, name: str) -> str:
    values = request.headers.get(name)
    return values[0] if values else ""


def _error(kind: str, err: AWSError, request_id: str) -> HttpResponse:
    if kind == "json":
        code = err.code if err.code.endswith("Exception") else f"{err.code}Exception"
        body = json.dumps({"__type": code, "message": err.message}).encode()
        status = 400 if err.status == 403 else err.status
        return HttpResponse(status, body, request_id, "application/x-amz-json-1.1")
    if kind == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
                f"<Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return HttpResponse(err.status, body.encode(), request_id)
    fault = "Sender" if err.sender_fault else "Receiver"
    body = (f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(err.code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return HttpResponse(err.status, body.encode(), request_id)
