"""How one process learns that another changed IAM state on the same database.

Every change bumps one counter row in its own transaction (and, on PostgreSQL, sends a
NOTIFY delivered at its commit). A process on PostgreSQL listens (notify.py) and so tests a
counter in memory per request; on SQLite, or while the listener is down, it reads the
counter row, at most every ``POLL_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .db import Database, discard
from .notify import CHANNEL, Listener
from .tables import IamGeneration

POLL_SECONDS = 0.025
log = logging.getLogger("rolecall.changes")
# Tests set a long poll to show that a prompt refusal can only come from the push.
POLL_ENV = "ROLECALL_CHANGE_POLL_SECONDS"


def record(session: Session, db: Database, account_id: str) -> None:
    """Count a change to IAM state in the transaction that makes it."""
    session.execute(update(IamGeneration).where(IamGeneration.id == 1)
                    .values(value=IamGeneration.value + 1))
    if not db.is_sqlite:
        session.execute(select(func.pg_notify(CHANNEL, account_id)))


def generation(db: Database) -> int:
    """The counter, read by primary key."""
    with db.transaction(write=False) as session:
        return session.scalar(select(IamGeneration.value).where(IamGeneration.id == 1)) or 0


class _CounterReader:
    """One connection kept for the poll, so that a poll is one primary-key read on it
    rather than a session and a transaction of their own (forty times a second)."""

    SQL = f"SELECT value FROM {IamGeneration.__tablename__} WHERE id = 1"

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def read(self) -> int:
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._db.engine.connect()
                    if not self._db.is_sqlite:  # each read sees the newest commit
                        self._conn.connection.dbapi_connection.autocommit = True
                cursor = self._conn.connection.dbapi_connection.cursor()
                try:
                    cursor.execute(self.SQL)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
                return row[0] if row else 0
            except Exception:  # a lost connection: made again at the next poll
                self.close()
                raise

    def close(self) -> None:
        if self._conn is not None:
            discard(self._conn)
            self._conn = None


class ChangeWatch:
    """Answers, cheaply and often, whether IAM state changed since it was last asked."""

    def __init__(self, db: Database, listener: Listener | None = None,
                 poll_seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._listener = listener
        self._poll_seconds = (float(os.environ.get(POLL_ENV, POLL_SECONDS))
                              if poll_seconds is None else poll_seconds)
        self._clock = clock
        self._seen = listener.count if listener is not None else 0
        self._reader = _CounterReader(db)
        self._generation = generation(db)
        self._next_poll = clock() + self._poll_seconds

    @classmethod
    def for_database(cls, db: Database) -> ChangeWatch:
        """A watch fed by a LISTEN connection on PostgreSQL, by the poll alone on SQLite."""
        if db.is_sqlite:
            return cls(db)
        listener = Listener(db)
        listener.start()
        return cls(db, listener)

    def changed(self) -> bool:
        listener = self._listener
        if listener is None:
            return self._poll()
        count = listener.count
        pushed = count != self._seen
        self._seen = count
        if listener.listening:
            return pushed
        return self._poll() or pushed

    def _poll(self) -> bool:
        now = self._clock()
        if now < self._next_poll:
            return False
        self._next_poll = now + self._poll_seconds
        try:
            value = self._reader.read()
        except Exception:
            log.warning("could not read the IAM change counter; retrying", exc_info=True)
            return False
        changed, self._generation = value != self._generation, value
        return changed

    def close(self) -> None:
        self._reader.close()
        if self._listener is not None:
            self._listener.close()
