"""Requests/s and p99 latency of signed calls over real HTTP, measured with wrk.

Starts the server(s) under test, creates an account and a role, signs a batch of requests
with botocore's SigV4 signer (valid for the 15-minute clock-skew window), and replays them
over keep-alive connections with `wrk` (Debian package `wrk`) from a second process.

    .venv/bin/python benchmarks/http_bench.py [--duration 10] [--connections 32]
        [--workers 1] [--compare-moto] [--compare-bare] [--half-load]
        [--db sqlite|postgresql] [--operations GetCallerIdentity,GetRole]

With --compare-moto, the same requests run against moto's server (`python -m moto.server`
with this interpreter) in the same run, for a side-by-side figure; with
--compare-bare, against a bare ASGI app under the same uvicorn (benchmarks/bare_asgi.py),
the HTTP layer's ceiling. --half-load adds p99 at half of each maximum rate (wrk's delay
hook spaces each connection's requests). --db postgresql runs on a fresh database of the
PostgreSQL server at --pg-admin-url. --py-spy DIR records where the server spends each
measured run (one worker; `py-spy` from PyPI on PATH or beside this interpreter) as a
collapsed-stack file per operation, summarised by benchmarks/profile_summary.py.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BIN = pathlib.Path(sys.executable).parent

OPERATIONS = {
    "GetCallerIdentity": ("sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"}),
    # The same call signed with temporary credentials from AssumeRole (session token).
    "GetCallerIdentity-session": (
        "sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"}),
    "GetRole": ("iam", {"Action": "GetRole", "Version": "2010-05-08", "RoleName": "bench-role"}),
    "GetUser": ("iam", {"Action": "GetUser", "Version": "2010-05-08", "UserName": "bench"}),
    "ListAttachedRolePolicies": ("iam", {"Action": "ListAttachedRolePolicies",
                                         "Version": "2010-05-08", "RoleName": "bench-role"}),
    # The simulator deciding five actions for the bench user.
    "SimulatePrincipalPolicy": ("iam", {
        "Action": "SimulatePrincipalPolicy", "Version": "2010-05-08",
        "PolicySourceArn": "arn:aws:iam::{account}:user/bench",
        **{f"ActionNames.member.{i}": action for i, action in enumerate(
            ["iam:GetRole", "iam:CreateUser", "s3:GetObject", "sts:AssumeRole",
             "ec2:RunInstances"], start=1)}}),
    "AssumeRole": (
        "sts",
        {"Action": "AssumeRole", "Version": "2011-06-15", "RoleSessionName": "bench",
         "RoleArn": "arn:aws:iam::{account}:role/bench-role"},
    ),
}

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{account}:user/bench"},
                   "Action": "sts:AssumeRole"}],
})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def start_rolecall(db: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        # IAM and STS only: no embedded moto starting beside the first measurement.
        [str(BIN / "rolecall"), "serve", "--port", str(port), "--db", db,
         "--workers", str(workers), "--upstream", "none"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_healthy(endpoint + "/_rolecall/health", process)
    return process, endpoint


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    wait_healthy(endpoint + "/moto-api/", process)
    return process, endpoint


READER_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "iam:SimulatePrincipalPolicy"],
     "Resource": "*"}]})


def setup_identities(endpoint: str, root: dict, with_role: bool) -> dict:
    """Create the bench user, allowed IAM's reads by an inline policy (so every call is
    decided by policies, not by the root's privilege), and the role it may assume, with a
    managed policy attached; return the user's key."""
    import boto3

    kwargs = dict(endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=root["AccessKeyId"],
                  aws_secret_access_key=root["SecretAccessKey"])
    iam = boto3.client("iam", **kwargs)
    account = root["AccountId"]
    iam.create_user(UserName="bench")
    iam.put_user_policy(UserName="bench", PolicyName="reader", PolicyDocument=READER_POLICY)
    if with_role:
        iam.create_role(RoleName="bench-role",
                        AssumeRolePolicyDocument=TRUST.replace("{account}", account))
        policy = iam.create_policy(PolicyName="bench-reader", PolicyDocument=READER_POLICY)
        iam.attach_role_policy(RoleName="bench-role", PolicyArn=policy["Policy"]["Arn"])
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


def role_session(endpoint: str, key: dict, account: str) -> dict:
    import boto3

    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"])
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/bench-role",
                            RoleSessionName="bench")["Credentials"]
    return {"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
            "SessionToken": creds["SessionToken"]}


def sign(endpoint: str, service: str, body: str, key: dict) -> tuple[dict, str]:
    """One query-protocol POST signed with ``key``: (headers, body), valid for 15 minutes."""
    credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"],
                              key.get("SessionToken"))
    request = AWSRequest("POST", endpoint + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(credentials, service, "us-east-1").add_auth(request)
    return dict(request.headers.items()), body


def signed_requests(endpoint: str, operation: str, key: dict, account: str, count: int):
    service, params = OPERATIONS[operation]
    params = {k: v.replace("{account}", account) for k, v in params.items()}
    out = []
    for i in range(count):
        body = urlencode({**params, "RoleSessionName": f"bench{i}"}
                         if operation == "AssumeRole" else params)
        out.append(sign(endpoint, service, body, key))
    return out


def wrk_script(requests: list, path: pathlib.Path, host: str,
               delay_ms: float | None = None) -> None:
    """A wrk script replaying ``requests`` in turn; ``delay_ms`` spaces each connection's
    requests, for a load below the maximum rate."""
    lines = ["local reqs = {}"]
    for i, (headers, body) in enumerate(requests, start=1):
        # wrk does not add Host to requests formatted at load time; it is a signed header.
        header_table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}"
                                 for k, v in {**headers, "Host": host}.items())
        lines.append(f"reqs[{i}] = wrk.format('POST', '/', {{{header_table}}}, "
                     f"{json.dumps(body)})")
    lines += ["local n = 0", "request = function()", "  n = n % #reqs + 1", "  return reqs[n]",
              "end"]
    if delay_ms is not None:
        lines += ["delay = function()", f"  return {delay_ms:.3f}", "end"]
    path.write_text("\n".join(lines) + "\n")


