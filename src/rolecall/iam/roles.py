"""IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole, role tags and permissions boundaries.

Service-linked roles live in the same table; only the service that owns one may change it,
so every modifying call goes through ``require_modifiable``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, exists, select

from .. import ids
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import AWSError
from ..response_cache import USAGE_SECONDS
from ..store.tables import InlinePolicy, InstanceProfile, PolicyAttachment, Role
from .boundaries import boundary_shape, require_boundary_policy
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    find_role,
    key_page,
    list_tags,
    path_filter,
    remove_tags,
    require_account_quota,
    role_arn,
    tags_page,
)
from .trust_policies import validate_trust_policy

TAG_TYPE = "role"


def require_modifiable(role: Role) -> None:
    """Service-linked roles are changed only by their service (UnmodifiableEntity)."""
    if role.service_linked:
        raise AWSError(
            "UnmodifiableEntity",
            f"Cannot perform the operation on the protected role '{role.name}' - "
            "this role is only modifiable by AWS",
        )


def role_shape(ctx: CallContext, role: Role, *, detail: bool) -> dict[str, Any]:
    """A Role as IAM returns it. ``detail`` adds what only GetRole-like calls show
    (PermissionsBoundary, Tags, RoleLastUsed); ListRoles and instance profiles leave them out."""
    shape: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.id,
        "Arn": role_arn(role),
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": role.assume_role_policy,
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description is not None:
        shape["Description"] = role.description
    if detail:
        if role.permissions_boundary:
            shape["PermissionsBoundary"] = boundary_shape(role.permissions_boundary)
        tags = list_tags(ctx.db, TAG_TYPE, role.id)
        if tags:
            shape["Tags"] = tags
        shape["RoleLastUsed"] = last_used_shape(ctx, role.id, role.last_used_at,
                                                role.last_used_region)
    return shape


def last_used_shape(ctx: CallContext, role_id: str, at: dt.datetime | None,
                    region: str | None) -> dict[str, Any]:
    """RoleLastUsed from the stored last use, or a newer one this process has recorded and
    not yet written (role uses are written in batches)."""
    at, region = ctx.server.audit.newest_role_use(role_id, at, region)
    last_used: dict[str, Any] = {}
    if at is not None:
        last_used["LastUsedDate"] = at
        if region:
            last_used["Region"] = region
    return last_used


def new_role(ctx: CallContext, *, name: str, path: str, trust_policy: str,
             description: str | None = None, max_session_duration: int | None = None,
             service_linked: bool = False) -> Role:
    """Insert a role after the checks every kind of role shares (name taken, quota)."""
    if ctx.db.scalar(select(exists().where(Role.account_id == ctx.account_id,
                                           Role.name_lower == name.lower()))):
        raise AWSError("EntityAlreadyExists", f"Role with name {name} already exists.")
    require_account_quota(ctx, Role, "RolesPerAccount")
    role = Role(
        id=ids.unique_id(ids.ROLE),
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=path,
        assume_role_policy=trust_policy,
        description=description,
        max_session_duration=max_session_duration or 3600,
        created_at=ctx.now,
        service_linked=service_linked,
    )
    ctx.db.add(role)
    ctx.db.flush()
    return role


@operation("iam", "CreateRole")
def create_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    document = params["AssumeRolePolicyDocument"]
    validate_trust_policy(ctx, document)
    boundary = params.get("PermissionsBoundary")
    if boundary:
        require_boundary_policy(ctx, boundary)
    role = new_role(
        ctx,
        name=params["RoleName"],
        path=params.get("Path") or "/",
        trust_policy=document,
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration"),
    )
    role.permissions_boundary = boundary
    add_tags(ctx, TAG_TYPE, role.id, tags)
    # Recorded CreateRole answers carry neither MaxSessionDuration nor Description, which
    # GetRole shows (localstack tests/aws/services/iam/test_iam_roles.snapshot.json, recorded
    # against AWS; the API reference sample agrees).
    shape = role_shape(ctx, role, detail=True)
    for member in ("RoleLastUsed", "MaxSessionDuration", "Description"):
        shape.pop(member, None)
    return {"Role": shape}


_LAST_USED = select(Role.last_used_at, Role.last_used_region).where(
    Role.id == bindparam("role_id")
)


@operation("iam", "GetRole", cached=USAGE_SECONDS)
def get_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The role as IAM state describes it is cached until that state changes; only
    RoleLastUsed, which role assumption moves, is read afresh."""
    name = params["RoleName"]
    shape = ctx.server.memo(
        ("GetRole", ctx.account_id, name.lower()),
        lambda: role_shape(ctx, find_role(ctx, name), detail=True),
    )
    ctx.cache_tags.append(shape["RoleId"])
    used = ctx.db.execute(_LAST_USED, {"role_id": shape["RoleId"]}).first()
    last_used = last_used_shape(ctx, shape["RoleId"], used.last_used_at if used else None,
                                used.last_used_region if used else None)
    return {"Role": {**shape, "RoleLastUsed": last_used}}


