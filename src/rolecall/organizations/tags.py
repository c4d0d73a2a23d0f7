"""Tags on the organization's root, OUs, accounts and policies: TagResource,
UntagResource, ListTagsForResource. At most 50 tags per resource (Quotas for AWS
Organizations); keys are case-sensitive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..operations import CallContext, operation
from ..store.tables import Organization, OrganizationPolicy, OrganizationTag
from . import common

MAX_TAGS = 50
TARGET_NOT_FOUND = ("We can't find a root, OU, account, or policy with the ResourceId that you "
                    "specified.")
TAG_LIMIT = "You have exceeded the maximum number of tags allowed on this resource."
DUPLICATE_KEY = "You specified the same tag key more than once."


def check_new(tags: list[dict[str, str]]) -> None:
    keys = [t["Key"] for t in tags]
    if len(set(keys)) != len(keys):
        raise common.invalid_input("DUPLICATE_TAG_KEY", DUPLICATE_KEY)
    if len(keys) > MAX_TAGS:
        raise common.constraint("MAX_TAG_LIMIT_EXCEEDED", TAG_LIMIT)


def put(db: Session, org: Organization, resource_id: str, tags: list[dict[str, str]]) -> None:
    check_new(tags)
    existing = {t.key: t for t in db.scalars(select(OrganizationTag).where(
        OrganizationTag.organization_id == org.id, OrganizationTag.resource_id == resource_id))}
    new_keys = {t["Key"] for t in tags} - set(existing)
    if len(existing) + len(new_keys) > MAX_TAGS:
        raise common.constraint("MAX_TAG_LIMIT_EXCEEDED", TAG_LIMIT)
    for tag in tags:
        row = existing.get(tag["Key"])
        if row is None:
            db.add(OrganizationTag(organization_id=org.id, resource_id=resource_id,
                                   key=tag["Key"], value=tag["Value"]))
        else:
            row.value = tag["Value"]
    db.flush()


def drop(db: Session, org: Organization, resource_id: str) -> None:
    db.execute(delete(OrganizationTag).where(OrganizationTag.organization_id == org.id,
                                             OrganizationTag.resource_id == resource_id))


def _taggable(ctx: CallContext, org: Organization, resource_id: str) -> str:
    db = ctx.db
    found = (resource_id == org.root_id
             or common.ou(db, org, resource_id) is not None
             or common.member(db, org, resource_id) is not None)
    if not found:
        policy = db.get(OrganizationPolicy, (org.id, resource_id))
        found = policy is not None and not policy.aws_managed
    if not found:
        raise common.error("TargetNotFoundException", TARGET_NOT_FOUND)
    return resource_id


@operation("organizations", "TagResource")
def tag_resource(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    put(ctx.db, org, _taggable(ctx, org, params["ResourceId"]), params["Tags"])
    return None


@operation("organizations", "UntagResource")
def untag_resource(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    resource_id = _taggable(ctx, org, params["ResourceId"])
    ctx.db.execute(delete(OrganizationTag).where(
        OrganizationTag.organization_id == org.id, OrganizationTag.resource_id == resource_id,
        OrganizationTag.key.in_(params["TagKeys"])))
    return None


@operation("organizations", "ListTagsForResource")
def list_tags_for_resource(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    resource_id = _taggable(ctx, org, params["ResourceId"])
    rows = ctx.db.scalars(select(OrganizationTag).where(
        OrganizationTag.organization_id == org.id, OrganizationTag.resource_id == resource_id,
    ).order_by(OrganizationTag.key))
    page, token = common.paginate([{"Key": r.key, "Value": r.value} for r in rows], params)
    return {"Tags": page, "NextToken": token}
