"""One gateway call, stage by stage: authenticate → identify → authorize → execute → audit.

Each stage is a method named after it; a refusal at any stage is an AWSError, answered in
the service's own protocol (``refusals``) and recorded like every other call. Nothing is
forwarded before every stage has passed, and a body whose signature or checksum fails is
cut off before its last byte, so the upstream never completes an unverified request.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .. import ids
from ..audit import events
from ..auth import payload, sigv2, sigv4
from ..auth.principal import Principal
from ..authz import actions, encoded_messages, services
from ..operations import CallContext
from ..policy import PolicyType
from ..protocol import inbound
from ..protocol.errors import AWSError
from ..protocol.inbound import index as inbound_index
from . import anonymous, facts, references, refusals, resource_policies
from .bucket_owners import BucketOwners
from .forward import Forwarder, UpstreamUnavailable
from .routing import Inbound
from .upstreams import Upstream, Upstreams

if TYPE_CHECKING:
    from ..server import Server

log = logging.getLogger("rolecall.gateway")
# Bodies the gateway reads whole (to verify their signature and to parse them): Lambda's
# 50 MB zipped code travels base64-encoded in a JSON body.
MAX_BUFFERED_BODY = 100 * 1024 * 1024
# A streamed payload this small is read whole and verified before anything is forwarded.
SMALL_BODY = 1024 * 1024
WARM_SERVICES = ("s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "rds")
ENFORCE, LOG = "enforce", "log"
EC2_DENIED = "You are not authorized to perform this operation."
MISSING_TOKEN = "Request is missing Authentication Token"
_ERROR_CODE = re.compile(rb"<Code>([^<]{1,128})</Code>")
Send = Callable[[dict], Awaitable[None]]
Receive = Callable[[], Awaitable[dict]]


@dataclass
class _Call:
    """What the stages learn about one call, for the next stage and the audit record."""

    request: Inbound
    request_id: str
    now: dt.datetime
    region: str = "us-east-1"
    principal: Principal | None = None
    signed: sigv4.SignedRequest | None = None
    verified: sigv4.Verified | None = None
    body: bytes | None = None
    body_signed: bool = False  # the signature itself covers the body
    found: inbound.Identified | None = None
    params: dict[str, Any] = field(default_factory=dict)
    checks: list[services.Check] = field(default_factory=list)
    # The owner of each S3 bucket the checks name (None: not known to exist).
    owners: dict[str, str | None] = field(default_factory=dict)
    would_deny: list[dict[str, str]] = field(default_factory=list)
    # The authorizer's audit fields: one rolecallAuthorization entry per decision.
    audit: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    error: AWSError | None = None
    upstream_error: str | None = None

    @property
    def service(self) -> str | None:
        return self.found.service if self.found else None

    @property
    def operation(self) -> str:
        return self.found.operation.name if self.found else "Unknown"

    @property
    def protocol(self) -> str:
        if self.found is not None:
            return self.found.protocol
        return refusals.protocol_of(None, self.request.signing_name,
                                    self.request.header("x-amz-target") is not None)


class Gateway:
    def __init__(self, server: Server, upstreams: Upstreams, enforcement: str) -> None:
        self.server = server
        self.upstreams = upstreams
        self.enforcement = enforcement
        self.forwarder = Forwarder()
        self.references = references.Mirror(self.forwarder, server.db)
        self.facts = facts.Facts(self.forwarder)
        self.resource_policies = resource_policies.ResourcePolicies(self.forwarder)
        self.bucket_owners = BucketOwners(self.forwarder, server.db)
        # The reference data and the common models load in seconds: not on a first call.
        threading.Thread(target=_warm, name="gateway-warm", daemon=True).start()

    async def handle(self, request: Inbound, receive: Receive, send: Send) -> None:
        now = dt.datetime.fromtimestamp(self.server.clock(), dt.UTC)
        call = _Call(request, ids.request_id(), now)
        try:
            self.server.check_for_changes()
            await self.authenticate(call, receive)
            await self.identify(call, receive)
            await self.authorize(call)
            await self.execute(call, receive, send)
        except AWSError as err:
            call.error = err
            call.status = err.status
            await _send_answer(send, refusals.answer(
                err, service=call.service, protocol=call.protocol, request_id=call.request_id))
        self.audit(call)

    # -- authenticate -------------------------------------------------------------------

    async def authenticate(self, call: _Call, receive: Receive) -> None:
        """Verify the signature; an unsigned S3 request is the anonymous principal."""
        request = call.request
        authorization = request.header("authorization")
        query = dict(request.query_pairs)
        if authorization:
            flat = {name: values[0] for name, values in request.headers.items()}
            signed = sigv4.from_authorization(authorization, flat)
        elif "X-Amz-Signature" in query or "X-Amz-Credential" in query:
            signed = sigv4.from_query(query)
        else:
            legacy = sigv2.from_query(query) if request.signing_name == "s3" else None
            if legacy is not None:
                secret, call.principal = self.server.credentials.resolve(
                    legacy.access_key_id, legacy.security_token, call.now.timestamp())
                sigv2.verify(legacy, secret, request.method, request.raw_path,
                             request.query_pairs, request.headers, call.now.timestamp())
            elif request.signing_name != "s3":
                if call.protocol == "json":  # as DynamoDB answers it: 400
                    raise AWSError("MissingAuthenticationTokenException", MISSING_TOKEN,
                                   status=400)
                raise AWSError("MissingAuthenticationToken", MISSING_TOKEN)
            return
        call.signed, call.region = signed, signed.region
        secret, principal = self.server.credentials.resolve(
            signed.access_key_id, signed.security_token, call.now.timestamp())
        if request.header("x-amz-content-sha256") is None and request.signing_name != "s3":
            # The signature covers the body itself: read it before verifying. (S3 always
            # declares its payload, or presigns UNSIGNED-PAYLOAD: its body streams.)
            call.body = await _read_body(receive)
            call.body_signed = True
        call.verified = sigv4.verify(signed, secret, request.method, request.signed_path,
                                     request.query_pairs, request.headers, call.body or b"")
        sigv4.check_time(signed, call.now)
        call.principal = principal
        if principal.session is None and principal.access_key_id:
            self.server.audit.key_used(principal.access_key_id, call.now, signed.service,
                                       signed.region)

    def _verifier(self, call: _Call) -> payload.PayloadVerifier | None:
        """The check of a body whose hash the signature does not cover itself."""
        signed, verified = call.signed, call.verified
        if signed is None or verified is None or call.body_signed:
            return None
        return payload.payload_verifier(
            call.request.header("x-amz-content-sha256"), signing_key=verified.signing_key,
            seed_signature=verified.signature, amz_stamp=signed.amz_stamp,
            scope=verified.scope, headers=call.request.headers, presigned=signed.presigned)

    # -- identify -----------------------------------------------------------------------

    async def identify(self, call: _Call, receive: Receive) -> None:
        """The botocore operation and its parameters; the IAM checks AWS makes for it."""
        request = call.request
        query = request.operation_query()
        form: dict[str, str] | None = None
        content_type = request.header("content-type") or ""
        if call.body is not None and "x-www-form-urlencoded" in content_type:
            form = dict(query)
            form.update(parse_qsl(call.body.decode("utf-8", "replace"), keep_blank_values=True))
        elif request.signing_name != "s3" and any(name == "Action" for name, _ in query):
            form = dict(query)
        found = inbound.identify(request.signing_name, request.method, request.raw_path,
                                 query, request.headers, form)
        if found is None:
            raise AWSError("NotImplemented", "rolecall does not know the operation of this "
                           f"{request.signing_name} request.")
        call.found = found
        length = _decoded_length(request)
        small = length is not None and length <= SMALL_BODY
        if call.body is None and (small or not inbound.streams_payload(found.operation)):
            raw = await _read_body(receive)
            verifier = self._verifier(call)
            if verifier is not None:
                raw = verifier.feed(raw)
                verifier.finish()
            call.body = raw
        try:
            call.params = inbound.parse(found, request.method, request.raw_path, query,
                                        request.headers, call.body)
        except inbound.InboundError as exc:
            raise AWSError("SerializationException" if found.protocol == "json"
                           else "MalformedInput", str(exc), status=400) from None
        account = call.principal.account_id if call.principal else ""
        upstream = self.upstreams.for_service(request.signing_name)
        key_schema = None
        if found.service == "dynamodb" and upstream is not None and account:
            key_schema = await self.facts.key_schema(upstream, account, call.region,
                                                     call.params, call.now)
        call.checks = services.checks_for(found.service, found.operation.name, call.params,
                                          region=call.region, account_id=account,
                                          key_schema=key_schema)

    # -- authorize ----------------------------------------------------------------------

    async def authorize(self, call: _Call) -> None:
        """Every check must be allowed, by the caller's policies and the resource's own
        policy where it has one; in log mode a refusal is recorded, not answered."""
        principal = call.principal
        upstream = self.upstreams.for_service(call.request.signing_name)
        await self._find_owners(call, upstream)
        if principal is None:
            await self._authorize_anonymous(call, upstream)
            return
        ctx = CallContext(
            server=self.server, service=call.service or call.request.signing_name,
            operation=call.operation, request_id=call.request_id, principal=principal,
            region=call.region, now=call.now, source_ip=call.request.client_ip,
            user_agent=call.request.header("user-agent") or "",
            secure_transport=call.request.secure)
        call.audit = ctx.audit
        tags_tested = upstream is not None and self.server.authorizer.mentions(
            self.server.db, principal, facts.names_tag_keys)
        for check in call.checks:
            resource = self.references.passed_role(principal, check)
            if resource is None:
                continue
            holder = self.holder(call, resource)
            policy = None
            if holder is not None and upstream is not None:
                policy = await self.resource_policies.policy(upstream, holder, call.now)
            context = dict(check.context)
            if upstream is not None and (tags_tested or facts.names_tag_keys(policy)):
                context.update(await self.facts.tag_context(
                    upstream, principal.account_id, call.region, resource, call.now))
            try:
                self.server.authorizer.authorize(
                    ctx, {}, action=check.action, resource=resource,
                    extra_context=context, resource_policy=policy,
                    resource_policy_type=PolicyType.RESOURCE,
                    resource_account=holder.account if holder is not None else None,
                    resource_required=policy is not None and holder is not None
                    and holder.required)
            except AWSError as err:
                if err.code != "AccessDenied":
                    raise
                self._refuse(call, self._denial(call, check.action, resource, err), check)

    async def _find_owners(self, call: _Call, upstream: Upstream | None) -> None:
        """The owner of each bucket the call names; a bucket being created is decided in
        the caller's account (the upstream answers BucketAlreadyExists if it is taken)."""
        caller = call.principal.account_id if call.principal else ""
        for check in call.checks:
            bucket = _bucket_of(check.resource)
            if bucket is None or bucket in call.owners:
                continue
            if call.service == "s3" and call.operation == "CreateBucket":
                call.owners[bucket] = caller
            else:
                call.owners[bucket] = await self.bucket_owners.owner(upstream, bucket, caller,
                                                                     call.now)

    async def _authorize_anonymous(self, call: _Call, upstream: Upstream | None) -> None:
        """An unsigned S3 request: each check allowed by its bucket's policy, or refused."""
        request = call.request
        for check in call.checks or [None]:
            holder = self.holder(call, check.resource) if check is not None else None
            allowed = False
            if check is not None and holder is not None and holder.account:
                policy = None
                context = dict(check.context)
                if upstream is not None:
                    policy = await self.resource_policies.policy(upstream, holder, call.now)
                    if facts.names_tag_keys(policy):
                        context.update(await self.facts.tag_context(
                            upstream, holder.account, call.region, check.resource, call.now))
                allowed = anonymous.allowed(
                    self.server, action=check.action, resource=check.resource,
                    owner=holder.account, policy=policy, context=context, region=call.region,
                    now=call.now, source_ip=request.client_ip,
                    user_agent=request.header("user-agent") or "", secure=request.secure,
                    audit=call.audit)
            if not allowed:
                self._refuse(call, refusals.denied(call.service, call.protocol,
                                                   anonymous.DENIED), check)

    def holder(self, call: _Call, arn: str) -> resource_policies.Holder | None:
        """The resource whose own policy applies to ``arn``, and its account."""
        caller = call.principal.account_id if call.principal else ""
        bucket = _bucket_of(arn)
        if bucket is not None:
            return resource_policies.holder_of(arn, call.owners.get(bucket) or caller)
        return resource_policies.holder_of(arn, caller)

    def _refuse(self, call: _Call, err: AWSError, check: services.Check | None) -> None:
        if self.enforcement == LOG:
            call.would_deny.append({"action": check.action if check else "",
                                    "resource": check.resource if check else "",
                                    "reason": err.message})
            log.warning("would deny %s %s: %s", call.request.signing_name, call.operation,
                        err.message)
            return
        raise err

    def _denial(self, call: _Call, action: str, resource: str, err: AWSError) -> AWSError:
        """The policy engine's AccessDenied in the wording of the service asked."""
        principal = call.principal
        assert principal is not None
        message = err.message
        if call.protocol == "ec2":
            reason = message.split(f" on resource: {resource} ", 1)[-1]
            named = "" if resource == "*" else f" on resource: {resource}"
            message = (f"{EC2_DENIED} User: {principal.arn} is not authorized to perform: "
                       f"{action}{named} {reason}")
            if not call.operation.startswith("Describe") and err.decision is not None:
                decision: Any = err.decision
                encoded = encoded_messages.encode(self.server.keys, principal, action,
                                                  resource, decision,
                                                  dict(decision.request.context))
                message += f". Encoded authorization failure message: {encoded}"
        elif call.request.signing_name == "s3":
            shown = "" if resource == "*" else f' on resource: "{resource}"'
            message = message.replace(f" on resource: {resource} ", shown + " ", 1)
        return refusals.denied(call.service, call.protocol, message)

    # -- execute ------------------------------------------------------------------------

    async def execute(self, call: _Call, receive: Receive, send: Send) -> None:
        """Forward to the service's upstream and relay its answer."""
        request = call.request
        upstream = self.upstreams.for_service(request.signing_name)
        if upstream is None:
            actions = ", ".join(sorted({c.action for c in call.checks})) or call.operation
            who = call.principal.arn if call.principal else "anonymous"
            raise AWSError("NotImplemented", f"rolecall allows {actions} for {who} but "
                           f"forwards no {request.signing_name} calls (--upstream none).")
        account = self._upstream_account(call)
        await self.references.ensure(upstream, call, account)
        body: bytes | AsyncIterator[bytes]
        if call.body is not None:
            body, length = call.body, len(call.body)
        else:
            body, length = self._stream(call, receive), _decoded_length(request)

        async def relay(status: int, headers: list[tuple[bytes, bytes]],
                        chunks: AsyncIterator[bytes]) -> None:
            call.status = status
            if status < 300:
                # Before the caller hears of the change, so its next call sees it.
                self.facts.changed(call.service, call.operation, call.params,
                                   [c.resource for c in call.checks])
                self.resource_policies.changed(call.service, call.operation, [
                    h for h in (self.holder(call, c.resource) for c in call.checks) if h])
                self._bucket_changed(call, account)
            if status >= 400:
                first = b""
                async for chunk in chunks:
                    first += chunk
                    if len(first) > 65536:
                        break
                call.upstream_error = _error_code(headers, first)
                await send({"type": "http.response.start", "status": status,
                            "headers": headers})
                await send({"type": "http.response.body", "body": first, "more_body": True})
            else:
                await send({"type": "http.response.start", "status": status,
                            "headers": headers})
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})

        try:
            await self.forwarder.forward(
                upstream, account_id=account, signing_name=request.signing_name,
                region=call.region, method=request.method, raw_path=request.raw_path,
                query_string=request.query_string, headers=request.headers, host=request.host,
                body=body, length=length, now=call.now, relay=relay)
        except UpstreamUnavailable as exc:
            if call.status:
                raise AWSError("InternalFailure", "The upstream broke off.") from None
            log.warning("upstream %s unavailable: %s", upstream.url, exc)
            raise AWSError("ServiceUnavailable",
                           f"The {request.signing_name} upstream is unavailable.",
                           status=503) from None

    def _upstream_account(self, call: _Call) -> str:
        """The account the upstream acts in: the owner of a resource in another account
        that the call names (a queue or topic shared by its policy), else the caller's.
        (S3 finds another account's bucket by its name; an anonymous call acts as the
        bucket's owner.)"""
        caller = call.principal.account_id if call.principal else ""
        if call.checks:
            holder = self.holder(call, call.checks[0].resource)
            if holder is not None and (holder.service != "s3" or not caller):
                return holder.account
        return caller

    def _bucket_changed(self, call: _Call, account: str) -> None:
        """Record the owner of a bucket just created, forget one just deleted."""
        bucket = call.params.get("Bucket")
        if call.service != "s3" or not isinstance(bucket, str):
            return
        if call.operation == "CreateBucket":
            self.bucket_owners.created(bucket, account, call.now)
        elif call.operation == "DeleteBucket":
            self.bucket_owners.deleted(bucket)

    async def _stream(self, call: _Call, receive: Receive) -> AsyncIterator[bytes]:
        """The body as it arrives, verified; the last piece is held back until the whole
        body has verified, so a refused body never completes at the upstream."""
        verifier = self._verifier(call)
        held = b""
        more = True
        while more:
            message = await receive()
            data = message.get("body", b"")
            more = message.get("more_body", False)
            if verifier is not None:
                data = verifier.feed(data)
            if data:
                if held:
                    yield held
                held = data
        if verifier is not None:
            verifier.finish()
        if held:
            yield held

    # -- audit --------------------------------------------------------------------------

    def audit(self, call: _Call) -> None:
        err = call.error
        account = call.principal.account_id if call.principal else None
        extra: dict[str, Any] = dict(call.audit)
        resources = [{"ARN": c.resource, "accountId": _arn_account(c.resource)
                      or call.owners.get(_bucket_of(c.resource) or "") or account}
                     for c in call.checks if c.resource != "*"]
        if resources:
            extra["resources"] = resources
        if call.principal is None:
            extra["userIdentity"] = dict(anonymous.IDENTITY)
            extra["recipientAccountId"] = next(
                (r["accountId"] for r in resources if r["accountId"]), None)
        if call.would_deny:
            extra["additionalEventData"] = {"wouldHaveBeenDenied": call.would_deny}
        self.server.audit.record(events.build(
            service=call.request.signing_name, operation=call.operation,
            request_id=call.request_id, principal=call.principal, when=call.now,
            region=call.region, source_ip=call.request.client_ip,
            user_agent=call.request.header("user-agent") or "",
            read_only=call.operation.startswith(("Describe", "Get", "List", "Head")),
            request_parameters=None, response_elements=None,
            error_code=err.code if err else call.upstream_error,
            error_message=err.message if err else None, extra=extra,
        ), call.now)


