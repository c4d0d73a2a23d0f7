"""The embedded upstream: a moto server that ``rolecall serve`` starts, watches and stops.

moto runs in a process of its own, so its work never holds the server's event loop or
GIL, and every worker of ``--workers N`` shares the one moto and therefore one view of the
emulated resources. If it dies it is started again on the same port (its resources are
in memory and start empty again, as moto's always do).
"""

from __future__ import annotations

import atexit
import logging
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from ..processes import die_with_parent

log = logging.getLogger("rolecall.gateway")
READY_PATH = "/moto-api/"
START_TIMEOUT = 30.0


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class EmbeddedMoto:
    def __init__(self, host: str = "127.0.0.1", *, verbose: bool = False) -> None:
        self.host = host
        self.port = _free_port(host)
        self.url = f"http://{host}:{self.port}"
        self._verbose = verbose
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Start moto and wait until it answers; then watch it from a thread."""
        self._spawn()
        self._wait_ready()
        threading.Thread(target=self._watch, name="moto-supervisor", daemon=True).start()
        atexit.register(self.stop)

    def _spawn(self) -> None:
        output = None if self._verbose else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
            stdout=output, stderr=output, stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the embedded moto exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(self.url + READY_PATH, timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the embedded moto did not start")

    def _watch(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            log.warning("the embedded moto exited with %s; starting it again", code)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
            try:
                self._spawn()
                self._wait_ready()
                delay = 0.5
            except RuntimeError as exc:
                log.error("%s", exc)

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
