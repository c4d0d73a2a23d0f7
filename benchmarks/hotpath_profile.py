"""Where one request spends its time inside rolecall, without the HTTP server around it.

Builds a server on a fresh SQLite database, creates an account with a user and a role, signs
requests with botocore's SigV4 signer (each with its own signature), and drives the ASGI app
directly with them, so the figures are rolecall's own microseconds per request: SigV4,
parsing, validation, authorization, the handler, XML and the audit record, with the audit
writer flushing as the server's loop would. Figures are the process's CPU time per request,
so other work on the machine disturbs them less than wall-clock figures. The HTTP layer's
share is measured separately by http_bench.py's bare ASGI baseline.

    .venv/bin/python benchmarks/hotpath_profile.py [--operations GetCallerIdentity,GetRole]
        [--requests 20000] [--profile]    # --profile: cProfile's top functions per operation
        [--db postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DATABASE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(__file__))
from http_bench import OPERATIONS, TRUST

from rolecall.accounts import create_account
from rolecall.app import App
from rolecall.audit.log import FLUSH_SECONDS
from rolecall.gateway import upstreams
from rolecall.gateway.handler import ENFORCE, Gateway
from rolecall.server import Server

HOST = "127.0.0.1:8000"


class Driver:
    """Sends pre-built requests through the ASGI app and keeps the audit flush cadence."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.status: list[int] = []
        self._last_flush = time.monotonic()

    async def call(self, headers: dict[str, str], body: bytes) -> int:
        scope = {
            "type": "http", "method": "POST", "path": "/", "raw_path": b"/",
            "query_string": b"", "scheme": "http", "client": ("127.0.0.1", 40000),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        sent = False

        async def receive():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 0

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        now = time.monotonic()
        if now - self._last_flush >= FLUSH_SECONDS:
            self.app.server.audit.flush()
            self._last_flush = now
        return status


def sign(operation: str, key: dict, account: str, count: int) -> list[tuple[dict, bytes]]:
    from urllib.parse import urlencode

    service, params = OPERATIONS[operation]
    params = {k: v.replace("{account}", account) for k, v in params.items()}
    credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"],
                              key.get("SessionToken"))
    out = []
    for i in range(count):
        fields = dict(params)
        if operation == "AssumeRole":
            fields["RoleSessionName"] = f"bench{i}"
        body = urlencode(fields, doseq=True)
        request = AWSRequest("POST", f"http://{HOST}/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(credentials, service, "us-east-1").add_auth(request)
        out.append(({**dict(request.headers.items()), "Host": HOST}, body.encode()))
    return out


async def setup(driver: Driver, root: dict) -> tuple[dict, dict]:
    """Create the bench user (with a key and a policy allowing what the bench calls) and
    role through the API itself; return (user key, role session credentials)."""
    import json
    from xml.etree import ElementTree

    account = root["AccountId"]

    async def call(action: str, service: str, key: dict, **params) -> ElementTree.Element:
        fields = {"Action": action,
                  "Version": "2011-06-15" if service == "sts" else "2010-05-08", **params}
        from urllib.parse import urlencode
        body = urlencode(fields)
        request = AWSRequest("POST", f"http://{HOST}/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(key["AccessKeyId"], key["SecretAccessKey"],
                              key.get("SessionToken")), service, "us-east-1").add_auth(request)
        captured: dict = {}

        async def receive():
            return {"type": "http.request", "body": body.encode(), "more_body": False}

        async def send(message):
            captured.setdefault(message["type"], message)

        scope = {"type": "http", "method": "POST", "path": "/", "raw_path": b"/",
                 "query_string": b"", "scheme": "http", "client": ("127.0.0.1", 40000),
                 "headers": [(k.lower().encode(), v.encode())
                             for k, v in {**dict(request.headers.items()), "Host": HOST}.items()]}
        await driver.app(scope, receive, send)
        if captured["http.response.start"]["status"] != 200:
            raise SystemExit(f"{action}: {captured['http.response.body']['body'][:300]}")
        return ElementTree.fromstring(captured["http.response.body"]["body"])

    await call("CreateUser", "iam", root, UserName="bench")
    await call("CreateRole", "iam", root, RoleName="bench-role",
               AssumeRolePolicyDocument=TRUST.replace("{account}", account))
    await call("AttachRolePolicy", "iam", root, RoleName="bench-role",
               PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    await call("PutUserPolicy", "iam", root, UserName="bench", PolicyName="bench",
               PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*",
                                                  "iam:SimulatePrincipalPolicy"],
                    "Resource": "*"}]}))
    created = await call("CreateAccessKey", "iam", root, UserName="bench")
    ns = {"i": "https://iam.amazonaws.com/doc/2010-05-08/"}
    key = {"AccessKeyId": created.find(".//i:AccessKeyId", ns).text,
           "SecretAccessKey": created.find(".//i:SecretAccessKey", ns).text}
    assumed = await call("AssumeRole", "sts", key, RoleSessionName="bench",
                         RoleArn=f"arn:aws:iam::{account}:role/bench-role")
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    session = {name: assumed.find(f".//s:{name}", ns).text
               for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    return key, session


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or f"sqlite:///{scratch}/profile.db"
        server = Server(db)
        root = create_account(server.db, "123456789012")
        gateway = Gateway(server, upstreams.Upstreams.from_env(None), ENFORCE)
        os.environ["ROLECALL_CONSOLE"] = "off"
        app = App(server, gateway)
        driver = Driver(app)
        key, session = await setup(driver, root)
        for operation in args.operations.split(","):
            signer = {"GetCallerIdentity-session": session}.get(operation, key)
            requests = sign(operation, signer, root["AccountId"], min(args.requests, 2000))
            for headers, body in requests[:200]:  # warm caches
                await driver.call(headers, body)
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            started = time.process_time()
            bad = 0
            for i in range(args.requests):
                headers, body = requests[i % len(requests)]
                if await driver.call(headers, body) != 200:
                    bad += 1
            elapsed = time.process_time() - started
            if profiler:
                profiler.disable()
            print(f"{operation:28} {elapsed / args.requests * 1e6:8.1f} µs CPU/request  "
                  f"non-200 {bad}", flush=True)
            if profiler:
                pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", default="GetCallerIdentity,GetCallerIdentity-session,"
                        "GetRole,GetUser,ListAttachedRolePolicies,AssumeRole,"
                        "SimulatePrincipalPolicy")
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--db", help="a database URL (an empty database) instead of SQLite "
                        "in a scratch directory")
    parser.add_argument("--top", type=int, default=25)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
