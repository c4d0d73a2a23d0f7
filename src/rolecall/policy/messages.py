"""AccessDenied wording as AWS now writes it, naming the policy type that denied."""

from __future__ import annotations

from rolecall.policy.evaluate import BOUNDARY, IDENTITY, RESOURCE, SESSION, Decision

_EXPLICIT = {
    IDENTITY: "an identity-based policy",
    BOUNDARY: "a permissions boundary",
    SESSION: "a session policy",
    RESOURCE: "a resource-based policy",
}
_IMPLICIT = {
    IDENTITY: "identity-based policy",
    BOUNDARY: "permissions boundary",
    SESSION: "session policy",
    RESOURCE: "resource-based policy",
}


def access_denied_message(
    principal_arn: str, action: str, resource: str, decision: Decision
) -> str:
    """The AccessDenied message for a denied ``decision``."""
    head = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"
    denied = decision.denied_by
    if denied is None:
        return head
    if denied.explicit:
        return f"{head} with an explicit deny in {_EXPLICIT[denied.layer]}"
    return f"{head} because no {_IMPLICIT[denied.layer]} allows the {action} action"
