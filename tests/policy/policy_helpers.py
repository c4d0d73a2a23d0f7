"""Builders shared by the policy tests: documents, callers and requests in a few words."""

from __future__ import annotations

import json
from typing import Any

from rolecall.policy import (
    Decision,
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

ACCOUNT = "123456789012"
OTHER = "444455556666"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return json.dumps(body, indent=2)


def ref(kind: PolicyType, *statements: dict[str, Any], name: str = "p", **kw: Any) -> PolicyRef:
    source = {PolicyType.IDENTITY: "IAM Policy", PolicyType.BOUNDARY: "IAM Policy"}
    policy = parse_policy(doc(*statements, **kw), kind)
    return PolicyRef(name, source.get(kind, kind.value), policy)


def allow(action: str | list[str] = "*", resource: str | list[str] = "*", **extra: Any) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str] = "*", resource: str | list[str] = "*", **extra: Any) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def user(name: str = "Bob", account: str = ACCOUNT, **kw: Any) -> RequestPrincipal:
    return RequestPrincipal(
        arn=f"arn:aws:iam::{account}:user/{name}",
        account=account,
        type="User",
        user_id=f"AIDA{name.upper()}",
        username=name,
        **kw,
    )


def session(role: str = "Dev", name: str = "s1", account: str = ACCOUNT, **kw: Any):
    return RequestPrincipal(
        arn=f"arn:aws:sts::{account}:assumed-role/{role}/{name}",
        account=account,
        type="AssumedRole",
        user_id=f"AROAROLE:{name}",
        role_arn=f"arn:aws:iam::{account}:role/{role}",
        **kw,
    )


def root(account: str = ACCOUNT) -> RequestPrincipal:
    return RequestPrincipal(arn=f"arn:aws:iam::{account}:root", account=account, type="Account")


def decide(
    principal: RequestPrincipal,
    action: str,
    target: str = "*",
    context: dict[str, Any] | None = None,
    resource_account: str | None = None,
    **policies: Any,
) -> Decision:
    request = Request(principal, action, target, resource_account, context or {})
    return evaluate(request, PolicySet(**policies))


def identity(*statements: dict[str, Any], **kw: Any) -> list[PolicyRef]:
    return [ref(PolicyType.IDENTITY, *statements, **kw)]
