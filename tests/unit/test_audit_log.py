"""The audit log's batches: a read that shows last-used times waits for a batch that is
still writing them, so an answer never misses a use made before it was asked for."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest

from rolecall.audit.log import AuditLog


class _HeldLog(AuditLog):
    """An audit log whose batches holding last-used times wait until released."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(is_sqlite=True))
        self.written: list[tuple[dict, dict]] = []
        self.writing = threading.Event()
        self.release = threading.Event()

    def _write(self, events, key_use, role_use) -> None:
        if key_use or role_use:
            self.writing.set()
            assert self.release.wait(10)
        self.written.append((key_use, role_use))


@pytest.mark.parametrize("reader", ["flush_role_use", "flush_key_use", "flush"])
def test_a_reader_waits_for_the_batch_writing_a_use(reader):
    log = _HeldLog()
    now = dt.datetime.now(dt.UTC)
    log.role_used("role-id", now, "us-east-1")
    log.key_used("AKIAEXAMPLE", now, "sts", "us-east-1")
    background = threading.Thread(target=log.flush)
    background.start()
    assert log.writing.wait(10)  # the background batch took both uses and is writing
    done = threading.Event()
    reading = threading.Thread(target=lambda: (getattr(log, reader)(), done.set()))
    reading.start()
    assert not done.wait(0.2)  # still writing: the reader must not answer yet
    log.release.set()
    background.join(10)
    reading.join(10)
    assert done.is_set()
    assert log.written[0] == ({"AKIAEXAMPLE": (now, "sts", "us-east-1")},
                              {"role-id": (now, "us-east-1")})


def test_a_reader_with_nothing_queued_or_writing_returns_at_once():
    log = _HeldLog()
    log.flush_role_use()
    log.flush_key_use()
    assert log.written == []
