"""Times as IAM, STS and CloudTrail write them: UTC, to the second, ``2024-05-01T12:30:00Z``.

Every call's audit record and request context carry the current second (and new
credentials their expiry), so the text of the seconds recently written is kept rather than
formatted again."""

from __future__ import annotations

import datetime as dt
import math

_texts: dict[int, str] = {}


def iso_seconds(value: dt.datetime) -> str:
    """``value`` (aware, or naive UTC as the database returns it) in AWS's form."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    second = math.floor(value.timestamp())
    text = _texts.get(second)
    if text is None:
        if len(_texts) >= 64:
            _texts.clear()
        text = _texts[second] = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text
