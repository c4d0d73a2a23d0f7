"""PostgreSQL's push of IAM changes: one LISTEN connection per process, in a daemon thread.

A change's NOTIFY is sent in the transaction that makes it and delivered at its commit, so a
process learns of another's change as soon as it can read it, without a database round trip
per request. The thread only counts: the request path compares the count with the one it last
saw and drops its caches itself, so a notification arriving mid-request is seen by the next.
Losing the connection, and getting it back, count too: whatever changed while nobody listened
is covered by one more drop, and ``listening`` tells the request path to poll meanwhile.
"""

from __future__ import annotations

import logging
import os
import threading

import psycopg

from .db import Database

CHANNEL = "rolecall_iam"
APPLICATION_NAME = "rolecall changes"  # how the connection shows in pg_stat_activity
WAKE_SECONDS = 1.0  # how often the thread looks up from the socket to see if it should stop
RETRY_SECONDS = (0.05, 0.2, 1.0, 2.0)  # waits between reconnection attempts
# Client-side TCP keepalives: a peer that vanishes without closing is noticed in ~11 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
              "keepalives_count": 3, "connect_timeout": 5}
log = logging.getLogger("rolecall.notify")


class Listener:
    def __init__(self, db: Database, channel: str = CHANNEL) -> None:
        _, params = db.engine.dialect.create_connect_args(db.engine.url)
        self._params = {**params, **KEEPALIVES,
                        "application_name": f"{APPLICATION_NAME} {os.getpid()}"}
        self._channel = channel
        self._count = 0  # written by the thread alone
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rolecall-notify", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def count(self) -> int:
        """Notifications received, plus one for every connection made or lost."""
        return self._count

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def close(self) -> None:
        """Ask the thread to end (within ``WAKE_SECONDS``); shutdown does not wait for it."""
        self._stop.set()

    def _run(self) -> None:
        failures = 0  # connection attempts failed in a row
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as exc:  # the thread must outlive any failure: it is the push
                # Once per outage, naming only the error's type: no connection details.
                first = failures == 0 or self._listening.is_set()
                (log.warning if first else log.debug)(
                    "listening for IAM changes failed (%s); polling until it is back",
                    type(exc).__name__)
            if self._listening.is_set():
                self._listening.clear()
                self._count += 1
                failures = 0
            else:
                failures += 1
            self._stop.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])

    def _listen(self) -> None:
        with psycopg.connect(**self._params, autocommit=True) as connection:
            connection.execute(f"LISTEN {self._channel}")
            self._listening.set()
            self._count += 1  # changes made before LISTEN took effect were not notified
            while not self._stop.is_set():
                for _ in connection.notifies(timeout=WAKE_SECONDS):
                    self._count += 1
