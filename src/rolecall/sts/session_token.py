"""GetSessionToken: temporary credentials for an IAM user or the root user, usually to
prove MFA. No permission is needed (it is an authentication step, which policies cannot
control), and it cannot be called with temporary credentials."""

from __future__ import annotations

from typing import Any

from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from . import sessions


@operation("sts", "GetSessionToken", authorize=False)
def get_session_token(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = ctx.principal
    if caller.session is not None:
        raise AWSError("AccessDenied", "Cannot call GetSessionToken with session credentials")
    mfa = sessions.verify_mfa(ctx, params)
    duration = sessions.user_session_duration(caller, params.get("DurationSeconds"))
    now = int(ctx.server.clock())
    _, credentials = sessions.issue(
        ctx, duration,
        account_id=caller.account_id,
        kind="root-session" if caller.is_root else "user-session",
        user_id=caller.user_id,
        user_name=caller.user_name,
        user_path=caller.user_path,
        issuer_arn=caller.arn,
        mfa_authenticated=mfa,
        mfa_authenticated_at=now if mfa else None,
    )
    ctx.audit["additionalEventData"] = {"MFAAuthenticated": "true" if mfa else "false"}
    return {"Credentials": credentials}
