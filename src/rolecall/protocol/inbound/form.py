"""Params from a query- or ec2-protocol form (``Action=...&Tags.member.1.Key=...``).

One walk over the input shape, with the naming rules of botocore's two form serializers:

- query: a member is named by its ``locationName``; a list is ``Name.member.N`` (or the
  list member's ``locationName``), or, flattened, ``Name.N`` with the last part renamed to
  the member's ``locationName`` if it has one (SimpleDB's ``Attribute.N``); a map is
  ``Name.entry.N.key`` / ``.value`` (flattened: ``Name.N.key``), an empty list ``Name=``.
- ec2: a member is named by its ``queryName``, else its capitalised ``locationName``; every
  list is ``Name.N``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.model import Shape

from . import scalars

Namer = Callable[[Shape, str], str]


def _query_name(shape: Shape, default: str) -> str:
    return shape.serialization.get("name", default)


def _ec2_name(shape: Shape, default: str) -> str:
    if "queryName" in shape.serialization:
        return shape.serialization["queryName"]
    if "name" in shape.serialization:
        name = shape.serialization["name"]
        return name[:1].upper() + name[1:]
    return default


def parse_query(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    return _Walk(form, _query_name, ec2=False).structure(shape, "") if shape else {}


def parse_ec2(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    return _Walk(form, _ec2_name, ec2=True).structure(shape, "") if shape else {}


class _Walk:
    """The form's keys and every dotted prefix of them, read by one protocol's names."""

    def __init__(self, form: Mapping[str, str], name: Namer, ec2: bool) -> None:
        self.form = form
        self.name = name
        self.ec2 = ec2
        self.prefixes: set[str] = set()
        for key in form:
            parts = key.split(".")
            for i in range(1, len(parts) + 1):
                self.prefixes.add(".".join(parts[:i]))

    def structure(self, shape: Shape, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for member_name, member in shape.members.items():
            key = prefix + self.name(member, member_name)
            if member.type_name == "list" and not self.ec2 and self._flat_renamed(member):
                key = prefix + self.name(member.member, "")
            if key in self.prefixes:
                item = self.value(member, key)
                if item is not None:
                    out[member_name] = item
        return out

    def value(self, shape: Shape, key: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, key + ".")
        if kind == "list":
            return self._list(shape, key)
        if kind == "map":
            return self._map(shape, key)
        if key not in self.form:
            return None  # only a prefix of deeper keys: no scalar here
        return scalars.from_text(shape, self.form[key], key)

    @staticmethod
    def _flat_renamed(shape: Shape) -> bool:
        return bool(shape.serialization.get("flattened")) and "name" in shape.member.serialization

    def _list(self, shape: Shape, key: str) -> list[Any]:
        if self.ec2 or shape.serialization.get("flattened"):
            base = key
        else:
            base = f"{key}.{shape.member.serialization.get('name', 'member')}"
        items, index = [], 1
        while f"{base}.{index}" in self.prefixes:
            item = self.value(shape.member, f"{base}.{index}")
            if item is not None:
                items.append(item)
            index += 1
        return items

    def _map(self, shape: Shape, key: str) -> dict[str, Any]:
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name = self.name(shape.key, "key")
        value_name = self.name(shape.value, "value")
        out, index = {}, 1
        while f"{base}.{index}" in self.prefixes:
            entry = f"{base}.{index}"
            map_key = self.form.get(f"{entry}.{key_name}")
            item = self.value(shape.value, f"{entry}.{value_name}")
            if map_key is not None and item is not None:
                out[map_key] = item
            index += 1
        return out
