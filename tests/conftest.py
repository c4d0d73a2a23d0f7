"""Shared fixtures: a real rolecall server process, fresh accounts, boto3 clients, the aws CLI.

The database comes from ROLECALL_TEST_DB: ``sqlite`` (default) or ``postgresql``, which
creates a scratch database on the local PostgreSQL server (127.0.0.1:5432) and drops it after.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config
from hypothesis import settings

from rolecall.accounts import create_account
from rolecall.store.db import Database

# Property tests assert behaviour, never time: on a machine busy with parallel tests one
# example can take longer than hypothesis's default deadline without anything being wrong.
settings.register_profile("rolecall", deadline=None)
settings.load_profile("rolecall")

PG_ADMIN_URL = os.environ.get("ROLECALL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BIN = pathlib.Path(sys.executable).parent


def _die_with_parent() -> None:
    """A server a test starts must not outlive a test run that is killed (Linux)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def scratch_database(tmp_path_factory, label: str) -> Iterator[str]:
    """A fresh database: SQLite, or with ROLECALL_TEST_DB=postgresql a database created on
    the local PostgreSQL server and dropped afterwards."""
    if os.environ.get("ROLECALL_TEST_DB", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(label) / 'rolecall.db'}"
        return
    import sqlalchemy

    name = f"rolecall_{label}_{secrets.token_hex(4)}"
    admin = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> Iterator[str]:
    with scratch_database(tmp_path_factory, "test") as url:
        yield url


@dataclass
class RunningServer:
    endpoint: str
    db_url: str
    process: subprocess.Popen
    log_path: pathlib.Path


def start_server(db_url: str, log_path: pathlib.Path, *extra: str) -> RunningServer:
    port = _free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [str(BIN / "rolecall"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", db_url, *extra],
        stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(endpoint + "/_rolecall/health", timeout=1) as r:
                if r.status == 200:
                    return RunningServer(endpoint, db_url, process, log_path)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not become healthy")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server(db_url, tmp_path_factory) -> Iterator[RunningServer]:
    running = start_server(db_url, tmp_path_factory.mktemp("log") / "server.log")
    yield running
    stop_server(running)


@dataclass
class Account:
    account_id: str
    access_key_id: str
    secret_access_key: str
    endpoint: str

    def client(self, service: str, *, access_key_id: str | None = None,
               secret_access_key: str | None = None, session_token: str | None = None):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=access_key_id or self.access_key_id,
            aws_secret_access_key=secret_access_key or self.secret_access_key,
            aws_session_token=session_token,
            config=Config(retries={"max_attempts": 1}),
        )


_db_handles: dict[str, Database] = {}


def new_account(server: RunningServer) -> Account:
    db = _db_handles.setdefault(server.db_url, Database(server.db_url))
    account_id = "".join(secrets.choice("0123456789") for _ in range(12))
    key = create_account(db, account_id)
    return Account(account_id, key["AccessKeyId"], key["SecretAccessKey"], server.endpoint)


@pytest.fixture
def account(server) -> Account:
    """A fresh account, so tests never see each other's entities."""
    return new_account(server)


@pytest.fixture
def iam(account):
    return account.client("iam")


@pytest.fixture
def sts(account):
    return account.client("sts")


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None


class AwsCli:
    """The real `aws` command, with its own HOME so ~/.aws/config and the CLI cache are ours."""

    def __init__(self, home: pathlib.Path, account: Account) -> None:
        self.home = home
        self.account = account
        (home / ".aws").mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "AWS_ENDPOINT_URL": account.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": account.access_key_id,
            "AWS_SECRET_ACCESS_KEY": account.secret_access_key,
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
        }

    def __call__(self, *args: str, env: dict[str, str] | None = None,
                 input: str | None = None, cwd: pathlib.Path | None = None) -> CliResult:
        full_env = dict(self.env)
        for name, value in (env or {}).items():
            if value is None:
                full_env.pop(name, None)
            else:
                full_env[name] = value
        done = subprocess.run(
            [str(BIN / "aws"), *args, "--output", "json"],
            env=full_env, capture_output=True, text=True, input=input, timeout=120,
            cwd=cwd or self.home,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def aws(tmp_path, account) -> AwsCli:
    return AwsCli(tmp_path / "home", account)
