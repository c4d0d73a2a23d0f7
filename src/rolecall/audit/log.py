"""The audit log writer: events are queued by the request path and written in batches.

Writing one row per request inside the request would put a disk flush on every call;
instead the server's event loop writes whatever has queued every ``FLUSH_SECONDS`` in one
transaction (see app.py), and on shutdown. The loop does it rather than a thread: a thread
doing database I/O waits for the busy request thread at every GIL hand-over, falls behind
under load and stalls requests when it catches up. Last-used times of access keys and
roles ride along, coalesced per key and role (IAM documents both as eventually consistent).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

import orjson
from sqlalchemy import insert, text, update

from ..store.db import Database
from ..store.tables import AccessKey, AuditEvent, Role
from . import events as audit_events

STREAM_CHANNEL = "rolecall_audit"  # audit/stream.py listens on it
FLUSH_SECONDS = 0.05
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
    def __init__(self, db: Database) -> None:
        self._db = db
        self._events: list[tuple[dt.datetime, dict]] = []
        self._key_use: dict[str, tuple[dt.datetime, str, str]] = {}
        self._role_use: dict[str, tuple[dt.datetime, str]] = {}
        self._lock = threading.Lock()

    def record(self, event: dict, when: dt.datetime) -> None:
        """Queue a CloudTrail record; ``when`` is its eventTime as a datetime."""
        with self._lock:
            self._events.append((when, event))
            backlog = len(self._events)
        if backlog >= MAX_QUEUED:  # nobody is flushing (an in-process server): write now
            self.flush()

    def key_used(self, access_key_id: str, when: dt.datetime, service: str, region: str) -> None:
        with self._lock:
            self._key_use[access_key_id] = (when, service, region)

    def role_used(self, role_id: str, when: dt.datetime, region: str) -> None:
        with self._lock:
            self._role_use[role_id] = (when, region)

    def close(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Write every queued event and last-used time. A call made with a role's session
        counts as a use of the role, so RoleLastUsed agrees with the last-accessed reports
        built from the same events."""
        with self._lock:
            events, self._events = self._events, []
            key_use, self._key_use = self._key_use, {}
            role_use, self._role_use = self._role_use, {}
        for when, event in events:
            issuer = ((event.get("userIdentity") or {}).get("sessionContext") or {}).get(
                "sessionIssuer") or {}
            role_id = issuer.get("principalId") if issuer.get("type") == "Role" else None
            if role_id and (role_id not in role_use or role_use[role_id][0] <= when):
                role_use[role_id] = (when, event.get("awsRegion", ""))
        self._write(events, key_use, role_use)

    def flush_role_use(self) -> None:
        """Write queued role last-used times: cheap when none are queued, so reads that
        show RoleLastUsed call it first."""
        with self._lock:
            role_use, self._role_use = self._role_use, {}
        self._write([], {}, role_use)

    def flush_key_use(self) -> None:
        """Write queued access-key last-used times (for GetAccessKeyLastUsed)."""
        with self._lock:
            key_use, self._key_use = self._key_use, {}
        self._write([], key_use, {})

    def _write(self, events: list[tuple[dt.datetime, dict]], key_use: dict,
               role_use: dict) -> None:
        if not events and not key_use and not role_use:
            return
        rows = []
        for when, event in events:
            principal_arn, identity_arn = audit_events.principal_columns(event)
            rows.append({
                "event_time": when,
                "account_id": event.get("recipientAccountId"),
                "event_name": event["eventName"],
                "error_code": event.get("errorCode"),
                "record": _json(event),
                "principal_arn": principal_arn,
                "identity_arn": identity_arn,
            })
        try:
            with self._db.transaction() as session:
                if rows:
                    session.execute(insert(AuditEvent), rows)
                    if not self._db.is_sqlite:  # wakes `rolecall audit --follow`
                        session.execute(text(f"NOTIFY {STREAM_CHANNEL}"))
                for key_id, (when, service, region) in key_use.items():
                    session.execute(
                        update(AccessKey)
                        .where(AccessKey.id == key_id)
                        .values(last_used_at=when, last_used_service=service,
                                last_used_region=region)
                    )
                for role_id, (when, region) in role_use.items():
                    session.execute(
                        update(Role).where(Role.id == role_id)
                        .values(last_used_at=when, last_used_region=region)
                    )
        except Exception:  # the audit writer must outlive a failed batch
            log.exception("could not write %d audit events", len(events))
