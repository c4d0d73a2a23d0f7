"""GetWebIdentityToken: a signed JWT asserting the caller's identity, for external
services that trust the account's outbound issuer (IAM User Guide, "Outbound identity
federation" and "Understanding token claims").

The account must have enabled outbound federation. The caller needs
sts:GetWebIdentityToken, decided with sts:IdentityTokenAudience, sts:DurationSeconds,
sts:SigningAlgorithm and the request tags as context. A session may not ask for a token
that outlives it. The standard claims (iss, aud, sub, iat, exp, jti) are at the top level;
AWS's own (aws_account, source_region, principal_tags, request_tags) under the
``https://sts.amazonaws.com/`` namespace."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from joserfc import jwt

from ..auth.principal import Principal
from ..authz.gather import gather
from ..operations import CallContext, operation
from ..outbound import signing_keys
from ..outbound.issuer_url import issuer_url
from ..protocol.errors import AWSError
from ..store.tables import OutboundFederation
from . import sessions

DEFAULT_DURATION = 300
NAMESPACE = "https://sts.amazonaws.com/"
DISABLED = ("Outbound web identity federation is not enabled for this account. Enable it "
            "with EnableOutboundWebIdentityFederation first.")
ESCALATION = ("The requested token duration would extend the session beyond its original "
              "expiration time.")


@operation("sts", "GetWebIdentityToken", authorize=False)
def get_web_identity_token(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    algorithm = params["SigningAlgorithm"]
    if algorithm not in signing_keys.ALGORITHMS:
        raise AWSError("ValidationError", "1 validation error detected: Value "
                       f"'{algorithm}' at 'signingAlgorithm' failed to satisfy constraint: "
                       "Member must satisfy enum value set: ["
                       + ", ".join(signing_keys.ALGORITHMS) + "]")
    audiences: list[str] = list(params["Audience"])
    duration = params.get("DurationSeconds") or DEFAULT_DURATION
    tags = sessions.session_inputs(params).tags  # STS's tag rules: keys case-insensitive
    ctx.server.authorizer.authorize(ctx, params, action="sts:GetWebIdentityToken",
                                    extra_context={
                                        "sts:IdentityTokenAudience": audiences,
                                        "sts:DurationSeconds": str(duration),
                                        "sts:SigningAlgorithm": algorithm,
                                    })
    caller = ctx.principal
    federation = ctx.db.get(OutboundFederation, caller.account_id)
    if federation is None or not federation.enabled:
        raise AWSError("OutboundWebIdentityFederationDisabledException", DISABLED)
    now = int(ctx.server.clock())
    expires = now + duration
    if caller.session is not None and expires > caller.session.expires_at:
        raise AWSError("SessionDurationEscalationException", ESCALATION)
    aws_claims: dict[str, Any] = {"aws_account": caller.account_id,
                                  "source_region": ctx.region}
    principal_tags = gather(ctx.db, caller).principal.tags
    if principal_tags:
        aws_claims["principal_tags"] = dict(principal_tags)
    if tags:
        aws_claims["request_tags"] = tags
    claims = {
        "iss": issuer_url(federation.issuer_id),
        "aud": audiences[0] if len(audiences) == 1 else audiences,
        "sub": subject(caller),
        "iat": now,
        "exp": expires,
        "jti": str(uuid.uuid4()),
        NAMESPACE: aws_claims,
    }
    kid, key = signing_keys.current_key(ctx.server.db, ctx.server.keys, algorithm, now)
    token = jwt.encode({"alg": algorithm, "kid": kid, "typ": "JWT"}, claims, key,
                       algorithms=[algorithm])
    return {"WebIdentityToken": token,
            "Expiration": dt.datetime.fromtimestamp(expires, dt.UTC)}


def subject(caller: Principal) -> str:
    """The token's sub: the IAM identity behind the call (a role session's role)."""
    return caller.role_arn or caller.arn
