"""The authorization step of the request pipeline.

Every IAM and STS call is decided by the policy engine for the action and resource AWS
uses for it, with the request context AWS would build. The account root user may do
anything in its own account (but may not assume roles); GetCallerIdentity and
GetSessionToken need no permission. A principal's compiled policies are cached and the
cache is dropped whenever a call changes IAM state (and at least every second, so
changes made by other processes are seen promptly). In an organization, the caller's
account's SCPs (from its Subject) and the resource's account's RCPs join the decision, and
the organization keys of the resource (aws:ResourceOrgID, aws:ResourceOrgPaths) and of a
calling service's source account (aws:SourceOrgID, aws:SourceOrgPaths) its context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..audit import events
from ..auth.principal import FEDERATED_USER, Principal
from ..operations import CallContext
from ..policy import (
    Decision,
    DeniedBy,
    MalformedPolicyError,
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    access_denied_message,
    evaluate,
    parse_policy,
)
from ..policy.evaluate import IMPLICIT_DENY, RESOURCE
from ..policy.request import account_of_arn
from ..protocol.errors import AWSError
from ..store.db import Database
from . import organization, resources
from .context import request_context
from .decisions import DecisionMemo
from .gather import Subject, gather
from .organization import AccountOrganization
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
    """Subjects, entities and decisions, all dropped together on a state change or after a
    second."""

    def __init__(self) -> None:
        self.subjects: dict[tuple, Subject] = {}
        self.entities: dict[tuple, Entity | None] = {}
        self.organizations: dict[str, AccountOrganization | None] = {}
        self.decisions = DecisionMemo()
        self._beside: dict[tuple, tuple[PolicySet, PolicySet | None]] = {}
        self._expires = 0.0
        self._lock = threading.Lock()

    def fresh(self) -> _Cache:
        now = time.monotonic()
        if now >= self._expires:
            self.clear()
            self._expires = now + CACHE_SECONDS
        return self

    def beside_resource(self, policies: PolicySet, text: str,
                        kind: PolicyType) -> PolicySet | None:
        """``with_resource_policy``, once per caller's policy set and resource policy text:
        the same set each time keeps its plans and its remembered decisions' layout."""
        key = (id(policies), text, kind)
        found = self._beside.get(key)
        if found is not None and found[0] is policies:
            return found[1]
        beside = with_resource_policy(policies, text, kind)
        if len(self._beside) >= 10_000:
            self._beside = {}
        self._beside[key] = (policies, beside)
        return beside

    def clear(self) -> None:
        with self._lock:
            self.subjects = {}
            self.entities = {}
            self.organizations = {}
            self.decisions = DecisionMemo()
            self._beside = {}


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

    def mentions(self, db: Database, principal: Principal,
                 names: Callable[[str], bool]) -> bool:
        """Whether ``names`` holds for the text of one of the principal's own policies
        (identity, boundary, session, the SCPs above it): work for a condition key that no
        policy tests can then be skipped. ``names`` should be cached by text (one policy
        version, one text)."""
        reader = _Reader(db)
        try:
            policies = self.subject(principal, reader).policies
        finally:
            reader.close()
        refs = [*policies.identity, *(policies.boundary or ()), *(policies.session or ()),
                *(ref for level in policies.scp or () for ref in level)]
        return any(names(ref.policy.text) for ref in refs)

    def organization_of(self, account_id: str, reader: _Reader) -> AccountOrganization | None:
        cache = self._cache.fresh()
        try:
            return cache.organizations[account_id]
        except KeyError:
            found = cache.organizations[account_id] = organization.load(reader(), account_id)
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
        resource_policy_type: PolicyType = PolicyType.TRUST,
        resource_account: str | None = None,
        resource_required: bool = False,
    ) -> None:
        """Raise AccessDenied unless the call is allowed.

        ``action`` and ``resource`` default to the call's own; ``resource_policy`` is a
        resource-based policy document to evaluate beside the principal's policies (a role's
        trust policy for AssumeRole, of ``resource_policy_type``: a bucket or key policy is
        RESOURCE); ``extra_context`` adds condition keys the handler established (e.g.
        sts:ExternalId, sts:RoleSessionName); ``resource_account`` owns the resource when its
        ARN names no account (an S3 bucket) or overrides the account it is decided in
        (AssumeRoot: the caller's own). ``resource_required``: the resource-based policy
        must itself grant the caller or its account (a KMS key policy), or nothing allows.
        """
        if (ctx.service, ctx.operation) in ALWAYS_ALLOWED and action is None:
            return
        self._listen(ctx)
        principal = ctx.principal
        action = action or f"{ctx.service}:{ctx.operation}"
        _check_credential_kind(ctx, principal)
        if principal.is_root and action.lower() == "sts:assumerole":
            raise AWSError("AccessDenied", ROOT_ASSUME_ROLE)
        reader = _Reader(ctx.server.db)
        try:
            subject = self.subject(principal, reader)
            if (principal.is_root and resource_policy is None and subject.policies.scp is None
                    and subject.policies.session is None
                    and not self._rcp_applies(action, principal, reader)):
                events.note_decision(ctx.audit, action, resource, None)
                return
            lookup = EntityLookup(reader, self._cache.fresh().entities)
            if resource is None:
                target = resources.target(ctx.service, ctx.operation, params, principal, lookup)
            else:
                target = resources.by_arn(resource, principal.account_id, lookup)
            self._decide(ctx, params, subject, action, target, resource_policy, extra_context,
                         reader, resource_policy_type, resource_account, resource_required)
            passed_to = PASS_ROLE.get((ctx.service, ctx.operation))
            if passed_to is not None and "RoleName" in params and not principal.is_root:
                role = lookup.role(principal.account_id, params["RoleName"])
                if role is not None:
                    self._decide(ctx, params, subject, "iam:PassRole", Target(role.arn, role),
                                 None, {"iam:PassedToService": passed_to}, reader)
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
        reader: _Reader,
        resource_policy_type: PolicyType = PolicyType.TRUST,
        resource_account: str | None = None,
        resource_required: bool = False,
    ) -> None:
        policies: PolicySet | None = subject.policies
        if resource_policy is not None:
            policies = self._cache.fresh().beside_resource(subject.policies, resource_policy,
                                                           resource_policy_type)
            if policies is None and resource_policy_type is not PolicyType.TRUST:
                policies = subject.policies  # a resource policy that no longer parses
            if policies is None:
                raise AWSError("AccessDenied", f"User: {ctx.principal.arn} is not authorized "
                               f"to perform: {action} on resource: {target.resource}")
        context = request_context(ctx, params, target, extra_context)
        owner = resource_account or account_of_arn(target.resource)
        if owner is None or owner == "aws":
            # AWS-managed resources (arn:aws:iam::aws:policy/..., Organizations' awspolicy)
            # belong to no other account: the caller's own policies decide.
            owner = ctx.principal.account_id
        caller = subject.principal.role_arn or subject.principal.arn
        policies = self._with_organization_keys(policies, context, action, owner, caller,
                                                reader)
        request = Request(subject.principal, action, target.resource, owner, context)
        decision = self._cache.fresh().decisions.decide(request, policies, evaluate)
        if resource_required and decision.allowed and not _resource_grants(request, policies):
            decision = replace(decision, decision=IMPLICIT_DENY,
                               denied_by=DeniedBy(RESOURCE, False))
        events.note_decision(ctx.audit, action, target.resource, decision)
        if not decision.allowed:
            err = access_denied(ctx.principal.arn, action, target.resource, decision)
            err.decision = decision
            raise err

    def _rcp_applies(self, action: str, principal: Principal, reader: _Reader) -> bool:
        """Whether the root user's own-account call is limited by its account's RCPs."""
        if not organization.applies_rcp(action, principal.arn):
            return False
        found = self.organization_of(principal.account_id, reader)
        return found is not None and found.rcp is not None

    def _with_organization_keys(self, policies: PolicySet, context: dict[str, Any],
                                action: str, owner: str, caller_arn: str,
                                reader: _Reader) -> PolicySet:
        """Add the resource's (and a source account's) organization keys to ``context``;
        the policies with the owner's RCPs when they govern this action."""
        found = self.organization_of(owner, reader)
        context.update(organization.resource_keys(found, owner))
        source = context.get("aws:SourceAccount")
        if isinstance(source, str):
            origin = self.organization_of(source, reader)
            if origin is not None:
                context["aws:SourceOrgID"] = origin.organization_id
                context["aws:SourceOrgPaths"] = origin.path
        if (found is not None and found.rcp is not None
                and organization.applies_rcp(action, caller_arn)):
            return policies.with_organization(policies.scp, found.rcp)
        return policies


def _resource_grants(request: Request, policies: PolicySet) -> bool:
    """Whether the resource-based policy alone allows the caller or its account."""
    alone = evaluate(request, PolicySet(resource=policies.resource))
    return any(m.layer == RESOURCE and m.effect == "Allow" for m in alone.matched)


def with_resource_policy(policies: PolicySet, text: str,
                         kind: PolicyType = PolicyType.TRUST) -> PolicySet | None:
    """The same policies with a resource-based policy (a trust policy, or a bucket, queue or
    key policy) beside them; None when the document does not parse, which grants nothing."""
    try:
        trust = parse_policy(text, kind)
    except MalformedPolicyError:
        return None
    return PolicySet(
        identity=policies.identity,
        boundary=policies.boundary,
        session=policies.session,
        resource=PolicyRef("TrustPolicy" if kind is PolicyType.TRUST else "ResourcePolicy",
                           "resource", trust),
        scp=policies.scp,
        rcp=policies.rcp,
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
