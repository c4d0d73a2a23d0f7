"""Serialized answers of reads that only IAM state decides, kept until that state changes.

A read such as GetRole or ListAttachedRolePolicies answers the same bytes to the same
caller for as long as IAM state stays the same, so the pipeline keeps the serialized body
(with the request id cut out) and, on the next identical call, authorizes it and answers
the stored bytes: no database read, no serialization. The whole cache is dropped with every
other cache whenever IAM state changes (``Server.state_changed``, here or in another process
sharing the database).

Some answers also show usage that moves without an IAM change (a role's RoleLastUsed, a
user's PasswordLastUsed). Their handlers tag the entry with the entity's id; whoever records
a use drops what carries that tag, and such entries also expire after ``max_age`` seconds so
uses recorded by other processes show too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

# Stands in for the request id while an answer is serialized for keeping.
# How long an answer that shows usage (RoleLastUsed) may be kept: uses recorded by other
# processes show after at most this long (IAM documents last-used data as eventual).
USAGE_SECONDS = 1.0
REQUEST_ID_MARK = "00000000-0000-4000-8000-00000000cafe"
MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class Stored:
    head: bytes
    tail: bytes | None  # None: the body holds no request id (the JSON protocol's)
    expires: float

    def body(self, request_id: str) -> bytes:
        if self.tail is None:
            return self.head
        return self.head + request_id.encode() + self.tail


class ResponseCache:
    def __init__(self) -> None:
        self._entries: dict[tuple, Stored] = {}
        self._tagged: dict[str, set[tuple]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            self._tagged = {}

    def get(self, key: tuple) -> Stored | None:
        stored = self._entries.get(key)
        if stored is None or stored.expires < time.monotonic():
            return None
        return stored

    def put(self, key: tuple, body: bytes, max_age: float, tags: Iterable[str]) -> None:
        head, mark, tail = body.partition(REQUEST_ID_MARK.encode())
        stored = Stored(head, tail if mark else None, time.monotonic() + max_age)
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {}
                self._tagged = {}
            self._entries[key] = stored
            for tag in tags:
                self._tagged.setdefault(tag, set()).add(key)

    def drop_tagged(self, tag: str) -> None:
        """Forget every answer that shows something about ``tag`` (an entity id)."""
        if tag not in self._tagged:
            return
        with self._lock:
            for key in self._tagged.pop(tag, ()):
                self._entries.pop(key, None)