def run_wrk(endpoint: str, script: pathlib.Path, duration: int, connections: int) -> dict:
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script),
         endpoint],
        capture_output=True, text=True, check=True,
    )
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale,
            "errors": int(non2xx.group(1)) if non2xx else 0}


def start_bare() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_asgi:app", "--app-dir",
         str(pathlib.Path(__file__).parent), "--port", str(port), "--loop", "uvloop",
         "--http", "httptools", "--no-access-log", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, endpoint
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the bare ASGI app did not start")


def postgres_database(admin_url: str) -> str:
    """A fresh database on the PostgreSQL server of ``admin_url``; its URL."""
    import psycopg

    name = f"rolecall_bench_{os.getpid()}"
    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(admin_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def py_spy(pid: int, out: pathlib.Path, duration: int) -> subprocess.Popen:
    """py-spy sampling the server ``pid`` for ``duration`` seconds into ``out``."""
    program = shutil.which("py-spy") or str(BIN / "py-spy")
    return subprocess.Popen(
        [program, "record", "--pid", str(pid), "--duration", str(duration), "--rate", "250",
         "--format", "raw", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(name: str, endpoint: str, operation: str, signer: dict, account: str,
            scratch: str, args: argparse.Namespace, pid: int | None = None) -> dict:
    """The maximum rate after 2 s of warm-up, then (with --half-load) p99 at half of it."""
    host = endpoint.removeprefix("http://")
    requests = signed_requests(endpoint, operation, signer, account, 200)
    script = pathlib.Path(scratch) / f"{name}-{operation}.lua"
    wrk_script(requests, script, host)
    run_wrk(endpoint, script, 2, args.connections)  # warm-up (start-up's background work)
    sampler = None
    if args.py_spy and pid is not None:
        out = pathlib.Path(args.py_spy) / f"{name}-{operation}.txt"
        sampler = py_spy(pid, out, args.duration)
    result = run_wrk(endpoint, script, args.duration, args.connections)
    if sampler is not None:
        sampler.wait(timeout=60)
    line = (f"{name:9} {operation:26} {result['rps']:9.0f} req/s  p99 "
            f"{result['p99_ms']:8.2f} ms  non-2xx {result['errors']}")
    if args.half_load and result["rps"] > 0:
        delay_ms = 1000.0 * args.connections / (result["rps"] / 2)
        wrk_script(requests, script, host, delay_ms)
        half = run_wrk(endpoint, script, args.duration, args.connections)
        result["half"] = half
        line += f"   at {half['rps']:.0f} req/s: p99 {half['p99_ms']:.2f} ms"
    print(line, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--operations", default=",".join(OPERATIONS))
    parser.add_argument("--compare-moto", action="store_true")
    parser.add_argument("--compare-bare", action="store_true",
                        help="also measure a bare ASGI app under the same uvicorn (the ceiling)")
    parser.add_argument("--half-load", action="store_true",
                        help="also measure p99 at half of each maximum rate")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-admin-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--py-spy", metavar="DIR",
                        help="sample the server with py-spy during each measured run")
    args = parser.parse_args()
    if args.py_spy:
        pathlib.Path(args.py_spy).mkdir(parents=True, exist_ok=True)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    operations = args.operations.split(",")
    with tempfile.TemporaryDirectory() as scratch:
        db = (f"sqlite:///{scratch}/bench.db" if args.db == "sqlite"
              else postgres_database(args.pg_admin_url))
        try:
            run(args, operations, db, scratch)
        finally:
            if args.db == "postgresql":
                drop_postgres_database(args.pg_admin_url, db)
    print(f"# workers={args.workers} connections={args.connections} db={args.db} "
          f"duration={args.duration}s cores={os.cpu_count()}")


def run(args: argparse.Namespace, operations: list[str], db: str, scratch: str) -> None:
    if args.compare_bare:
        process, endpoint = start_bare()
        try:
            measure("bare-asgi", endpoint, "GetCallerIdentity",
                    {"AccessKeyId": "AKIABARE000000000000", "SecretAccessKey": "x" * 40},
                    "123456789012", scratch, args)
        finally:
            process.terminate()
            process.wait(timeout=20)
    created = subprocess.run(
        [str(BIN / "rolecall"), "accounts", "create", "--account-id", "123456789012",
         "--db", db], capture_output=True, text=True, check=True)
    root = json.loads(created.stdout)
    targets = [("rolecall", lambda: start_rolecall(db, args.workers))]
    if args.compare_moto:
        targets.append(("moto", start_moto))
    for name, start in targets:
        process, endpoint = start()
        try:
            if name == "moto":  # moto checks no signature: any key of the account does
                root = {"AccountId": "123456789012", "AccessKeyId": "AKIAMOTOBENCH0000000",
                        "SecretAccessKey": "x" * 40}
            key = setup_identities(endpoint, root, True)
            account = root["AccountId"]
            for operation in operations:
                signer = key
                if operation == "GetCallerIdentity-session":
                    signer = role_session(endpoint, key, account)
                measure(name, endpoint, operation, signer, account, scratch, args,
                        process.pid if args.workers == 1 or name == "moto" else None)
        finally:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
