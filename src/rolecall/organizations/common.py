"""What every Organizations operation shares: ids and ARNs in AWS's formats, finding the
caller's organization, AWS's errors, pagination and the entity shapes it answers with."""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..operations import CallContext
from ..protocol.errors import AWSError
from ..store.tables import (
    Organization,
    OrganizationAccount,
    OrganizationalUnit,
    OrganizationPolicyType,
)

SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
# The policy types rolecall implements; the model lists more (tag, backup, ... policies).
SUPPORTED_POLICY_TYPES = (SCP, RCP)
_LOWER_DIGITS = string.ascii_lowercase + string.digits

NOT_IN_USE = "Your account is not a member of an organization."
NOT_MANAGEMENT = "You don't have permissions to access this resource."


def error(code: str, message: str, reason: str | None = None) -> AWSError:
    """An Organizations error; ``reason`` is the Reason member of the exceptions that have one."""
    return AWSError(code, message, 400, **({"Reason": reason} if reason else {}))


def constraint(reason: str, message: str) -> AWSError:
    return error("ConstraintViolationException", message, reason)


def invalid_input(reason: str, message: str) -> AWSError:
    return error("InvalidInputException", message, reason)


def random_id(length: int) -> str:
    return "".join(secrets.choice(_LOWER_DIGITS) for _ in range(length))


def account_number() -> str:
    return str(secrets.randbelow(9 * 10**11) + 10**11)


def organization_arn(org: Organization) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:organization/{org.id}"


def root_arn(org: Organization) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:root/{org.id}/{org.root_id}"


def ou_arn(org: Organization, ou_id: str) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:ou/{org.id}/{ou_id}"


def account_arn(org: Organization, account_id: str) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:account/{org.id}/{account_id}"


def policy_arn(org: Organization, policy_id: str, policy_type: str, aws_managed: bool) -> str:
    kind = policy_type.lower()
    if aws_managed:
        return f"arn:aws:organizations::aws:policy/{kind}/{policy_id}"
    return f"arn:aws:organizations::{org.management_account_id}:policy/{org.id}/{kind}/{policy_id}"


def organization_of(db: Session, account_id: str) -> Organization | None:
    """The organization the account manages or belongs to."""
    org = db.scalar(select(Organization).where(Organization.management_account_id == account_id))
    if org is not None:
        return org
    member = db.get(OrganizationAccount, account_id)
    return None if member is None else db.get(Organization, member.organization_id)


def caller_organization(ctx: CallContext) -> Organization:
    org = organization_of(ctx.db, ctx.account_id)
    if org is None:
        raise error("AWSOrganizationsNotInUseException", NOT_IN_USE)
    return org


def management_organization(ctx: CallContext) -> Organization:
    """The caller's organization, for operations only its management account may call."""
    org = caller_organization(ctx)
    if org.management_account_id != ctx.account_id:
        raise error("AccessDeniedException", NOT_MANAGEMENT)
    return org


def enabled_types(db: Session, org: Organization) -> list[str]:
    return list(db.scalars(
        select(OrganizationPolicyType.policy_type)
        .where(OrganizationPolicyType.organization_id == org.id)
        .order_by(OrganizationPolicyType.policy_type)
    ))


def ou(db: Session, org: Organization, ou_id: str) -> OrganizationalUnit | None:
    found = db.get(OrganizationalUnit, ou_id)
    return found if found is not None and found.organization_id == org.id else None


def member(db: Session, org: Organization, account_id: str) -> OrganizationAccount | None:
    found = db.get(OrganizationAccount, account_id)
    return found if found is not None and found.organization_id == org.id else None


def path_ids(db: Session, org: Organization, parent_id: str) -> list[str]:
    """The root and OU ids from the root down to ``parent_id``."""
    chain: list[str] = []
    current = parent_id
    while current != org.root_id:
        chain.append(current)
        unit = db.get(OrganizationalUnit, current)
        if unit is None:
            break
        current = unit.parent_id
    return [org.root_id, *reversed(chain)]


def org_path(org: Organization, ids: Sequence[str]) -> str:
    """``o-.../r-.../ou-.../`` as aws:PrincipalOrgPaths and the Paths members write it."""
    return "/".join([org.id, *ids]) + "/"


def account_shape(db: Session, org: Organization, row: OrganizationAccount) -> dict[str, Any]:
    path = org_path(org, [*path_ids(db, org, row.parent_id), row.account_id])
    state = {"ACTIVE": "ACTIVE", "SUSPENDED": "SUSPENDED"}.get(row.status, row.status)
    return {"Id": row.account_id, "Arn": account_arn(org, row.account_id), "Email": row.email,
            "Name": row.name, "Status": row.status, "State": state, "Paths": [path],
            "JoinedMethod": row.joined_method, "JoinedTimestamp": row.joined_at}


def ou_shape(db: Session, org: Organization, row: OrganizationalUnit) -> dict[str, Any]:
    return {"Id": row.id, "Arn": ou_arn(org, row.id), "Name": row.name,
            "Path": org_path(org, path_ids(db, org, row.id))}


def root_shape(db: Session, org: Organization) -> dict[str, Any]:
    return {"Id": org.root_id, "Arn": root_arn(org), "Name": "Root",
            "PolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in enabled_types(db, org)]}


def paginate(items: list[Any], params: dict[str, Any],
             default: int = 20) -> tuple[list, str | None]:
    """One page of ``items`` and the NextToken of the next one, if any."""
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            start = int(base64.b64decode(token, validate=True).decode())
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise invalid_input("INVALID_NEXT_TOKEN", "The specified token is invalid.") from None
        if start < 0 or start > len(items):
            raise invalid_input("INVALID_NEXT_TOKEN", "The specified token is invalid.")
    size = params.get("MaxResults") or default
    page = items[start:start + size]
    more = start + size < len(items)
    return page, base64.b64encode(str(start + size).encode()).decode() if more else None
