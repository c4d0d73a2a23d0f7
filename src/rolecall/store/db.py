"""The database handle: engine set-up per dialect, migrations, and transactions."""

from __future__ import annotations

import contextlib
import functools
import pathlib
import sqlite3
import threading
from collections.abc import Iterator

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = pathlib.Path(__file__).with_name("migrations")


def default_url() -> str:
    data_dir = pathlib.Path(platformdirs.user_data_dir("rolecall"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'rolecall.db'}"


def _sqlite_pragmas(dbapi_connection, _record, *, autocheckpoint: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; FULL makes every acknowledged commit durable.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if not autocheckpoint:  # a Checkpointer thread does it
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


class Checkpointer:
    """Copies the SQLite write-ahead log back into the database from a thread of its own.

    SQLite otherwise checkpoints in whichever commit makes the log pass 1,000 pages, and a
    checkpoint writes and syncs the database file: in a server, that commit is the event
    loop's audit batch, and every request waits the tens of milliseconds it takes. A PASSIVE
    checkpoint never blocks readers or writers, and the sqlite3 module releases the GIL
    while it runs."""

    SECONDS = 1.0

    def __init__(self, path: str) -> None:
        self._path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=10000")
            while not self._stop.wait(self.SECONDS):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # busy or gone: the next round tries again
                    continue
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


class Database:
    """One engine per process; ``transaction()`` is the unit of every mutating API call."""

    def __init__(self, url: str | None = None, *, background_checkpoints: bool = False) -> None:
        """``background_checkpoints``: a long-running server's SQLite log is checkpointed
        by a thread (Checkpointer) rather than by whichever commit fills it."""
        self.url = url or default_url()
        self.engine: Engine = self._make_engine(self.url, not background_checkpoints)
        self._checkpointer: Checkpointer | None = None
        if (background_checkpoints and self.is_sqlite
                and self.engine.url.database not in (None, "", ":memory:")):
            self._checkpointer = Checkpointer(self.engine.url.database)
            self._checkpointer.start()
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(rolecall_write=True), expire_on_commit=False
        )

    @staticmethod
    def _make_engine(url: str, autocheckpoint: bool) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect",
                         functools.partial(_sqlite_pragmas, autocheckpoint=autocheckpoint))
            # pysqlite's own transaction handling is turned off so that a writing
            # transaction can take the write lock when it begins (BEGIN IMMEDIATE):
            # concurrent writers then queue on busy_timeout instead of failing.
            event.listen(engine, "begin", _sqlite_begin)
            _disable_pysqlite_autobegin(engine)
            return engine
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent, safe to race)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        # Concurrent migrations of one database queue: on SQLite behind the write lock
        # (BEGIN IMMEDIATE), on PostgreSQL behind an advisory lock.
        with self.engine.execution_options(rolecall_write=True).begin() as connection:
            if not self.is_sqlite:
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7405733)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        sessions = self._writers if write else self._readers
        with sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


def discard(connection: Connection) -> None:
    """Close a long-held connection for good (the audit writer's, the change poll's), even
    one the database has already dropped: the pool then makes a new one."""
    try:
        connection.invalidate()
        connection.close()
    except Exception:  # already gone with the database
        pass


def _sqlite_begin(conn) -> None:
    write = conn.get_execution_options().get("rolecall_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _disable_pysqlite_autobegin(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
