"""Reading a principal's audit events back, through the principal columns' indexes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.db import Database
from ..store.tables import AuditEvent

_SESSION_ARN = re.compile(r"arn:aws:sts::\d{12}:(assumed-role|federated-user)/")
_DURATION = re.compile(r"(\d+)([smhdw])")
_ISO_DURATION = re.compile(r"p(?:(\d+)w)?(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
BATCH = 500


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """A start time from a duration back from ``now`` (``90m``, ``12h``, ``7d``, ``1d12h``,
    or ISO 8601's ``P7D``, ``PT12H``) or an ISO 8601 time; ValueError otherwise."""
    spec = text.strip().lower()
    parts = _DURATION.findall(spec)
    if parts and "".join(n + u for n, u in parts) == spec:
        seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
        return now - dt.timedelta(seconds=seconds)
    iso = _ISO_DURATION.fullmatch(spec)
    if iso is not None and any(iso.groups()):
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in iso.groups())
        return now - dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes,
                                  seconds=seconds)
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since takes a duration such as 7d or 12h, or an ISO 8601 time, "
                         f"not {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def is_session_arn(arn: str) -> bool:
    return _SESSION_ARN.match(arn) is not None


Source = Database | Session  # a handler's own session, or a fresh read per batch


def principal_events(db: Source, arn: str, since: dt.datetime | None = None,
                     until: dt.datetime | None = None) -> Iterator[dict]:
    """The records of calls made by ``arn``, oldest first: a session ARN's own calls, or
    every call of an IAM user or role (all of a role's sessions)."""
    column = AuditEvent.principal_arn if is_session_arn(arn) else AuditEvent.identity_arn
    yield from _events(db, [column == arn], since, until)


def identities_events(db: Source, arns: list[str], since: dt.datetime | None = None
                      ) -> Iterator[dict]:
    """The records of calls made by any of the IAM users and roles ``arns``."""
    if arns:
        yield from _events(db, [AuditEvent.identity_arn.in_(arns)], since, None)


def _events(db: Source, where: list, since: dt.datetime | None,
            until: dt.datetime | None) -> Iterator[dict]:
    if since is not None:
        where.append(AuditEvent.event_time >= since)
    if until is not None:
        where.append(AuditEvent.event_time <= until)
    last = 0
    while True:  # in batches: one read transaction never holds a long history
        with _reading(db) as session:
            rows = session.execute(
                select(AuditEvent.id, AuditEvent.record)
                .where(*where, AuditEvent.id > last).order_by(AuditEvent.id).limit(BATCH)
            ).all()
        for _, text in rows:
            yield json.loads(text)
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


@contextlib.contextmanager
def _reading(db: Source) -> Iterator[Session]:
    if isinstance(db, Session):
        yield db
        return
    with db.transaction(write=False) as session:
        yield session
