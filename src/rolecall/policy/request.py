"""Who asks for what: the request an evaluation decides on, and its condition context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PRINCIPAL_TYPES = frozenset(
    {
        "Account",
        "User",
        "AssumedRole",
        "FederatedUser",
        "WebIdentityUser",
        "SAMLUser",
        "Service",
        "Anonymous",
    }
)
# Callers that carry no IAM identity policies: only a resource-based policy can grant them.
NON_IAM_TYPES = frozenset({"WebIdentityUser", "SAMLUser", "Service", "Anonymous"})


@dataclass
class RequestPrincipal:
    """The authenticated caller.

    ``arn`` is the caller's own ARN; for a Service it is the service principal name
    (``ec2.amazonaws.com``) and for a WebIdentityUser/SAMLUser the identity provider
    (``accounts.google.com`` or the provider ARN). ``role_arn`` is the role behind an
    assumed-role session; ``parent_user_arn`` the IAM user behind a federated-user session.
    """

    arn: str
    account: str
    type: str
    user_id: str | None = None
    username: str | None = None
    role_arn: str | None = None
    source_identity: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    parent_user_arn: str | None = None
    canonical_user_id: str | None = None


@dataclass
class Request:
    """One authorization question. ``context`` keys are matched case-insensitively."""

    principal: RequestPrincipal
    action: str
    resource: str
    resource_account: str | None = None
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


class Context:
    """The request's condition keys, lower-cased, each with a tuple of values.

    Keys AWS derives from the caller (aws:username, aws:userid, aws:PrincipalArn,
    aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/*, aws:SourceIdentity) are
    filled in unless the caller's context already sets them.
    """

    __slots__ = ("display", "values")

    def __init__(self, request: Request) -> None:
        values: dict[str, tuple[str, ...]] = {}
        display: dict[str, str] = {}
        for key, name, value in _principal_keys(request.principal):
            values[key] = (value,)
            display[key] = name
        for name, value in request.context.items():
            key = name.lower()
            values[key] = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
            display[key] = name
        self.values = values
        self.display = display

    def get(self, key_lower: str) -> tuple[str, ...] | None:
        return self.values.get(key_lower)

    def name(self, key_lower: str) -> str:
        return self.display.get(key_lower, key_lower)


def _principal_keys(principal: RequestPrincipal) -> list[tuple[str, str, str]]:
    keys: list[tuple[str, str, str]] = []

    def add(name: str, value: str | None) -> None:
        if value is not None:
            keys.append((name.lower(), name, value))

    if principal.type in NON_IAM_TYPES:
        return keys
    add("aws:PrincipalArn", principal.role_arn or principal.arn)
    add("aws:PrincipalAccount", principal.account)
    add("aws:PrincipalType", principal.type)
    add("aws:userid", principal.user_id)
    add("aws:username", principal.username if principal.type == "User" else None)
    add("aws:SourceIdentity", principal.source_identity)
    for tag, value in principal.tags.items():
        add(f"aws:PrincipalTag/{tag}", value)
    return keys


def account_of_arn(arn: str) -> str | None:
    """The account field of an ARN, or None when absent (e.g. S3 bucket ARNs)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[4]:
        return parts[4]
    return None
