"""Which values IAM accepts under a Date operator when it stores a policy.

IAM reads a value holding a ``t`` or a ``-`` as an ISO 8601 date-time and anything else as
epoch seconds; a value it cannot read fails "legacy parsing". The forms below are the ones
responses recorded from AWS accept and refuse (LocalStack's AWS-validated
test_iam_policies snapshots): ``01T``, ``-292275054`` and ``2016-12-13t2:00:00.593194+23``
are accepted; ``234-13`` (month 13), a one-digit offset ``+1``, ten fraction digits and
epoch ``9223372036854775808`` are refused.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
_MAX_EPOCH = 2**63 - 1
_YEARS = (-292275054, 292278993)


def _number(text: str, low: int, high: int, *, width: int | None = None) -> bool:
    if not _DIGITS.fullmatch(text) or len(text) > 20:  # no int() of thousands of digits
        return False
    if width is not None and len(text) != width:
        return False
    return low <= int(text) <= high


def valid_date_value(value: str) -> bool:
    """True when IAM would store ``value`` as the operand of a Date operator."""
    text = value.lower()
    if "t" in text or "-" in text:
        date, _, time = text.partition("t")
        return _valid_date(date) and _valid_time(time)
    return _number(text, 0, _MAX_EPOCH)


def _valid_date(date: str) -> bool:
    negative = date.startswith("-")
    fields = (date[1:] if negative else date).split("-")
    if len(fields) > 3:
        return False
    year = fields[0]
    if not _number(year, 0, -_YEARS[0] if negative else _YEARS[1]):
        return False
    limits = ((1, 12), (1, 31))
    return all(_number(field, *limit) for field, limit in zip(fields[1:], limits, strict=False))


def _valid_time(time: str) -> bool:
    fields = time.split(":", 2)
    if fields[0] and not _number(fields[0], 0, 23):
        return False
    if len(fields) > 1 and not _number(fields[1], 0, 59):
        return False
    if len(fields) < 3:
        return True
    seconds = fields[2]
    if "z" in seconds:
        seconds, _, after = seconds.partition("z")
        if after:
            return False
    elif "+" in seconds or "-" in seconds:
        seconds, zone = re.split(r"[+-]", seconds, maxsplit=1)
        hours, colon, minutes = zone.partition(":")
        if not _number(hours, 0, 23, width=2):
            return False
        if colon and not _number(minutes, 0, 59, width=2):
            return False
    whole, dot, fraction = seconds.partition(".")
    if not _number(whole, 0, 59):
        return False
    return not dot or _number(fraction, 0, 999_999_999)