@operation("iam", "ListRoles")
def list_roles(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    query = select(Role.__table__).where(Role.account_id == ctx.account_id,
                               path_filter(Role.path, params.get("PathPrefix")))
    page = key_page(ctx.db, query, [Role.name_lower], params, "Roles")
    page["Roles"] = [role_shape(ctx, r, detail=False) for r in page["Roles"]]
    return page


@operation("iam", "UpdateAssumeRolePolicy")
def update_assume_role_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    validate_trust_policy(ctx, params["PolicyDocument"])
    role.assume_role_policy = params["PolicyDocument"]


@operation("iam", "UpdateRole")
def update_role(ctx: CallContext, params: dict[str, Any]) -> None:
    """The description of any role may be edited, a service-linked one's too (IAM User Guide,
    "Update a service-linked role"); its maximum session duration may not."""
    role = find_role(ctx, params["RoleName"])
    if params.get("MaxSessionDuration") is not None:
        require_modifiable(role)
    if "Description" in params:
        role.description = params["Description"]
    if params.get("MaxSessionDuration") is not None:
        role.max_session_duration = params["MaxSessionDuration"]


@operation("iam", "UpdateRoleDescription")
def update_role_description(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    role = find_role(ctx, params["RoleName"])
    role.description = params["Description"]
    # Recorded answers hold the new Description but neither MaxSessionDuration nor
    # RoleLastUsed (localstack test_iam_roles.snapshot.json, test_update_role, from AWS).
    shape = role_shape(ctx, role, detail=True)
    shape.pop("MaxSessionDuration")
    shape.pop("RoleLastUsed")
    return {"Role": shape}


@operation("iam", "DeleteRole")
def delete_role(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    delete_role_row(ctx, role)


def delete_role_row(ctx: CallContext, role: Role) -> None:
    """Delete a role that nothing refers to any more (DeleteConflict otherwise)."""
    conflicts = (
        (select(InstanceProfile.id).where(InstanceProfile.role_id == role.id),
         "must remove roles from instance profile first"),
        (select(PolicyAttachment.policy_arn).where(PolicyAttachment.entity_type == "role",
                                                   PolicyAttachment.entity_id == role.id),
         "must detach all policies first"),
        (select(InlinePolicy.id).where(InlinePolicy.entity_type == "role",
                                       InlinePolicy.entity_id == role.id),
         "must delete policies first"),
    )
    for query, reason in conflicts:
        if ctx.db.execute(query.limit(1)).first() is not None:
            raise AWSError("DeleteConflict", f"Cannot delete entity, {reason}.")
    drop_all_tags(ctx, TAG_TYPE, role.id)
    ctx.db.delete(role)


@operation("iam", "PutRolePermissionsBoundary")
def put_role_permissions_boundary(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    require_boundary_policy(ctx, params["PermissionsBoundary"])
    role.permissions_boundary = params["PermissionsBoundary"]


@operation("iam", "DeleteRolePermissionsBoundary")
def delete_role_permissions_boundary(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    role.permissions_boundary = None


@operation("iam", "TagRole")
def tag_role(ctx: CallContext, params: dict[str, Any]) -> None:
    add_tags(ctx, TAG_TYPE, find_role(ctx, params["RoleName"]).id, params["Tags"])


@operation("iam", "UntagRole")
def untag_role(ctx: CallContext, params: dict[str, Any]) -> None:
    remove_tags(ctx, TAG_TYPE, find_role(ctx, params["RoleName"]).id, params["TagKeys"])


@operation("iam", "ListRoleTags", cached=UNTIL_CHANGED)
def list_role_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return tags_page(ctx, TAG_TYPE, find_role(ctx, params["RoleName"]).id, params)
