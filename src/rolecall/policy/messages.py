"""AccessDenied wording as AWS now writes it, naming the policy type that denied."""

from __future__ import annotations

from rolecall.policy.evaluate import BOUNDARY, IDENTITY, RCP, RESOURCE, SCP, SESSION, Decision

_EXPLICIT = {
    IDENTITY: "an identity-based policy",
    BOUNDARY: "a permissions boundary",
    SESSION: "a session policy",
    RESOURCE: "a resource-based policy",
    SCP: "a service control policy",
    RCP: "a resource control policy",
}
_IMPLICIT = {
    IDENTITY: "identity-based policy",
    BOUNDARY: "permissions boundary",
    SESSION: "session policy",
    RESOURCE: "resource-based policy",
    SCP: "service control policy",
    RCP: "resource control policy",
}


def access_denied_message(
    principal_arn: str,
    action: str,
    resource: str,
    decision: Decision,
    *,
    policy_arn: str | None = None,
) -> str:
    """The AccessDenied message for a denied ``decision``.

    ``policy_arn``, when given for an explicit deny, names the denying policy after the
    policy type, as AWS does for same-account requests ("...in an identity-based policy:
    arn:aws:iam::123456789012:policy/Name").
    """
    head = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"
    denied = decision.denied_by
    if denied is None:
        return head
    if denied.explicit:
        tail = f": {policy_arn}" if policy_arn else ""
        return f"{head} with an explicit deny in {_EXPLICIT[denied.layer]}{tail}"
    return f"{head} because no {_IMPLICIT[denied.layer]} allows the {action} action"


def denying_policy_arn(decision: Decision) -> str | None:
    """The ARN of the managed policy whose Deny decided ``decision``, if it was one."""
    denied = decision.denied_by
    if denied is None or not denied.explicit:
        return None
    for matched in decision.matched:
        if matched.layer == denied.layer and matched.policy_id.startswith("arn:"):
            return matched.policy_id
    return None
