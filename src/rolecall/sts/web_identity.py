"""AssumeRoleWithWebIdentity: a role session for the holder of an OpenID Connect ID token.

The call is unsigned: the token is the credential. Its issuer must be an IAM OIDC provider
of the role's account, its signature must verify with the issuer's published (or imported)
keys, it must be current and addressed to one of the provider's client ids, and the role's
trust policy must allow the provider as a web-identity principal with the token's claims."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ..auth.principal import from_session
from ..authz.trust import trust_allows
from ..iam.oidc_providers import url_key
from ..oidc import fetch, tokens
from ..operations import CallContext, operation
from ..outbound.issuer_url import issuer_id_of
from ..policy import RequestPrincipal
from ..protocol.errors import AWSError
from ..store.tables import OIDCProvider, OutboundFederation, Role
from . import sessions
from .assume_role import DEFAULT_DURATION, MAX_DURATION_TEXT, ROLE_ARN, invalid_role_arn

ACTION = "sts:AssumeRoleWithWebIdentity"
DENIED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
NOT_JWT = ("The ID Token provided is not a valid JWT. (You may see this error if you sent an "
           "Access Token)")
NO_KEYS = ("Couldn't retrieve verification key from your identity provider,  please "
           "reference AssumeRoleWithWebIdentity documentation for requirements")
THUMBPRINT = "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"
OUTBOUND = ("Tokens issued by GetWebIdentityToken cannot be used for OpenID Connect "
            "federation into AWS.")
# Clock skew tolerated on exp and nbf, in seconds.
LEEWAY = 0


def invalid_token(message: str) -> AWSError:
    return AWSError("InvalidIdentityToken", message)


@operation("sts", "AssumeRoleWithWebIdentity", authorize=False, write=False)
def assume_role_with_web_identity(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    found = ROLE_ARN.fullmatch(params["RoleArn"])
    if found is None:
        raise invalid_role_arn(params["RoleArn"])
    account_id, role_path, role_name = found.groups()
    token = params["WebIdentityToken"]
    try:
        claims = tokens.unverified_claims(token)
    except tokens.NotAJwt:
        raise invalid_token(NOT_JWT) from None
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise invalid_token(NOT_JWT)
    if _outbound_issuer(ctx, issuer):
        raise invalid_token(OUTBOUND)
    provider = ctx.db.scalar(select(OIDCProvider).where(
        OIDCProvider.account_id == account_id, OIDCProvider.url == url_key(_with_scheme(issuer))))
    if provider is None:
        raise invalid_token(f"No OpenIDConnect provider found in your account for {issuer}")
    _verify(token, issuer, provider)
    now = ctx.server.clock()
    audience = _check_claims(claims, provider, now)

    role = ctx.db.scalar(select(Role).where(Role.account_id == account_id,
                                            Role.name_lower == role_name.lower()))
    if role is None or role.path != role_path or role.name != role_name:
        raise AWSError("AccessDenied", DENIED)
    subject = str(claims.get("sub", ""))
    if not _trusted(role, provider, claims, audience, subject, params):
        raise AWSError("AccessDenied", DENIED)
    requested = params.get("DurationSeconds")
    if requested is not None and requested > role.max_session_duration:
        raise AWSError("ValidationError", MAX_DURATION_TEXT)
    inputs = sessions.session_inputs(params)
    packed = sessions.packed_policy_size(inputs)
    session_claims, credentials = sessions.issue(
        ctx, requested or DEFAULT_DURATION,
        account_id=account_id,
        kind="assumed-role",
        role_id=role.id,
        role_name=role.name,
        role_path=role.path,
        session_name=params["RoleSessionName"],
        issuer_arn=provider.arn,
        policies=(inputs.policy,) if inputs.policy else (),
        policy_arns=inputs.policy_arns,
        federated_provider=provider.arn,
        federated_subject=subject,
        federated_audience=audience,
        federated_claims={k: v for k, v in claims.items() if k in ("amr", "azp", "email")},
    )
    ctx.server.audit.role_used(role.id, ctx.now, ctx.region)
    session = from_session(session_claims)
    ctx.audit["userIdentity"] = {
        "type": "WebIdentityUser",
        "principalId": f"{provider.arn}:{audience}:{subject}",
        "userName": subject,
        "identityProvider": provider.arn,
    }
    ctx.audit["recipientAccountId"] = account_id
    ctx.audit["additionalEventData"] = {"RoleSessionName": session_claims.session_name,
                                        "identityProviderConnectionVerificationMethod":
                                            "IAMTrustStore"}
    result: dict[str, Any] = {
        "Credentials": credentials,
        "SubjectFromWebIdentityToken": subject,
        "AssumedRoleUser": {"AssumedRoleId": session.principal_id, "Arn": session.arn},
        "Provider": provider.arn,
        "Audience": audience,
    }
    if inputs.given:
        result["PackedPolicySize"] = packed
    return result


def _outbound_issuer(ctx: CallContext, issuer: str) -> bool:
    """Whether the issuer is one of rolecall's own outbound issuers: AWS's outbound
    federation guide says its tokens are not accepted by AssumeRoleWithWebIdentity."""
    issuer_id = issuer_id_of(issuer)
    return issuer_id is not None and ctx.db.scalar(
        select(OutboundFederation.account_id)
        .where(OutboundFederation.issuer_id == issuer_id)) is not None


def _with_scheme(issuer: str) -> str:
    return issuer if issuer.startswith("https://") else "https://" + issuer


def _verify(token: str, issuer: str, provider: OIDCProvider) -> None:
    if provider.imported_jwks:
        jwks = json.loads(provider.imported_jwks)
    else:
        try:
            jwks = tokens.issuer_keys(_with_scheme(issuer), json.loads(provider.thumbprints))
        except fetch.ThumbprintMismatch:
            raise invalid_token(THUMBPRINT) from None
        except fetch.Unreachable:
            raise AWSError("IDPCommunicationError", NO_KEYS) from None
        except fetch.FetchError:
            raise invalid_token(NO_KEYS) from None
    try:
        tokens.verify_signature(token, jwks)
    except tokens.BadSignature:
        raise invalid_token("The web identity token signature could not be verified.") \
            from None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _check_claims(claims: dict[str, Any], provider: OIDCProvider, now: float) -> str:
    """exp, nbf and aud as STS checks them; returns the audience that matched."""
    expires = _number(claims.get("exp"))
    if expires is None:
        raise invalid_token(NOT_JWT)
    if now >= expires + LEEWAY:
        raise AWSError("ExpiredTokenException",
                       f"Token expired: current date/time {int(now)} must be before the "
                       f"expiration date/time{int(expires)}")
    not_before = _number(claims.get("nbf"))
    if not_before is not None and now + LEEWAY < not_before:
        raise invalid_token(f"Token used before its not-before time: current date/time "
                            f"{int(now)} must be after {int(not_before)}")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences or []
    client_ids = json.loads(provider.client_ids)
    for audience in audiences:
        if audience in client_ids:
            return audience
    raise invalid_token("Incorrect token audience")


def _trusted(role: Role, provider: OIDCProvider, claims: dict[str, Any], audience: str,
             subject: str, params: dict[str, Any]) -> bool:
    prefix = provider.url
    context: dict[str, Any] = {
        f"{prefix}:aud": audience,
        f"{prefix}:sub": subject,
        "sts:RoleSessionName": params["RoleSessionName"],
        "aws:FederatedProvider": provider.arn,
    }
    amr = claims.get("amr")
    if isinstance(amr, list):
        context[f"{prefix}:amr"] = [str(v) for v in amr]
    elif isinstance(amr, str):
        context[f"{prefix}:amr"] = amr
    principal = RequestPrincipal(arn=provider.arn, account=role.account_id,
                                 type="WebIdentityUser")
    return trust_allows(role.assume_role_policy,
                        f"arn:aws:iam::{role.account_id}:role{role.path}{role.name}",
                        principal, [ACTION], context)
