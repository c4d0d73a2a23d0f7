"""IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, user tags and
permissions boundaries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from .. import ids
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import AWSError
from ..response_cache import USAGE_SECONDS
from ..store.tables import (
    AccessKey,
    Account,
    GroupMember,
    InlinePolicy,
    LoginProfile,
    MFADevice,
    PolicyAttachment,
    ServiceSpecificCredential,
    SigningCertificate,
    SSHPublicKey,
    User,
)
from .boundaries import boundary_shape, require_boundary_policy
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    find_user,
    key_page,
    list_tags,
    path_filter,
    remove_tags,
    require_account_quota,
    tags_page,
    user_arn,
)

TAG_TYPE = "user"


def user_shape(ctx: CallContext, user: User, *, detail: bool = False) -> dict[str, Any]:
    """A User as IAM returns it. ``detail`` adds what only GetUser-like calls show
    (PermissionsBoundary, Tags); ListUsers and GetGroup leave them out, as IAM documents."""
    shape: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.id,
        "Arn": user_arn(user),
        "CreateDate": user.created_at,
    }
    if user.password_last_used:
        shape["PasswordLastUsed"] = user.password_last_used
    if detail:
        if user.permissions_boundary:
            shape["PermissionsBoundary"] = boundary_shape(user.permissions_boundary)
        tags = list_tags(ctx.db, TAG_TYPE, user.id)
        if tags:
            shape["Tags"] = tags
    return shape


@operation("iam", "CreateUser")
def create_user(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["UserName"]
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    if ctx.db.scalar(select(exists().where(User.account_id == ctx.account_id,
                                           User.name_lower == name.lower()))):
        raise AWSError("EntityAlreadyExists", f"User with name {name} already exists.")
    require_account_quota(ctx, User, "UsersPerAccount")
    boundary = params.get("PermissionsBoundary")
    if boundary:
        require_boundary_policy(ctx, boundary)
    user = User(
        id=ids.unique_id(ids.USER),
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=params.get("Path") or "/",
        created_at=ctx.now,
        permissions_boundary=boundary,
    )
    ctx.db.add(user)
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, user.id, tags)
    return {"User": user_shape(ctx, user, detail=True)}


@operation("iam", "GetUser", cached=USAGE_SECONDS)
def get_user(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    if name is None:
        p = ctx.principal
        if p.is_root:
            # The root user has no user name or path: IAM answers its id, ARN and the
            # account's creation date only.
            account = ctx.db.get(Account, ctx.account_id)
            return {"User": {"UserId": p.account_id, "Arn": p.arn,
                             "CreateDate": account.created_at}}
        if p.user_name is None or p.type != "IAMUser":
            raise AWSError(
                "ValidationError",
                "Must specify userName when calling with non-User credentials",
            )
        name = p.user_name
    return {"User": user_shape(ctx, find_user(ctx, name), detail=True)}


@operation("iam", "ListUsers")
def list_users(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    query = select(User.__table__).where(User.account_id == ctx.account_id,
                               path_filter(User.path, params.get("PathPrefix")))
    page = key_page(ctx.db, query, [User.name_lower], params, "Users")
    page["Users"] = [user_shape(ctx, u) for u in page["Users"]]
    return page


@operation("iam", "UpdateUser")
def update_user(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    new_name = params.get("NewUserName")
    if new_name and new_name.lower() != user.name_lower and ctx.db.scalar(
        select(exists().where(User.account_id == ctx.account_id,
                              User.name_lower == new_name.lower()))
    ):
        raise AWSError("EntityAlreadyExists", f"User with name {new_name} already exists.")
    if new_name:
        user.name, user.name_lower = new_name, new_name.lower()
    if params.get("NewPath"):
        user.path = params["NewPath"]


@operation("iam", "DeleteUser")
def delete_user(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    conflicts = (
        (select(AccessKey.id).where(AccessKey.user_id == user.id), "must delete access keys first"),
        (select(LoginProfile.user_id).where(LoginProfile.user_id == user.id),
         "must delete login profile first"),
        (select(GroupMember.user_id).where(GroupMember.user_id == user.id),
         "must remove users from group first"),
        (select(PolicyAttachment.policy_arn).where(PolicyAttachment.entity_type == "user",
                                                   PolicyAttachment.entity_id == user.id),
         "must detach all policies first"),
        (select(InlinePolicy.id).where(InlinePolicy.entity_type == "user",
                                       InlinePolicy.entity_id == user.id),
         "must delete policies first"),
        (select(MFADevice.serial_number).where(MFADevice.owner_id == user.id),
         "must delete MFA device first"),
        (select(SigningCertificate.id).where(SigningCertificate.user_id == user.id),
         "must delete signing certificates first"),
        # SSH public keys and service-specific credentials get IAM's generic wording
        # (recorded DeleteUser answers, e.g. CloudFormation's report for a CodeCommit user).
        (select(SSHPublicKey.id).where(SSHPublicKey.user_id == user.id),
         "must remove referenced objects first"),
        (select(ServiceSpecificCredential.id).where(ServiceSpecificCredential.user_id == user.id),
         "must remove referenced objects first"),
    )
    for query, reason in conflicts:
        if ctx.db.execute(query.limit(1)).first() is not None:
            raise AWSError("DeleteConflict", f"Cannot delete entity, {reason}.")
    drop_all_tags(ctx, TAG_TYPE, user.id)
    ctx.db.delete(user)


@operation("iam", "TagUser")
def tag_user(ctx: CallContext, params: dict[str, Any]) -> None:
    add_tags(ctx, TAG_TYPE, find_user(ctx, params["UserName"]).id, params["Tags"])


@operation("iam", "UntagUser")
def untag_user(ctx: CallContext, params: dict[str, Any]) -> None:
    remove_tags(ctx, TAG_TYPE, find_user(ctx, params["UserName"]).id, params["TagKeys"])


@operation("iam", "ListUserTags", cached=UNTIL_CHANGED)
def list_user_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return tags_page(ctx, TAG_TYPE, find_user(ctx, params["UserName"]).id, params)


@operation("iam", "PutUserPermissionsBoundary")
def put_user_permissions_boundary(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    require_boundary_policy(ctx, params["PermissionsBoundary"])
    user.permissions_boundary = params["PermissionsBoundary"]


@operation("iam", "DeleteUserPermissionsBoundary")
def delete_user_permissions_boundary(ctx: CallContext, params: dict[str, Any]) -> None:
    find_user(ctx, params["UserName"]).permissions_boundary = None
