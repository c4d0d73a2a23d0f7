"""GetCallerIdentity: who the credentials of the request belong to."""

from __future__ import annotations

from typing import Any

from ..operations import UNTIL_CHANGED, CallContext, operation


@operation("sts", "GetCallerIdentity", cached=UNTIL_CHANGED)
def get_caller_identity(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    p = ctx.principal
    return {"UserId": p.principal_id, "Account": p.account_id, "Arn": p.arn}
