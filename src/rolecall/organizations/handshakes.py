"""Invitations: InviteAccountToOrganization, AcceptHandshake, DeclineHandshake,
CancelHandshake, DescribeHandshake, ListHandshakesForAccount, ListHandshakesForOrganization.

An invitation is an INVITE handshake, OPEN for 15 days (Quotas for AWS Organizations),
that the invited account accepts (it joins under the root, JoinedMethod INVITED, with the
default policies attached) or declines, and the management account may cancel. Invitations
count towards the account quota while open. rolecall accounts have no e-mail addresses, so
an account is invited by its id; an EMAIL target answers NotImplemented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import Account, Organization, OrganizationAccount, OrganizationHandshake
from . import common, policies
from .accounts import ACCOUNT_NOT_FOUND, MAX_ACCOUNTS
from .organizations import synthetic_email

LIFETIME = dt.timedelta(days=15)
NOT_FOUND = "We can't find a handshake with the HandshakeId that you specified."
DUPLICATE = "A handshake with the same action and target already exists."
ALREADY_IN_STATE = "The specified handshake is already in the requested state."
INVALID_TRANSITION = "You can't perform the operation on the handshake in its current state."
ALREADY_MEMBER = "The account is already a member of an organization."
ACCOUNT_LIMIT = "You have exceeded the allowed number of AWS accounts."


def _arn(org: Organization, handshake: OrganizationHandshake) -> str:
    return (f"arn:aws:organizations::{org.management_account_id}:handshake/{org.id}/"
            f"{handshake.action.lower()}/{handshake.id}")


def _state(ctx: CallContext, row: OrganizationHandshake) -> str:
    """The state now: an OPEN handshake past its expiry is EXPIRED."""
    expires = row.expires_at
    if expires.tzinfo is None:  # SQLite returns stored UTC times without their zone
        expires = expires.replace(tzinfo=dt.UTC)
    return "EXPIRED" if row.state == "OPEN" and ctx.now >= expires else row.state


def shape(ctx: CallContext, row: OrganizationHandshake) -> dict[str, Any]:
    org = ctx.db.get(Organization, row.organization_id)
    assert org is not None
    resources: list[dict[str, Any]] = [
        {"Type": "ORGANIZATION", "Value": org.id, "Resources": [
            {"Type": "MASTER_EMAIL", "Value": org.management_email},
            {"Type": "MASTER_NAME", "Value": org.management_account_id},
            {"Type": "ORGANIZATION_FEATURE_SET", "Value": org.feature_set}]},
        {"Type": "ACCOUNT", "Value": row.target_id},
    ]
    if row.notes:
        resources.append({"Type": "NOTES", "Value": row.notes})
    return {"Id": row.id, "Arn": _arn(org, row),
            "Parties": [{"Id": org.id, "Type": "ORGANIZATION"},
                        {"Id": row.target_id, "Type": "ACCOUNT"}],
            "State": _state(ctx, row), "RequestedTimestamp": row.requested_at,
            "ExpirationTimestamp": row.expires_at, "Action": row.action,
            "Resources": resources}


def _open_invitations(ctx: CallContext, org: Organization) -> list[OrganizationHandshake]:
    rows = ctx.db.scalars(select(OrganizationHandshake).where(
        OrganizationHandshake.organization_id == org.id, OrganizationHandshake.state == "OPEN"))
    return [r for r in rows if _state(ctx, r) == "OPEN"]


@operation("organizations", "InviteAccountToOrganization")
def invite_account_to_organization(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    target = params["Target"]
    if target["Type"] != "ACCOUNT":
        raise AWSError("NotImplemented", "Invitations by e-mail address are not implemented by "
                       "rolecall (its accounts have none): invite the account by its id.")
    account_id = target["Id"]
    if not account_id.isdigit() or db.get(Account, account_id) is None:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    if common.organization_of(db, account_id) is not None:
        raise common.error("HandshakeConstraintViolationException", ALREADY_MEMBER,
                           "ALREADY_IN_AN_ORGANIZATION")
    pending = _open_invitations(ctx, org)
    if any(r.target_id == account_id for r in pending):
        raise common.error("DuplicateHandshakeException", DUPLICATE)
    members = db.scalar(select(func.count()).select_from(OrganizationAccount)
                        .where(OrganizationAccount.organization_id == org.id))
    if members + len(pending) >= MAX_ACCOUNTS:
        raise common.error("HandshakeConstraintViolationException", ACCOUNT_LIMIT,
                           "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
    row = OrganizationHandshake(id="h-" + common.random_id(10), organization_id=org.id,
                                action="INVITE", state="OPEN", target_id=account_id,
                                notes=params.get("Notes"), requested_at=ctx.now,
                                expires_at=ctx.now + LIFETIME)
    db.add(row)
    db.flush()
    return {"Handshake": shape(ctx, row)}


def _handshake(ctx: CallContext, handshake_id: str) -> OrganizationHandshake:
    """The handshake if the caller is one of its parties."""
    row = ctx.db.get(OrganizationHandshake, handshake_id)
    if row is None:
        raise common.error("HandshakeNotFoundException", NOT_FOUND)
    org = ctx.db.get(Organization, row.organization_id)
    parties = {row.target_id, org.management_account_id if org is not None else ""}
    if ctx.account_id not in parties:
        raise common.error("HandshakeNotFoundException", NOT_FOUND)
    return row


def _transition(ctx: CallContext, row: OrganizationHandshake, to: str) -> None:
    state = _state(ctx, row)
    if state == to:
        raise common.error("HandshakeAlreadyInStateException", ALREADY_IN_STATE)
    if state != "OPEN":
        raise common.error("InvalidHandshakeTransitionException", INVALID_TRANSITION)
    row.state = to


@operation("organizations", "AcceptHandshake")
def accept_handshake(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _handshake(ctx, params["HandshakeId"])
    if row.target_id != ctx.account_id:
        raise common.error("AccessDeniedException", common.NOT_MANAGEMENT)
    if _state(ctx, row) == "OPEN" and common.organization_of(ctx.db, ctx.account_id):
        raise common.error("HandshakeConstraintViolationException", ALREADY_MEMBER,
                           "ALREADY_IN_AN_ORGANIZATION")
    _transition(ctx, row, "ACCEPTED")
    org = ctx.db.get(Organization, row.organization_id)
    assert org is not None
    account = ctx.db.get(Account, ctx.account_id)
    email = synthetic_email(ctx.account_id)
    ctx.db.add(OrganizationAccount(
        account_id=ctx.account_id, organization_id=org.id, parent_id=org.root_id,
        name=(account.alias if account is not None and account.alias else ctx.account_id),
        email=email, email_lower=email, status="ACTIVE", joined_method="INVITED",
        joined_at=ctx.now))
    ctx.db.flush()
    policies.attach_defaults(ctx.db, org, ctx.account_id)
    return {"Handshake": shape(ctx, row)}


@operation("organizations", "DeclineHandshake")
def decline_handshake(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _handshake(ctx, params["HandshakeId"])
    if row.target_id != ctx.account_id:
        raise common.error("AccessDeniedException", common.NOT_MANAGEMENT)
    _transition(ctx, row, "DECLINED")
    return {"Handshake": shape(ctx, row)}


@operation("organizations", "CancelHandshake")
def cancel_handshake(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _handshake(ctx, params["HandshakeId"])
    if row.target_id == ctx.account_id:
        raise common.error("AccessDeniedException", common.NOT_MANAGEMENT)
    _transition(ctx, row, "CANCELED")
    return {"Handshake": shape(ctx, row)}


@operation("organizations", "DescribeHandshake")
def describe_handshake(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Handshake": shape(ctx, _handshake(ctx, params["HandshakeId"]))}


def _listed(ctx: CallContext, query, params: dict[str, Any]) -> dict[str, Any]:
    action = (params.get("Filter") or {}).get("ActionType")
    if action is not None:
        query = query.where(OrganizationHandshake.action == action)
    rows = ctx.db.scalars(query.order_by(OrganizationHandshake.requested_at,
                                         OrganizationHandshake.id))
    page, token = common.paginate([shape(ctx, r) for r in rows], params)
    return {"Handshakes": page, "NextToken": token}


@operation("organizations", "ListHandshakesForAccount")
def list_handshakes_for_account(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    query = select(OrganizationHandshake).where(
        OrganizationHandshake.target_id == ctx.account_id)
    return _listed(ctx, query, params)


@operation("organizations", "ListHandshakesForOrganization")
def list_handshakes_for_organization(ctx: CallContext,
                                     params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    query = select(OrganizationHandshake).where(OrganizationHandshake.organization_id == org.id)
    return _listed(ctx, query, params)
