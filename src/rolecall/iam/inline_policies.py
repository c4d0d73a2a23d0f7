"""Inline policies embedded in users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy.

The documents of one entity share a size quota (2048 for a user, 5120 for a group, 10240 for a
role, white space not counted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..operations import UNTIL_CHANGED, CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import InlinePolicy
from . import quotas
from .common import find_group, find_role, find_user, paginate
from .policies import validate_identity_policy
from .roles import require_modifiable


def entity_policies(db: Session, entity_type: str, entity_id: str) -> list[tuple[str, str, str]]:
    """(policy name, SimulatePrincipalPolicy source type, document) of each inline policy."""
    return [(p.name, entity_type, p.document) for p in _policies(db, entity_type, entity_id)]


def _policies(db: Session, entity_type: str, entity_id: str) -> list[InlinePolicy]:
    return list(db.scalars(
        select(InlinePolicy)
        .where(InlinePolicy.entity_type == entity_type, InlinePolicy.entity_id == entity_id)
        .order_by(InlinePolicy.name)
    ))


def _find(ctx: CallContext, entity_type: str, entity_id: str, name: str) -> InlinePolicy:
    policy = ctx.db.scalar(
        select(InlinePolicy).where(InlinePolicy.entity_type == entity_type,
                                   InlinePolicy.entity_id == entity_id,
                                   InlinePolicy.name_lower == name.lower())
    )
    if policy is None:
        raise no_such_entity(f"The {entity_type} policy with name {name} cannot be found.")
    return policy


def _put(ctx: CallContext, entity_type: str, entity_id: str, entity_name: str,
         params: dict[str, Any]) -> None:
    name, document = params["PolicyName"], params["PolicyDocument"]
    others = [p for p in _policies(ctx.db, entity_type, entity_id)
              if p.name_lower != name.lower()]
    limit = quotas.INLINE_POLICY_SIZE[entity_type]
    total = quotas.policy_size(document) + sum(quotas.policy_size(p.document) for p in others)
    if total > limit:
        raise AWSError("LimitExceeded",
                       f"Maximum policy size of {limit} bytes exceeded for {entity_type} "
                       f"{entity_name}")
    validate_identity_policy(document)
    existing = ctx.db.scalar(
        select(InlinePolicy).where(InlinePolicy.entity_type == entity_type,
                                   InlinePolicy.entity_id == entity_id,
                                   InlinePolicy.name_lower == name.lower())
    )
    if existing is not None:
        existing.name, existing.document = name, document
        return
    ctx.db.add(InlinePolicy(account_id=ctx.account_id, entity_type=entity_type,
                            entity_id=entity_id, name=name, name_lower=name.lower(),
                            document=document))


def _list(ctx: CallContext, entity_type: str, entity_id: str,
          params: dict[str, Any]) -> dict[str, Any]:
    names = [p.name for p in _policies(ctx.db, entity_type, entity_id)]
    return paginate(names, params, "PolicyNames")


@operation("iam", "PutUserPolicy")
def put_user_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    _put(ctx, "user", user.id, user.name, params)


@operation("iam", "PutGroupPolicy")
def put_group_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    group = find_group(ctx, params["GroupName"])
    _put(ctx, "group", group.id, group.name, params)


@operation("iam", "PutRolePolicy")
def put_role_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    _put(ctx, "role", role.id, role.name, params)


@operation("iam", "GetUserPolicy", cached=UNTIL_CHANGED)
def get_user_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = find_user(ctx, params["UserName"])
    policy = _find(ctx, "user", user.id, params["PolicyName"])
    return {"UserName": user.name, "PolicyName": policy.name, "PolicyDocument": policy.document}


@operation("iam", "GetGroupPolicy", cached=UNTIL_CHANGED)
def get_group_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    group = find_group(ctx, params["GroupName"])
    policy = _find(ctx, "group", group.id, params["PolicyName"])
    return {"GroupName": group.name, "PolicyName": policy.name,
            "PolicyDocument": policy.document}


@operation("iam", "GetRolePolicy", cached=UNTIL_CHANGED)
def get_role_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    role = find_role(ctx, params["RoleName"])
    policy = _find(ctx, "role", role.id, params["PolicyName"])
    return {"RoleName": role.name, "PolicyName": policy.name, "PolicyDocument": policy.document}


@operation("iam", "DeleteUserPolicy")
def delete_user_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    ctx.db.delete(_find(ctx, "user", user.id, params["PolicyName"]))


@operation("iam", "DeleteGroupPolicy")
def delete_group_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    group = find_group(ctx, params["GroupName"])
    ctx.db.delete(_find(ctx, "group", group.id, params["PolicyName"]))


@operation("iam", "DeleteRolePolicy")
def delete_role_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    role = find_role(ctx, params["RoleName"])
    require_modifiable(role)
    ctx.db.delete(_find(ctx, "role", role.id, params["PolicyName"]))


@operation("iam", "ListUserPolicies", cached=UNTIL_CHANGED)
def list_user_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, "user", find_user(ctx, params["UserName"]).id, params)


@operation("iam", "ListGroupPolicies", cached=UNTIL_CHANGED)
def list_group_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, "group", find_group(ctx, params["GroupName"]).id, params)


@operation("iam", "ListRolePolicies", cached=UNTIL_CHANGED)
def list_role_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return _list(ctx, "role", find_role(ctx, params["RoleName"]).id, params)
