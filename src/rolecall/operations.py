"""The operation registry: every IAM, STS and Organizations handler, by (service, name).

A handler is a plain function ``(ctx, params) -> result dict``. It never sees HTTP: the
pipeline in ``pipeline.py`` parses, authenticates and authorizes before calling it, opens
the transaction it runs in, and serializes what it returns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from .auth.principal import Principal

if TYPE_CHECKING:
    from .server import Server


@dataclass
class CallContext:
    """Everything a handler may know about the call it serves."""

    server: Server
    service: str
    operation: str
    request_id: str
    principal: Principal
    region: str
    now: dt.datetime
    source_ip: str
    user_agent: str
    secure_transport: bool
    # Whether the call's transaction may write (set by the pipeline from the operation).
    write: bool = False
    # Extra fields handlers add to the call's audit event (e.g. additionalEventData).
    audit: dict[str, Any] = field(default_factory=dict)
    # Ids of entities whose usage the answer shows (response_cache.py): a recorded use of
    # one drops the kept answer.
    cache_tags: list[str] = field(default_factory=list)
    _transaction: Any = None
    _session: Session | None = None

    @property
    def account_id(self) -> str:
        return self.principal.account_id

    @property
    def db(self) -> Session:
        """The call's database session, opened on first use: calls that need no database
        (GetCallerIdentity) never pay for a transaction."""
        if self._session is None:
            self._transaction = self.server.db.transaction(write=self.write)
            self._session = self._transaction.__enter__()
        return self._session

    @property
    def in_write_transaction(self) -> bool:
        """Whether the call has opened a writing transaction: its audit record is then
        written in it, beside the change."""
        return self._session is not None and self.write

    def will_write(self) -> None:
        """Declare, before the first use of ``db``, that a call registered as a read will
        write after all (AssumeRole spending an MFA code): on SQLite a read transaction
        cannot safely become a writing one once another writer has committed."""
        if self._session is not None and not self.write:
            raise RuntimeError("will_write() must come before the first use of ctx.db")
        self.write = True

    def finish(self, error: BaseException | None) -> None:
        """Commit the call's transaction, or roll it back when the handler failed."""
        if self._transaction is None:
            return
        transaction, self._transaction, self._session = self._transaction, None, None
        if error is None:
            transaction.__exit__(None, None, None)
        else:
            transaction.__exit__(type(error), error, error.__traceback__)


Handler = Callable[[CallContext, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class OperationSpec:
    handler: Handler
    # Whether the call changes state: it then runs in a writing transaction and clears caches.
    write: bool
    # False for handlers that call ``ctx.server.authorizer.authorize`` themselves, because
    # the decision needs what only the handler learns (AssumeRole's MFA check, trust policy).
    authorize: bool = True
    # For reads that IAM state and the caller alone decide: how many seconds their
    # serialized answer may be kept (response_cache.py); None keeps nothing.
    cache_seconds: float | None = None
    # Reports built from the audit trail: the queued records are written before the call's
    # transaction reads anything, so the report covers every call made before it.
    reads_audit: bool = False


_REGISTRY: dict[tuple[str, str], OperationSpec] = {}
_READ_PREFIXES = ("Get", "List", "Simulate", "Decode")


# ``cached=UNTIL_CHANGED``: the answer is kept until IAM state changes.
UNTIL_CHANGED = math.inf


def operation(service: str, name: str, *, write: bool | None = None, authorize: bool = True,
              cached: float | None = None, reads_audit: bool = False):
    """Register a handler for ``service``'s operation ``name``; ``cached`` (seconds) marks a
    read whose answer depends on nothing but IAM state, the caller and the parameters."""

    def register(func: Handler) -> Handler:
        writes = write if write is not None else not name.startswith(_READ_PREFIXES)
        if cached is not None and writes:
            raise ValueError(f"{name} writes: its answer cannot be kept")
        _REGISTRY[(service, name)] = OperationSpec(func, writes, authorize, cached, reads_audit)
        return func

    return register


def lookup(service: str, name: str) -> OperationSpec | None:
    _load_handlers()
    return _REGISTRY.get((service, name))


_loaded = False


def _load_handlers() -> None:
    """Import the handler modules once, which registers their operations."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    from . import iam, organizations, sts

    for package in (iam, organizations, sts):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    _loaded = True
