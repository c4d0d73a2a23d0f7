"""The request flow, from raw HTTP parts to response bytes, one stage a function:

receive (the form) → route (service and operation, from the signature and the protocol) →
authenticate (SigV4) → parse and validate against the model → execute (authorize, then run
the handler in a transaction and serialize, or answer a kept read: response_cache.py) →
audit.

The service's wire protocol (query for IAM and STS, JSON for Organizations) is one object
from ``protocol.wire``, chosen once the service is known.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from . import ids, operations, response_cache
from .audit import events
from .auth import sigv4
from .auth.principal import Principal
from .operations import CallContext
from .protocol import models, query, validate, wire
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


@dataclass
class _Call:
    """What the stages learn about one call, in the order they learn it."""

    server: Server
    request: HttpRequest
    request_id: str
    now_ts: float
    now: dt.datetime
    query_pairs: list[tuple[str, str]]
    form: dict[str, str]
    service: str = "iam"
    region: str = DEFAULT_REGION
    operation: str = ""
    signed: sigv4.SignedRequest | None = None
    protocol: wire.QueryProtocol | wire.JsonProtocol | None = None
    model: OperationModel | None = None
    spec: operations.OperationSpec | None = None
    principal: Principal | None = None
    params: dict[str, Any] = field(default_factory=dict)
    ctx: CallContext | None = None
    result: dict[str, Any] | None = None
    audited: bool = False  # the record went into the call's own transaction


def handle(server: Server, request: HttpRequest) -> HttpResponse:
    """route → authenticate → parse → execute (authorize, run or answer a kept read,
    serialize) → audit; every refusal is answered in the service's own protocol."""
    server.check_for_changes()
    call = _receive(server, request)
    try:
        _route(call)
        _authenticate(call)
        _parse(call)
        body = _execute(call)
        if not call.audited:
            _audit(call, None)
        return HttpResponse(200, body, call.request_id, call.protocol.content_type)
    except AWSError as err:
        return _refuse(call, err)
    except (IntegrityError, OperationalError) as exc:
        # A concurrent call changed the same entity first (a unique name taken, a
        # serialization failure): nothing was written, and AWS's answer is to retry.
        log.warning("conflict in %s:%s (request %s): %s", call.service, call.operation,
                    call.request_id, type(exc).__name__)
        return _refuse(call, AWSError("ConcurrentModification", CONCURRENT_MODIFICATION))
    except DataError as exc:
        # A value the database refuses to hold (PostgreSQL text cannot contain U+0000):
        # the input's fault, and the transaction wrote nothing.
        log.warning("unstorable value in %s:%s (request %s): %s", call.service,
                    call.operation, call.request_id, type(exc.orig).__name__)
        return _refuse(call, AWSError("ValidationError", UNSTORABLE_VALUE))
    except Exception:
        log.exception("internal error in %s:%s (request %s)", call.service, call.operation,
                      call.request_id)
        return _refuse(call, AWSError("InternalFailure", "The request processing has failed "
                                      "because of an unknown error, exception or failure."))


def _receive(server: Server, request: HttpRequest) -> _Call:
    now_ts = server.clock()
    query_pairs = query.form_pairs(request.query_string) if request.query_string else []
    form: dict[str, str] = dict(query_pairs)
    content_type = _header(request.headers, "content-type") or ""
    if request.body and "x-www-form-urlencoded" in content_type:
        form.update(query.form_pairs(request.body.decode("utf-8", "replace")))
    return _Call(server, request, ids.request_id(), now_ts,
                 dt.datetime.fromtimestamp(now_ts, dt.UTC), query_pairs, form,
                 operation=form.get("Action", ""))


def _route(call: _Call) -> None:
    """Which service and operation the call is for, from its signature and protocol."""
    request = call.request
    call.signed = signed = _signature(request, call.query_pairs)
    if signed is not None:
        if signed.service not in models.SERVICES:
            # The gateway serves every other service; a request signed for one never
            # reaches here (gateway/routing.py).
            raise AWSError("InvalidClientTokenId", "The security token included in the "
                           "request is invalid.")
        call.service = signed.service
        call.region = signed.region
    elif call.operation in models.sts_operation_names():
        call.service = "sts"
    else:
        # An unsigned JSON-protocol call is refused in its own protocol.
        target = (_header(request.headers, "x-amz-target") or "").partition(".")[0]
        call.service = models.target_prefixes().get(target, call.service)
    call.protocol = protocol = wire.for_service(call.service)
    call.operation = protocol.operation_name(call.form, request.headers)
    if not call.operation:
        raise protocol.missing_operation()
    call.model = models.operation_model(call.service, call.operation)
    if call.model is None:
        raise protocol.unknown_operation(call.operation)


def _authenticate(call: _Call) -> None:
    if call.signed is None:
        if (call.service, call.operation) not in UNSIGNED_OPERATIONS:
            raise AWSError("MissingAuthenticationToken", "Request is missing Authentication Token")
    else:
        call.principal = _verify(call.server, call.request, call.signed, call.query_pairs,
                                 call.now, call.now_ts)
    call.spec = operations.lookup(call.service, call.operation)
    if call.spec is None:
        raise not_implemented(call.operation)


def _parse(call: _Call) -> None:
    call.params = call.protocol.parse(call.model.input_shape, call.form, call.request.body)
    validate.validate(call.model.input_shape, call.params, show_values=call.service == "sts",
                      enum_values=call.service != "iam")


