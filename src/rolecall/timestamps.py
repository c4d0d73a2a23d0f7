"""Times as IAM, STS and CloudTrail write them: UTC, to the second, ``2024-05-01T12:30:00Z``.

Every call's audit record and request context carry the current second, so its text is
kept until the second changes rather than formatted again."""

from __future__ import annotations

import datetime as dt
import math

_last: tuple[int, str] = (-1, "")


def iso_seconds(value: dt.datetime) -> str:
    """``value`` (aware, or naive UTC as the database returns it) in AWS's form."""
    global _last
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    second = math.floor(value.timestamp())
    last_second, text = _last  # one tuple: threads never see half an update
    if second != last_second:
        text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        _last = (second, text)
    return text
