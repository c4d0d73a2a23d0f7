"""The Organizations resource a call is authorized on, as the Service Authorization
Reference names them: the account, OU, root, policy (``awspolicy`` for AWS-managed ones)
or handshake the call's parameters name, with that resource's tags; calls that name none
(ListAccounts, CreatePolicy, ...) are authorized on ``*``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.tables import Organization, OrganizationPolicy, OrganizationTag
from . import common

# Parameters naming a resource, most specific first (AttachPolicy names the policy first).
_ID_PARAMS = ("PolicyId", "AccountId", "OrganizationalUnitId", "HandshakeId", "RootId",
              "TargetId", "ChildId", "ParentId", "ResourceId")


def arn_of(db: Session, org: Organization, resource_id: str) -> str | None:
    """The ARN of one of the organization's resources, by id; None for an unknown form."""
    if resource_id == org.root_id or resource_id.startswith("r-"):
        return f"arn:aws:organizations::{org.management_account_id}:root/{org.id}/{resource_id}"
    if resource_id.startswith("ou-"):
        return common.ou_arn(org, resource_id)
    if resource_id.isdigit() and len(resource_id) == 12:
        return common.account_arn(org, resource_id)
    if resource_id.startswith("h-"):
        return (f"arn:aws:organizations::{org.management_account_id}:handshake/{org.id}/"
                f"invite/{resource_id}")
    if resource_id.startswith("p-"):
        policy = db.get(OrganizationPolicy, (org.id, resource_id))
        if policy is None:
            return None
        return common.policy_arn(org, policy.id, policy.policy_type, policy.aws_managed)
    return None


def resource(db: Session, account_id: str,
             params: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """(ARN, tags) of the resource the call names, or None to authorize it on ``*``. Only
    the management account's calls are: a member's are refused by Organizations itself."""
    org = common.organization_of(db, account_id)
    if org is None or org.management_account_id != account_id:
        return None
    for name in _ID_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            arn = arn_of(db, org, value)
            if arn is None:
                return None
            rows = db.execute(select(OrganizationTag.key, OrganizationTag.value).where(
                OrganizationTag.organization_id == org.id,
                OrganizationTag.resource_id == value))
            tags = {key: text for key, text in rows}
            return arn, tags
    return None
