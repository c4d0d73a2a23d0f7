"""The audit log writer: events are queued by the request path and written in batches.

Writing one row per request inside the request would put a disk flush on every call;
instead the server's event loop writes whatever has queued every ``FLUSH_SECONDS`` in one
transaction (see app.py), and on shutdown. The record of a call that changed state is the
exception: it is written in that call's transaction (``insert_now``). The loop writes
rather than a thread: a thread doing database I/O waits for the busy request thread at
every GIL hand-over, falls behind under load and stalls requests when it catches up.
Last-used times of access keys and roles ride along, coalesced per key and role (IAM
documents both as eventually consistent).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable

import orjson
from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..store.db import Database, discard
from ..store.tables import AccessKey, AuditEvent, Role
from . import events as audit_events

STREAM_CHANNEL = "rolecall_audit"  # audit/stream.py listens on it
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
    def __init__(self, db: Database, on_use: Callable[[str], None] = lambda entity_id: None):
        """``on_use(id)`` hears of every use of a role queued here, so answers that show
        the role's last use can be dropped."""
        self._db = db
        self._on_use = on_use
        self._events: list[tuple[dt.datetime, dict]] = []
        self._key_use: dict[str, tuple[dt.datetime, str, str]] = {}
        self._role_use: dict[str, tuple[dt.datetime, str]] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()  # held by _write's callers; the console flushes too
        # The newest use of each role and key this process has recorded, written or not.
        self._newest_role_use: dict[str, tuple[dt.datetime, str]] = {}
        self._newest_key_use: dict[str, tuple[dt.datetime, str, str]] = {}
        self._conn: Connection | None = None

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
        self._drop_connection()

    def flush(self) -> None:
        """Write every queued event and last-used time. The queues are taken while
        holding the write lock, so a caller that finds them empty knows that nothing it
        queued before is still on its way to the database."""
        with self._write_lock:
            with self._lock:
                events, self._events = self._events, []
                key_use, self._key_use = self._key_use, {}
                role_use, self._role_use = self._role_use, {}
            self._write(events, key_use, role_use)

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
        session.execute(insert(AuditEvent), [dict(zip(_COLUMNS, _values(when, event),
                                                      strict=True))])
        if not self._db.is_sqlite:
            session.execute(text(f"NOTIFY {STREAM_CHANNEL}"))

    def _write(self, events: list[tuple[dt.datetime, dict]], key_use: dict,
               role_use: dict) -> None:
        """Write one batch; the caller holds ``_write_lock``."""
        if not events and not key_use and not role_use:
            return
        sqlite = self._db.is_sqlite
        rows = [_values(when, event, sqlite) for when, event in events]
        try:
            connection = self._connection()
            with connection.begin():
                if rows and sqlite:
                    # Straight to the driver: one executemany with no per-value
                    # processing (the batch is the request path's largest write).
                    connection.exec_driver_sql(_SQLITE_INSERT, rows)
                elif rows:
                    # PostgreSQL: COPY, a third of executemany's client time per row and
                    # half its wall time for a batch of 100 (the loop waits for it).
                    with connection.connection.dbapi_connection.cursor() as cursor:
                        with cursor.copy(_COPY_SQL) as copy:
                            for row in rows:
                                copy.write_row(row)
                        cursor.execute(f"NOTIFY {STREAM_CHANNEL}")  # wakes `audit --follow`
                if key_use:
                    connection.execute(_KEY_USED, [
                        {"key_id": key_id, "when": when, "service": service,
                         "region": region}
                        for key_id, (when, service, region) in key_use.items()])
                if role_use:
                    connection.execute(_ROLE_USED, [
                        {"role_id": role_id, "when": when, "region": region}
                        for role_id, (when, region) in role_use.items()])
        except Exception:  # the audit writer must outlive a failed batch
            log.exception("could not write %d audit events", len(events))
            self._drop_connection()

    def _connection(self) -> Connection:
        """The writer's own connection. These batches hold the records of reads and
        refusals (a change's record is written with the change, ``insert_now``), so they
        are committed without waiting for the disk: on SQLite synchronous=NORMAL in WAL
        mode, which survives a crash or kill of the process, on PostgreSQL
        synchronous_commit off, which survives one of the server's clients."""
        if self._conn is None:
            conn = self._db.engine.execution_options(rolecall_write=True).connect()
            driver = conn.connection.dbapi_connection
            if self._db.is_sqlite:
                driver.execute("PRAGMA synchronous=NORMAL")
            else:
                with driver.cursor() as cursor:
                    cursor.execute("SET synchronous_commit = off")
                driver.commit()
            self._conn = conn
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            discard(self._conn)
            self._conn = None


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


_COLUMNS = ("event_time", "account_id", "event_name", "error_code", "record", "principal_arn",
            "identity_arn")


_COPY_SQL = f"COPY {AuditEvent.__tablename__} ({', '.join(_COLUMNS)}) FROM STDIN"


_SQLITE_INSERT = (f"INSERT INTO {AuditEvent.__tablename__} ({', '.join(_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(_COLUMNS))})")


_KEY_USED = (update(AccessKey.__table__)
             .where(AccessKey.__table__.c.id == bindparam("key_id"))
             .values(last_used_at=bindparam("when"), last_used_service=bindparam("service"),
                     last_used_region=bindparam("region")))
_ROLE_USED = (update(Role.__table__)
              .where(Role.__table__.c.id == bindparam("role_id"))
              .values(last_used_at=bindparam("when"), last_used_region=bindparam("region")))


def _values(when: dt.datetime, event: dict, as_sqlite_text: bool = False) -> tuple:
    """An event's row, in ``_COLUMNS`` order. For the SQLite driver the time is text in
    SQLAlchemy's own form (``2026-12-04 02:48:25.076692``, UTC), which the ORM reads back."""
    principal_arn, identity_arn = audit_events.principal_columns(event)
    if as_sqlite_text:
        when = when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return (when, event.get("recipientAccountId"), event["eventName"], event.get("errorCode"),
            _json(event), principal_arn, identity_arn)
