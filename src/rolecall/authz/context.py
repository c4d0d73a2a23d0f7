"""The condition keys of a real request, as AWS puts them in the request context.

The engine adds the caller's own keys (aws:username, aws:userid, aws:PrincipalArn,
aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/*, aws:SourceIdentity) from the
RequestPrincipal; this module adds what the call itself carries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..operations import CallContext
from ..timestamps import iso_seconds
from . import actions
from .resources import Target

Context = dict[str, str | list[str]]


def iso(when: dt.datetime) -> str:
    return iso_seconds(when)


def _session_keys(ctx: CallContext, context: Context) -> None:
    """Keys present only for temporary credentials; MFA age only when MFA was used."""
    claims = ctx.principal.session
    if claims is None:
        return
    context["aws:TokenIssueTime"] = iso(dt.datetime.fromtimestamp(claims.issued_at, dt.UTC))
    context["aws:MultiFactorAuthPresent"] = "true" if claims.mfa_authenticated else "false"
    if claims.mfa_authenticated:
        since = claims.mfa_authenticated_at or claims.issued_at
        context["aws:MultiFactorAuthAge"] = str(max(0, int(ctx.now.timestamp()) - since))
    if claims.federated_provider:
        _federation_keys(claims, context)


def _federation_keys(claims: Any, context: Context) -> None:
    """A federated session's identity-provider keys stay usable in the role's permission
    policies (e.g. ``${accounts.example.com:sub}`` in a resource), as AWS documents."""
    provider = claims.federated_provider
    if ":saml-provider/" in provider:
        context.update({k: _text(v) for k, v in claims.federated_claims.items()})
        if claims.federated_audience:
            context["saml:aud"] = claims.federated_audience
        return
    prefix = provider.split(":oidc-provider/", 1)[-1]
    if claims.federated_subject:
        context[f"{prefix}:sub"] = claims.federated_subject
    if claims.federated_audience:
        context[f"{prefix}:aud"] = claims.federated_audience
    for name, value in claims.federated_claims.items():
        context[f"{prefix}:{name}"] = _text(value)


def _tag_keys(params: dict[str, Any], context: Context) -> None:
    tags = params.get("Tags")
    if tags:
        for tag in tags:
            context[f"aws:RequestTag/{tag['Key']}"] = tag["Value"]
        context["aws:TagKeys"] = [tag["Key"] for tag in tags]
    elif params.get("TagKeys"):
        context["aws:TagKeys"] = list(params["TagKeys"])


def _iam_keys(ctx: CallContext, params: dict[str, Any], target: Target, context: Context) -> None:
    """iam:* keys, each only for the actions the reference lists it for."""
    service, operation = ctx.service, ctx.operation

    def supports(key: str) -> bool:
        return actions.supports_key(service, operation, key)

    if supports("iam:PermissionsBoundary"):
        boundary = params.get("PermissionsBoundary") or (
            target.entity.boundary if target.entity is not None else None
        )
        if boundary:
            context["iam:PermissionsBoundary"] = boundary
    if supports("iam:PolicyARN") and params.get("PolicyArn"):
        context["iam:PolicyARN"] = params["PolicyArn"]
    if supports("iam:AWSServiceName") and params.get("AWSServiceName"):
        context["iam:AWSServiceName"] = params["AWSServiceName"]


def request_context(
    ctx: CallContext,
    params: dict[str, Any],
    target: Target,
    extra: dict[str, Any] | None,
) -> Context:
    context: Context = {
        "aws:CurrentTime": iso(ctx.now),
        "aws:EpochTime": str(int(ctx.now.timestamp())),
        "aws:SecureTransport": "true" if ctx.secure_transport else "false",
        "aws:RequestedRegion": ctx.region,
        "aws:ViaAWSService": "false",
    }
    if ctx.source_ip:
        context["aws:SourceIp"] = ctx.source_ip
    if ctx.user_agent:
        context["aws:UserAgent"] = ctx.user_agent
    _session_keys(ctx, context)
    _tag_keys(params, context)
    if target.entity is not None:
        for key, value in target.entity.tags.items():
            context[f"aws:ResourceTag/{key}"] = value
            context[f"iam:ResourceTag/{key}"] = value
    _iam_keys(ctx, params, target, context)
    for key, value in (extra or {}).items():
        context[key] = _text(value)
    return context


def _text(value: Any) -> str | list[str]:
    """A handler's value as the policy language sees it: bools as "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(_text(v)) for v in value]
    return str(value)
