"""AWS's JSON protocol (awsJson1.1), driven by botocore's service models.

A request is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON
body holding the input shape's members by name; the answer is the output shape as JSON,
and an error ``{"__type": code, "message": text}`` plus the error shape's own members
(Organizations' ``Reason``). Timestamps travel as epoch seconds, blobs as base64.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from typing import Any

from botocore.model import OperationModel, Shape

from .errors import AWSError

CONTENT_TYPE = "application/x-amz-json-1.1"
MALFORMED = "SerializationException"


def operation_name(target: str | None, target_prefix: str) -> str:
    """The operation an ``X-Amz-Target`` header names, or "" when it names none of ours."""
    if not target:
        return ""
    prefix, _, name = target.rpartition(".")
    return name if prefix == target_prefix else ""


def parse_params(shape: Shape | None, body: bytes) -> dict[str, Any]:
    """The input shape's members from a JSON body; unknown members are ignored as AWS does."""
    if shape is None:
        return {}
    text = body.decode("utf-8", "replace").strip() if body else ""
    if not text:
        return {}
    try:
        document = json.loads(text)
    except ValueError:
        raise AWSError(MALFORMED, "Start of structure or map found where not expected.",
                       400) from None
    return _structure(shape, document, "")


def _structure(shape: Shape, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _mismatch(path or shape.name, "structure")
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if name in value and value[name] is not None:
            out[name] = _value(member, value[name], f"{path}{name}")
    return out


def _value(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, value, path + ".")
    if kind == "list":
        if not isinstance(value, list):
            raise _mismatch(path, kind)
        return [_value(shape.member, item, f"{path}.member") for item in value if item is not None]
    if kind == "map":
        if not isinstance(value, dict):
            raise _mismatch(path, kind)
        return {str(k): _value(shape.value, v, f"{path}.value") for k, v in value.items()
                if v is not None}
    return _scalar(kind, value, path)


def _scalar(kind: str, value: Any, path: str) -> Any:
    if kind == "string":
        if isinstance(value, str):
            return value
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
    elif kind in ("integer", "long"):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind in ("float", "double"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind == "timestamp":
        return _timestamp(value, path)
    elif kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise _mismatch(path, kind)


def _timestamp(value: Any, path: str) -> dt.datetime:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value):
                return dt.datetime.fromtimestamp(value, dt.UTC)
        elif isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise _mismatch(path, "timestamp")


def _mismatch(path: str, kind: str) -> AWSError:
    return AWSError(MALFORMED, f"Value at '{path}' is not a valid {kind}.", 400)


def success(operation: OperationModel, result: dict[str, Any] | None) -> bytes:
    shape = operation.output_shape
    if shape is None:
        return b"{}"
    return json.dumps(_out_structure(shape, result or {}), separators=(",", ":")).encode()


def error(err: AWSError) -> bytes:
    """The error body: botocore reads the code from ``__type`` and the text from ``message``."""
    body: dict[str, Any] = {"__type": err.code, "message": err.message}
    body.update(err.fields)
    return json.dumps(body, separators=(",", ":")).encode()


def _out_structure(shape: Shape, value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name)
        if item is not None:
            out[name] = _out_value(member, item)
    return out


def _out_value(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _out_structure(shape, value)
    if kind == "list":
        return [_out_value(shape.member, item) for item in value]
    if kind == "map":
        return {str(k): _out_value(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        # SQLite hands timestamps back without their zone; they are stored in UTC.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return round(aware.timestamp(), 3)
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value
