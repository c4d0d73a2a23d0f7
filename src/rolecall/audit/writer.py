"""Where the audit log's batches are written: in the process that queued them, or in one
writer process that ``rolecall serve`` starts for itself and all of its workers.

A batch's insert and commit took about a sixth of a server process's time (see
benchmarks/README.md). Handed over a Unix socket to a process of its own, that work runs
beside the request loop instead of in it, and the workers of one server share a single
writer instead of each taking SQLite's write lock in turn. A server whose writer process
is gone writes its batches itself again, so the trail keeps going either way.

The records in these batches are of reads and refusals, queued in memory as before: a
call that changed state has its record written in its own transaction (log.insert_now).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import marshal
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Client, Connection, Listener, wait
from typing import Any, Protocol

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection as DbConnection

from ..processes import die_with_parent
from ..store.db import Database, discard
from ..store.tables import AccessKey, AuditEvent, Role

ADDRESS_ENV = "ROLECALL_AUDIT_WRITER"  # the writer process's socket, for the server's workers
STREAM_CHANNEL = "rolecall_audit"  # audit/stream.py listens on it
ROUND_MESSAGES = 100  # from one server, at most, in one transaction
STOP_SECONDS = 15  # how long a stopping writer waits for its servers' last batches
log = logging.getLogger("rolecall.audit")

COLUMNS = ("event_time", "account_id", "event_name", "error_code", "record", "principal_arn",
           "identity_arn")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass
class Batch:
    """Audit rows (``COLUMNS`` order, the time as UTC text) and the newest use of each
    access key (when, service, region) and role (when, region) since the last batch."""

    rows: list[tuple] = field(default_factory=list)
    key_use: dict[str, tuple[dt.datetime, str, str]] = field(default_factory=dict)
    role_use: dict[str, tuple[dt.datetime, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows or self.key_use or self.role_use)

    def merge(self, other: Batch) -> None:
        """Add a later batch (from this or another server process) to this one."""
        self.rows.extend(other.rows)
        for uses, newer in ((self.key_use, other.key_use), (self.role_use, other.role_use)):
            for entity_id, use in newer.items():
                known = uses.get(entity_id)
                if known is None or known[0] <= use[0]:
                    uses[entity_id] = use


def encode(batch: Batch, ack: int) -> bytes:
    """A batch on the wire: marshal (the rows are tuples of text), times as integer
    microseconds. ``ack``, when not 0, asks for it back once the batch is committed."""
    key_use = [(k, (when - _EPOCH) // _MICROSECOND, service, region)
               for k, (when, service, region) in batch.key_use.items()]
    role_use = [(k, (when - _EPOCH) // _MICROSECOND, region)
                for k, (when, region) in batch.role_use.items()]
    return marshal.dumps((ack, batch.rows, key_use, role_use))


def decode(data: bytes) -> tuple[int, Batch]:
    ack, rows, key_use, role_use = marshal.loads(data)
    return ack, Batch(
        rows,
        {k: (_EPOCH + micros * _MICROSECOND, service, region)
         for k, micros, service, region in key_use},
        {k: (_EPOCH + micros * _MICROSECOND, region) for k, micros, region in role_use},
    )


class Writer(Protocol):
    def write(self, batch: Batch, wait: bool = True) -> None: ...
    def close(self) -> None: ...


class DatabaseWriter:
    """Writes batches on a connection of its own."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn: DbConnection | None = None

    def write(self, batch: Batch, wait: bool = True) -> None:
        """Write one batch (always before returning: ``wait`` is for RemoteWriter)."""
        if not batch:
            return
        try:
            connection = self._connection()
            with connection.begin():
                if batch.rows and self._db.is_sqlite:
                    # Straight to the driver: one executemany with no per-value processing.
                    connection.exec_driver_sql(_SQLITE_INSERT, batch.rows)
                elif batch.rows:
                    # PostgreSQL: COPY, a third of executemany's client time per row.
                    with connection.connection.dbapi_connection.cursor() as cursor:
                        with cursor.copy(_COPY_SQL) as copy:
                            for row in batch.rows:
                                copy.write_row(row)
                        cursor.execute(f"NOTIFY {STREAM_CHANNEL}")  # wakes `audit --follow`
                if batch.key_use:
                    connection.execute(_KEY_USED, [
                        {"key_id": key_id, "when": when, "service": service, "region": region}
                        for key_id, (when, service, region) in batch.key_use.items()])
                if batch.role_use:
                    connection.execute(_ROLE_USED, [
                        {"role_id": role_id, "when": when, "region": region}
                        for role_id, (when, region) in batch.role_use.items()])
        except Exception:  # the audit writer must outlive a failed batch
            log.exception("could not write %d audit events", len(batch.rows))
            self.close()

    def _connection(self) -> DbConnection:
        """The writer's own connection. Batches are committed without waiting for the
        disk: on SQLite synchronous=NORMAL in WAL mode, which survives a crash or kill of
        the process, on PostgreSQL synchronous_commit off, which survives one of the
        server's clients."""
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

    def close(self) -> None:
        if self._conn is not None:
            discard(self._conn)
            self._conn = None


