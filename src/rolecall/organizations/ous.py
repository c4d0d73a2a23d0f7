"""Organizational units and the tree: CreateOrganizationalUnit, DescribeOrganizationalUnit,
UpdateOrganizationalUnit, DeleteOrganizationalUnit, ListOrganizationalUnitsForParent,
ListChildren, ListParents. OUs nest at most five levels below the root and an
organization holds at most 2,000 (Quotas for AWS Organizations); names are unique among
siblings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from ..operations import CallContext, operation
from ..store.tables import (
    Organization,
    OrganizationAccount,
    OrganizationalUnit,
    OrganizationPolicyAttachment,
)
from . import common, policies, tags
from .accounts import PARENT_NOT_FOUND, is_parent

MAX_DEPTH = 5
MAX_OUS = 2000
OU_NOT_FOUND = ("We can't find an organizational unit (OU) with the OrganizationalUnitId that "
                "you specified.")
CHILD_NOT_FOUND = ("We can't find an organizational unit (OU) or AWS account with the ChildId "
                   "that you specified.")
DUPLICATE = "An OU with the same name already exists."
NOT_EMPTY = ("The specified OU is not empty. Move all accounts to another root or to other OUs, "
             "remove all child OUs, and try the operation again.")
DEPTH_LIMIT = "You attempted to create an OU tree that is too many levels deep."
OU_LIMIT = "You have exceeded the allowed number of OUs in an organization."


def _ou_or_fail(ctx: CallContext, org: Organization, ou_id: str) -> OrganizationalUnit:
    row = common.ou(ctx.db, org, ou_id)
    if row is None:
        raise common.error("OrganizationalUnitNotFoundException", OU_NOT_FOUND)
    return row


def _check_unique(ctx: CallContext, org: Organization, parent_id: str, name: str) -> None:
    siblings = ctx.db.scalars(select(OrganizationalUnit.name).where(
        OrganizationalUnit.organization_id == org.id, OrganizationalUnit.parent_id == parent_id))
    if name in set(siblings):
        raise common.error("DuplicateOrganizationalUnitException", DUPLICATE)


@operation("organizations", "CreateOrganizationalUnit")
def create_organizational_unit(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    parent_id, name = params["ParentId"], params["Name"]
    if not is_parent(db, org, parent_id):
        raise common.error("ParentNotFoundException", PARENT_NOT_FOUND)
    if len(common.path_ids(db, org, parent_id)) > MAX_DEPTH:
        raise common.constraint("OU_DEPTH_LIMIT_EXCEEDED", DEPTH_LIMIT)
    count = db.scalar(select(func.count()).select_from(OrganizationalUnit)
                      .where(OrganizationalUnit.organization_id == org.id))
    if count >= MAX_OUS:
        raise common.constraint("OU_NUMBER_LIMIT_EXCEEDED", OU_LIMIT)
    _check_unique(ctx, org, parent_id, name)
    if params.get("Tags"):
        tags.check_new(params["Tags"])
    row = OrganizationalUnit(id=f"ou-{org.root_id[2:]}-{common.random_id(8)}",
                             organization_id=org.id, parent_id=parent_id, name=name,
                             created_at=ctx.now)
    db.add(row)
    db.flush()
    policies.attach_defaults(db, org, row.id)
    if params.get("Tags"):
        tags.put(db, org, row.id, params["Tags"])
    return {"OrganizationalUnit": common.ou_shape(db, org, row)}


@operation("organizations", "DescribeOrganizationalUnit")
def describe_organizational_unit(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _ou_or_fail(ctx, org, params["OrganizationalUnitId"])
    return {"OrganizationalUnit": common.ou_shape(ctx.db, org, row)}


@operation("organizations", "UpdateOrganizationalUnit")
def update_organizational_unit(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _ou_or_fail(ctx, org, params["OrganizationalUnitId"])
    name = params.get("Name")
    if name is not None and name != row.name:
        _check_unique(ctx, org, row.parent_id, name)
        row.name = name
    return {"OrganizationalUnit": common.ou_shape(ctx.db, org, row)}


@operation("organizations", "DeleteOrganizationalUnit")
def delete_organizational_unit(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    row = _ou_or_fail(ctx, org, params["OrganizationalUnitId"])
    children = db.scalar(select(func.count()).select_from(OrganizationalUnit)
                         .where(OrganizationalUnit.parent_id == row.id))
    accounts = db.scalar(select(func.count()).select_from(OrganizationAccount)
                         .where(OrganizationAccount.parent_id == row.id))
    if children or accounts:
        raise common.error("OrganizationalUnitNotEmptyException", NOT_EMPTY)
    db.execute(delete(OrganizationPolicyAttachment).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.target_id == row.id))
    tags.drop(db, org, row.id)
    db.delete(row)
    return None


def _child_ous(ctx: CallContext, org: Organization, parent_id: str) -> list[OrganizationalUnit]:
    return list(ctx.db.scalars(select(OrganizationalUnit).where(
        OrganizationalUnit.organization_id == org.id, OrganizationalUnit.parent_id == parent_id,
    ).order_by(OrganizationalUnit.created_at, OrganizationalUnit.id)))


@operation("organizations", "ListOrganizationalUnitsForParent")
def list_organizational_units_for_parent(ctx: CallContext,
                                         params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    if not is_parent(ctx.db, org, params["ParentId"]):
        raise common.error("ParentNotFoundException", PARENT_NOT_FOUND)
    units = [common.ou_shape(ctx.db, org, r) for r in _child_ous(ctx, org, params["ParentId"])]
    page, token = common.paginate(units, params)
    return {"OrganizationalUnits": page, "NextToken": token}


@operation("organizations", "ListChildren")
def list_children(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    parent_id = params["ParentId"]
    if not is_parent(ctx.db, org, parent_id):
        raise common.error("ParentNotFoundException", PARENT_NOT_FOUND)
    if params["ChildType"] == "ORGANIZATIONAL_UNIT":
        ids = [r.id for r in _child_ous(ctx, org, parent_id)]
    else:
        ids = list(ctx.db.scalars(select(OrganizationAccount.account_id).where(
            OrganizationAccount.organization_id == org.id,
            OrganizationAccount.parent_id == parent_id,
        ).order_by(OrganizationAccount.joined_at, OrganizationAccount.account_id)))
    page, token = common.paginate([{"Id": i, "Type": params["ChildType"]} for i in ids], params)
    return {"Children": page, "NextToken": token}


@operation("organizations", "ListParents")
def list_parents(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    child_id = params["ChildId"]
    unit = common.ou(ctx.db, org, child_id)
    member = common.member(ctx.db, org, child_id) if unit is None else None
    if unit is None and member is None:
        raise common.error("ChildNotFoundException", CHILD_NOT_FOUND)
    parent_id = unit.parent_id if unit is not None else member.parent_id  # type: ignore[union-attr]
    kind = "ROOT" if parent_id == org.root_id else "ORGANIZATIONAL_UNIT"
    page, token = common.paginate([{"Id": parent_id, "Type": kind}], params)
    return {"Parents": page, "NextToken": token}
