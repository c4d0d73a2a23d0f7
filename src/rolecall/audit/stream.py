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

from sqlalchemy import func, select

from ..store.db import Database
from ..store.tables import AuditEvent
from . import events
from .log import STREAM_CHANNEL as CHANNEL

WAIT_SECONDS = 0.25
BATCH = 500


def follow(db: Database, *, account_id: str | None = None, from_start: bool = False,
           wait: float = WAIT_SECONDS, stop: Callable[[], bool] = lambda: False
           ) -> Iterator[dict]:
    """Records written after the call (or all of them with ``from_start``), as they come."""
    with db.transaction(write=False) as session:
        cursor = 0 if from_start else session.scalar(select(func.max(AuditEvent.id))) or 0
    with _waiter(db, wait) as pause:
        while not stop():
            query = select(AuditEvent.id, AuditEvent.record).where(AuditEvent.id > cursor)
            if account_id:
                query = query.where(AuditEvent.account_id == account_id)
            with db.transaction(write=False) as session:
                rows = session.execute(query.order_by(AuditEvent.id).limit(BATCH)).all()
            for row_id, text in rows:
                cursor = row_id
                yield json.loads(text)
            if len(rows) < BATCH:
                pause()


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
           ("Decision", 12), ("Statement", 0))


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
