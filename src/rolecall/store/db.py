"""The database handle: engine set-up per dialect, migrations, and transactions."""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Iterator

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = pathlib.Path(__file__).with_name("migrations")


def default_url() -> str:
    data_dir = pathlib.Path(platformdirs.user_data_dir("rolecall"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'rolecall.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; FULL makes every acknowledged commit durable.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """One engine per process; ``transaction()`` is the unit of every mutating API call."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine: Engine = self._make_engine(self.url)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(rolecall_write=True), expire_on_commit=False
        )

    @staticmethod
    def _make_engine(url: str) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
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
        self.engine.dispose()


def _sqlite_begin(conn) -> None:
    write = conn.get_execution_options().get("rolecall_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _disable_pysqlite_autobegin(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
