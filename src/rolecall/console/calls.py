"""Calling IAM and STS operations from the console, exactly as the API would.

The signed-in identity is the principal; parameters are validated against botocore's
model, authorized by the same engine, run by the registered handler in its transaction
and recorded in the audit log with the same CloudTrail record as an API call. Only the
user agent tells them apart.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from .. import ids, operations
from ..audit import events
from ..auth.principal import Principal
from ..operations import CallContext
from ..pipeline import (
    CONCURRENT_MODIFICATION,
    DEFAULT_REGION,
    UNSTORABLE_VALUE,
    authorize_call,
    run_call,
)
from ..protocol import models, validate
from ..protocol.errors import AWSError, not_implemented
from ..server import Server

log = logging.getLogger("rolecall.console")
USER_AGENT = "rolecall-console"


@dataclass(frozen=True)
class Caller:
    """Who calls and from where: the console session's principal and the browser's address."""

    principal: Principal
    source_ip: str
    secure: bool


def call(server: Server, caller: Caller, service: str, operation: str,
         params: dict[str, Any] | None = None,
         handler: operations.Handler | None = None) -> dict[str, Any]:
    """Run one operation as ``caller``; raise the AWSError the API would answer.

    ``handler`` stands in for an operation rolecall's API does not implement but the
    console must (ChangePassword at the forced password reset); it is authorized and
    audited like any other."""
    params = {k: v for k, v in (params or {}).items() if v is not None}
    request_id = ids.request_id()
    server.check_for_changes()
    now = dt.datetime.fromtimestamp(server.clock(), dt.UTC)
    ctx: CallContext | None = None
    result: dict[str, Any] | None = None
    model = models.operation_model(service, operation)
    if model is None:
        raise ValueError(f"no operation {service}:{operation}")
    spec = operations.lookup(service, operation)
    if handler is not None:
        spec = operations.OperationSpec(handler, write=True)
    write = spec.write if spec else False
    try:
        if spec is None:
            raise not_implemented(operation)
        validate.validate(model.input_shape, params)
        ctx = CallContext(server=server, service=service, operation=operation,
                          request_id=request_id, principal=caller.principal,
                          region=DEFAULT_REGION, now=now, source_ip=caller.source_ip,
                          user_agent=USER_AGENT, secure_transport=caller.secure)
        ctx.write = spec.write
        authorize_call(ctx, spec, params)
        result = run_call(ctx, spec, params)[0] or {}
    except AWSError as err:
        _audit(server, caller, service, model, write, ctx, request_id, now, params, None, err)
        raise
    except (IntegrityError, OperationalError) as exc:
        log.warning("conflict in %s:%s (request %s): %s", service, operation, request_id,
                    type(exc).__name__)
        err = AWSError("ConcurrentModification", CONCURRENT_MODIFICATION)
        _audit(server, caller, service, model, True, ctx, request_id, now, params, None, err)
        raise err from None
    except DataError:
        err = AWSError("ValidationError", UNSTORABLE_VALUE)
        _audit(server, caller, service, model, True, ctx, request_id, now, params, None, err)
        raise err from None
    _audit(server, caller, service, model, write, ctx, request_id, now, params, result, None)
    return result


def _audit(server: Server, caller: Caller, service: str, model: Any, write: bool,
           ctx: CallContext | None, request_id: str, now: dt.datetime, params: dict[str, Any],
           result: dict[str, Any] | None, err: AWSError | None) -> None:
    server.audit.record(
        events.build(
            service=service,
            operation=model.name,
            request_id=request_id,
            principal=caller.principal,
            when=now,
            region=DEFAULT_REGION,
            source_ip=caller.source_ip,
            user_agent=USER_AGENT,
            read_only=not write,
            request_parameters=events.redact(model.input_shape, params),
            response_elements=(events.redact(model.output_shape, result)
                               if result is not None and write else None),
            error_code=err.code if err else None,
            error_message=err.message if err else None,
            extra=ctx.audit if ctx else None,
        ),
        now,
    )


def authorize(server: Server, caller: Caller, service: str, operation: str, action: str,
              resource: str) -> None:
    """Decide an action of a service rolecall does not serve itself (CloudTrail's
    LookupEvents for the audit page) with the same engine; raise AccessDenied."""
    now = dt.datetime.fromtimestamp(server.clock(), dt.UTC)
    ctx = CallContext(server=server, service=service, operation=operation,
                      request_id=ids.request_id(), principal=caller.principal,
                      region=DEFAULT_REGION, now=now, source_ip=caller.source_ip,
                      user_agent=USER_AGENT, secure_transport=caller.secure)
    try:
        server.authorizer.authorize(ctx, {}, action=action, resource=resource)
    finally:
        ctx.finish(None)
