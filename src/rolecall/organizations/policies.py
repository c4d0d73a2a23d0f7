"""Service control and resource control policies: CreatePolicy, DescribePolicy,
UpdatePolicy, DeletePolicy, ListPolicies, AttachPolicy, DetachPolicy,
ListPoliciesForTarget, ListTargetsForPolicy, EnablePolicyType, DisablePolicyType.

Enabling a type attaches its AWS-managed policy (FullAWSAccess, RCPFullAWSAccess) to the
root, every OU and every account, and to each one created later; disabling it detaches
every policy of the type. Quotas (Quotas for AWS Organizations): documents of at most
5,120 characters; 10,000 SCPs and 1,000 RCPs per organization; 10 SCPs (since May 2026)
and 5 RCPs attached to one target; a target keeps at least one SCP; RCPFullAWSAccess
cannot be detached; only RCPFullAWSAccess may Allow in an RCP.
"""

from __future__ import annotations

import functools
import json
import pathlib
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..operations import CallContext, operation
from ..policy import MalformedPolicyError, PolicyType, parse_policy
from ..protocol.errors import not_implemented
from ..store.tables import (
    Organization,
    OrganizationAccount,
    OrganizationalUnit,
    OrganizationPolicy,
    OrganizationPolicyAttachment,
    OrganizationPolicyType,
)
from . import arns, common, tags

_MANAGED_FILE = (pathlib.Path(__file__).parent.parent / "data"
                 / "organizations_managed_policies.json")
MANAGED_ID = {common.SCP: "p-FullAWSAccess", common.RCP: "p-RCPFullAWSAccess"}
MAX_CONTENT = 5120
MAX_POLICIES = {common.SCP: 10_000, common.RCP: 1_000}
MAX_ATTACHED = {common.SCP: 10, common.RCP: 5}

POLICY_NOT_FOUND = "We can't find a policy with the PolicyId that you specified."
TARGET_NOT_FOUND = ("We can't find a root, OU, account, or email target with the TargetId that "
                    "you specified.")
ROOT_NOT_FOUND = "We can't find a root with the RootId that you specified."
DUPLICATE = "A policy with the same name already exists."
DUPLICATE_ATTACHMENT = "The selected policy is already attached to the specified target."
NOT_ATTACHED = "The policy isn't attached to the specified target in the specified root."
IN_USE = ("The policy is attached to one or more entities. You must detach it from all roots, "
          "OUs, and accounts before performing this operation.")
TYPE_ENABLED = "The specified policy type is already enabled."
TYPE_NOT_ENABLED = ("The specified policy type isn't currently enabled in this root. You can't "
                    "attach policies of the specified type to entities in a root until you "
                    "enable that type in the root.")
TYPE_UNAVAILABLE = ("You can't use the specified policy type with the feature set currently "
                    "enabled for this organization.")
MALFORMED = ("The provided policy document doesn't meet the requirements of the specified "
             "policy type.")
SIZE_LIMIT = "You have exceeded the maximum policy size."
NUMBER_LIMIT = "You have exceeded the number of policies of the specified type."
MAX_ATTACHMENTS = ("You attempted to exceed the number of policies of a certain type that can be "
                   "attached to an entity at one time.")
MIN_ATTACHMENTS = ("You attempted to detach a policy from an entity that would cause the entity "
                   "to have fewer than the minimum number of policies of a certain type "
                   "required.")
IMMUTABLE = "You specified a policy that is managed by AWS and can't be modified."
NON_DETACHABLE = "You can't detach this AWS Managed Policy."


@functools.cache
def _managed() -> dict[str, dict[str, str]]:
    return json.loads(_MANAGED_FILE.read_text())["policies"]


def _supported(policy_type: str) -> None:
    if policy_type not in common.SUPPORTED_POLICY_TYPES:
        raise not_implemented(f"{policy_type} policies")


def summary(org: Organization, row: OrganizationPolicy) -> dict[str, Any]:
    return {"Id": row.id, "Arn": common.policy_arn(org, row.id, row.policy_type, row.aws_managed),
            "Name": row.name, "Description": row.description, "Type": row.policy_type,
            "AwsManaged": row.aws_managed}


