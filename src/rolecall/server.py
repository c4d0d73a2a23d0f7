"""The long-lived parts one server process shares across requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .audit.log import AuditLog
from .auth.credentials import CredentialResolver
from .auth.keys import ServerKeys
from .authz.enforce import Authorizer
from .response_cache import ResponseCache
from .store.db import Database
from .store.tables import Account

T = TypeVar("T")

# How often a process looks for IAM changes made by other processes on the same database.
GENERATION_CHECK_SECONDS = 0.5


class Server:
    def __init__(self, db_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.db = Database(db_url)
        self.db.migrate()
        self.keys = ServerKeys.load(self.db)
        self.credentials = CredentialResolver(self.db, self.keys)
        self.authorizer = Authorizer()
        self.responses = ResponseCache()
        self.audit = AuditLog(self.db, on_use=self.responses.drop_tagged)
        # Wall-clock seconds; tests inject another clock to exercise expiry without sleeping.
        self.clock = clock
        self._state_listeners: list[Callable[[], None]] = [self.credentials.invalidate,
                                                            self.responses.clear]
        self._memo: dict[object, object] = {}
        self._generation: int | None = None
        self._next_generation_check = 0.0

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
        session.execute(
            update(Account).where(Account.id == account_id)
            .values(generation=Account.generation + 1)
        )

    def check_for_changes(self) -> None:
        """Drop caches if another process changed IAM state (checked twice a second)."""
        now = time.monotonic()
        if now < self._next_generation_check:
            return
        self._next_generation_check = now + GENERATION_CHECK_SECONDS
        with self.db.transaction(write=False) as session:
            generation = session.scalar(select(func.coalesce(func.sum(Account.generation), 0)))
        if self._generation is not None and generation != self._generation:
            self.state_changed()
        self._generation = generation

    def close(self) -> None:
        self.audit.close()
        self.db.dispose()
