"""The long-lived parts one server process shares across requests."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from .audit import writer
from .audit.log import AuditLog
from .auth.credentials import CredentialResolver
from .auth.keys import ServerKeys
from .authz.enforce import Authorizer
from .response_cache import ResponseCache
from .store import changes
from .store.db import Database

T = TypeVar("T")


class Server:
    def __init__(self, db_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.db = Database(db_url, background_checkpoints=True)
        self.db.migrate()
        self.keys = ServerKeys.load(self.db)
        self.credentials = CredentialResolver(self.db, self.keys)
        self.authorizer = Authorizer()
        self.responses = ResponseCache()
        # Under `rolecall serve`, batches go to its audit writer process (audit/writer.py).
        self.audit = AuditLog(self.db, on_use=self.responses.drop_tagged,
                              writer_address=os.environ.get(writer.ADDRESS_ENV))
        # Wall-clock seconds; tests inject another clock to exercise expiry without sleeping.
        self.clock = clock
        self._state_listeners: list[Callable[[], None]] = [self.credentials.invalidate,
                                                            self.responses.clear]
        self._memo: dict[object, object] = {}
        self._changes = changes.ChangeWatch.for_database(self.db)

    def on_state_change(self, listener: Callable[[], None]) -> None:
        """Register a cache to drop whenever a call changes IAM state."""
        self._state_listeners.append(listener)

    def state_changed(self) -> None:
        self._memo.clear()
        for listener in self._state_listeners:
            listener()

    def memo(self, key: object, load: Callable[[], T]) -> T:
        """A value derived from IAM state alone, loaded once and dropped whenever that state
        changes (here or in another process): the hot path's reads of roles and policies."""
        try:
            return self._memo[key]  # type: ignore[return-value]
        except KeyError:
            if len(self._memo) > 50_000:
                self._memo.clear()
            value = self._memo[key] = load()
            return value

    def record_iam_change(self, session: Session, account_id: str) -> None:
        """Count a change to an account's IAM state, in the transaction that makes it, so
        every process sharing the database notices and drops its caches."""
        changes.record(session, self.db, account_id)

    def check_for_changes(self) -> None:
        """Drop caches if another process changed IAM state: on PostgreSQL a test of what
        the LISTEN thread counted, elsewhere a one-row read every few tens of milliseconds."""
        if self._changes.changed():
            self.state_changed()

    def close(self) -> None:
        self._changes.close()
        self.audit.close()
        self.db.dispose()
