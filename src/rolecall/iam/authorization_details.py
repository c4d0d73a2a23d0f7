"""GetAccountAuthorizationDetails, read one page at a time: users, groups, roles, the
account's managed policies and the AWS managed policies in use, in that order, each kind
by name. The marker names the last item's kind and sort key; a page reads its rows with
ORDER BY and LIMIT after it, and the policies, tags, groups and attachments of exactly
those rows in one query each, so memory and time per page do not grow with the account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from ..data import managed_policies
from ..operations import CallContext, operation
from ..store.tables import (
    Group,
    GroupMember,
    InlinePolicy,
    InstanceProfile,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
    Tag,
    User,
)
from .boundaries import boundary_shape
from .common import decode_key_marker, group_arn, invalid_marker, key_marker, page_size
from .instance_profiles import instance_profile_shape
from .policies import (
    PolicyInfo,
    attachment_counts,
    boundary_counts,
    info_from_row,
    lookup_policy,
    policy_shape,
)
from .roles import last_used_shape, role_shape
from .users import user_shape

# The kinds in the order the answer lists them, as the Filter parameter names them.
KINDS = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")


@operation("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every user, group, role and managed policy in use, with their policies, paginated."""
    wanted = set(params.get("Filter") or KINDS)
    after = decode_key_marker(params.get("Marker"), 2)
    if after is not None and after[0] not in KINDS:
        raise invalid_marker()
    limit = page_size(params)
    start = KINDS.index(after[0]) if after else 0
    found: list[tuple[str, str, Any]] = []  # (kind, sort key, row)
    for kind in KINDS[start:]:
        if kind not in wanted:
            continue
        key = after[1] if after and kind == after[0] else None
        found += _READERS[kind](ctx, key, limit + 1 - len(found))
        if len(found) > limit:
            break
    page = found[:limit]
    result: dict[str, Any] = {
        "UserDetailList": _users(ctx, [r for k, _, r in page if k == "User"]),
        "GroupDetailList": _groups(ctx, [r for k, _, r in page if k == "Group"]),
        "RoleDetailList": _roles(ctx, [r for k, _, r in page if k == "Role"]),
        "Policies": _policies(ctx, [r for k, _, r in page if k.endswith("ManagedPolicy")]),
        "IsTruncated": len(found) > limit,
    }
    if result["IsTruncated"]:
        kind, key, _ = page[-1]
        result["Marker"] = key_marker([kind, key])
    return result


# --- one kind's rows after a key --------------------------------------------------------


def _named_rows(table: Any) -> Callable[[CallContext, str | None, int], list]:
    def read(ctx: CallContext, after: str | None, count: int) -> list[tuple[str, str, Any]]:
        query = select(table.__table__).where(table.account_id == ctx.account_id)
        if after is not None:
            query = query.where(table.name_lower > after)
        rows = ctx.db.execute(query.order_by(table.name_lower).limit(count))  # plain rows
        kind = "LocalManagedPolicy" if table is ManagedPolicy else table.__name__
        return [(kind, r.name_lower, r) for r in rows]
    return read


def _aws_policies_in_use(ctx: CallContext, after: str | None,
                         count: int) -> list[tuple[str, str, Any]]:
    in_use = set(ctx.db.scalars(select(PolicyAttachment.policy_arn).distinct().where(
        PolicyAttachment.account_id == ctx.account_id,
        PolicyAttachment.policy_arn.like("arn:aws:iam::aws:%"))))
    in_use |= set(boundary_counts(ctx.db, ctx.account_id))
    arns = sorted(a for a in in_use if managed_policies.get(a) is not None
                  and (after is None or a > after))
    return [("AWSManagedPolicy", arn, lookup_policy(ctx.db, ctx.account_id, arn))
            for arn in arns[:count]]


_READERS = {"User": _named_rows(User), "Group": _named_rows(Group), "Role": _named_rows(Role),
            "LocalManagedPolicy": _named_rows(ManagedPolicy),
            "AWSManagedPolicy": _aws_policies_in_use}


# --- the details of one page's rows, a query per relation --------------------------------


