"""The authorization step of the request pipeline.

The account root user may do anything in its own account. GetCallerIdentity needs no
permission (as in AWS). Every other principal is refused until its policies allow the
call: this module decides, and `access_denied` words the refusal as AWS does.
"""

from __future__ import annotations

from typing import Any

from ..operations import CallContext
from ..protocol.errors import AWSError

# Calls AWS answers for any authenticated principal, whatever its policies say.
ALWAYS_ALLOWED = frozenset({("sts", "GetCallerIdentity")})


def access_denied(principal_arn: str, action: str, resource: str, reason: str) -> AWSError:
    return AWSError(
        "AccessDenied",
        f"User: {principal_arn} is not authorized to perform: {action} on resource: "
        f"{resource} {reason}",
    )


class Authorizer:
    def authorize(self, ctx: CallContext, params: dict[str, Any]) -> None:
        if (ctx.service, ctx.operation) in ALWAYS_ALLOWED or ctx.principal.is_root:
            return
        action = f"{ctx.service}:{ctx.operation}"
        raise access_denied(
            ctx.principal.arn,
            action,
            "*",
            f"because no identity-based policy allows the {action} action",
        )
