"""``rolecall serve --workers N``: N server processes, each listening on the same port
through a socket of its own (SO_REUSEPORT), so the kernel spreads connections across them.

uvicorn's own multi-process mode hands one listening socket to every worker, and whichever
worker wakes first accepts every connection waiting: a client that opens its connections
at once (a connection pool, a load generator) had all 32 of them served by one worker while
the other idled (seen with ``ss`` under ``benchmarks/http_bench.py``). With a socket each,
the kernel chooses the socket, and so the worker, from each connection's addresses.

The first workers start listening together, once each has started up: a client that
connects as soon as the server answers must find every worker there, or its connections all
stay with the first. A worker that dies is started again; SIGINT or SIGTERM stops them all.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from typing import Any

from .processes import die_with_parent

log = logging.getLogger("rolecall.workers")
STARTUP_FAILURE = 3  # uvicorn's exit code when a server cannot start
CHECK_SECONDS = 0.5
STOP_SECONDS = 15
TOGETHER_SECONDS = 60  # how long a worker waits for the others before it listens alone
_together: Any = None  # in a worker: the barrier the first workers cross to listen


def _tcp_socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.socket(family, socket.SOCK_STREAM)


def free_port(host: str, port: int) -> int:
    """``port`` once it is known to be free (a socket bound without SO_REUSEPORT, so a
    server already there, ours or not, refuses it), or the port the system picks for 0."""
    with _tcp_socket(host) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return probe.getsockname()[1]


def serve(config: dict[str, Any], workers: int) -> int:
    """Run ``workers`` processes of ``uvicorn.Config(**config)`` until told to stop; the
    exit code is a worker's start-up failure, else 0."""
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    together = context.Barrier(workers)

    def start(barrier: Any = None) -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=(config, barrier), daemon=False)
        process.start()
        return process

    processes = [start(together) for _ in range(workers)]
    failure = 0
    while not stop.wait(CHECK_SECONDS):
        for n, process in enumerate(processes):
            if process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:
                failure = STARTUP_FAILURE
                stop.set()
                break
            log.warning("worker %s exited (%s); starting another", process.pid,
                        process.exitcode)
            processes[n] = start()
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    return failure


def started_up() -> None:
    """Called by the app when its start-up is done: in one of the first workers, wait for
    the others to get there too before the server listens."""
    if _together is not None:
        try:
            _together.wait(TOGETHER_SECONDS)
        except threading.BrokenBarrierError:
            log.warning("the other workers did not start in time; listening anyway")


def _worker(config: dict[str, Any], together: Any) -> None:
    import uvicorn

    global _together
    _together = together
    die_with_parent()  # a worker must not outlive a server that is killed
    settings = uvicorn.Config(**config)
    sock = _tcp_socket(settings.host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", settings.host, settings.port, exc)
        raise SystemExit(STARTUP_FAILURE) from None
    server = uvicorn.Server(settings)
    server.run(sockets=[sock])
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)
