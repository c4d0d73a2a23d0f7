"""AssumeRole: a role session for an IAM user or another role session (role chaining),
with the checks AWS makes: trust policy and identity permissions, MFA, external id,
session duration limits, source identity, session tags and session policies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..audit import events
from ..auth.principal import ASSUMED_ROLE, FEDERATED_USER, from_session
from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import Role
from . import sessions

ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role(/(?:[\x21-\x7e]*/)?)([\w+=,.@-]+)")
DEFAULT_DURATION = 3600
CHAINED_LIMIT = 3600
ROOT_REFUSED = "Roles may not be assumed by root accounts."
MAX_DURATION_TEXT = ("The requested DurationSeconds exceeds the MaxSessionDuration set for "
                     "this role.")
INVALID_ARN = "Request ARN is invalid"
# Recorded, key case ignored (localstack test_sts.snapshot.json,
# test_iam_role_chaining_override_transitive_tags).
TRANSITIVE_CONFLICT = ("One of the specified transitive tag keys can't be set because it "
                       "conflicts with a transitive tag key from the calling session.")


def invalid_role_arn(role_arn: str) -> AWSError:
    """A RoleArn that is no ARN, or has an empty partition, service or resource, is named
    ("<value> is invalid": localstack test_sts.snapshot.json, test_sts_invalid_parameters);
    one that reads as an ARN but names no role (a colon missing after the region, a user)
    is "Request ARN is invalid"."""
    parts = role_arn.split(":")
    if parts[0] != "arn" or len(parts) < 3 or not (parts[1] and parts[2] and parts[-1]):
        return AWSError("ValidationError", f"{role_arn} is invalid")
    return AWSError("ValidationError", INVALID_ARN)

CHAINED_TEXT = ("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                "assumed by role chaining.")


def denied(ctx: CallContext, action: str, resource: str) -> AWSError:
    return AWSError(
        "AccessDenied",
        f"User: {ctx.principal.arn} is not authorized to perform: {action} on resource: "
        f"{resource}",
    )


@dataclass(frozen=True)
class RoleView:
    """What assuming a role needs of it; cached until IAM state changes."""

    id: str
    account_id: str
    name: str
    path: str
    assume_role_policy: str
    max_session_duration: int


def load_role(ctx: CallContext, role_arn: str, action: str) -> RoleView:
    """The role an ARN names. A role that does not exist is refused like one the caller may
    not assume, so callers learn nothing about other accounts' roles."""
    found = ROLE_ARN.fullmatch(role_arn)
    if found is None:
        raise invalid_role_arn(role_arn)
    account, path, name = found.groups()

    def fetch() -> RoleView | None:
        role = ctx.db.scalar(
            select(Role).where(Role.account_id == account, Role.name_lower == name.lower())
        )
        if role is None:
            return None
        return RoleView(role.id, role.account_id, role.name, role.path, role.assume_role_policy,
                        role.max_session_duration)

    role = ctx.server.memo(("role", account, name.lower()), fetch)
    if role is None or role.path != path or role.name != name:
        raise denied(ctx, action, role_arn)
    return role


def authorize_with_trust(ctx: CallContext, params: dict[str, Any], action: str, role_arn: str,
                         trust_policy: str, context: dict[str, Any]) -> None:
    """Ask the authorizer with the trust policy beside the caller's policies. STS words every
    refusal the same way, whatever refused, as for a role that does not exist."""
    try:
        ctx.server.authorizer.authorize(ctx, params, action=action, resource=role_arn,
                                        resource_policy=trust_policy, extra_context=context)
    except AWSError as err:
        if err.code != "AccessDenied":
            raise
        raise denied(ctx, action, role_arn) from None


def session_duration(params: dict[str, Any], role: RoleView, chained: bool) -> int:
    requested = params.get("DurationSeconds")
    if requested is None:
        return DEFAULT_DURATION
    if chained and requested > CHAINED_LIMIT:
        raise AWSError("ValidationError", CHAINED_TEXT)
    if requested > role.max_session_duration:
        raise AWSError("ValidationError", MAX_DURATION_TEXT)
    return requested


