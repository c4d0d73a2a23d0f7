"""The mapping every service gets unless a correction says otherwise.

Action: ``prefix:Operation``, spelled as the reference spells it when it knows the action,
else the operation name as it is (most services name actions after their operations).
Resource: the first of the action's resource types (required ones first) whose ARN
template the parameters fill; ``*`` when the action has no resource type or none fills.
Context: the tags the call sets, kept only where the reference lists those keys.
"""

from __future__ import annotations

from . import arns, reference, tags
from .call import Call, Check, Context


def action_name(prefix: str, name: str) -> str:
    found = reference.privilege(prefix, name)
    return f"{prefix}:{found.name if found else name}"


def resource(call: Call, action: str, values: dict[str, str] | None = None) -> str:
    """The ARN the action is authorized against, filled from ``values`` and the params."""
    prefix, name = reference.split_action(action)
    found = reference.privilege(prefix, name)
    if found is None:
        return "*"
    for _, template in found.resource_types:
        named = arns.arn_param(call, template) if not values else None
        filled = named or arns.fill(template, call, values)
        if filled:
            return filled
    return "*"


def keep_supported(action: str, context: Context) -> Context:
    """Only the keys the reference lists for the action (all of them when it has none)."""
    prefix, name = reference.split_action(action)
    found = reference.privilege(prefix, name)
    if found is None:
        return context
    return {k: v for k, v in context.items() if found.supports(k)}


def check(call: Call, action: str, resource_arn: str | None = None,
          context: Context | None = None) -> Check:
    """A Check for ``action``: the resource from the params unless given; the call's tag keys
    and ``context``, filtered to what the reference lists for the action."""
    arn = resource_arn if resource_arn is not None else resource(call, action)
    merged = {**tags.tag_context(call.params), **(context or {})}
    return Check(action, arn, keep_supported(action, merged))


def checks(call: Call) -> list[Check]:
    return [check(call, action_name(call.prefix, call.operation))]
