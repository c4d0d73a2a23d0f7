"""`rolecall serve --workers 2`: two processes, each with its own listening socket on the
port, between which the kernel spreads a client's connections; a worker that dies is
replaced, and stopping the server stops every worker."""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import signal
import socket
import subprocess
import time

import pytest

from tests.conftest import BIN, new_account, start_server, stop_server


def _children(pid: int) -> list[int]:
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in pathlib.Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp_sockets(port: int) -> dict[str, str]:
    """inode → state ('0A' listening, '01' established) of the sockets on local ``port``."""
    found = {}
    for line in pathlib.Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            found[fields[9]] = fields[3]
    return found


def _workers(server) -> list[int]:
    """The server's worker processes: the children that listen on its port."""
    port = int(server.endpoint.rsplit(":", 1)[1])
    listening = {inode for inode, state in _tcp_sockets(port).items() if state == "0A"}
    return [pid for pid in _children(server.process.pid) if _socket_inodes(pid) & listening]


def _wait_for_workers(server, count: int, gone: int | None = None,
                      within: float = 30) -> list[int]:
    """The workers, once ``count`` of them listen (and ``gone`` is not among them)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        workers = _workers(server)
        if len(workers) == count and gone not in workers:
            return workers
        time.sleep(0.2)
    pytest.fail(f"{count} workers did not listen: {workers}")


@pytest.fixture
def two_workers(db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database kind is enough for the process layout")
    server = start_server(db_url, tmp_path / "server.log", "--workers", "2",
                          "--upstream", "none")
    yield server
    stop_server(server)


def test_each_worker_listens_on_its_own_socket_and_gets_connections(two_workers):
    # Both are listening within moments of the server first answering.
    workers = _wait_for_workers(two_workers, 2, within=2)
    assert _socket_inodes(workers[0]).isdisjoint(_socket_inodes(workers[1]))
    port = int(two_workers.endpoint.rsplit(":", 1)[1])
    connections = []
    for _ in range(32):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_rolecall/health")
        assert connection.getresponse().read()
        connections.append(connection)
    established = {inode for inode, state in _tcp_sockets(port).items() if state == "01"}
    served = [len(_socket_inodes(pid) & established) for pid in workers]
    # Spread by a hash of each connection's addresses: both get some (all 32 going to
    # one worker has a chance of 2 in 4 billion).
    assert sum(served) == 32 and min(served) > 0
    for connection in connections:
        connection.close()


def test_a_worker_that_dies_is_replaced_and_stopping_stops_all(two_workers):
    first = _wait_for_workers(two_workers, 2)
    os.kill(first[0], signal.SIGKILL)
    now = _wait_for_workers(two_workers, 2, gone=first[0])
    account = new_account(two_workers)
    sts = account.client("sts")
    assert sts.get_caller_identity()["Account"] == account.account_id
    stop_server(two_workers)
    for pid in now:
        deadline = time.monotonic() + 15
        while pathlib.Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pathlib.Path(f"/proc/{pid}").exists() or "Z" in pathlib.Path(
            f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_port_already_taken_is_refused(db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database kind is enough")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN / "rolecall"), "serve", "--port", str(port), "--db", db_url,
             "--workers", "2", "--upstream", "none"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_workers_do_not_outlive_a_killed_server(two_workers):
    workers = _wait_for_workers(two_workers, 2)
    two_workers.process.kill()
    two_workers.process.wait(10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        alive = [pid for pid in workers if pathlib.Path(f"/proc/{pid}").exists()
                 and "Z" not in (pathlib.Path(f"/proc/{pid}/stat").read_text()
                                 .rsplit(")", 1)[1].split()[0])]
        if not alive:
            return
        time.sleep(0.2)
    pytest.fail(f"workers outlived the server: {alive}")


def _alive(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: list[int], within: float = 20) -> list[int]:
    deadline = time.monotonic() + within
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


@pytest.fixture
def one_process(db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database kind is enough for the process layout")
    server = start_server(db_url, tmp_path / "server.log", "--upstream", "none")
    yield server
    stop_server(server)


def test_reads_made_just_before_a_stop_are_in_the_trail_and_the_writer_stops(one_process):
    helpers = _children(one_process.process.pid)  # the audit writer (and multiprocessing's)
    assert helpers
    account = new_account(one_process)
    iam = account.client("iam")
    names = [f"nobody-{n}" for n in range(20)]
    for name in names:  # refused reads: recorded in the batches the writer process writes
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_user(UserName=name)
    stop_server(one_process)
    assert one_process.process.returncode == -signal.SIGTERM  # as uvicorn ends
    assert _wait_gone(helpers) == []
    shown = subprocess.run([str(BIN / "rolecall"), "audit", "--json", "--limit", "1000",
                            "--db", one_process.db_url], capture_output=True, text=True,
                           check=True)
    recorded = {r["requestParameters"]["userName"] for r in json.loads(shown.stdout)
                if r["eventName"] == "GetUser" and r["recipientAccountId"] == account.account_id}
    assert recorded == set(names)


def test_the_audit_writer_does_not_outlive_a_killed_server(one_process):
    helpers = _children(one_process.process.pid)
    assert helpers
    one_process.process.kill()
    one_process.process.wait(10)
    assert _wait_gone(helpers) == []
