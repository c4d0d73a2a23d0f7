"""Trust-policy decisions for callers with no identity policies of their own: AWS services
(the credential endpoints), web-identity and SAML federated users. For them a role's trust
policy alone decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..policy import (
    MalformedPolicyError,
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)


def trust_allows(trust_document: str, role_arn: str, principal: RequestPrincipal,
                 actions: Iterable[str], context: Mapping[str, object] | None = None) -> bool:
    """Whether the trust policy lets ``principal`` take every one of ``actions`` on the
    role. A stored trust policy that no longer parses trusts nobody."""
    try:
        trust = parse_policy(trust_document, PolicyType.TRUST)
    except MalformedPolicyError:
        return False
    policies = PolicySet(resource=PolicyRef("TrustPolicy", "resource", trust))
    return all(
        evaluate(Request(principal, action, role_arn, context=dict(context or {})),
                 policies).allowed
        for action in actions
    )
