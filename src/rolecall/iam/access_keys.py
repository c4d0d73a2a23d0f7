"""Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
GetAccessKeyLastUsed. At most two per user; the secret is shown once, at creation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import ids
from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import AccessKey, User
from . import quotas
from .common import find_user, paginate


def _owner(ctx: CallContext, params: dict[str, Any]) -> tuple[str | None, str]:
    """(user id or None for root, user name) of the user the call is about.

    Without UserName the caller's own keys are meant, as IAM documents.
    """
    name = params.get("UserName")
    if name is not None:
        return find_user(ctx, name).id, name
    p = ctx.principal
    if p.is_root:
        return None, p.account_id
    if p.user_id is None:
        raise AWSError("ValidationError",
                       "Must specify userName when calling with non-User credentials")
    return p.user_id, p.user_name or ""


def _key(ctx: CallContext, key_id: str, user_id: str | None) -> AccessKey:
    key = ctx.db.get(AccessKey, key_id)
    if key is None or key.account_id != ctx.account_id or key.user_id != user_id:
        raise AWSError("NoSuchEntity", f"The Access Key with id {key_id} cannot be found.")
    return key


@operation("iam", "CreateAccessKey")
def create_access_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user_id, user_name = _owner(ctx, params)
    count = ctx.db.scalar(
        select(func.count()).select_from(AccessKey).where(
            AccessKey.account_id == ctx.account_id,
            AccessKey.user_id.is_(None) if user_id is None else AccessKey.user_id == user_id,
        )
    )
    if count >= quotas.ACCESS_KEYS_PER_USER:
        raise quotas.exceeded("AccessKeysPerUser", quotas.ACCESS_KEYS_PER_USER)
    secret = ids.secret_access_key()
    key = AccessKey(
        id=ids.access_key_id(),
        account_id=ctx.account_id,
        user_id=user_id,
        secret_encrypted=ctx.server.keys.encrypt(secret.encode()),
        status="Active",
        created_at=ctx.now,
    )
    ctx.db.add(key)
    return {
        "AccessKey": {
            "UserName": user_name,
            "AccessKeyId": key.id,
            "Status": key.status,
            "SecretAccessKey": secret,
            "CreateDate": key.created_at,
        }
    }


@operation("iam", "ListAccessKeys")
def list_access_keys(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user_id, user_name = _owner(ctx, params)
    keys = ctx.db.scalars(
        select(AccessKey)
        .where(
            AccessKey.account_id == ctx.account_id,
            AccessKey.user_id.is_(None) if user_id is None else AccessKey.user_id == user_id,
        )
        .order_by(AccessKey.created_at)
    ).all()
    page = paginate(keys, params, "AccessKeyMetadata")
    page["AccessKeyMetadata"] = [
        {"UserName": user_name, "AccessKeyId": k.id, "Status": k.status,
         "CreateDate": k.created_at}
        for k in page["AccessKeyMetadata"]
    ]
    return page


@operation("iam", "UpdateAccessKey")
def update_access_key(ctx: CallContext, params: dict[str, Any]) -> None:
    user_id, _ = _owner(ctx, params)
    _key(ctx, params["AccessKeyId"], user_id).status = params["Status"]


@operation("iam", "DeleteAccessKey")
def delete_access_key(ctx: CallContext, params: dict[str, Any]) -> None:
    user_id, _ = _owner(ctx, params)
    ctx.db.delete(_key(ctx, params["AccessKeyId"], user_id))


@operation("iam", "GetAccessKeyLastUsed")
def get_access_key_last_used(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key = ctx.db.get(AccessKey, params["AccessKeyId"])
    if key is None or key.account_id != ctx.account_id:
        # Worded as a refusal of the key, without the colon after "perform" of other
        # refusals (LocalStack's AWS-validated test_iam_users snapshot,
        # test_access_key_errors: get-last-used-nonexistent-key-error).
        raise AWSError("AccessDenied", f"User: {ctx.principal.arn} is not authorized to "
                       "perform iam:GetAccessKeyLastUsed on resource: access key "
                       f"{params['AccessKeyId']}")
    user = ctx.db.get(User, key.user_id) if key.user_id else None
    # Uses are written in batches: a newer one this process recorded shows too.
    at, service, region = ctx.server.audit.newest_key_use(
        key.id, (key.last_used_at, key.last_used_service, key.last_used_region))
    last_used: dict[str, Any] = (
        {"LastUsedDate": at, "ServiceName": service, "Region": region}
        if at
        else {"ServiceName": "N/A", "Region": "N/A"}
    )
    return {"UserName": user.name if user else ctx.account_id, "AccessKeyLastUsed": last_used}
