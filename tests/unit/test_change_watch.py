"""How a process learns of another's IAM changes: the poll of one row and the pushed count."""

from __future__ import annotations

import pathlib

import pytest
from sqlalchemy import text

from rolecall.store import changes
from rolecall.store.db import Database


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeListener:
    """What the LISTEN thread shows the request path: a count and whether it listens."""

    def __init__(self) -> None:
        self.count = 0
        self.listening = True

    def close(self) -> None:
        pass


@pytest.fixture
def two_processes(tmp_path: pathlib.Path):
    """Two handles on one SQLite file, as two server processes have."""
    url = f"sqlite:///{tmp_path / 'rolecall.db'}"
    mine, theirs = Database(url), Database(url)
    mine.migrate()
    yield mine, theirs
    mine.dispose()
    theirs.dispose()


def _change(db: Database) -> None:
    with db.transaction() as session:
        changes.record(session, db, "123456789012")


def test_a_change_in_another_process_is_seen_at_the_next_poll_and_once(two_processes):
    mine, theirs = two_processes
    clock = Clock()
    watch = changes.ChangeWatch(mine, poll_seconds=0.025, clock=clock)
    assert not watch.changed()
    _change(theirs)
    assert not watch.changed()  # the poll is not due yet
    clock.now += 0.025
    assert watch.changed()
    clock.now += 0.025
    assert not watch.changed()


def test_the_poll_reads_one_row_by_its_primary_key(two_processes):
    mine, _ = two_processes
    with mine.transaction(write=False) as session:
        plan = session.execute(text(
            "EXPLAIN QUERY PLAN SELECT value FROM iam_generation WHERE id = 1")).all()
    assert [row[-1] for row in plan] == ["SEARCH iam_generation USING INTEGER PRIMARY KEY "
                                         "(rowid=?)"]


def test_a_pushed_change_is_seen_without_reading_the_database(two_processes, monkeypatch):
    mine, _ = two_processes
    clock = Clock()
    listener = FakeListener()
    watch = changes.ChangeWatch(mine, listener, poll_seconds=0.025, clock=clock)

    def read(*_):
        raise AssertionError("the database was read")

    monkeypatch.setattr(changes, "generation", read)
    monkeypatch.setattr(changes._CounterReader, "read", read)
    clock.now += 1
    assert not watch.changed()
    listener.count += 1
    assert watch.changed()
    assert not watch.changed()


def test_a_notification_during_a_request_is_kept_for_the_next(two_processes):
    mine, _ = two_processes
    listener = FakeListener()
    watch = changes.ChangeWatch(mine, listener, poll_seconds=0.025, clock=Clock())
    listener.count += 1
    assert watch.changed()  # a request begins and drops its caches...
    listener.count += 1     # ...and a change commits while it runs
    assert watch.changed()


def test_while_the_listener_is_down_the_generation_is_polled(two_processes):
    mine, theirs = two_processes
    clock = Clock()
    listener = FakeListener()
    watch = changes.ChangeWatch(mine, listener, poll_seconds=0.025, clock=clock)
    listener.listening = False
    listener.count += 1  # the connection was lost: whatever changed meanwhile is dropped
    assert watch.changed()
    clock.now += 0.025
    assert not watch.changed()
    _change(theirs)
    clock.now += 0.025
    assert watch.changed()
    listener.listening = True
    _change(theirs)
    clock.now += 0.025
    assert not watch.changed()  # listening again: no poll, the push will tell
    listener.count += 1
    assert watch.changed()
