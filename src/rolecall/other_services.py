"""Calls to other AWS services (EC2, RDS, DynamoDB, ...) signed for rolecall's endpoint.

rolecall does not implement those services, but it is the IAM they would ask: it
authenticates the call, decides it with the caller's policies, and answers in the
service's own error format. A refusal is the service's AccessDenied (EC2's
UnauthorizedOperation with an encoded authorization message, which
sts:DecodeAuthorizationMessage decodes); an allowed call answers NotImplemented, naming
the action rolecall allowed. This is how page 004's `aws rds describe-db-instances` is
refused offline, with AWS's reason, and page 001's `aws s3 ls amzn-s3-demo-bucket2`
decided for the role's S3 permissions.

Each service names its resource as it does on AWS: RDS's DescribeDBInstances asks for
``arn:aws:rds:<region>:<account>:db:<id or *>``; S3's REST calls (path-style, as the SDKs
address an IP endpoint) for the bucket or object ARN, quoted in its message and left out
when it is ``*``; EC2's Describe* refusals carry no encoded message (only its other
operations do).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

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
# Query parameters of S3's object and bucket listings; any other one names a sub-resource.
_S3_LIST_PARAMETERS = {"prefix", "delimiter", "marker", "max-keys", "encoding-type",
                       "continuation-token", "start-after", "fetch-owner", "list-type"}


class _Call(NamedTuple):
    operation: str
    action: str
    resource: str


def handle(server: Server, request: HttpRequest, service: str, region: str,
           form: dict[str, str], authenticate: Callable[[], Principal], request_id: str,
           now: dt.datetime) -> HttpResponse:
    kind = _protocol(service, request)
    operation = form.get("Action") or _json_target(request) or ""
    principal: Principal | None = None
    error: AWSError | None = None
    audit: dict = {}  # the decisions, as the authorizer notes them
    try:
        principal = authenticate()
        call = _identify(service, operation, request, form, region, principal.account_id)
        if call is None:
            raise AWSError("NotImplemented",
                           f"rolecall does not implement {service}:{operation or '?'}.")
        operation = call.operation
        _authorize(server, request, principal, service, call, region, request_id, now, audit)
        raise AWSError(
            "NotImplemented",
            f"rolecall allows {call.action} for {principal.arn} but does not implement the "
            f"{service} service.",
        )
    except AWSError as err:
        error = err
    server.audit.record(events.build(
        service=service, operation=operation or "Unknown", request_id=request_id,
        principal=principal, when=now, region=region, source_ip=request.client_ip,
        user_agent=_header(request, "user-agent"),
        read_only=operation.startswith(("Describe", "Get", "List", "Head")),
        request_parameters=None, response_elements=None, error_code=error.code,
        error_message=error.message, extra=audit,
    ), now)
    return _error(kind, error, request_id)


def _identify(service: str, operation: str, request: HttpRequest, form: dict[str, str],
              region: str, account_id: str) -> _Call | None:
    """The operation, the IAM action it needs and the resource it is asked for."""
    if service == "s3":
        return _s3_call(request)
    action = f"{service}:{operation}"
    if not operation or not known_action(action):
        return None
    if action == "rds:DescribeDBInstances":
        instance = form.get("DBInstanceIdentifier") or "*"
        return _Call(operation, action, f"arn:aws:rds:{region}:{account_id}:db:{instance}")
    return _Call(operation, action, "*")


def _s3_call(request: HttpRequest) -> _Call | None:
    """S3's object and listing calls, addressed path-style (``/bucket/key``)."""
    path = unquote(request.raw_path.split("?", 1)[0]).lstrip("/")
    bucket, _, key = path.partition("/")
    query = {name for name, _ in parse_qsl(request.query_string, keep_blank_values=True)}
    if query - _S3_LIST_PARAMETERS or (key and query):
        return None
    method = request.method.upper()
    if not bucket:
        return _Call("ListBuckets", "s3:ListAllMyBuckets", "*") if method == "GET" else None
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if not key:
        operations = {"GET": ("ListObjectsV2" if "list-type" in query else "ListObjects",
                              "s3:ListBucket"),
                      "HEAD": ("HeadBucket", "s3:ListBucket")}
        found = operations.get(method)
        return _Call(found[0], found[1], bucket_arn) if found else None
    if _header(request, "x-amz-copy-source"):
        return None
    operations = {"GET": ("GetObject", "s3:GetObject"), "HEAD": ("HeadObject", "s3:GetObject"),
                  "PUT": ("PutObject", "s3:PutObject"),
                  "DELETE": ("DeleteObject", "s3:DeleteObject")}
    found = operations.get(method)
    return _Call(found[0], found[1], f"{bucket_arn}/{key}") if found else None


def _authorize(server: Server, request: HttpRequest, principal: Principal, service: str,
               call: _Call, region: str, request_id: str, now: dt.datetime,
               audit: dict) -> None:
    action, operation = call.action, call.operation
    ctx = CallContext(server=server, service=service, operation=operation,
                      request_id=request_id, principal=principal, region=region, now=now,
                      source_ip=request.client_ip, user_agent=_header(request, "user-agent"),
                      secure_transport=request.secure, audit=audit)
    try:
        server.authorizer.authorize(ctx, {}, action=action, resource=call.resource)
    except AWSError as err:
        ctx.finish(err)
        if err.code == "AccessDenied" and service == "ec2" and err.decision is not None:
            decision = err.decision
            reason = err.message.split(" on resource: * ", 1)[-1]
            message = (f"{EC2_DENIED} User: {principal.arn} is not authorized to perform: "
                       f"{action} {reason}")
            if not operation.startswith("Describe"):
                encoded = encoded_messages.encode(server.keys, principal, action, "*",
                                                  decision, dict(decision.request.context))
                message += f". Encoded authorization failure message: {encoded}"
            raise AWSError("UnauthorizedOperation", message, status=403) from None
        if err.code == "AccessDenied" and service == "s3":
            named = f" on resource: {call.resource} "
            shown = "" if call.resource == "*" else f' on resource: "{call.resource}"'
            raise AWSError("AccessDenied", err.message.replace(named, shown + " ", 1),
                           status=403) from None
        raise
    ctx.finish(None)


def _protocol(service: str, request: HttpRequest) -> str:
    if service in ("ec2", "s3"):
        return service
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
    if kind == "s3":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
                f"<Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>")
        return HttpResponse(err.status, body.encode(), request_id, "application/xml")
    fault = "Sender" if err.sender_fault else "Receiver"
    body = (f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(err.code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return HttpResponse(err.status, body.encode(), request_id)
