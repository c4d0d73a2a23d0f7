"""Parse AWS query-protocol parameters (``Action=...&Tags.member.1.Key=...``) into typed values.

The walk follows the operation's input shape exactly as botocore's query serializer
writes it, so any request the SDKs can send is understood without per-operation code.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

from botocore.model import Shape

from .errors import AWSError


def form_pairs(text: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(text, keep_blank_values=True)``, faster where nothing needs
    decoding (most fields of most calls): every request's form passes through here."""
    pairs = []
    for item in text.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        if "%" in item or "+" in item:
            name, value = _decoded(name), _decoded(value)
        pairs.append((name, value))
    return pairs


@functools.lru_cache(maxsize=4096)
def _decode_short(text: str) -> str:
    return unquote_plus(text)


def _decoded(text: str) -> str:
    """``unquote_plus``; the same short fields (ARNs, action names) come with every call of
    a client, and decoding them costs more than remembering them."""
    return _decode_short(text) if len(text) <= 256 else unquote_plus(text)


def parse_params(shape: Shape | None, form: Mapping[str, str]) -> dict[str, Any]:
    """Build the parameter dict for ``shape`` from flat query keys."""
    if shape is None:
        return {}
    prefixes = _prefixes(form)
    return _structure(shape, "", form, prefixes)


def _prefixes(form: Mapping[str, str]) -> set[str]:
    """Every key and each of its beginnings that ends before a dot."""
    found: set[str] = set()
    for key in form:
        found.add(key)
        dot = key.find(".")
        while dot != -1:
            found.add(key[:dot])
            dot = key.find(".", dot + 1)
    return found


def _name(member: Shape, default: str) -> str:
    return member.serialization.get("name", default)


@functools.cache
def _members(shape: Shape) -> tuple[tuple[str, str, Shape], ...]:
    """(name, name on the wire, shape) of each member, worked out once per shape."""
    return tuple((name, _name(member, name), member) for name, member in shape.members.items())


def _structure(shape: Shape, prefix: str, form: Mapping[str, str], prefixes: set[str]) -> dict:
    out: dict[str, Any] = {}
    for member_name, wire_name, member in _members(shape):
        key = prefix + wire_name
        if key not in prefixes:
            continue
        out[member_name] = _value(member, key, form, prefixes)
    return out


def _value(shape: Shape, key: str, form: Mapping[str, str], prefixes: set[str]) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, key + ".", form, prefixes)
    if kind == "list":
        return _list(shape, key, form, prefixes)
    if kind == "map":
        return _map(shape, key, form, prefixes)
    if key not in form:
        # A scalar whose name only appears as a prefix of deeper keys: treat as absent.
        return None
    return _scalar(shape, key, form[key])


def _list(shape: Shape, key: str, form: Mapping[str, str], prefixes: set[str]) -> list:
    flattened = shape.serialization.get("flattened", False)
    base = key if flattened else key + "." + shape.member.serialization.get("name", "member")
    items = []
    index = 1
    while f"{base}.{index}" in prefixes:
        item = _value(shape.member, f"{base}.{index}", form, prefixes)
        # ``Names.member.1.x=...`` names no scalar item: ignored, like any unknown key.
        if item is not None:
            items.append(item)
        index += 1
    return items


def _map(shape: Shape, key: str, form: Mapping[str, str], prefixes: set[str]) -> dict:
    flattened = shape.serialization.get("flattened", False)
    base = key if flattened else key + ".entry"
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out = {}
    index = 1
    while f"{base}.{index}" in prefixes:
        entry = f"{base}.{index}"
        map_key = form.get(f"{entry}.{key_name}")
        value = _value(shape.value, f"{entry}.{value_name}", form, prefixes)
        if map_key is not None and value is not None:
            out[map_key] = value
        index += 1
    return out


def _member_path(key: str) -> str:
    """The constraint path AWS names in errors: lower camel case, list markers kept."""
    parts = key.split(".")
    return ".".join(p[:1].lower() + p[1:] for p in parts)


def _scalar(shape: Shape, key: str, raw: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "string":
            return raw
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
        if kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise ValueError(raw)
            return lowered == "true"
        if kind == "timestamp":
            return _timestamp(raw)
        if kind == "blob":
            return base64.b64decode(raw, validate=True)
    except (ValueError, binascii.Error, OverflowError):
        raise AWSError(
            "ValidationError",
            f"1 validation error detected: Value '{raw}' at '{_member_path(key)}' failed to "
            f"satisfy constraint: Member must be a valid {kind}",
        ) from None
    return raw


def _timestamp(raw: str) -> dt.datetime:
    if raw.replace(".", "", 1).isdigit():
        return dt.datetime.fromtimestamp(float(raw), dt.UTC)
    value = dt.datetime.fromisoformat(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
