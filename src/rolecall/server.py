"""The long-lived parts one server process shares across requests."""

from __future__ import annotations

import time
from collections.abc import Callable

from .audit.log import AuditLog
from .auth.credentials import CredentialResolver
from .auth.keys import ServerKeys
from .authz.enforce import Authorizer
from .store.db import Database


class Server:
    def __init__(self, db_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.db = Database(db_url)
        self.db.migrate()
        self.keys = ServerKeys.load(self.db)
        self.credentials = CredentialResolver(self.db, self.keys)
        self.authorizer = Authorizer()
        self.audit = AuditLog(self.db)
        # Wall-clock seconds; tests inject another clock to exercise expiry without sleeping.
        self.clock = clock
        self._state_listeners: list[Callable[[], None]] = [self.credentials.invalidate]

    def on_state_change(self, listener: Callable[[], None]) -> None:
        """Register a cache to drop whenever a call changes IAM state."""
        self._state_listeners.append(listener)

    def state_changed(self) -> None:
        for listener in self._state_listeners:
            listener()

    def close(self) -> None:
        self.audit.close()
        self.db.dispose()