# Reads only, unless an MFA code is spent: last-used times are written in batches.
@operation("sts", "AssumeRole", authorize=False, write=False)
def assume_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = ctx.principal
    role_arn = params["RoleArn"]
    if caller.is_root:
        raise AWSError("AccessDenied", ROOT_REFUSED)
    if "SerialNumber" in params:
        ctx.will_write()  # the MFA code's time step is remembered
    role = load_role(ctx, role_arn, "sts:AssumeRole")
    if caller.type == FEDERATED_USER:  # GetFederationToken sessions may call no STS API
        raise denied(ctx, "sts:AssumeRole", role_arn)  # except GetCallerIdentity
    chained = caller.type == ASSUMED_ROLE
    incoming = caller.session
    now = ctx.server.clock()

    code_given = sessions.verify_mfa(ctx, params)
    mfa, mfa_at = sessions.caller_mfa(caller)
    if code_given:
        mfa, mfa_at = True, int(now)

    inputs = sessions.session_inputs(params)
    carried_tags = _incoming_transitive_tags(incoming.tags, incoming.transitive_tag_keys) \
        if incoming else {}
    clash = {k.lower() for k in carried_tags} & {k.lower() for k in inputs.tags}
    if clash:
        raise AWSError("InvalidParameterValue", TRANSITIVE_CONFLICT)

    previous_identity = incoming.source_identity if incoming else None
    requested_identity = params.get("SourceIdentity")
    if previous_identity and requested_identity and requested_identity != previous_identity:
        raise AWSError("InvalidParameterValue",
                       "The source identity cannot be changed once it is set for a session.")
    source_identity = requested_identity or previous_identity

    context: dict[str, Any] = {"sts:RoleSessionName": params["RoleSessionName"]}
    context.update(sessions.mfa_context(mfa, mfa_at, now))
    if "ExternalId" in params:
        context["sts:ExternalId"] = params["ExternalId"]
    if source_identity:
        context["sts:SourceIdentity"] = source_identity
    context.update(sessions.tag_context(inputs))
    actions = ["sts:AssumeRole"]
    if inputs.tags or inputs.transitive_tag_keys:
        actions.append("sts:TagSession")
    if source_identity:
        actions.append("sts:SetSourceIdentity")
    for action in actions:
        authorize_with_trust(ctx, params, action, role_arn, role.assume_role_policy, context)

    duration = session_duration(params, role, chained)
    packed = sessions.packed_policy_size(inputs)
    tags = {**carried_tags, **inputs.tags}
    transitive = tuple(carried_tags) + tuple(
        k for k in inputs.tags if k.lower() in {t.lower() for t in inputs.transitive_tag_keys}
    )
    claims, credentials = sessions.issue(
        ctx, duration,
        account_id=role.account_id,
        kind="assumed-role",
        role_id=role.id,
        role_name=role.name,
        role_path=role.path,
        session_name=params["RoleSessionName"],
        issuer_arn=caller.arn,
        policies=(inputs.policy,) if inputs.policy else (),
        policy_arns=inputs.policy_arns,
        tags=tags,
        transitive_tag_keys=transitive,
        source_identity=source_identity,
        mfa_authenticated=mfa,
        mfa_authenticated_at=mfa_at,
        chained=chained,
    )
    ctx.server.audit.role_used(role.id, ctx.now, ctx.region)
    session = from_session(claims)
    ctx.audit["additionalEventData"] = {
        "RoleSessionName": claims.session_name,
        "MFAAuthenticated": "true" if mfa else "false",
        "sessionContext": events.user_identity(session)["sessionContext"],
    }
    if source_identity:
        ctx.audit["sourceIdentity"] = source_identity
    result: dict[str, Any] = {
        "Credentials": credentials,
        "AssumedRoleUser": {"AssumedRoleId": session.principal_id, "Arn": session.arn},
    }
    if inputs.given:
        result["PackedPolicySize"] = packed
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


def _incoming_transitive_tags(tags: dict[str, str], keys: tuple[str, ...]) -> dict[str, str]:
    wanted = {k.lower() for k in keys}
    return {k: v for k, v in tags.items() if k.lower() in wanted}
