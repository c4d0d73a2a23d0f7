"""IAM groups and their members: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. A user is in at most ten groups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select

from .. import ids
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import AWSError
from ..response_cache import USAGE_SECONDS
from ..store.tables import Group, GroupMember, InlinePolicy, PolicyAttachment, User
from . import quotas
from .common import (
    find_group,
    find_user,
    group_arn,
    key_page,
    paginate,
    path_filter,
    require_account_quota,
)
from .users import user_shape


def group_shape(group: Group) -> dict[str, Any]:
    return {"Path": group.path, "GroupName": group.name, "GroupId": group.id,
            "Arn": group_arn(group), "CreateDate": group.created_at}


def groups_of_user(ctx: CallContext, user_id: str) -> list[Group]:
    return list(ctx.db.scalars(
        select(Group).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id).order_by(GroupMember.added_seq)
    ))


def _name_taken(ctx: CallContext, name: str) -> bool:
    return bool(ctx.db.scalar(select(exists().where(Group.account_id == ctx.account_id,
                                                    Group.name_lower == name.lower()))))


@operation("iam", "CreateGroup")
def create_group(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    if _name_taken(ctx, name):
        raise AWSError("EntityAlreadyExists", f"Group with name {name} already exists.")
    require_account_quota(ctx, Group, "GroupsPerAccount")
    group = Group(id=ids.unique_id(ids.GROUP), account_id=ctx.account_id, name=name,
                  name_lower=name.lower(), path=params.get("Path") or "/", created_at=ctx.now)
    ctx.db.add(group)
    return {"Group": group_shape(group)}


@operation("iam", "GetGroup", cached=USAGE_SECONDS)
def get_group(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    group = find_group(ctx, params["GroupName"])
    members = (select(User.__table__).join(GroupMember, GroupMember.user_id == User.id)
               .where(GroupMember.group_id == group.id))
    page = key_page(ctx.db, members, [User.name_lower], params, "Users")
    page["Users"] = [user_shape(ctx, u) for u in page["Users"]]
    page["Group"] = group_shape(group)
    return page


@operation("iam", "ListGroups")
def list_groups(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    query = select(Group.__table__).where(Group.account_id == ctx.account_id,
                                path_filter(Group.path, params.get("PathPrefix")))
    page = key_page(ctx.db, query, [Group.name_lower], params, "Groups")
    page["Groups"] = [group_shape(g) for g in page["Groups"]]
    return page


@operation("iam", "UpdateGroup")
def update_group(ctx: CallContext, params: dict[str, Any]) -> None:
    group = find_group(ctx, params["GroupName"])
    new_name = params.get("NewGroupName")
    if new_name and new_name.lower() != group.name_lower and _name_taken(ctx, new_name):
        raise AWSError("EntityAlreadyExists", f"Group with name {new_name} already exists.")
    if new_name:
        group.name, group.name_lower = new_name, new_name.lower()
    if params.get("NewPath"):
        group.path = params["NewPath"]


@operation("iam", "DeleteGroup")
def delete_group(ctx: CallContext, params: dict[str, Any]) -> None:
    group = find_group(ctx, params["GroupName"])
    conflicts = (
        (select(GroupMember.user_id).where(GroupMember.group_id == group.id),
         "must remove users from group first"),
        (select(InlinePolicy.id).where(InlinePolicy.entity_type == "group",
                                       InlinePolicy.entity_id == group.id),
         "must delete policies first"),
        (select(PolicyAttachment.policy_arn).where(PolicyAttachment.entity_type == "group",
                                                   PolicyAttachment.entity_id == group.id),
         "must detach all policies first"),
    )
    for query, reason in conflicts:
        if ctx.db.execute(query.limit(1)).first() is not None:
            raise AWSError("DeleteConflict", f"Cannot delete entity, {reason}.")
    ctx.db.delete(group)


@operation("iam", "AddUserToGroup")
def add_user_to_group(ctx: CallContext, params: dict[str, Any]) -> None:
    group = find_group(ctx, params["GroupName"])
    user = find_user(ctx, params["UserName"])
    if ctx.db.get(GroupMember, (group.id, user.id)) is not None:
        return
    current = ctx.db.scalar(select(func.count()).select_from(GroupMember)
                            .where(GroupMember.user_id == user.id))
    if current >= quotas.GROUPS_PER_USER:
        raise quotas.exceeded("GroupsPerUser", quotas.GROUPS_PER_USER)
    seq = ctx.db.scalar(select(func.coalesce(func.max(GroupMember.added_seq), 0))
                        .where(GroupMember.user_id == user.id))
    ctx.db.add(GroupMember(group_id=group.id, user_id=user.id, added_seq=seq + 1))


@operation("iam", "RemoveUserFromGroup")
def remove_user_from_group(ctx: CallContext, params: dict[str, Any]) -> None:
    # The user is looked up first: with neither there, AWS names the user (LocalStack's
    # AWS-validated test_iam_groups snapshot, remove-from-unknown-group).
    user = find_user(ctx, params["UserName"])
    group = find_group(ctx, params["GroupName"])
    member = ctx.db.get(GroupMember, (group.id, user.id))
    if member is not None:  # removing a non-member succeeds, as in IAM
        ctx.db.delete(member)


@operation("iam", "ListGroupsForUser", cached=UNTIL_CHANGED)
def list_groups_for_user(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = find_user(ctx, params["UserName"])
    page = paginate(groups_of_user(ctx, user.id), params, "Groups")
    page["Groups"] = [group_shape(g) for g in page["Groups"]]
    return page