class RemoteWriter:
    """Sends batches to the writer process; writes them itself once that process is gone."""

    def __init__(self, address: str, db: Database) -> None:
        self._local = DatabaseWriter(db)
        self._acks = 0
        try:
            self._conn: Connection | None = Client(address, family="AF_UNIX")
        except OSError as exc:
            log.warning("no audit writer process at %s (%s): writing audit here", address, exc)
            self._conn = None

    def write(self, batch: Batch, wait: bool = True) -> None:
        """Send ``batch``; with ``wait``, return once it is committed."""
        if not batch:
            return
        if self._conn is not None:
            ack = 0
            if wait:
                self._acks += 1
                ack = self._acks
            try:
                self._conn.send_bytes(encode(batch, ack))
                while wait and marshal.loads(self._conn.recv_bytes()) != ack:
                    pass
                return
            except (OSError, EOFError):
                # Sent but not known to be committed: written here, which may repeat a
                # record the writer committed just before it went, rather than lose one.
                log.warning("the audit writer process is gone: writing audit here")
                self._conn.close()
                self._conn = None
        self._local.write(batch)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._local.close()


class WriterProcess:
    """The writer process of one ``rolecall serve``, listening on a socket in a private
    directory; stopped after the server processes, so their last batches get in."""

    def __init__(self, db_url: str) -> None:
        self._dir = tempfile.mkdtemp(prefix="rolecall-audit-")  # mode 0700
        self.address = os.path.join(self._dir, "writer.sock")
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        self._process = context.Process(target=_serve, args=(db_url, self.address, ready),
                                        name="rolecall-audit-writer", daemon=False)
        self._process.start()
        if not ready.wait(60):
            self.stop()
            raise RuntimeError("the audit writer process did not start")

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_SECONDS + 5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        shutil.rmtree(self._dir, ignore_errors=True)


def _serve(db_url: str, address: str, ready: Any) -> None:
    """The writer process: write what every connected server process sends, each round's
    batches in one transaction, then answer the acknowledgements asked for. It stops on
    SIGTERM once its servers have disconnected (or after ``STOP_SECONDS``)."""
    die_with_parent()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the servers, then us
    writer = DatabaseWriter(Database(db_url))
    listener = Listener(address, family="AF_UNIX")
    clients: list[Connection] = []
    lock = threading.Lock()

    def accept() -> None:
        while True:
            try:
                client = listener.accept()
            except OSError:
                return
            with lock:
                clients.append(client)

    threading.Thread(target=accept, name="accept", daemon=True).start()
    ready.set()
    deadline: float | None = None
    while True:
        with lock:
            current = list(clients)
        if stopping.is_set():
            now = time.monotonic()
            deadline = deadline or now + STOP_SECONDS
            if not current or now > deadline:
                break
        if not current:
            stopping.wait(0.05)
            continue
        batch, acks = Batch(), []
        for client in wait(current, timeout=0.1):
            try:
                for _ in range(ROUND_MESSAGES):
                    if not client.poll(0):
                        break
                    ack, received = decode(client.recv_bytes())  # type: ignore[union-attr]
                    batch.merge(received)
                    if ack:
                        acks.append((client, ack))
            except (EOFError, OSError):
                client.close()  # type: ignore[union-attr]
                with lock:
                    clients.remove(client)  # type: ignore[arg-type]
        writer.write(batch)
        for client, ack in acks:
            with contextlib.suppress(OSError):
                client.send_bytes(marshal.dumps(ack))
    listener.close()
    writer.close()


_COPY_SQL = f"COPY {AuditEvent.__tablename__} ({', '.join(COLUMNS)}) FROM STDIN"
_SQLITE_INSERT = (f"INSERT INTO {AuditEvent.__tablename__} ({', '.join(COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(COLUMNS))})")
_KEY_USED = (update(AccessKey.__table__)
             .where(AccessKey.__table__.c.id == bindparam("key_id"))
             .values(last_used_at=bindparam("when"), last_used_service=bindparam("service"),
                     last_used_region=bindparam("region")))
_ROLE_USED = (update(Role.__table__)
              .where(Role.__table__.c.id == bindparam("role_id"))
              .values(last_used_at=bindparam("when"), last_used_region=bindparam("region")))
