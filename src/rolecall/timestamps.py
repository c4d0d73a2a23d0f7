"""Times as IAM, STS and CloudTrail write them: UTC, to the second, ``2024-05-01T12:30:00Z``.

Every answer and audit record carries some, mostly of the current second, so the text of
recent seconds is kept rather than formatted again."""

from __future__ import annotations

import datetime as dt
import functools


def iso_seconds(value: dt.datetime) -> str:
    """``value`` (aware, or naive UTC as the database returns it) in AWS's form."""
    return _formatted(value.astimezone(dt.UTC).replace(microsecond=0))


@functools.lru_cache(maxsize=256)
def _formatted(second: dt.datetime) -> str:
    return second.strftime("%Y-%m-%dT%H:%M:%SZ")
