"""The audit writer process: batches from several server processes reach the database, a
waiting flush returns only once its batch is committed, and a server whose writer is gone
writes its batches itself."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from rolecall.audit.log import AuditLog
from rolecall.audit.writer import Batch, RemoteWriter, WriterProcess, decode, encode
from rolecall.store.db import Database
from rolecall.store.tables import AuditEvent

NOW = dt.datetime(2026, 12, 4, 12, 0, 0, 123456, tzinfo=dt.UTC)
times = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1),
                     timezones=st.just(dt.UTC))


@given(when=times, rows=st.lists(st.tuples(st.text(), st.none() | st.text()), max_size=5),
       ack=st.integers(0, 2**40))
def test_a_batch_crosses_the_wire_unchanged(when, rows, ack):
    batch = Batch(rows, {"AKIAEXAMPLE": (when, "sts", "us-east-1")},
                  {"AROAEXAMPLE": (when, "eu-west-1")})
    assert decode(encode(batch, ack)) == (ack, batch)


def test_merging_keeps_every_row_and_the_newest_use():
    first = Batch([("a",)], {"K": (NOW, "iam", "us-east-1")}, {"R": (NOW, "us-east-1")})
    later = NOW + dt.timedelta(seconds=1)
    first.merge(Batch([("b",)], {"K": (later, "sts", "eu-west-1")},
                      {"R": (NOW - dt.timedelta(seconds=1), "ap-south-1")}))
    assert first.rows == [("a",), ("b",)]
    assert first.key_use == {"K": (later, "sts", "eu-west-1")}
    assert first.role_use == {"R": (NOW, "us-east-1")}


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/audit.db")
    database.migrate()
    yield database
    database.dispose()


def _event(name: str) -> dict:
    return {"eventName": name, "recipientAccountId": "123456789012",
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/a"}}


def _names(db: Database) -> list[str]:
    with db.transaction(write=False) as session:
        return list(session.scalars(select(AuditEvent.event_name).order_by(AuditEvent.id)))


def test_batches_of_several_servers_are_written_and_a_waiting_flush_sees_its_own(db):
    writer = WriterProcess(db.url)
    try:
        logs = [AuditLog(db, writer_address=writer.address) for _ in range(2)]
        logs[0].record(_event("GetUser"), NOW)
        logs[0].flush(wait=False)
        logs[1].record(_event("GetRole"), NOW)
        logs[1].flush()  # returns once committed
        assert "GetRole" in _names(db)
        logs[0].record(_event("ListUsers"), NOW)
        logs[0].flush()  # after its unwaited batch on the same connection
        assert sorted(_names(db)) == ["GetRole", "GetUser", "ListUsers"]
        for log in logs:
            log.close()
    finally:
        writer.stop()


def test_a_server_whose_writer_is_gone_writes_its_batches_itself(db):
    writer = WriterProcess(db.url)
    log = AuditLog(db, writer_address=writer.address)
    writer._process.kill()  # the writer dies
    writer.stop()
    log.record(_event("GetUser"), NOW)
    log.flush()
    log.record(_event("GetRole"), NOW)
    log.flush()
    assert _names(db) == ["GetUser", "GetRole"]
    assert RemoteWriter(writer.address, db)._conn is None  # no writer to reach
    log.close()


def test_a_stopping_writer_writes_what_its_servers_sent_until_they_disconnect(db):
    writer = WriterProcess(db.url)
    log = AuditLog(db, writer_address=writer.address)
    log.record(_event("GetUser"), NOW)
    log.flush()  # acknowledged: the writer has taken this server's connection
    stopping = threading.Thread(target=writer.stop)
    stopping.start()  # told to stop while the server is still connected
    time.sleep(0.2)
    log.record(_event("GetRole"), NOW)
    log.close()  # the server's shutdown: its last batch, then it disconnects
    stopping.join(30)
    assert _names(db) == ["GetUser", "GetRole"]
