"""The authorization step of the request pipeline.

Every IAM and STS call is decided by the policy engine for the action and resource AWS
uses for it, with the request context AWS would build. The account root user may do
anything in its own account (but may not assume roles); GetCallerIdentity and
GetSessionToken need no permission. A principal's compiled policies are cached and the
cache is dropped whenever a call changes IAM state (and at least every second, so
changes made by other processes are seen promptly).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ..auth.principal import FEDERATED_USER, Principal
from ..operations import CallContext
from ..policy import (
    Decision,
    MalformedPolicyError,
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    access_denied_message,
    evaluate,
    parse_policy,
)
from ..protocol.errors import AWSError
from ..store.db import Database
from . import resources
from .context import request_context
from .gather import Subject, gather
from .resources import Entity, EntityLookup, Target

# Calls AWS answers for any authenticated principal, whatever its policies say.
ALWAYS_ALLOWED = frozenset({("sts", "GetCallerIdentity"), ("sts", "GetSessionToken")})
# Calls that also need iam:PassRole on the role they name, and the service it is passed to.
PASS_ROLE = {("iam", "AddRoleToInstanceProfile"): "ec2.amazonaws.com"}
CACHE_SECONDS = 1.0
ROOT_ASSUME_ROLE = "Roles may not be assumed by root accounts."
INVALID_TOKEN = "The security token included in the request is invalid."


def access_denied(principal_arn: str, action: str, resource: str, decision: Decision) -> AWSError:
    return AWSError(
        "AccessDenied", access_denied_message(principal_arn, action, resource, decision)
    )


class _Cache:
    """Subjects and entities, all dropped together on a state change or after a second."""

    def __init__(self) -> None:
        self.subjects: dict[tuple, Subject] = {}
        self.entities: dict[tuple, Entity | None] = {}
        self._expires = 0.0
        self._lock = threading.Lock()

    def fresh(self) -> _Cache:
        now = time.monotonic()
        if now >= self._expires:
            self.clear()
            self._expires = now + CACHE_SECONDS
        return self

    def clear(self) -> None:
        with self._lock:
            self.subjects = {}
            self.entities = {}


class _Reader:
    """One read transaction, opened only if a cache miss needs the database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._context: Any = None
        self._session: Any = None

    def __call__(self):
        if self._session is None:
            self._context = self._db.transaction(write=False)
            self._session = self._context.__enter__()
        return self._session

    def close(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)


def _subject_key(principal: Principal) -> tuple:
    # A session's policies and tags live in its token: one entry per session.
    return (principal.arn, principal.access_key_id if principal.session else None)


class Authorizer:
    def __init__(self) -> None:
        self._cache = _Cache()
        self._listening: set[int] = set()

    def invalidate(self) -> None:
        self._cache.clear()

    def _listen(self, ctx: CallContext) -> None:
        server = ctx.server
        if id(server) not in self._listening:
            self._listening.add(id(server))
            server.on_state_change(self.invalidate)

    def subject(self, principal: Principal, reader: _Reader) -> Subject:
        cache = self._cache.fresh()
        key = _subject_key(principal)
        found = cache.subjects.get(key)
        if found is None:
            found = gather(reader(), principal)
            if len(cache.subjects) > 10_000:
                cache.subjects.clear()
            cache.subjects[key] = found
        return found

    def authorize(
        self,
        ctx: CallContext,
        params: dict[str, Any],
        *,
        action: str | None = None,
        resource: str | None = None,
        resource_policy: str | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """Raise AccessDenied unless the call is allowed.

        ``action`` and ``resource`` default to the call's own; ``resource_policy`` is a
        resource-based policy document to evaluate beside the principal's policies (a role's
        trust policy for AssumeRole); ``extra_context`` adds condition keys the handler
        established (e.g. sts:ExternalId, sts:RoleSessionName).
        """
        if (ctx.service, ctx.operation) in ALWAYS_ALLOWED and action is None:
            return
        self._listen(ctx)
        principal = ctx.principal
        action = action or f"{ctx.service}:{ctx.operation}"
        _check_credential_kind(ctx, principal)
        if principal.is_root and action.lower() == "sts:assumerole":
            raise AWSError("AccessDenied", ROOT_ASSUME_ROLE)
        if principal.is_root and resource_policy is None:
            return
        reader = _Reader(ctx.server.db)
        try:
            lookup = EntityLookup(reader, self._cache.fresh().entities)
            if resource is None:
                target = resources.target(ctx.service, ctx.operation, params, principal, lookup)
            else:
                target = resources.by_arn(resource, principal.account_id, lookup)
            subject = self.subject(principal, reader)
            self._decide(ctx, params, subject, action, target, resource_policy, extra_context)
            passed_to = PASS_ROLE.get((ctx.service, ctx.operation))
            if passed_to is not None and "RoleName" in params and not principal.is_root:
                role = lookup.role(principal.account_id, params["RoleName"])
                if role is not None:
                    self._decide(ctx, params, subject, "iam:PassRole", Target(role.arn, role),
                                 None, {"iam:PassedToService": passed_to})
        finally:
            reader.close()

    def _decide(
        self,
        ctx: CallContext,
        params: dict[str, Any],
        subject: Subject,
        action: str,
        target: Target,
        resource_policy: str | None,
        extra_context: dict[str, Any] | None,
    ) -> None:
        policies: PolicySet | None = subject.policies
        if resource_policy is not None:
            policies = with_resource_policy(subject.policies, resource_policy)
            if policies is None:
                raise AWSError("AccessDenied", f"User: {ctx.principal.arn} is not authorized "
                               f"to perform: {action} on resource: {target.resource}")
        request = Request(
            subject.principal,
            action,
            target.resource,
            resource_account=_owning_account(target.resource, subject.principal.account),
            context=request_context(ctx, params, target, extra_context),
        )
        decision = evaluate(request, policies)
        if not decision.allowed:
            err = access_denied(ctx.principal.arn, action, target.resource, decision)
            err.decision = decision
            raise err


def _owning_account(resource: str, caller_account: str) -> str | None:
    """AWS managed policies (``arn:aws:iam::aws:policy/...``) are every account's to read:
    a call on one is decided as if in the caller's account, by identity policies alone."""
    if resource.startswith("arn:aws:iam::aws:policy/"):
        return caller_account
    return None


def with_resource_policy(policies: PolicySet, text: str) -> PolicySet | None:
    """The same policies with a resource-based (trust) policy beside them; None when the
    stored document no longer parses, which then grants nothing."""
    try:
        trust = parse_policy(text, PolicyType.TRUST)
    except MalformedPolicyError:
        return None
    return PolicySet(
        identity=policies.identity,
        boundary=policies.boundary,
        session=policies.session,
        resource=PolicyRef("TrustPolicy", "resource", trust),
    )


def _check_credential_kind(ctx: CallContext, principal: Principal) -> None:
    """IAM refuses GetSessionToken credentials without MFA and federated-user credentials."""
    claims = principal.session
    if ctx.service != "iam" or claims is None:
        return
    no_mfa_session = (
        claims.kind in ("user-session", "root-session") and not claims.mfa_authenticated
    )
    if no_mfa_session or principal.type == FEDERATED_USER:
        raise AWSError("InvalidClientTokenId", INVALID_TOKEN)
