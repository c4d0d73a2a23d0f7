"""The audit log's batches: a flush waits for a batch still being written, and the newest
use of a role or key recorded here shows before (and whatever snapshot) its batch commits."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

from rolecall.audit.log import AuditLog
from rolecall.audit.writer import Batch

NOW = dt.datetime(2026, 12, 4, 12, 0, 0, tzinfo=dt.UTC)


class _HeldWriter:
    """A writer whose batches holding last-used times wait until released."""

    def __init__(self) -> None:
        self.written: list[tuple[dict, dict]] = []
        self.writing = threading.Event()
        self.release = threading.Event()

    def write(self, batch: Batch, wait: bool = True) -> None:
        if batch.key_use or batch.role_use:
            self.writing.set()
            assert self.release.wait(10)
        self.written.append((batch.key_use, batch.role_use))

    def close(self) -> None:
        pass


class _HeldLog(AuditLog):
    """An audit log writing through a _HeldWriter."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(is_sqlite=True))
        self._writer = self.held = _HeldWriter()


def test_a_flush_waits_for_the_batch_being_written():
    log = _HeldLog()
    log.role_used("role-id", NOW, "us-east-1")
    background = threading.Thread(target=log.flush)
    background.start()
    assert log.held.writing.wait(10)  # the background batch took the use and is writing it
    done = threading.Event()
    reading = threading.Thread(target=lambda: (log.flush(), done.set()))
    reading.start()
    assert not done.wait(0.2)  # still writing: the second flush must not return yet
    log.held.release.set()
    background.join(10)
    reading.join(10)
    assert done.is_set() and log.held.written[0] == ({}, {"role-id": (NOW, "us-east-1")})


def test_the_newest_use_shows_before_its_batch_is_written():
    log = _HeldLog()
    log.role_used("role-id", NOW, "eu-west-1")
    log.key_used("AKIAEXAMPLE", NOW, "sts", "eu-west-1")
    stored_before = NOW - dt.timedelta(hours=1)
    assert log.newest_role_use("role-id", None, None) == (NOW, "eu-west-1")
    assert log.newest_role_use("role-id", stored_before.replace(tzinfo=None), "us-east-1") == (
        NOW, "eu-west-1")
    assert log.newest_key_use("AKIAEXAMPLE", (stored_before, "iam", "us-east-1")) == (
        NOW, "sts", "eu-west-1")
    assert log.held.written == []


def test_a_stored_use_newer_than_any_recorded_here_wins():
    log = _HeldLog()
    log.role_used("role-id", NOW, "eu-west-1")
    later = NOW + dt.timedelta(seconds=5)  # recorded by another process sharing the database
    assert log.newest_role_use("role-id", later, "us-west-2") == (later, "us-west-2")
    assert log.newest_role_use("other-role", later, "us-west-2") == (later, "us-west-2")
    assert log.newest_key_use("AKIAOTHER", (None, None, None)) == (None, None, None)
    log.role_used("role-id", NOW - dt.timedelta(seconds=1), "ap-south-1")  # an older use
    assert log.newest_role_use("role-id", None, None) == (NOW, "eu-west-1")
