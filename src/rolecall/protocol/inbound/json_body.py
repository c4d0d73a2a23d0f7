"""Values from a JSON document, walking the shape as botocore's JSON serializer wrote it
(json and rest-json bodies): timestamps are epoch seconds (or strings), blobs base64."""

from __future__ import annotations

import json
import math
from typing import Any

from botocore.model import Shape

from . import scalars
from .errors import InboundError


def load(body: bytes) -> Any:
    """The decoded JSON document of a body; an empty body is an empty object."""
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InboundError("The request body is not valid JSON.") from None


def structure(shape: Shape, document: Any, where: str = "") -> dict[str, Any]:
    """The members of ``shape`` found in a JSON object (members bound elsewhere are skipped)."""
    if not isinstance(document, dict):
        raise InboundError(f"Expected an object at '{where or '/'}'.")
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if "location" in member.serialization:
            continue
        key = member.serialization.get("name", name)
        if key in document and document[key] is not None:
            out[name] = value(member, document[key], f"{where}/{key}")
    return out


def value(shape: Shape, item: Any, where: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return item if shape.is_document_type else _nested(shape, item, where)
    if kind == "list":
        if not isinstance(item, list):
            raise InboundError(f"Expected a list at '{where}'.")
        return [value(shape.member, entry, f"{where}/{i}") for i, entry in enumerate(item)]
    if kind == "map":
        if not isinstance(item, dict):
            raise InboundError(f"Expected an object at '{where}'.")
        return {
            key: value(shape.value, entry, f"{where}/{key}")
            for key, entry in item.items()
            if entry is not None
        }
    return _scalar(shape, item, where)


def _nested(shape: Shape, item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InboundError(f"Expected an object at '{where}'.")
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = member.serialization.get("name", name)
        if key in item and item[key] is not None:
            out[name] = value(member, item[key], f"{where}/{key}")
    return out


def _scalar(shape: Shape, item: Any, where: str) -> Any:
    kind = shape.type_name
    if kind == "string":
        if not isinstance(item, str):
            raise InboundError(f"Expected a string at '{where}'.")
        return item
    if kind == "boolean":
        if not isinstance(item, bool):
            raise InboundError(f"Expected a boolean at '{where}'.")
        return item
    if kind in ("integer", "long", "byte", "short"):
        if isinstance(item, bool) or not isinstance(item, int):
            raise InboundError(f"Expected an integer at '{where}'.")
        return item
    if kind in ("float", "double"):
        if isinstance(item, str):
            return scalars.from_text(shape, item, where)
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise InboundError(f"Expected a number at '{where}'.")
        return float(item)
    if kind == "timestamp":
        if isinstance(item, bool) or not isinstance(item, int | float | str):
            raise InboundError(f"Expected a timestamp at '{where}'.")
        if isinstance(item, float) and not math.isfinite(item):
            raise InboundError(f"Expected a timestamp at '{where}'.")
        try:
            return scalars.timestamp(item)
        except ValueError:
            raise InboundError(f"Value at '{where}' is not a valid timestamp.") from None
    if kind == "blob":
        if not isinstance(item, str):
            raise InboundError(f"Expected base64 text at '{where}'.")
        return scalars.from_text(shape, item, where)
    return item
