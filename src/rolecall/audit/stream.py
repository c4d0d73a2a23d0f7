"""`rolecall audit --follow`: each call as it is decided, read from the audit table.

A cursor on the events' id: every batch the server writes is read once, in order, by any
number of followers in other processes. Between reads the follower waits: on PostgreSQL
for the NOTIFY the writer sends with each batch (so a call shows at once), elsewhere for
``WAIT_SECONDS``; never a tight loop over the database.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from sqlalchemy import func, or_, select

from ..store.db import Database
from ..store.tables import AuditEvent
from . import events
from .writer import STREAM_CHANNEL as CHANNEL

WAIT_SECONDS = 0.25
BATCH = 500
GAP_SECONDS = 5.0
MAX_GAPS = 1000


def newest_id(db: Database) -> int:
    """The id of the newest event written (0 for none): where a follower starts."""
    with db.transaction(write=False) as session:
        return session.scalar(select(func.max(AuditEvent.id))) or 0


def follow(db: Database, after: int, *, account_id: str | None = None,
           wait: float = WAIT_SECONDS, stop: Callable[[], bool] = lambda: False
           ) -> Iterator[dict]:
    """Records written after the event ``after``, as they come."""
    cursor = _Cursor(after)
    with _waiter(db, wait) as pause:
        while not stop():
            query = select(AuditEvent.id, AuditEvent.account_id, AuditEvent.record).where(
                or_(AuditEvent.id > cursor.position, AuditEvent.id.in_(cursor.gaps()))
                if cursor.has_gaps() else AuditEvent.id > cursor.position)
            with db.transaction(write=False) as session:
                rows = session.execute(query.order_by(AuditEvent.id).limit(BATCH)).all()
            for row_id, row_account, text in rows:
                if cursor.take(row_id) and (not account_id or row_account == account_id):
                    yield json.loads(text)
            if len(rows) < BATCH:
                pause()


class _Cursor:
    """The newest id read, and the ids skipped below it. On PostgreSQL several server
    processes draw ids from one sequence and may commit out of order, so an id passed over
    may still appear; it is looked for again for ``GAP_SECONDS`` (a rolled-back batch
    leaves ids that never do)."""

    def __init__(self, position: int) -> None:
        self.position = position
        self._gaps: dict[int, float] = {}

    def has_gaps(self) -> bool:
        if self._gaps:
            now = time.monotonic()
            self._gaps = {i: until for i, until in self._gaps.items() if until > now}
        return bool(self._gaps)

    def gaps(self) -> list[int]:
        return sorted(self._gaps)

    def take(self, row_id: int) -> bool:
        """Whether ``row_id`` is new (not read before)."""
        if self._gaps.pop(row_id, None) is not None:
            return True
        if row_id <= self.position:
            return False
        skipped = range(self.position + 1, row_id)
        if len(skipped) <= MAX_GAPS:
            until = time.monotonic() + GAP_SECONDS
            self._gaps.update(dict.fromkeys(skipped, until))
        self.position = row_id
        return True


@contextlib.contextmanager
def _waiter(db: Database, wait: float) -> Iterator[Callable[[], None]]:
    """A pause between reads: until a NOTIFY (or ``wait``) on PostgreSQL, else ``wait``."""
    if db.is_sqlite:
        yield lambda: time.sleep(wait)
        return
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        connection.autocommit = True
        connection.execute(f"LISTEN {CHANNEL}")

        def pause() -> None:
            for _ in connection.notifies(timeout=wait, stop_after=1):
                pass

        yield pause
    finally:
        raw.close()


def lines(record: dict) -> list[dict[str, Any]]:
    """A record's decisions as the stream shows them: one line per action and resource."""
    identity = record.get("userIdentity") or {}
    base = {
        "eventTime": record.get("eventTime"),
        "eventID": record.get("eventID"),
        "principal": identity.get("arn") or identity.get("type"),
        "eventName": f"{record.get('eventSource', '').split('.')[0]}:{record.get('eventName')}",
        "errorCode": record.get("errorCode"),
    }
    decided = events.decisions(record)
    if not decided:
        return [{**base, "action": None, "resource": None, "decision": None,
                 "statement": None}]
    return [{**base, "action": d["action"], "resource": d["resource"],
             "decision": d["decision"], "statement": d["statement"]} for d in decided]


def statement_label(statement: dict | None) -> str:
    if not statement:
        return "-"
    where = statement.get("sid") or f"#{statement.get('index')}"
    return f"{statement.get('policy')} {where}"


COLUMNS = (("Time", 20), ("Principal", 52), ("Action", 34), ("Resource", 52),
           ("Decision", 24), ("Statement", 0))


def _row(values: list[str]) -> str:
    cells = [value.ljust(width)[:width] if width else value
             for value, (_, width) in zip(values, COLUMNS, strict=True)]
    return "  ".join(cells).rstrip()


def print_header(out: TextIO) -> None:
    out.write(_row([name for name, _ in COLUMNS]) + "\n")
    out.flush()


def print_record(record: dict, out: TextIO, as_json: bool) -> None:
    for line in lines(record):
        if as_json:
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
        else:
            out.write(_row([
                line["eventTime"] or "", line["principal"] or "",
                line["action"] or line["eventName"], line["resource"] or "-",
                line["decision"] or line["errorCode"] or "-",
                statement_label(line["statement"]),
            ]) + "\n")
    out.flush()