def _execute(call: _Call) -> bytes:
    """Authorize, then answer: a kept answer of the same read, or the handler's result in
    its transaction, serialized."""
    server, spec, principal = call.server, call.spec, call.principal
    call.ctx = ctx = CallContext(
        server=server,
        service=call.service,
        operation=call.operation,
        request_id=call.request_id,
        principal=principal,  # type: ignore[arg-type]  # None only for unsigned calls
        region=call.region,
        now=call.now,
        source_ip=call.request.client_ip,
        user_agent=_header(call.request.headers, "user-agent") or "",
        secure_transport=call.request.secure,
    )
    ctx.write = spec.write
    keep = spec.cache_seconds is not None and principal is not None
    key = _kept_answer_key(call) if keep else None
    authorize_call(ctx, spec, call.params)
    if key is not None:
        stored = server.responses.get(key)
        if stored is not None:
            ctx.finish(None)
            return stored.body(call.request_id)

    def record(result: dict[str, Any] | None) -> dict[str, Any]:
        call.result = result
        return _event(call, None)

    call.result, call.audited = run_call(ctx, spec, call.params, record)
    if key is None:
        return call.protocol.success(call.model, call.result, call.request_id)
    body = call.protocol.success(call.model, call.result, response_cache.REQUEST_ID_MARK)
    server.responses.put(key, body, spec.cache_seconds, ctx.cache_tags)
    return body.replace(response_cache.REQUEST_ID_MARK.encode(), call.request_id.encode())


def authorize_call(ctx: CallContext, spec: operations.OperationSpec,
                   params: dict[str, Any]) -> None:
    """Execute's first half, shared with the console: the queued audit records written
    first for a report read from them, then the engine's decision (a refusal ends the
    call's transaction)."""
    server = ctx.server
    if spec.reads_audit:
        server.audit.flush()
    if ctx.principal is None or not spec.authorize:
        return
    try:
        server.authorizer.authorize(ctx, params)
    except BaseException as exc:
        ctx.finish(exc)
        raise


def run_call(ctx: CallContext, spec: operations.OperationSpec, params: dict[str, Any],
             record: Callable[[dict[str, Any] | None], dict[str, Any]] | None = None,
             ) -> tuple[dict[str, Any] | None, bool]:
    """Execute's second half, shared with the console: the handler in the call's
    transaction, with the change counted (and, given ``record``, the call's audit record
    written) in that transaction, the commit, then every cache the change outdates
    dropped. Returns the handler's result and whether the audit record is written."""
    server = ctx.server
    # IAM and Organizations writes change what policies and credentials mean; STS
    # writes (last-used times, MFA counters) do not, so they leave every cache in place.
    iam_change = spec.write and ctx.service in POLICY_SERVICES
    try:
        result = spec.handler(ctx, params)
        if iam_change:
            server.record_iam_change(ctx.db, ctx.account_id)
        audited = record is not None and ctx.in_write_transaction
        if audited:
            server.audit.insert_now(ctx.db, record(result), ctx.now)
    except BaseException as exc:
        ctx.finish(exc)
        raise
    ctx.finish(None)
    if iam_change:
        server.state_changed()
    return result, audited


def _kept_answer_key(call: _Call) -> tuple:
    """The same operation with the same parameters from the same caller (whose identity
    decides answers such as GetCallerIdentity's or GetUser's without a name). Signature
    fields of presigned calls differ on every call and decide nothing."""
    principal = call.principal
    fields = tuple(sorted(item for item in call.form.items()
                          if not item[0].startswith("X-Amz-")))
    # A JSON-protocol call's parameters are its body; a query call's are in ``fields``.
    body = call.request.body if isinstance(call.protocol, wire.JsonProtocol) else b""
    return (call.service, call.operation, principal.arn, principal.principal_id,
            principal.access_key_id if principal.session else None, fields, body)


def _refuse(call: _Call, err: AWSError) -> HttpResponse:
    _audit(call, err)
    return _error_response(wire.for_service(call.service), err, call.request_id)


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
    query_pairs = query.form_pairs(request.query_string)
    signed = _signature(request, query_pairs)
    if signed is None:
        raise AWSError("MissingAuthenticationToken", "Request is missing Authentication Token")
    principal = _verify(server, request, signed, query_pairs, now, now.timestamp())
    return principal, signed.region


def _verify(server: Server, request: HttpRequest, signed: sigv4.SignedRequest,
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


def _audit(call: _Call, err: AWSError | None) -> None:
    call.server.audit.record(_event(call, err), call.now)


def _event(call: _Call, err: AWSError | None) -> dict[str, Any]:
    # A call refused before routing finished is still recorded under the operation its
    # form names, as far as the model knows it.
    model = call.model or (models.operation_model(call.service, call.operation)
                           if call.operation else None)
    spec = call.spec or (operations.lookup(call.service, call.operation)
                         if model is not None else None)
    request, result, ctx = call.request, call.result, call.ctx
    return events.build(
        service=call.service,
        operation=call.operation or "Unknown",
        request_id=call.request_id,
        principal=call.principal,
        when=call.now,
        region=call.region,
        source_ip=request.client_ip,
        user_agent=_header(request.headers, "user-agent") or "",
        read_only=not spec.write if spec else True,
        request_parameters=(events.redact(model.input_shape, call.params)
                            if model else None),
        response_elements=(
            events.redact(model.output_shape, result)
            if model is not None and result is not None and spec and spec.write
            else None
        ),
        error_code=err.code if err else None,
        error_message=err.message if err else None,
        extra=ctx.audit if ctx else None,
    )
