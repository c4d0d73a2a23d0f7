"""Unsigned S3 requests: the anonymous principal, whom only a bucket policy can allow.

As the Policy evaluation logic pages and S3's "Principals" page say, a bucket policy grants
everyone, anonymous callers included, with ``"Principal": "*"`` or ``{"AWS": "*"}``; no
identity-based policy applies to such a caller, an explicit Deny anywhere refuses it, and
the RCPs of the bucket owner's account apply as they do to every caller. The allowed call
then acts in the bucket owner's account. CloudTrail names the caller
``{"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}`` and records the
call in the bucket owner's account (``recipientAccountId``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..audit import events
from ..auth.principal import ANONYMOUS, Principal
from ..authz import organization
from ..authz.context import request_context
from ..authz.resources import Target
from ..operations import CallContext
from ..policy import (
    MalformedPolicyError,
    Policy,
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

if TYPE_CHECKING:
    from ..server import Server

IDENTITY = {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}
# S3's refusal of an anonymous request names no principal.
DENIED = "Access Denied"
# The CallContext's principal while the request context is built: no keys of a caller.
_NOBODY = Principal(account_id="", type=ANONYMOUS, arn="", principal_id="",
                    access_key_id=None)


def _parsed(text: str) -> Policy | None:
    """The bucket policy, compiled (parse_policy keeps each text's compiled policy)."""
    try:
        return parse_policy(text, PolicyType.RESOURCE)
    except MalformedPolicyError:
        return None  # a policy that no longer parses grants nothing


def allowed(server: Server, *, action: str, resource: str, owner: str, policy: str | None,
            context: dict[str, Any], region: str, now: dt.datetime, source_ip: str,
            user_agent: str, secure: bool, audit: dict[str, Any]) -> bool:
    """Whether the bucket policy ``policy`` (with the owner's RCPs) allows the anonymous
    caller ``action`` on ``resource``; the decision is noted in ``audit``."""
    ctx = CallContext(server=server, service="s3", operation="", request_id="",
                      principal=_NOBODY, region=region, now=now, source_ip=source_ip,
                      user_agent=user_agent, secure_transport=secure)
    keys = request_context(ctx, {}, Target(resource), context)
    with server.db.transaction(write=False) as session:
        found = server.authorizer.organization_of(owner, lambda: session)
    keys.update(organization.resource_keys(found, owner))
    document = _parsed(policy) if policy else None
    policies = PolicySet(resource=PolicyRef("ResourcePolicy", "resource", document)
                         if document is not None else None)
    if found is not None and found.rcp is not None and organization.applies_rcp(action, "*"):
        policies = policies.with_organization(None, found.rcp)
    caller = RequestPrincipal("*", "", "Anonymous")
    decision = evaluate(Request(caller, action, resource, owner, keys), policies)
    events.note_decision(audit, action, resource, decision)
    return decision.allowed