def _warm() -> None:
    services.warm()
    actions.facts("iam", "PassRole")  # the IAM reference, read for iam:PassRole checks
    for signing_name in WARM_SERVICES:
        for candidate in inbound_index.candidates(signing_name)[:1]:
            inbound_index.service_model(candidate.model)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BUFFERED_BODY:
            raise AWSError("RequestEntityTooLarge", "The request body is too large.",
                           status=413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send_answer(send: Send, answer: refusals.Answer) -> None:
    headers = [(b"content-type", answer.content_type.encode()),
               (b"content-length", str(len(answer.body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in answer.headers]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def _decoded_length(request: Inbound) -> int | None:
    value = request.header("x-amz-decoded-content-length") or request.header("content-length")
    return int(value) if value and value.isdigit() else None


def _error_code(headers: list[tuple[bytes, bytes]], body: bytes) -> str | None:
    for name, value in headers:
        if name in (b"x-amzn-errortype", b"x-amzn-query-error"):
            return value.decode("latin-1").split(":")[0].split(";")[0]
    found = _ERROR_CODE.search(body)
    if found:
        return found.group(1).decode("utf-8", "replace")
    marker = body.find(b'"__type"')
    if marker >= 0:
        text = body[marker:marker + 200].decode("utf-8", "replace")
        code = text.split(":", 1)[-1].strip().strip('"').split('"')[0]
        return code.rsplit("#", 1)[-1] or None
    return None


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None


def _bucket_of(arn: str) -> str | None:
    """The bucket an S3 bucket or object ARN names (None for any other, or a pattern)."""
    if not arn.startswith(resource_policies.S3_ARN):
        return None
    bucket = arn[len(resource_policies.S3_ARN):].split("/", 1)[0]
    return bucket if bucket and "*" not in bucket and "?" not in bucket else None