def _policy_or_fail(ctx: CallContext, org: Organization, policy_id: str) -> OrganizationPolicy:
    row = ctx.db.get(OrganizationPolicy, (org.id, policy_id))
    if row is None:
        raise common.error("PolicyNotFoundException", POLICY_NOT_FOUND)
    return row


def _check_content(policy_type: str, content: str) -> None:
    if len(content) > MAX_CONTENT:
        raise common.constraint("POLICY_CONTENT_LIMIT_EXCEEDED", SIZE_LIMIT)
    kind = PolicyType.IDENTITY if policy_type == common.SCP else PolicyType.RESOURCE
    try:
        policy = parse_policy(content, kind)
    except MalformedPolicyError:
        raise common.error("MalformedPolicyDocumentException", MALFORMED) from None
    if policy_type == common.RCP and any(s.allow for s in policy.statements):
        raise common.error("MalformedPolicyDocumentException", MALFORMED)


def _check_name(ctx: CallContext, org: Organization, policy_type: str, name: str) -> None:
    taken = ctx.db.scalar(select(OrganizationPolicy.id).where(
        OrganizationPolicy.organization_id == org.id,
        OrganizationPolicy.policy_type == policy_type, OrganizationPolicy.name == name))
    if taken is not None:
        raise common.error("DuplicatePolicyException", DUPLICATE)


@operation("organizations", "CreatePolicy")
def create_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    policy_type = params["Type"]
    _supported(policy_type)
    _check_content(policy_type, params["Content"])
    _check_name(ctx, org, policy_type, params["Name"])
    count = db.scalar(select(func.count()).select_from(OrganizationPolicy).where(
        OrganizationPolicy.organization_id == org.id,
        OrganizationPolicy.policy_type == policy_type, OrganizationPolicy.aws_managed.is_(False)))
    if count >= MAX_POLICIES[policy_type]:
        raise common.constraint("POLICY_NUMBER_LIMIT_EXCEEDED", NUMBER_LIMIT)
    if params.get("Tags"):
        tags.check_new(params["Tags"])
    row = OrganizationPolicy(organization_id=org.id, id="p-" + common.random_id(8),
                             policy_type=policy_type, name=params["Name"],
                             description=params.get("Description") or "",
                             content=params["Content"], aws_managed=False)
    db.add(row)
    db.flush()
    if params.get("Tags"):
        tags.put(db, org, row.id, params["Tags"])
    return {"Policy": {"PolicySummary": summary(org, row), "Content": row.content}}


@operation("organizations", "DescribePolicy")
def describe_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    return {"Policy": {"PolicySummary": summary(org, row), "Content": row.content}}


@operation("organizations", "UpdatePolicy")
def update_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    if row.aws_managed:
        raise common.invalid_input("IMMUTABLE_POLICY", IMMUTABLE)
    if params.get("Content") is not None:
        _check_content(row.policy_type, params["Content"])
    if params.get("Name") is not None and params["Name"] != row.name:
        _check_name(ctx, org, row.policy_type, params["Name"])
        row.name = params["Name"]
    if params.get("Description") is not None:
        row.description = params["Description"]
    if params.get("Content") is not None:
        row.content = params["Content"]
    return {"Policy": {"PolicySummary": summary(org, row), "Content": row.content}}


@operation("organizations", "DeletePolicy")
def delete_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    if row.aws_managed:
        raise common.invalid_input("IMMUTABLE_POLICY", IMMUTABLE)
    attached = db.scalar(select(func.count()).select_from(OrganizationPolicyAttachment).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.policy_id == row.id))
    if attached:
        raise common.error("PolicyInUseException", IN_USE)
    tags.drop(db, org, row.id)
    db.delete(row)
    return None


@operation("organizations", "ListPolicies")
def list_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    policy_type = params["Filter"]
    _supported(policy_type)
    rows = ctx.db.scalars(select(OrganizationPolicy).where(
        OrganizationPolicy.organization_id == org.id,
        OrganizationPolicy.policy_type == policy_type,
    ).order_by(OrganizationPolicy.aws_managed.desc(), OrganizationPolicy.name))
    page, token = common.paginate([summary(org, r) for r in rows], params)
    return {"Policies": page, "NextToken": token}


