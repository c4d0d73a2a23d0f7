"""Instance profiles: the container EC2 uses to pass one role to an instance."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from .. import ids
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import InstanceProfile, Role
from . import quotas
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    find_role,
    iam_arn,
    key_page,
    list_tags,
    paginate,
    path_filter,
    remove_tags,
    require_account_quota,
    tags_page,
)
from .roles import require_modifiable, role_shape

TAG_TYPE = "instance-profile"


def find_instance_profile(ctx: CallContext, name: str) -> InstanceProfile:
    profile = ctx.db.scalar(select(InstanceProfile).where(
        InstanceProfile.account_id == ctx.account_id,
        InstanceProfile.name_lower == name.lower(),
    ))
    if profile is None:
        raise no_such_entity(f"Instance Profile {name} cannot be found.")
    return profile


def instance_profile_shape(ctx: CallContext, profile: InstanceProfile, *,
                           with_tags: bool) -> dict[str, Any]:
    roles = []
    if profile.role_id is not None:
        role = ctx.db.get(Role, profile.role_id)
        if role is not None:
            # A role inside an instance profile has no MaxSessionDuration and no Description
            # (recorded GetInstanceProfile and GetAccountAuthorizationDetails answers, localstack
            # test_iam_account_authorization_details.snapshot.json: role-filter-result, a role
            # created with a description).
            shape = role_shape(ctx, role, detail=False)
            shape.pop("MaxSessionDuration")
            shape.pop("Description", None)
            roles.append(shape)
    shape: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.id,
        "Arn": iam_arn(profile.account_id, "instance-profile", profile.path, profile.name),
        "CreateDate": profile.created_at,
        "Roles": roles,
    }
    if with_tags:
        shape["Tags"] = list_tags(ctx.db, TAG_TYPE, profile.id)
    return shape


@operation("iam", "CreateInstanceProfile")
def create_instance_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["InstanceProfileName"]
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    if ctx.db.scalar(select(exists().where(InstanceProfile.account_id == ctx.account_id,
                                           InstanceProfile.name_lower == name.lower()))):
        raise AWSError("EntityAlreadyExists", f"Instance Profile {name} already exists.")
    require_account_quota(ctx, InstanceProfile, "InstanceProfilesPerAccount")
    profile = InstanceProfile(
        id=ids.unique_id(ids.INSTANCE_PROFILE),
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=params.get("Path") or "/",
        created_at=ctx.now,
    )
    ctx.db.add(profile)
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, profile.id, tags)
    shape = instance_profile_shape(ctx, profile, with_tags=True)
    if not shape["Tags"]:
        del shape["Tags"]  # CreateInstanceProfile leaves an empty list out; GetInstanceProfile not
    return {"InstanceProfile": shape}


@operation("iam", "GetInstanceProfile", cached=UNTIL_CHANGED)
def get_instance_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    return {"InstanceProfile": instance_profile_shape(ctx, profile, with_tags=True)}


@operation("iam", "ListInstanceProfiles")
def list_instance_profiles(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    query = select(InstanceProfile.__table__).where(
        InstanceProfile.account_id == ctx.account_id,
        path_filter(InstanceProfile.path, params.get("PathPrefix")))
    page = key_page(ctx.db, query, [InstanceProfile.name_lower], params, "InstanceProfiles")
    page["InstanceProfiles"] = [instance_profile_shape(ctx, p, with_tags=False)
                                for p in page["InstanceProfiles"]]
    return page


@operation("iam", "ListInstanceProfilesForRole", cached=UNTIL_CHANGED)
def list_instance_profiles_for_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    role = find_role(ctx, params["RoleName"])
    profiles = ctx.db.scalars(
        select(InstanceProfile).where(InstanceProfile.role_id == role.id)
        .order_by(InstanceProfile.name_lower)
    ).all()
    page = paginate(profiles, params, "InstanceProfiles")
    page["InstanceProfiles"] = [instance_profile_shape(ctx, p, with_tags=False)
                                for p in page["InstanceProfiles"]]
    return page


@operation("iam", "DeleteInstanceProfile")
def delete_instance_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    if profile.role_id is not None:
        raise AWSError("DeleteConflict",
                       "Cannot delete entity, must remove roles from instance profile first.")
    drop_all_tags(ctx, TAG_TYPE, profile.id)
    ctx.db.delete(profile)


@operation("iam", "AddRoleToInstanceProfile")
def add_role_to_instance_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    if profile.role_id is not None:
        raise quotas.exceeded("InstanceSessionsPerInstanceProfile",
                              quotas.ROLES_PER_INSTANCE_PROFILE)
    profile.role_id = role.id


@operation("iam", "RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    if profile.role_id != role.id:
        # LocalStack's AWS-validated test_iam_instance_profiles snapshot,
        # test_role_instance_profile_operations_errors: remove-unattached-role-error.
        raise no_such_entity(
            f"Role {role.name} in Instance Profile {profile.name} cannot be found.")
    profile.role_id = None


@operation("iam", "TagInstanceProfile")
def tag_instance_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    add_tags(ctx, TAG_TYPE, profile.id, params["Tags"])


@operation("iam", "UntagInstanceProfile")
def untag_instance_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    remove_tags(ctx, TAG_TYPE, profile.id, params["TagKeys"])


@operation("iam", "ListInstanceProfileTags", cached=UNTIL_CHANGED)
def list_instance_profile_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = find_instance_profile(ctx, params["InstanceProfileName"])
    return tags_page(ctx, TAG_TYPE, profile.id, params)
