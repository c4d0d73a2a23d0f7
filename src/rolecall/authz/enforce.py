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
    def authorize(
        self,
        ctx: CallContext,
        params: dict[str, Any],
        *,
        action: str | None = None,
        resource: str | None = None,
        resource_policy: str | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """Raise AccessDenied unless the call is allowed.

        ``action`` and ``resource`` default to the call's own; ``resource_policy`` is a
        resource-based policy document to evaluate beside the principal's policies (a role's
        trust policy for AssumeRole); ``extra_context`` adds condition keys the handler
        established (e.g. aws:MultiFactorAuthPresent after checking an MFA code).
        """
        if (ctx.service, ctx.operation) in ALWAYS_ALLOWED or ctx.principal.is_root:
            return
        action = action or f"{ctx.service}:{ctx.operation}"
        raise access_denied(
            ctx.principal.arn,
            action,
            "*",
            f"because no identity-based policy allows the {action} action",
        )