def _by_owner(rows: Iterable[Any], owner: Callable[[Any], str]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[owner(row)].append(row)
    return grouped


def _tags(ctx: CallContext, resource_type: str, ids: list[str]) -> dict[str, list]:
    rows = ctx.db.execute(select(Tag.resource_id, Tag.key, Tag.value).where(
        Tag.resource_type == resource_type, Tag.resource_id.in_(ids)).order_by(Tag.id))
    return {owner: [{"Key": t.key, "Value": t.value} for t in tags]
            for owner, tags in _by_owner(rows, lambda t: t.resource_id).items()}


def _inline(ctx: CallContext, entity_type: str, ids: list[str]) -> dict[str, list]:
    rows = ctx.db.execute(select(InlinePolicy.entity_id, InlinePolicy.name,
                                 InlinePolicy.document)
                          .where(InlinePolicy.entity_type == entity_type,
                                 InlinePolicy.entity_id.in_(ids))
                          .order_by(InlinePolicy.name))
    return {owner: [{"PolicyName": p.name, "PolicyDocument": p.document} for p in policies]
            for owner, policies in _by_owner(rows, lambda p: p.entity_id).items()}


def _attached(ctx: CallContext, entity_type: str, ids: list[str]) -> dict[str, list]:
    """Each entity's attached managed policies, in the order attached, by name and ARN."""
    rows = list(ctx.db.execute(
        select(PolicyAttachment.entity_id, PolicyAttachment.policy_arn)
        .where(PolicyAttachment.entity_type == entity_type,
               PolicyAttachment.entity_id.in_(ids))
        .order_by(PolicyAttachment.entity_id, PolicyAttachment.seq)))
    local = {arn for _, arn in rows if managed_policies.get(arn) is None}
    names = dict(ctx.db.execute(
        select(ManagedPolicy.arn, ManagedPolicy.name)
        .where(ManagedPolicy.account_id == ctx.account_id, ManagedPolicy.arn.in_(local))).all())
    for arn in {arn for _, arn in rows} - local:
        names[arn] = managed_policies.get(arn).name  # type: ignore[union-attr]
    out: dict[str, list] = defaultdict(list)
    for entity_id, arn in rows:
        if arn in names:
            out[entity_id].append({"PolicyName": names[arn], "PolicyArn": arn})
    return out


def _users(ctx: CallContext, users: list[User]) -> list[dict[str, Any]]:
    ids = [u.id for u in users]
    if not ids:
        return []
    tags, inline, attached = _tags(ctx, "user", ids), _inline(ctx, "user", ids), \
        _attached(ctx, "user", ids)
    groups = _by_owner(ctx.db.execute(
        select(GroupMember.user_id, Group.name).join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.user_id.in_(ids)).order_by(GroupMember.added_seq)),
        lambda r: r.user_id)
    out = []
    for user in users:
        # Recorded answers: Tags present even when empty, an empty UserPolicyList left out
        # (localstack test_iam_account_authorization_details.snapshot.json, from AWS).
        detail = user_shape(ctx, user)
        detail.pop("PasswordLastUsed", None)
        if user.permissions_boundary:
            detail["PermissionsBoundary"] = boundary_shape(user.permissions_boundary)
        detail["Tags"] = tags.get(user.id, [])
        if inline.get(user.id):
            detail["UserPolicyList"] = inline[user.id]
        detail["GroupList"] = [r.name for r in groups.get(user.id, [])]
        detail["AttachedManagedPolicies"] = attached.get(user.id, [])
        out.append(detail)
    return out


def _groups(ctx: CallContext, groups: list[Group]) -> list[dict[str, Any]]:
    ids = [g.id for g in groups]
    if not ids:
        return []
    inline, attached = _inline(ctx, "group", ids), _attached(ctx, "group", ids)
    return [{"Path": g.path, "GroupName": g.name, "GroupId": g.id, "Arn": group_arn(g),
             "CreateDate": g.created_at, "GroupPolicyList": inline.get(g.id, []),
             "AttachedManagedPolicies": attached.get(g.id, [])} for g in groups]


def _roles(ctx: CallContext, roles: list[Role]) -> list[dict[str, Any]]:
    ids = [r.id for r in roles]
    if not ids:
        return []
    tags, inline, attached = _tags(ctx, "role", ids), _inline(ctx, "role", ids), \
        _attached(ctx, "role", ids)
    profiles = _by_owner(ctx.db.scalars(
        select(InstanceProfile).where(InstanceProfile.role_id.in_(ids))
        .order_by(InstanceProfile.name_lower)), lambda p: p.role_id)
    out = []
    for role in roles:
        detail = role_shape(ctx, role, detail=False)
        detail.pop("Description", None)
        detail.pop("MaxSessionDuration", None)
        if role.permissions_boundary:
            detail["PermissionsBoundary"] = boundary_shape(role.permissions_boundary)
        detail["Tags"] = tags.get(role.id, [])
        detail["RoleLastUsed"] = last_used_shape(ctx, role.id, role.last_used_at,
                                                 role.last_used_region)
        detail["InstanceProfileList"] = [instance_profile_shape(ctx, p, with_tags=False)
                                         for p in profiles.get(role.id, [])]
        detail["RolePolicyList"] = inline.get(role.id, [])
        detail["AttachedManagedPolicies"] = attached.get(role.id, [])
        out.append(detail)
    return out


def _policies(ctx: CallContext, items: list[Any]) -> list[dict[str, Any]]:
    """Managed policies with every stored version, newest first; AWS managed ones with
    their default version."""
    if not items:
        return []
    infos = [i if isinstance(i, PolicyInfo) else info_from_row(i) for i in items]
    arns = [i.arn for i in infos]
    attachments = attachment_counts(ctx.db, ctx.account_id, arns)
    boundaries = boundary_counts(ctx.db, ctx.account_id, arns)
    versions = _by_owner(ctx.db.scalars(select(PolicyVersion).where(
        PolicyVersion.policy_id.in_([i.row.id for i in infos if i.row is not None]))),
        lambda v: v.policy_id)
    out = []
    for info in infos:
        detail = policy_shape(ctx, info, attachments.get(info.arn, 0),
                              boundaries.get(info.arn, 0))
        if info.row is None:
            entry = managed_policies.get(info.arn)
            assert entry is not None
            detail["PolicyVersionList"] = [
                {"Document": v.document, "VersionId": v.version_id,
                 "IsDefaultVersion": v.version_id == entry.default_version_id,
                 "CreateDate": v.created} for v in entry.versions]
        else:
            if info.row.description:
                detail["Description"] = info.row.description
            rows = sorted(versions.get(info.row.id, []), key=lambda v: int(v.version_id[1:]),
                          reverse=True)
            detail["PolicyVersionList"] = [
                {"Document": v.document, "VersionId": v.version_id,
                 "IsDefaultVersion": v.version_id == info.row.default_version,
                 "CreateDate": v.created_at} for v in rows]
        out.append(detail)
    return out
