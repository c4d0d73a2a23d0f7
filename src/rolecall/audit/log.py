"""The audit log writer: events are queued by the request path and written in batches.

Writing one row per request inside the request would put a disk flush on every call;
instead the server's event loop writes whatever has queued every ``FLUSH_SECONDS`` in one
transaction (see app.py), and on shutdown. The record of a call that changed state is the
exception: it is written in that call's transaction (``insert_now``). The loop writes
rather than a thread: a thread doing database I/O waits for the busy request thread at
every GIL hand-over, falls behind under load and stalls requests when it catches up.
Last-used times of access keys and roles ride along, coalesced per key and role (IAM
documents both as eventually consistent). Where a batch is written, here or in the server's
writer process, is writer.py's concern.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable

import orjson
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from ..store.db import Database
from ..store.tables import AuditEvent
from . import events as audit_events
from .writer import COLUMNS, STREAM_CHANNEL, Batch, DatabaseWriter, RemoteWriter, Writer

FLUSH_SECONDS = 0.01
MAX_QUEUED = 10_000
log = logging.getLogger("rolecall.audit")


def _json(event: dict) -> str:
    """orjson for speed; the standard library for what orjson refuses (integers beyond
    64 bits in a refused call's parameters)."""
    try:
        return orjson.dumps(event, default=str).decode()
    except TypeError:
        return json.dumps(event, default=str, separators=(",", ":"))


class AuditLog:
    def __init__(self, db: Database, on_use: Callable[[str], None] = lambda entity_id: None,
                 writer_address: str | None = None):
        """``on_use(id)`` hears of every use of a role queued here, so answers that show
        the role's last use can be dropped. ``writer_address``: the writer process that
        batches go to (writer.py), else they are written here."""
        self._db = db
        self._writer: Writer = (RemoteWriter(writer_address, db) if writer_address
                                else DatabaseWriter(db))
        self._on_use = on_use
        self._events: list[tuple[dt.datetime, dict]] = []
        self._key_use: dict[str, tuple[dt.datetime, str, str]] = {}
        self._role_use: dict[str, tuple[dt.datetime, str]] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()  # held by _write's callers; the console flushes too
        # The newest use of each role and key this process has recorded, written or not.
        self._newest_role_use: dict[str, tuple[dt.datetime, str]] = {}
        self._newest_key_use: dict[str, tuple[dt.datetime, str, str]] = {}

    def record(self, event: dict, when: dt.datetime) -> None:
        """Queue a CloudTrail record; ``when`` is its eventTime as a datetime. A call made
        with a role's session counts as a use of the role, so RoleLastUsed agrees with the
        last-accessed reports built from the same events."""
        self._note_role_use(event, when)
        with self._lock:
            self._events.append((when, event))
            backlog = len(self._events)
        if backlog >= MAX_QUEUED:  # nobody is flushing (an in-process server): write now
            self.flush()

    def key_used(self, access_key_id: str, when: dt.datetime, service: str, region: str) -> None:
        use = (when, service, region)
        with self._lock:
            self._key_use[access_key_id] = use
            _remember(self._newest_key_use, access_key_id, use)

    def _note_role_use(self, event: dict, when: dt.datetime) -> None:
        issuer = ((event.get("userIdentity") or {}).get("sessionContext") or {}).get(
            "sessionIssuer")
        if issuer is not None and issuer.get("type") == "Role":
            self.role_used(issuer["principalId"], when, event.get("awsRegion", ""))

    def role_used(self, role_id: str, when: dt.datetime, region: str) -> None:
        with self._lock:
            known = self._role_use.get(role_id)
            if known is None or known[0] <= when:
                self._role_use[role_id] = (when, region)
            _remember(self._newest_role_use, role_id, (when, region))
        self._on_use(role_id)

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def flush(self, wait: bool = True) -> None:
        """Write every queued event and last-used time; with ``wait``, return once they
        are committed (the loop's own rounds hand them to a writer process and go on).
        The queues are taken while holding the write lock, so a caller that finds them
        empty knows that nothing it queued before is still on its way to the database."""
        with self._write_lock:
            with self._lock:
                events, self._events = self._events, []
                key_use, self._key_use = self._key_use, {}
                role_use, self._role_use = self._role_use, {}
            rows = [_values(when, event, as_text=True) for when, event in events]
            self._writer.write(Batch(rows, key_use, role_use), wait)

    def newest_role_use(self, role_id: str, stored_at: dt.datetime | None,
                        stored_region: str | None) -> tuple[dt.datetime | None, str | None]:
        """The newer of a role's last use as stored and the newest this process recorded.
        A read shows a use made just before it whether or not the batch holding it has been
        committed, and whatever snapshot the read's own transaction has."""
        return _newer((stored_at, stored_region), self._newest_role_use.get(role_id))

    def newest_key_use(self, key_id: str, stored: tuple[dt.datetime | None, str | None,
                                                         str | None]) -> tuple:
        """(when, service, region) of an access key's last use, as ``newest_role_use``."""
        return _newer(stored, self._newest_key_use.get(key_id))

    def insert_now(self, session: Session, event: dict, when: dt.datetime) -> None:
        """Write the record of a call that changed state in that call's own transaction,
        so the change is never acknowledged without its record."""
        self._note_role_use(event, when)
        session.execute(insert(AuditEvent), [dict(zip(COLUMNS, _values(when, event),
                                                      strict=True))])
        if not self._db.is_sqlite:
            session.execute(text(f"NOTIFY {STREAM_CHANNEL}"))


# Entities whose newest use is remembered; beyond it the memory starts again (uses older
# than the last batch are in the database by then).
MAX_REMEMBERED = 200_000


def _remember(newest: dict, entity_id: str, use: tuple) -> None:
    known = newest.get(entity_id)
    if known is None or known[0] <= use[0]:
        if known is None and len(newest) >= MAX_REMEMBERED:
            newest.clear()
        newest[entity_id] = use


def _newer(stored: tuple, remembered: tuple | None) -> tuple:
    """The later of two uses, (when, ...) each; a stored time without a zone is UTC."""
    if remembered is None:
        return stored
    when = stored[0]
    if when is None:
        return remembered
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return remembered if remembered[0] > when else stored


def _values(when: dt.datetime, event: dict, as_text: bool = False) -> tuple:
    """An event's row, in ``COLUMNS`` order. For a batch the time is UTC text in
    SQLAlchemy's own SQLite form (``2026-12-04 02:48:25.076692``), which the ORM reads back
    and PostgreSQL's COPY reads as the same timestamp."""
    principal_arn, identity_arn = audit_events.principal_columns(event)
    if as_text:
        when = when.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return (when, event.get("recipientAccountId"), event["eventName"], event.get("errorCode"),
            _json(event), principal_arn, identity_arn)
