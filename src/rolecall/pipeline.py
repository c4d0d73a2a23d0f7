"""The request flow, from raw HTTP parts to response bytes:

parse the service's protocol → authenticate (SigV4) → validate against the model →
authorize → run the handler in a transaction → serialize → audit.

The service's wire protocol (query for IAM and STS, JSON for Organizations) is one object
from ``protocol.wire``, chosen once the service is known.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from . import ids, operations
from .audit import events
from .auth import sigv4
from .auth.principal import Principal
from .operations import CallContext
from .protocol import models, validate, wire
from .protocol.errors import AWSError, not_implemented
from .server import Server

log = logging.getLogger("rolecall")

# Services whose writes change what policies mean (SCPs and RCPs live in Organizations):
# their writes drop every authorization cache.
POLICY_SERVICES = frozenset({"iam", "organizations"})
# STS operations that AWS accepts unsigned: the token in the request is the credential.
UNSIGNED_OPERATIONS = frozenset({("sts", "AssumeRoleWithWebIdentity"),
                                 ("sts", "AssumeRoleWithSAML")})
DEFAULT_REGION = "us-east-1"
CONCURRENT_MODIFICATION = (
    "The request was rejected because multiple requests to change this object were submitted "
    "simultaneously. Wait a few minutes and submit your request again."
)
UNSTORABLE_VALUE = "1 validation error detected: the request holds a value that cannot be stored."


@dataclass
class HttpRequest:
    method: str
    raw_path: str
    query_string: str
    headers: dict[str, list[str]]
    body: bytes
    client_ip: str
    secure: bool


@dataclass
class HttpResponse:
    status: int
    body: bytes
    request_id: str
    content_type: str = "text/xml"


def _error_response(protocol: wire.QueryProtocol | wire.JsonProtocol, err: AWSError,
                    request_id: str) -> HttpResponse:
    err, body = protocol.error(err, request_id)
    return HttpResponse(err.status, body, request_id, protocol.content_type)


def handle(server: Server, request: HttpRequest) -> HttpResponse:
    request_id = ids.request_id()
    server.check_for_changes()
    now_ts = server.clock()
    now = dt.datetime.fromtimestamp(now_ts, dt.UTC)
    query_pairs = parse_qsl(request.query_string, keep_blank_values=True)
    form: dict[str, str] = dict(query_pairs)
    content_type = _header(request.headers, "content-type") or ""
    if request.body and "x-www-form-urlencoded" in content_type:
        form.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    service = "iam"
    principal: Principal | None = None
    operation_name = form.get("Action", "")
    region = DEFAULT_REGION
    params: dict[str, Any] = {}
    result: dict[str, Any] | None = None
    ctx: CallContext | None = None
    try:
        signed = _signature(request, query_pairs)
        if signed is not None:
            if signed.service not in models.SERVICES:
                # The gateway serves every other service; a request signed for one never
                # reaches here (gateway/routing.py).
                raise AWSError("InvalidClientTokenId", "The security token included in the "
                               "request is invalid.")
            service = signed.service
            region = signed.region
        elif operation_name in models.sts_operation_names():
            service = "sts"
        else:
            # An unsigned JSON-protocol call is refused in its own protocol.
            target = (_header(request.headers, "x-amz-target") or "").partition(".")[0]
            service = models.target_prefixes().get(target, service)
        protocol = wire.for_service(service)
        operation_name = protocol.operation_name(form, request.headers)
        if not operation_name:
            raise protocol.missing_operation()
        model = models.operation_model(service, operation_name)
        if model is None:
            raise protocol.unknown_operation(operation_name)
        if signed is None:
            if (service, operation_name) not in UNSIGNED_OPERATIONS:
                raise AWSError("MissingAuthenticationToken",
                               "Request is missing Authentication Token")
        else:
            principal = _authenticate(server, request, signed, query_pairs, now, now_ts)
        spec = operations.lookup(service, operation_name)
        if spec is None:
            raise not_implemented(operation_name)
        params = protocol.parse(model.input_shape, form, request.body)
        validate.validate(model.input_shape, params, show_values=service == "sts")
        ctx = CallContext(
            server=server,
            service=service,
            operation=operation_name,
            request_id=request_id,
            principal=principal,  # type: ignore[arg-type]  # None only for unsigned calls
            region=region,
            now=now,
            source_ip=request.client_ip,
            user_agent=_header(request.headers, "user-agent") or "",
            secure_transport=request.secure,
        )
        ctx.write = spec.write
        # IAM and Organizations writes change what policies and credentials mean; STS
        # writes (last-used times, MFA counters) do not, so they leave every cache in place.
        iam_change = spec.write and service in POLICY_SERVICES
        try:
            if principal is not None and spec.authorize:
                server.authorizer.authorize(ctx, params)
            result = spec.handler(ctx, params)
            if iam_change:
                server.record_iam_change(ctx.db, ctx.account_id)
        except BaseException as exc:
            ctx.finish(exc)
            raise
        ctx.finish(None)
        if iam_change:
            server.state_changed()
        body = protocol.success(model, result, request_id)
        _audit(server, ctx, service, operation_name, request_id, principal, now, region, request,
               params, result, None)
        return HttpResponse(200, body, request_id, protocol.content_type)
    except AWSError as err:
        _audit(server, ctx, service, operation_name, request_id, principal, now, region, request,
               params, None, err)
        return _error_response(wire.for_service(service), err, request_id)
    except (IntegrityError, OperationalError) as exc:
        # A concurrent call changed the same entity first (a unique name taken, a
        # serialization failure): nothing was written, and AWS's answer is to retry.
        log.warning("conflict in %s:%s (request %s): %s", service, operation_name, request_id,
                    type(exc).__name__)
        err = AWSError("ConcurrentModification", CONCURRENT_MODIFICATION)
        _audit(server, ctx, service, operation_name, request_id, principal, now, region, request,
               params, None, err)
        return _error_response(wire.for_service(service), err, request_id)
    except DataError as exc:
        # A value the database refuses to hold (PostgreSQL text cannot contain U+0000):
        # the input's fault, and the transaction wrote nothing.
        log.warning("unstorable value in %s:%s (request %s): %s", service, operation_name,
                    request_id, type(exc.orig).__name__)
        err = AWSError("ValidationError", UNSTORABLE_VALUE)
        _audit(server, ctx, service, operation_name, request_id, principal, now, region, request,
               params, None, err)
        return _error_response(wire.for_service(service), err, request_id)
    except Exception:
        log.exception("internal error in %s:%s (request %s)", service, operation_name, request_id)
        err = AWSError("InternalFailure", "The request processing has failed because of an "
                       "unknown error, exception or failure.")
        _audit(server, ctx, service, operation_name, request_id, principal, now, region, request,
               params, None, err)
        return _error_response(wire.for_service(service), err, request_id)


def _header(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


def _signature(
    request: HttpRequest, query_pairs: list[tuple[str, str]]
) -> sigv4.SignedRequest | None:
    authorization = _header(request.headers, "authorization")
    if authorization:
        flat = {name: values[0] for name, values in request.headers.items()}
        return sigv4.from_authorization(authorization, flat)
    query_fields = dict(query_pairs)
    if "X-Amz-Signature" in query_fields or "X-Amz-Credential" in query_fields:
        return sigv4.from_query(query_fields)
    return None


def authenticate_request(server: Server, request: HttpRequest,
                         now: dt.datetime) -> tuple[Principal, str]:
    """(principal, region) of a request that must be signed, for endpoints beside the
    query API (the explain API)."""
    query_pairs = parse_qsl(request.query_string, keep_blank_values=True)
    signed = _signature(request, query_pairs)
    if signed is None:
        raise AWSError("MissingAuthenticationToken", "Request is missing Authentication Token")
    principal = _authenticate(server, request, signed, query_pairs, now, now.timestamp())
    return principal, signed.region


def _authenticate(server: Server, request: HttpRequest, signed: sigv4.SignedRequest,
                  query_pairs: list[tuple[str, str]], now: dt.datetime,
                  now_ts: float) -> Principal:
    secret, principal = server.credentials.resolve(
        signed.access_key_id, signed.security_token, now_ts
    )
    sigv4.verify(signed, secret, request.method, request.raw_path, query_pairs, request.headers,
                 request.body)
    sigv4.check_time(signed, now)
    if principal.session is None and principal.access_key_id:
        server.audit.key_used(principal.access_key_id, now, signed.service, signed.region)
    return principal


def _audit(server: Server, ctx: CallContext | None, service: str, operation: str,
           request_id: str, principal: Principal | None, now: dt.datetime, region: str,
           request: HttpRequest, params: dict[str, Any], result: dict[str, Any] | None,
           err: AWSError | None) -> None:
    model = models.operation_model(service, operation) if operation else None
    spec = operations.lookup(service, operation) if model is not None else None
    server.audit.record(
        events.build(
            service=service,
            operation=operation or "Unknown",
            request_id=request_id,
            principal=principal,
            when=now,
            region=region,
            source_ip=request.client_ip,
            user_agent=_header(request.headers, "user-agent") or "",
            read_only=not spec.write if spec else True,
            request_parameters=events.redact(model.input_shape, params) if model else None,
            response_elements=(
                events.redact(model.output_shape, result)
                if model is not None and result is not None and spec and spec.write
                else None
            ),
            error_code=err.code if err else None,
            error_message=err.message if err else None,
            extra=ctx.audit if ctx else None,
        ),
        now,
    )