def target_kind(db: Session, org: Organization, target_id: str) -> str | None:
    """ROOT, ORGANIZATIONAL_UNIT or ACCOUNT, or None when the organization has no such target."""
    if target_id == org.root_id:
        return "ROOT"
    if common.ou(db, org, target_id) is not None:
        return "ORGANIZATIONAL_UNIT"
    if common.member(db, org, target_id) is not None:
        return "ACCOUNT"
    return None


def _target_or_fail(ctx: CallContext, org: Organization, target_id: str) -> str:
    kind = target_kind(ctx.db, org, target_id)
    if kind is None:
        raise common.error("TargetNotFoundException", TARGET_NOT_FOUND)
    return kind


def _authorize_target(ctx: CallContext, org: Organization, target_id: str) -> None:
    """Attaching and detaching are authorized on the policy (by the pipeline) and on the
    target, both resources of the action in the Service Authorization Reference."""
    target_arn = arns.arn_of(ctx.db, org, target_id)
    if target_arn is not None:
        ctx.server.authorizer.authorize(ctx, {}, action=f"organizations:{ctx.operation}",
                                        resource=target_arn)


def _attached(db: Session, org: Organization, target_id: str,
              policy_type: str) -> list[OrganizationPolicy]:
    return list(db.scalars(
        select(OrganizationPolicy)
        .join(OrganizationPolicyAttachment, (
            (OrganizationPolicyAttachment.organization_id == OrganizationPolicy.organization_id)
            & (OrganizationPolicyAttachment.policy_id == OrganizationPolicy.id)))
        .where(OrganizationPolicy.organization_id == org.id,
               OrganizationPolicyAttachment.target_id == target_id,
               OrganizationPolicy.policy_type == policy_type)
        .order_by(OrganizationPolicyAttachment.seq)
    ))


def _attach(db: Session, org: Organization, policy_id: str, target_id: str) -> None:
    last = db.scalar(select(func.max(OrganizationPolicyAttachment.seq)).where(
        OrganizationPolicyAttachment.organization_id == org.id))
    db.add(OrganizationPolicyAttachment(organization_id=org.id, policy_id=policy_id,
                                        target_id=target_id, seq=(last or 0) + 1))
    db.flush()


def attach_defaults(db: Session, org: Organization, target_id: str) -> None:
    """A new OU or account gets the AWS-managed policy of every enabled type."""
    for policy_type in common.enabled_types(db, org):
        if policy_type in MANAGED_ID:
            _attach(db, org, MANAGED_ID[policy_type], target_id)


@operation("organizations", "AttachPolicy")
def attach_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    target_id = params["TargetId"]
    _target_or_fail(ctx, org, target_id)
    if row.policy_type not in common.enabled_types(db, org):
        raise common.error("PolicyTypeNotEnabledException", TYPE_NOT_ENABLED)
    _authorize_target(ctx, org, target_id)
    attached = _attached(db, org, target_id, row.policy_type)
    if any(p.id == row.id for p in attached):
        raise common.error("DuplicatePolicyAttachmentException", DUPLICATE_ATTACHMENT)
    if len(attached) >= MAX_ATTACHED[row.policy_type]:
        raise common.constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", MAX_ATTACHMENTS)
    _attach(db, org, row.id, target_id)
    return None


@operation("organizations", "DetachPolicy")
def detach_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    target_id = params["TargetId"]
    _target_or_fail(ctx, org, target_id)
    _authorize_target(ctx, org, target_id)
    attached = _attached(db, org, target_id, row.policy_type)
    if not any(p.id == row.id for p in attached):
        raise common.error("PolicyNotAttachedException", NOT_ATTACHED)
    if row.id == MANAGED_ID[common.RCP]:
        raise common.invalid_input("NON_DETACHABLE_POLICY", NON_DETACHABLE)
    if row.policy_type == common.SCP and len(attached) == 1:
        raise common.constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", MIN_ATTACHMENTS)
    db.execute(delete(OrganizationPolicyAttachment).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.policy_id == row.id,
        OrganizationPolicyAttachment.target_id == target_id))
    return None


