"""What every IAM resource family shares: ARNs, lookups with AWS's NoSuchEntity texts,
tags, pagination with Marker/MaxItems, and path filters."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, and_, delete, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..operations import CallContext
from ..protocol.errors import AWSError, invalid_input, no_such_entity
from ..store.tables import Group, Role, Tag, User
from . import quotas

T = TypeVar("T")
DEFAULT_MAX_ITEMS = 100


def iam_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


def user_arn(user: User) -> str:
    return iam_arn(user.account_id, "user", user.path, user.name)


def role_arn(role: Role) -> str:
    return iam_arn(role.account_id, "role", role.path, role.name)


def group_arn(group: Group) -> str:
    return iam_arn(group.account_id, "group", group.path, group.name)


def _find(ctx: CallContext, table: type[T], noun: str, name: str) -> T:
    """The account's entity named ``name`` (case-insensitively), or IAM's NoSuchEntity."""
    found = ctx.db.scalar(
        select(table).where(table.account_id == ctx.account_id,  # type: ignore[attr-defined]
                            table.name_lower == name.lower())  # type: ignore[attr-defined]
    )
    if found is None:
        raise no_such_entity(f"The {noun} with name {name} cannot be found.")
    return found


def find_user(ctx: CallContext, name: str) -> User:
    return _find(ctx, User, "user", name)


def find_role(ctx: CallContext, name: str) -> Role:
    return _find(ctx, Role, "role", name)


def find_group(ctx: CallContext, name: str) -> Group:
    return _find(ctx, Group, "group", name)


def require_account_quota(ctx: CallContext, table: type, quota: str) -> None:
    """LimitExceeded when the account already holds as many rows of ``table`` as the quota
    (raised for the account, or AWS's default) allows: a COUNT, not a load."""
    limit = quotas.limit(ctx.db, ctx.account_id, quota)
    count = ctx.db.scalar(
        select(func.count()).select_from(table).where(table.account_id == ctx.account_id)
    )
    if count >= limit:
        raise quotas.exceeded(quota, limit)


# --- pagination -----------------------------------------------------------------------


def paginate(items: Sequence[T], params: dict[str, Any], key: str) -> dict[str, Any]:
    """Slice ``items`` by Marker/MaxItems and answer ``{key: page, IsTruncated, Marker}``."""
    start = _decode_marker(params.get("Marker"))
    limit = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    page = list(items[start : start + limit])
    result: dict[str, Any] = {key: page, "IsTruncated": start + limit < len(items)}
    if result["IsTruncated"]:
        result["Marker"] = _encode("o", str(start + limit))
    return result


def page_size(params: dict[str, Any]) -> int:
    return params.get("MaxItems") or DEFAULT_MAX_ITEMS


def key_page(db: Session, query: Select, columns: Sequence[InstrumentedAttribute],
             params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of ``query``'s rows in the order of ``columns`` (unique together within the
    query), read with ORDER BY and LIMIT after the marker's key: a page costs the same at
    the start of a large account as at its end. ``query`` selects a table (``select(User.
    __table__)``): plain rows, read-only, cost a third of what ORM instances do."""
    after = decode_key_marker(params.get("Marker"), len(columns))
    if after is not None:
        query = query.where(key_after(columns, after))
    limit = page_size(params)
    rows = db.execute(query.order_by(*columns).limit(limit + 1)).all()
    page = rows[:limit]
    result: dict[str, Any] = {key: page, "IsTruncated": len(rows) > limit}
    if result["IsTruncated"]:
        last = page[-1]
        result["Marker"] = key_marker([getattr(last, c.key) for c in columns])
    return result


def key_after(columns: Sequence[Any], values: Sequence[str]) -> Any:
    """``(columns) > (values)`` spelled so that every database compares it alike."""
    first, rest = columns[0], columns[1:]
    if not rest:
        return first > values[0]
    return or_(first > values[0], and_(first == values[0], key_after(rest, values[1:])))


def key_marker(values: Sequence[str]) -> str:
    """The opaque Marker naming the last item of a page by its sort key."""
    return _encode("k", json.dumps(list(values)))


def decode_key_marker(marker: str | None, length: int) -> list[str] | None:
    """The sort key a key marker names (None without a marker); IAM's "Invalid Marker."
    for anything else, an offset marker included."""
    if not marker:
        return None
    kind, value = _decode(marker)
    if kind == "k":
        try:
            values = json.loads(value)
        except ValueError:
            values = None
        if (isinstance(values, list) and len(values) == length
                and all(isinstance(v, str) for v in values)):
            return values
    raise invalid_marker()


def _encode(kind: str, value: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def _decode(marker: str) -> tuple[str, str]:
    try:
        kind, _, value = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise invalid_marker() from None
    return kind, value


def invalid_marker() -> AWSError:
    return AWSError("ValidationError", "Invalid Marker.")


def _decode_marker(marker: str | None) -> int:
    if not marker:
        return 0
    kind, offset = _decode(marker)
    if kind == "o" and offset.isdigit():
        return int(offset)
    raise invalid_marker()


def path_filter(column: Any, prefix: str | None) -> Any:
    """PathPrefix as SQL: a case-sensitive prefix match (LIKE would fold case in SQLite)."""
    if not prefix:
        return true()
    return func.substr(column, 1, len(prefix)) == prefix


def code_point_order(db: Session, column: Any) -> Any:
    """``column`` compared by code point, as Python sorts strings, in either database."""
    return column.collate("BINARY" if db.get_bind().dialect.name == "sqlite" else "C")


def path_matches(path: str, prefix: str | None) -> bool:
    return not prefix or path.startswith(prefix)


# --- tags -----------------------------------------------------------------------------


# IAM compares tag keys ignoring case on users and roles only: a policy, instance profile
# or OIDC provider may carry both "A" and "a" (recorded CreatePolicy/ListPolicyTags answers,
# LocalStack's AWS-validated test_iam_policies snapshot). ``Tag.key_lower`` holds the key as
# IAM compares it.
CASE_INSENSITIVE_TAGS = ("user", "role")


def fold_key(resource_type: str, key: str) -> str:
    return key.lower() if resource_type in CASE_INSENSITIVE_TAGS else key


def check_tags(tags: list[dict[str, str]], resource_type: str) -> None:
    """Duplicates (as the resource type compares keys) and the reserved ``aws:`` prefix are
    InvalidInput in IAM's words; more than 50 tags is refused by the model first."""
    keys = [fold_key(resource_type, t["Key"]) for t in tags]
    if len(set(keys)) != len(keys):
        if resource_type == "policy":  # recorded TagPolicy/CreatePolicy wording
            raise invalid_input("Duplicate tag keys found.")
        raise invalid_input(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        )
    if any(t["Key"].lower().startswith("aws:") for t in tags):
        raise invalid_input("Tag keys beginning with aws: are reserved for system use.")
    if len(tags) > quotas.TAGS_PER_RESOURCE:
        raise quotas.exceeded("TagsPerResource", quotas.TAGS_PER_RESOURCE)


def list_tags(db: Session, resource_type: str, resource_id: str) -> list[dict[str, str]]:
    rows = db.scalars(
        select(Tag)
        .where(Tag.resource_type == resource_type, Tag.resource_id == resource_id)
        .order_by(Tag.id)
    ).all()
    return [{"Key": t.key, "Value": t.value} for t in rows]


def tag_map(db: Session, resource_type: str, resource_id: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in list_tags(db, resource_type, resource_id)}


def add_tags(ctx: CallContext, resource_type: str, resource_id: str,
             tags: list[dict[str, str]]) -> None:
    """TagX: add or overwrite tags; more than 50 in all is LimitExceeded."""
    check_tags(tags, resource_type)
    existing = {
        t.key_lower: t
        for t in ctx.db.scalars(
            select(Tag).where(Tag.resource_type == resource_type, Tag.resource_id == resource_id)
        )
    }
    new_keys = {fold_key(resource_type, t["Key"]) for t in tags} - set(existing)
    if len(existing) + len(new_keys) > quotas.TAGS_PER_RESOURCE:
        raise quotas.exceeded("TagsPerResource", quotas.TAGS_PER_RESOURCE)
    for tag in tags:
        folded = fold_key(resource_type, tag["Key"])
        row = existing.get(folded)
        if row is not None:
            row.key, row.value = tag["Key"], tag["Value"]
        else:
            ctx.db.add(Tag(account_id=ctx.account_id, resource_type=resource_type,
                           resource_id=resource_id, key=tag["Key"],
                           key_lower=folded, value=tag["Value"]))


def remove_tags(ctx: CallContext, resource_type: str, resource_id: str, keys: list[str]) -> None:
    if keys:
        ctx.db.execute(
            delete(Tag).where(
                Tag.resource_type == resource_type,
                Tag.resource_id == resource_id,
                Tag.key_lower.in_([fold_key(resource_type, k) for k in keys]),
            )
        )


def drop_all_tags(ctx: CallContext, resource_type: str, resource_id: str) -> None:
    ctx.db.execute(
        delete(Tag).where(Tag.resource_type == resource_type, Tag.resource_id == resource_id)
    )


def tags_page(ctx: CallContext, resource_type: str, resource_id: str,
              params: dict[str, Any]) -> dict[str, Any]:
    return paginate(list_tags(ctx.db, resource_type, resource_id), params, "Tags")
