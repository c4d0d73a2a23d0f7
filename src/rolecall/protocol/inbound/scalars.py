"""Scalars from their text form (URI labels, query strings, headers, forms, XML text).

Every protocol writes numbers, booleans, timestamps and blobs as text somewhere; this turns
them back into what botocore's parsers give: ``int``, ``float``, ``bool``, aware UTC
``datetime``, ``bytes``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from typing import Any

from botocore.model import Shape
from botocore.utils import parse_timestamp

from .errors import InboundError

_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def from_text(shape: Shape, raw: str, where: str) -> Any:
    """``raw`` read as a value of ``shape``'s scalar type; ``where`` names it in errors."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "byte", "short"):
            return int(raw)
        if kind in ("float", "double"):
            return _FLOAT_WORDS[raw] if raw in _FLOAT_WORDS else float(raw)
        if kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise ValueError(raw)
            return lowered == "true"
        if kind == "timestamp":
            return timestamp(raw)
        if kind == "blob":
            return blob(raw)
    except (ValueError, OverflowError, TypeError):
        raise InboundError(f"Value at '{where}' is not a valid {kind}.") from None
    return raw


def timestamp(raw: str | float) -> dt.datetime:
    """Epoch seconds, ISO 8601 or RFC 822, as botocore's parsers accept them; aware UTC.
    Raises ValueError for anything else, including instants no datetime can hold."""
    if isinstance(raw, str) and not raw.strip():
        raise ValueError("empty timestamp")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = None
    try:
        if seconds is not None:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        # botocore raises RuntimeError for instants its time zone lookup cannot place.
        value = parse_timestamp(raw)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError, TypeError, OSError, RuntimeError) as exc:
        raise ValueError(str(exc)) from None


def blob(raw: str) -> bytes:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
