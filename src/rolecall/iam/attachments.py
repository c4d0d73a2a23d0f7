"""Managed policy attachments: Attach/Detach/ListAttached{User,Group,Role}Policies and
ListEntitiesForPolicy. At most ten managed policies per user, group or role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data import managed_policies
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import no_such_entity
from ..store.tables import Group, PolicyAttachment, Role, User
from . import quotas
from .common import find_group, find_role, find_user, paginate, path_matches
from .policies import (
    AWS_MANAGED,
    CUSTOMER_MANAGED,
    find_policy,
    lookup_policy,
    managed_policy_document,
)
from .roles import require_modifiable

_QUOTA_NAMES = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}


def attached_arns(db: Session, entity_type: str, entity_id: str) -> list[str]:
    """The ARNs of the managed policies attached to an entity, in the order attached."""
    return list(db.scalars(
        select(PolicyAttachment.policy_arn)
        .where(PolicyAttachment.entity_type == entity_type,
               PolicyAttachment.entity_id == entity_id)
        .order_by(PolicyAttachment.seq)
    ))


def entity_policies(db: Session, entity_type: str, entity_id: str) -> list[tuple[str, str, str]]:
    """(ARN, SimulatePrincipalPolicy source type, document) of each attached managed policy."""
    account_id = db.scalar(
        select(PolicyAttachment.account_id)
        .where(PolicyAttachment.entity_type == entity_type,
               PolicyAttachment.entity_id == entity_id)
        .limit(1)
    )
    out = []
    for arn in attached_arns(db, entity_type, entity_id):
        document = managed_policy_document(db, account_id, arn)
        if document is not None:
            kind = AWS_MANAGED if managed_policies.get(arn) else CUSTOMER_MANAGED
            out.append((arn, kind, document))
    return out


def _attach(ctx: CallContext, entity_type: str, entity_id: str, arn: str) -> None:
    find_policy(ctx, arn, attaching=True)
    current = attached_arns(ctx.db, entity_type, entity_id)
    if arn in current:
        return
    allowed = quotas.limit(ctx.db, ctx.account_id, _QUOTA_NAMES[entity_type])
    if len(current) >= allowed:
        raise quotas.exceeded(_QUOTA_NAMES[entity_type], allowed)
    seq = ctx.db.scalar(
        select(func.coalesce(func.max(PolicyAttachment.seq), 0))
        .where(PolicyAttachment.entity_type == entity_type,
               PolicyAttachment.entity_id == entity_id)
    )
    ctx.db.add(PolicyAttachment(entity_type=entity_type, entity_id=entity_id, policy_arn=arn,
                                account_id=ctx.account_id, seq=seq + 1))


def _detach(ctx: CallContext, entity_type: str, entity_id: str, arn: str) -> None:
    row = ctx.db.get(PolicyAttachment, (entity_type, entity_id, arn))
    if row is None:
        raise no_such_entity(f"Policy {arn} was not found.")
    ctx.db.delete(row)


def _list_attached(ctx: CallContext, entity_type: str, entity_id: str,
                   params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("PathPrefix")
    shown = []
    for arn in attached_arns(ctx.db, entity_type, entity_id):
        info = lookup_policy(ctx.db, ctx.account_id, arn)
        if info is not None and path_matches(info.path, prefix):
            shown.append({"PolicyName": info.name, "PolicyArn": arn})
    return paginate(shown, params, "AttachedPolicies")


@operation("iam", "AttachUserPolicy")
def attach_user_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    _attach(ctx, "user", find_user(ctx, params["UserName"]).id, params["PolicyArn"])


@operation("iam", "AttachGroupPolicy")
def attach_group_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    _attach(ctx, "group", find_group(ctx, params["GroupName"]).id, params["PolicyArn"])


@operation("iam", "AttachRolePolicy")
def attach_role_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    _attach(ctx, "role", role.id, params["PolicyArn"])


@operation("iam", "DetachUserPolicy")
def detach_user_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    _detach(ctx, "user", find_user(ctx, params["UserName"]).id, params["PolicyArn"])


@operation("iam", "DetachGroupPolicy")
def detach_group_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    _detach(ctx, "group", find_group(ctx, params["GroupName"]).id, params["PolicyArn"])


@operation("iam", "DetachRolePolicy")
def detach_role_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    _detach(ctx, "role", role.id, params["PolicyArn"])


@operation("iam", "ListAttachedUserPolicies", cached=UNTIL_CHANGED)
def list_attached_user_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, "user", find_user(ctx, params["UserName"]).id, params)


@operation("iam", "ListAttachedGroupPolicies", cached=UNTIL_CHANGED)
def list_attached_group_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, "group", find_group(ctx, params["GroupName"]).id, params)


@operation("iam", "ListAttachedRolePolicies", cached=UNTIL_CHANGED)
def list_attached_role_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list_attached(ctx, "role", find_role(ctx, params["RoleName"]).id, params)


_ENTITY_TABLES = {"User": User, "Group": Group, "Role": Role}
_OUTPUT = {
    "User": ("PolicyUsers", "UserName", "UserId"),
    "Group": ("PolicyGroups", "GroupName", "GroupId"),
    "Role": ("PolicyRoles", "RoleName", "RoleId"),
}


@operation("iam", "ListEntitiesForPolicy", cached=UNTIL_CHANGED)
def list_entities_for_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Users, groups and roles that use a policy as a permissions policy or a boundary."""
    # A policy that does not exist "does not exist or is not attachable" here (LocalStack's
    # AWS-validated test_iam_policies snapshot, test_list_entities_for_policy_errors).
    arn = find_policy(ctx, params["PolicyArn"], attaching=True).arn
    kinds = [params["EntityFilter"]] if params.get("EntityFilter") else list(_ENTITY_TABLES)
    usage = params.get("PolicyUsageFilter")
    prefix = params.get("PathPrefix")
    found: list[tuple[str, Any]] = []
    for kind in kinds:
        table = _ENTITY_TABLES.get(kind)
        if table is None:  # LocalManagedPolicy / AWSManagedPolicy: no entity uses those
            continue
        ids: set[str] = set()
        if usage in (None, "PermissionsPolicy"):
            ids |= set(ctx.db.scalars(
                select(PolicyAttachment.entity_id).where(
                    PolicyAttachment.account_id == ctx.account_id,
                    PolicyAttachment.entity_type == kind.lower(),
                    PolicyAttachment.policy_arn == arn)
            ))
        if usage in (None, "PermissionsBoundary") and kind != "Group":
            ids |= set(ctx.db.scalars(
                select(table.id).where(table.account_id == ctx.account_id,
                                       table.permissions_boundary == arn)
            ))
        if ids:
            rows = ctx.db.scalars(
                select(table).where(table.id.in_(ids)).order_by(table.name_lower)
            )
            found += [(kind, r) for r in rows if path_matches(r.path, prefix)]
    page = paginate(found, params, "Entities")
    result: dict[str, Any] = {key: [] for key, _, _ in _OUTPUT.values()}
    for kind, row in page.pop("Entities"):
        key, name_field, id_field = _OUTPUT[kind]
        result[key].append({name_field: row.name, id_field: row.id})
    result.update(page)
    return result
