"""Console page render time with 1,000 users and 1,000 roles in the account.

Runs the console's ASGI app in process (Starlette's test client, no sockets) on a fresh
SQLite database, signs in as an administrator, and times each page: the figure is server
time plus the test client's small overhead, so an upper bound of what a browser waits.

    .venv/bin/python benchmarks/console_bench.py [--entities 1000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

from starlette.testclient import TestClient

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


def sign_in(client: TestClient) -> None:
    page = client.get("/_rolecall/console/signin")
    token = page.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/_rolecall/console/signin", data={
        "csrf": token, "account": ACCOUNT, "username": "admin", "password": PASSWORD})
    assert "Dashboard" in answer.text, answer.text[:500]


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
        client = TestClient(create_app(server), base_url="http://127.0.0.1")
        sign_in(client)
        print(f"| page | median | p95 | max |\n| --- | --- | --- | --- |")
        for path in PAGES:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                answer = client.get(f"/_rolecall/console/{path}")
                times.append((time.perf_counter() - start) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"| /{path} | {statistics.median(times):.1f} ms | {p95:.1f} ms | "
                  f"{times[-1]:.1f} ms |")
        server.close()


if __name__ == "__main__":
    main()
