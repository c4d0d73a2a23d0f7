"""The Principal and NotPrincipal elements: validation of each form and matching callers.

A caller is known by several identities at once: its account, its own ARN, and for a role
session the role's ARN (for a federated-user session the IAM user's ARN). ``Principal``
applies when any identity is named; ``NotPrincipal`` applies unless every identity is named,
which is why AWS asks NotPrincipal lists to include the account as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolecall.policy.request import RequestPrincipal

_ACCOUNT = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)")
_STS_ARN = re.compile(
    r"arn:aws[a-z-]*:sts::(\d{12}):(assumed-role/[\w+=,.@-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+)"
)
_PROVIDER_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)/\S+")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com)")
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*(/\S*)?")
_CANONICAL = re.compile(r"[0-9a-fA-F]{64}")

PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")

# How a caller matched: its own ARN, the role/user behind it, its account, or a wildcard.
DIRECT, PARENT, ACCOUNT, WILDCARD = "direct", "parent", "account", "wildcard"


def valid_principal(kind: str, value: str) -> bool:
    """Whether IAM accepts ``value`` under the principal type ``kind``."""
    if value == "*":
        return kind == "AWS"
    if kind == "AWS":
        return bool(
            _ACCOUNT.fullmatch(value) or _IAM_ARN.fullmatch(value) or _STS_ARN.fullmatch(value)
        )
    if kind == "Service":
        return bool(_SERVICE.fullmatch(value))
    if kind == "Federated":
        return bool(_PROVIDER_ARN.fullmatch(value) or _HOST.fullmatch(value))
    if kind == "CanonicalUser":
        return bool(_CANONICAL.fullmatch(value))
    return False


def canonical_principal(kind: str, value: str) -> str:
    """The form IAM stores: a bare account ID under "AWS" becomes the account's root ARN.

    Principal page: the account ARN and the shortened account ID "behave the same way";
    the service "might convert it to the principal ARN".
    """
    if kind == "AWS" and _ACCOUNT.fullmatch(value):
        return f"arn:aws:iam::{value}:root"
    return value


def _account_of(value: str) -> str | None:
    if _ACCOUNT.fullmatch(value):
        return value
    found = _IAM_ARN.fullmatch(value)
    if found and found.group(2) == "root":
        return found.group(1)
    return None


class PrincipalMatcher:
    """A compiled Principal (or NotPrincipal) element."""

    __slots__ = ("accounts", "arns", "canonical", "everyone", "federated", "pairs", "services")

    def __init__(self, element: object) -> None:
        self.pairs: list[tuple[str, str]] = []
        if element == "*":
            self.pairs.append(("AWS", "*"))
        elif isinstance(element, dict):
            for kind, raw in element.items():
                for value in raw if isinstance(raw, list) else [raw]:
                    self.pairs.append((kind, value))
        self.everyone = ("AWS", "*") in self.pairs
        self.accounts = {a for k, v in self.pairs if k == "AWS" and (a := _account_of(v))}
        self.arns = {v for k, v in self.pairs if k == "AWS" and v.startswith("arn:")}
        self.services = {v for k, v in self.pairs if k == "Service"}
        self.federated = {v for k, v in self.pairs if k == "Federated"}
        self.canonical = {v.lower() for k, v in self.pairs if k == "CanonicalUser"}

    def identities(self, caller: RequestPrincipal) -> Iterator[tuple[str, bool]]:
        """Each identity of the caller, as (how it matched, whether it is named here)."""
        kind = caller.type
        if kind == "Service":
            yield DIRECT, caller.arn in self.services
            return
        if kind in ("WebIdentityUser", "SAMLUser"):
            yield DIRECT, caller.arn in self.federated
            return
        if kind == "Anonymous":
            yield DIRECT, False
            return
        yield ACCOUNT, caller.account in self.accounts
        yield DIRECT, caller.arn in self.arns
        parent = caller.role_arn or caller.parent_user_arn
        if parent:
            yield PARENT, parent in self.arns
        if caller.canonical_user_id:
            yield DIRECT, caller.canonical_user_id.lower() in self.canonical

    def match(self, caller: RequestPrincipal) -> str | None:
        """For Principal: the way of naming the caller that grants the most, or None.

        Own ARN and "*" are not limited by boundaries or session policies in the same
        account; the role or user behind a session is; the account only delegates.
        """
        found = [how for how, named in self.identities(caller) if named]
        if DIRECT in found:
            return DIRECT
        if self.everyone:
            return WILDCARD
        for how in (PARENT, ACCOUNT):
            if how in found:
                return how
        return None

    def excludes(self, caller: RequestPrincipal) -> bool:
        """For NotPrincipal: true when every identity of the caller is listed."""
        if self.everyone:
            return True
        return all(named for _, named in self.identities(caller))
