"""Params from a query- or ec2-protocol form (``Action=...&Tags.member.1.Key=...``).

The query protocol is parsed by rolecall's IAM/STS parser (``rolecall.protocol.query``); the
ec2 protocol differs as botocore's EC2 serializer does: a member is named by its
``queryName``, else its capitalised ``locationName``, and every list is flattened
(``Name.1``, ``Name.2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from .. import query
from ..errors import AWSError
from . import scalars
from .errors import InboundError

_PROTOCOL_KEYS = ("Action", "Version")


def parse_query(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    try:
        return query.parse_params(shape, form)
    except AWSError as err:
        raise InboundError(err.message) from None


def parse_ec2(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    if shape is None:
        return {}
    prefixes: set[str] = set()
    for key in form:
        parts = key.split(".")
        for i in range(1, len(parts) + 1):
            prefixes.add(".".join(parts[:i]))
    return _structure(shape, "", form, prefixes)


def _ec2_name(member: Shape, default: str) -> str:
    if "queryName" in member.serialization:
        return member.serialization["queryName"]
    if "name" in member.serialization:
        name = member.serialization["name"]
        return name[:1].upper() + name[1:]
    return default


def _structure(shape: Shape, prefix: str, form: Mapping[str, str], prefixes: set[str]) -> dict:
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = prefix + _ec2_name(member, name)
        if key in prefixes and key not in _PROTOCOL_KEYS:
            item = _value(member, key, form, prefixes)
            if item is not None:
                out[name] = item
    return out


def _value(shape: Shape, key: str, form: Mapping[str, str], prefixes: set[str]) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, key + ".", form, prefixes)
    if kind == "list":
        items, index = [], 1
        while f"{key}.{index}" in prefixes:
            item = _value(shape.member, f"{key}.{index}", form, prefixes)
            if item is not None:
                items.append(item)
            index += 1
        return items
    if kind == "map":
        # botocore's EC2 serializer writes maps as the query one does (no EC2 input has one).
        key_name = _ec2_name(shape.key, "key")
        value_name = _ec2_name(shape.value, "value")
        out, index = {}, 1
        while f"{key}.entry.{index}" in prefixes:
            entry = f"{key}.entry.{index}"
            map_key = form.get(f"{entry}.{key_name}")
            item = _value(shape.value, f"{entry}.{value_name}", form, prefixes)
            if map_key is not None and item is not None:
                out[map_key] = item
            index += 1
        return out
    if key not in form:
        return None
    return scalars.from_text(shape, form[key], key)
