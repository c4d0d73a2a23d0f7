"""Condition keys a policy reads, as GetContextKeysForCustomPolicy reports them."""

from __future__ import annotations

from rolecall.policy.document import Policy, as_list
from rolecall.policy.variables import variable_keys


def context_keys(policy: Policy) -> list[str]:
    """Keys named in Condition elements and in policy variables, first spelling kept."""
    found: dict[str, str] = {}

    def add(name: str) -> None:
        found.setdefault(name.lower(), name)

    substitute = policy.version == "2012-10-17"
    for statement in policy.statements:
        element = statement.element
        if substitute:
            for name in ("Resource", "NotResource"):
                for resource in as_list(element.get(name, [])):
                    for key in variable_keys(resource):
                        add(key)
        for block in (element.get("Condition") or {}).values():
            for key, values in block.items():
                add(key)
                if substitute:
                    for value in as_list(values):
                        if isinstance(value, str):
                            for variable in variable_keys(value):
                                add(variable)
    return list(found.values())