@operation("organizations", "ListPoliciesForTarget")
def list_policies_for_target(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    _supported(params["Filter"])
    _target_or_fail(ctx, org, params["TargetId"])
    rows = _attached(ctx.db, org, params["TargetId"], params["Filter"])
    page, token = common.paginate([summary(org, r) for r in rows], params)
    return {"Policies": page, "NextToken": token}


def _target_summary(db: Session, org: Organization, target_id: str) -> dict[str, Any]:
    if target_id == org.root_id:
        return {"TargetId": target_id, "Arn": common.root_arn(org), "Name": "Root",
                "Type": "ROOT"}
    unit = db.get(OrganizationalUnit, target_id)
    if unit is not None:
        return {"TargetId": target_id, "Arn": common.ou_arn(org, target_id), "Name": unit.name,
                "Type": "ORGANIZATIONAL_UNIT"}
    account = db.get(OrganizationAccount, target_id)
    return {"TargetId": target_id, "Arn": common.account_arn(org, target_id),
            "Name": account.name if account is not None else target_id, "Type": "ACCOUNT"}


@operation("organizations", "ListTargetsForPolicy")
def list_targets_for_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _policy_or_fail(ctx, org, params["PolicyId"])
    targets = ctx.db.scalars(select(OrganizationPolicyAttachment.target_id).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.policy_id == row.id,
    ).order_by(OrganizationPolicyAttachment.seq))
    page, token = common.paginate([_target_summary(ctx.db, org, t) for t in targets], params)
    return {"Targets": page, "NextToken": token}


def _root_or_fail(org: Organization, root_id: str) -> None:
    if root_id != org.root_id:
        raise common.error("RootNotFoundException", ROOT_NOT_FOUND)


@operation("organizations", "EnablePolicyType")
def enable_policy_type(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    _root_or_fail(org, params["RootId"])
    policy_type = params["PolicyType"]
    _supported(policy_type)
    if org.feature_set != "ALL":
        raise common.error("PolicyTypeNotAvailableForOrganizationException", TYPE_UNAVAILABLE)
    if policy_type in common.enabled_types(db, org):
        raise common.error("PolicyTypeAlreadyEnabledException", TYPE_ENABLED)
    db.add(OrganizationPolicyType(organization_id=org.id, policy_type=policy_type))
    managed_id = MANAGED_ID[policy_type]
    if db.get(OrganizationPolicy, (org.id, managed_id)) is None:
        entry = _managed()[managed_id]
        db.add(OrganizationPolicy(organization_id=org.id, id=managed_id, policy_type=policy_type,
                                  name=entry["Name"], description=entry["Description"],
                                  content=entry["Content"], aws_managed=True))
    db.flush()
    targets = [org.root_id]
    targets += db.scalars(select(OrganizationalUnit.id).where(
        OrganizationalUnit.organization_id == org.id).order_by(OrganizationalUnit.created_at))
    targets += db.scalars(select(OrganizationAccount.account_id).where(
        OrganizationAccount.organization_id == org.id).order_by(OrganizationAccount.joined_at))
    for target_id in targets:
        _attach(db, org, managed_id, target_id)
    return {"Root": common.root_shape(db, org)}


@operation("organizations", "DisablePolicyType")
def disable_policy_type(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    _root_or_fail(org, params["RootId"])
    policy_type = params["PolicyType"]
    _supported(policy_type)
    if policy_type not in common.enabled_types(db, org):
        raise common.error("PolicyTypeNotEnabledException", TYPE_NOT_ENABLED)
    of_type = select(OrganizationPolicy.id).where(OrganizationPolicy.organization_id == org.id,
                                                  OrganizationPolicy.policy_type == policy_type)
    db.execute(delete(OrganizationPolicyAttachment).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.policy_id.in_(of_type)))
    db.execute(delete(OrganizationPolicyType).where(
        OrganizationPolicyType.organization_id == org.id,
        OrganizationPolicyType.policy_type == policy_type))
    return {"Root": common.root_shape(db, org)}
