"""GetFederationToken: a federated-user session for a proxy application, whose permissions
are the calling user's intersected with the session policies passed (none passed: none)."""

from __future__ import annotations

from typing import Any

from ..auth.principal import from_session
from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from . import sessions


@operation("sts", "GetFederationToken", authorize=False)
def get_federation_token(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    caller = ctx.principal
    if caller.session is not None:
        raise AWSError("AccessDenied",
                       "Cannot call GetFederationToken with session credentials")
    name = params["Name"]
    resource = f"arn:aws:sts::{caller.account_id}:federated-user/{name}"
    inputs = sessions.session_inputs(params)
    context = sessions.tag_context(inputs)
    authorize = ctx.server.authorizer.authorize
    authorize(ctx, params, action="sts:GetFederationToken", resource=resource,
              extra_context=context)
    if inputs.tags:
        authorize(ctx, params, action="sts:TagSession", resource=resource,
                  extra_context=context)
    packed = sessions.packed_policy_size(inputs)
    duration = sessions.user_session_duration(caller, params.get("DurationSeconds"))
    claims, credentials = sessions.issue(
        ctx, duration,
        account_id=caller.account_id,
        kind="federated-user",
        session_name=name,
        user_id=caller.user_id,
        user_name=caller.user_name,
        user_path=caller.user_path,
        issuer_arn=caller.arn,
        policies=(inputs.policy,) if inputs.policy else (),
        policy_arns=inputs.policy_arns,
        tags=inputs.tags,
    )
    session = from_session(claims)
    result: dict[str, Any] = {
        "Credentials": credentials,
        "FederatedUser": {"FederatedUserId": session.principal_id, "Arn": session.arn},
        # GetFederationToken reports the size whether or not session policies were passed
        # (STS API reference, GetFederationToken sample response; recorded answers agree).
        "PackedPolicySize": packed,
    }
    return result
