"""What an account's organization adds to its decisions, read from the Organizations tables.

For a member account: the service control policies and resource control policies that
apply, level by level from the root down to the account (``policy.evaluate``'s organization
layers), and the organization context keys (aws:PrincipalOrgID, aws:PrincipalOrgPaths for
its principals; aws:ResourceOrgID, aws:ResourceOrgPaths for its resources). The management
account is in the organization (its keys are set) but no SCP or RCP applies to it, as the
Organizations User Guide says. A layer is None while its policy type is not enabled.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..policy import MalformedPolicyError, Policy, PolicyRef, PolicyType, parse_policy
from ..policy.evaluate import Levels
from ..store.tables import (
    Organization,
    OrganizationAccount,
    OrganizationalUnit,
    OrganizationPolicy,
    OrganizationPolicyAttachment,
    OrganizationPolicyType,
)

SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"
# Services whose resources RCPs govern (Organizations User Guide, "Resource control
# policies": the list of supported AWS services), by their action prefix.
RCP_SERVICES = frozenset({"s3", "sts", "kms", "sqs", "secretsmanager", "cognito-idp", "logs",
                          "dynamodb", "ecr", "aoss"})
SERVICE_LINKED_ROLE_PATH = ":role/aws-service-role/"


@dataclass(frozen=True)
class AccountOrganization:
    """``path``: ``o-.../r-.../ou-.../``, the account's place as the *OrgPaths keys give it."""

    organization_id: str
    management_account: str
    path: str
    scp: Levels | None
    rcp: Levels | None


@functools.lru_cache(maxsize=4096)
def _parsed(content: str, kind: PolicyType) -> Policy | None:
    try:
        return parse_policy(content, kind)
    except MalformedPolicyError:
        # Stored documents were validated when written; a later, stricter rule must not
        # turn a guardrail into an error on every call. An unreadable policy allows nothing.
        return None


def _levels(db: Session, org: Organization, targets: list[str], policy_type: str) -> Levels:
    kind = PolicyType.IDENTITY if policy_type == SCP else PolicyType.RESOURCE
    rows = db.execute(
        select(OrganizationPolicyAttachment.target_id, OrganizationPolicy.id,
               OrganizationPolicy.content)
        .join(OrganizationPolicy, (
            (OrganizationPolicy.organization_id == OrganizationPolicyAttachment.organization_id)
            & (OrganizationPolicy.id == OrganizationPolicyAttachment.policy_id)))
        .where(OrganizationPolicyAttachment.organization_id == org.id,
               OrganizationPolicyAttachment.target_id.in_(targets),
               OrganizationPolicy.policy_type == policy_type)
        .order_by(OrganizationPolicyAttachment.seq)
    )
    by_target: dict[str, list[PolicyRef]] = {t: [] for t in targets}
    for target_id, policy_id, content in rows:
        policy = _parsed(content, kind)
        if policy is not None:
            by_target[target_id].append(PolicyRef(policy_id, target_id, policy))
    return tuple(tuple(by_target[t]) for t in targets)


def load(db: Session, account_id: str) -> AccountOrganization | None:
    """The account's organization as its decisions see it; None outside any organization."""
    member = db.get(OrganizationAccount, account_id)
    if member is None:
        return None
    org = db.get(Organization, member.organization_id)
    if org is None:
        return None
    chain: list[str] = []
    current = member.parent_id
    while current != org.root_id:
        unit = db.get(OrganizationalUnit, current)
        if unit is None:
            break
        chain.append(current)
        current = unit.parent_id
    parents = [org.root_id, *reversed(chain)]
    path = "/".join([org.id, *parents]) + "/"
    management = org.management_account_id == account_id
    enabled = set(db.scalars(select(OrganizationPolicyType.policy_type)
                             .where(OrganizationPolicyType.organization_id == org.id)))
    targets = [*parents, account_id]
    scp = _levels(db, org, targets, SCP) if SCP in enabled and not management else None
    rcp = _levels(db, org, targets, RCP) if RCP in enabled and not management else None
    return AccountOrganization(org.id, org.management_account_id, path, scp, rcp)


def applies_scp(principal_arn: str) -> bool:
    """SCPs do not limit service-linked roles (Organizations User Guide, "SCPs")."""
    return SERVICE_LINKED_ROLE_PATH not in principal_arn


def applies_rcp(action: str, principal_arn: str) -> bool:
    """RCPs govern the supported services' resources, not service-linked roles' calls."""
    return action.split(":", 1)[0].lower() in RCP_SERVICES and applies_scp(principal_arn)


def resource_keys(found: AccountOrganization | None, account_id: str) -> dict[str, str]:
    keys = {"aws:ResourceAccount": account_id}
    if found is not None:
        keys["aws:ResourceOrgID"] = found.organization_id
        keys["aws:ResourceOrgPaths"] = found.path
    return keys
