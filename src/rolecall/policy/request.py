"""Who asks for what: the request an evaluation decides on, and its condition context."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
    # The caller's account's organization (aws:PrincipalOrgID) and its place in it
    # (aws:PrincipalOrgPaths, ``o-.../r-.../ou-.../``); None outside any organization.
    org_id: str | None = None
    org_paths: str | None = None


@dataclass
class Request:
    """One authorization question. ``context`` keys are matched case-insensitively."""

    principal: RequestPrincipal
    action: str
    resource: str
    resource_account: str | None = None
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


class Context:
    """The request's condition keys, looked up case-insensitively, each a tuple of values.

    Keys AWS derives from the caller (aws:username, aws:userid, aws:PrincipalArn,
    aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/*, aws:SourceIdentity,
    aws:PrincipalOrgID, aws:PrincipalOrgPaths) are
    answered from the principal unless the request's context sets them. Nothing is built
    until a statement reads a key.
    """

    __slots__ = ("_names", "_request", "_values")

    def __init__(self, request: Request) -> None:
        self._request = request
        # Keys read so far, with their values (None: absent); and the request's keys
        # lower-cased, each with the key as written, once the first key is read. Values
        # are converted only when read: the pipeline passes many keys and policies read few.
        self._values: dict[str, tuple[str, ...] | None] = {}
        self._names: dict[str, str] | None = None

    def get(self, key_lower: str) -> tuple[str, ...] | None:
        found = self._values.get(key_lower, _UNSEEN)
        if found is not _UNSEEN:
            return found
        names = self._names
        if names is None:
            names = self._names = {str(name).lower(): name for name in self._request.context}
        if key_lower in names:
            found = _context_values(self._request.context[names[key_lower]])
        elif key_lower.startswith("aws:"):
            value = _principal_value(self._request.principal, key_lower)
            found = None if value is None else (value,)
        else:
            found = None
        self._values[key_lower] = found
        return found


_UNSEEN: Any = object()


def _context_text(value: object) -> str:
    """A context value as IAM compares it: JSON booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _context_values(value: object) -> tuple[str, ...]:
    """One value or a list of values; None stands for no value at all."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_context_text(v) for v in value if v is not None)
    return (_context_text(value),)


_PRINCIPAL_KEYS = {
    "aws:principalarn": lambda p: p.role_arn or p.arn or None,
    "aws:principalaccount": lambda p: p.account,
    "aws:principaltype": lambda p: p.type,
    "aws:userid": lambda p: p.user_id,
    "aws:username": lambda p: p.username if p.type == "User" else None,
    "aws:sourceidentity": lambda p: p.source_identity,
    "aws:principalorgid": lambda p: p.org_id,
    "aws:principalorgpaths": lambda p: p.org_paths,
}
_TAG_PREFIX = "aws:principaltag/"


def _principal_value(principal: RequestPrincipal, key_lower: str) -> str | None:
    if principal.type in NON_IAM_TYPES:
        return None
    getter = _PRINCIPAL_KEYS.get(key_lower)
    if getter is not None:
        return getter(principal)
    if key_lower.startswith(_TAG_PREFIX):
        tag = key_lower[len(_TAG_PREFIX) :]
        for name, value in principal.tags.items():
            if name.lower() == tag:
                return value
    return None


@functools.lru_cache(maxsize=8192)  # read for every decision, mostly on the same resources
def account_of_arn(arn: str) -> str | None:
    """The account field of an ARN, or None when absent (e.g. S3 bucket ARNs) or when it is
    ``aws``: AWS managed policies (``arn:aws:iam::aws:policy/...``) belong to no account, and
    identity policies alone decide who may read them, as in every account."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[4] and parts[4] != "aws":
        return parts[4]
    return None
