"""Console page render time with 1,000 users and 1,000 roles in the account.

Runs the console's ASGI app in process on a fresh SQLite database, signs in as an
administrator, and times each page from the request reaching the app to its last byte:
server time, without sockets or HTTP parsing.

    .venv/bin/python benchmarks/console_bench.py [--entities 1000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from urllib.parse import urlencode

from rolecall.accounts import create_account
from rolecall.auth import principal as principals
from rolecall.console import calls
from rolecall.console.app import create_app
from rolecall.server import Server

ACCOUNT = "123456789012"
PASSWORD = "Bench-Pa55word!"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def populate(server: Server, count: int) -> None:
    root = calls.Caller(principals.root(ACCOUNT, None), "127.0.0.1", False)

    def iam(operation: str, **params) -> None:
        calls.call(server, root, "iam", operation, params)

    for i in range(count):
        iam("CreateUser", UserName=f"user-{i:04d}")
        iam("CreateRole", RoleName=f"role-{i:04d}", AssumeRolePolicyDocument=TRUST)
    iam("CreateUser", UserName="admin")
    iam("AttachUserPolicy", UserName="admin",
        PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam("CreateLoginProfile", UserName="admin", Password=PASSWORD)
    server.audit.flush()


class Browser:
    """Drives the ASGI app directly and keeps its cookie, as a browser would."""

    def __init__(self, app) -> None:
        self.app = app
        self.cookie = ""

    async def request(self, method: str, target: str, form: dict | None = None):
        path, _, query = target.partition("?")
        body = urlencode(form or {}).encode()
        headers = [(b"host", b"127.0.0.1"), (b"cookie", self.cookie.encode()),
                   (b"content-type", b"application/x-www-form-urlencoded")]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "headers": headers,
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "root_path": ""}
        sent = {"status": 0, "body": b""}

        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                for name, value in message["headers"]:
                    if name == b"set-cookie":
                        self.cookie = value.decode().split(";", 1)[0]
            else:
                sent["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        return sent["status"], sent["body"].decode()


async def sign_in(browser: Browser) -> None:
    _, page = await browser.request("GET", "/_rolecall/console/signin")
    token = page.split('name="csrf" value="')[1].split('"')[0]
    status, _ = await browser.request("POST", "/_rolecall/console/signin", {
        "csrf": token, "account": ACCOUNT, "username": "admin", "password": PASSWORD})
    assert status == 303, status


PAGES = ["", "users", "users/user-0500", "roles", "roles/role-0500", "roles?marker=",
         "policies", "policies?scope=AWS", "policies/view?arn=arn:aws:iam::aws:policy/"
         "AdministratorAccess", "groups", "providers", "simulator", "switch-role", "audit"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(f"sqlite:///{tmp}/bench.db")
        create_account(server.db, ACCOUNT)
        started = time.perf_counter()
        populate(server, args.entities)
        print(f"created {args.entities} users and {args.entities} roles in "
              f"{time.perf_counter() - started:.1f} s")
        asyncio.run(measure(Browser(create_app(server)), args.repeat))
        server.close()


async def measure(browser: Browser, repeat: int) -> None:
    await sign_in(browser)
    print("| page | median | p95 | max |\n| --- | --- | --- | --- |")
    for path in PAGES:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            status, _ = await browser.request("GET", f"/_rolecall/console/{path}")
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200, (path, status)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"| /{path} | {statistics.median(times):.1f} ms | {p95:.1f} ms | "
              f"{times[-1]:.1f} ms |")


if __name__ == "__main__":
    main()
