"""IAM state at scale: loads with `rolecall accounts load`, then measures a server on it.

Loads (a) many accounts of 100 users, 100 roles and 50 customer managed policies each and
(b) one account at IAM's default quotas (5,000 users, 1,000 roles, 1,500 policies) into one
SQLite database, then starts `rolecall serve` on it and measures: load times, start-up time
(process start to a 200 from /_rolecall/health), the server's RSS, ListUsers and ListRoles
page latency (p50/p99 over every page of repeated walks, MaxItems 100, requests signed with
botocore and timed to the answer's last byte), paging
through all users, GetAccountAuthorizationDetails paged to the end, and GetRole/GetUser
rates with wrk (helpers of http_bench.py) and their median latency one call at a time,
alternating between the accounts, in the full account, in one of the many accounts and in
an account of one user, role, policy and group on the same server.

    .venv/bin/python benchmarks/scale_bench.py [--small] [--duration 10] [--connections 32]

--small loads 50 accounts and a (1,000 users, 300 roles, 300 policies) account for a quick
run. The server runs with `--upstream none` (no embedded moto): only IAM is measured.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import http_bench

BIN = http_bench.BIN
FULL_ACCOUNT = "200000000000"
MANY_FIRST = "300000000000"
SMALL_ACCOUNT = "400000000000"  # one user, role, policy and group


def rolecall(*args: str) -> dict:
    done = subprocess.run([str(BIN / "rolecall"), *args], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def load(db: str, first: str, accounts: int, users: int, roles: int, policies: int) -> dict:
    started = time.perf_counter()
    out = rolecall("accounts", "load", "--db", db, "--account-id", first,
                   "--accounts", str(accounts), "--users", str(users), "--roles", str(roles),
                   "--policies", str(policies))
    out["WallSeconds"] = time.perf_counter() - started
    return out


def start_server(db: str) -> tuple[subprocess.Popen, str, float]:
    port = http_bench.free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "rolecall"), "serve", "--port", str(port), "--db", db, "--upstream", "none"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    http_bench.wait_healthy(endpoint + "/_rolecall/health", process)
    return process, endpoint, time.perf_counter() - started


def memory_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MiB."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def iam_client(endpoint: str, key: dict):
    return boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"],
                        config=Config(retries={"max_attempts": 1}))


class SignedIAM:
    """IAM calls signed with botocore's SigV4 signer over one keep-alive connection, timed
    from request to the last byte of the answer (no XML parsing on the client's side)."""

    def __init__(self, endpoint: str, key: dict) -> None:
        self.endpoint = endpoint
        self.credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
        host, port = endpoint.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))

    def call(self, action: str, **params: str) -> tuple[float, bytes]:
        body = urlencode({"Action": action, "Version": "2010-05-08", **params})
        request = AWSRequest("POST", self.endpoint + "/", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(self.credentials, "iam", "us-east-1").add_auth(request)
        started = time.perf_counter()
        self.connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
        response = self.connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{action}: HTTP {response.status} {answer[:300]!r}")
        return elapsed, answer

    def walk(self, action: str, item: bytes, **params: str) -> tuple[list[float], int, float]:
        """Every page of a list call: (seconds per page, items, seconds in all)."""
        times, items, marker = [], 0, None
        started = time.perf_counter()
        while True:
            elapsed, answer = self.call(action, **params, **({"Marker": marker} if marker
                                                              else {}))
            times.append(elapsed)
            items += answer.count(item)
            found = re.search(rb"<Marker>([^<]+)</Marker>", answer)
            if b"<IsTruncated>true</IsTruncated>" not in answer or found is None:
                return times, items, time.perf_counter() - started
            marker = found.group(1).decode()


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):6.1f} ms  p99 {p99:6.1f} ms  ({len(ms)} pages)"


def rate(endpoint: str, scratch: str, label: str, operation: tuple[str, dict], key: dict,
         account: str, duration: int, connections: int) -> dict:
    http_bench.OPERATIONS[label] = operation
    requests = http_bench.signed_requests(endpoint, label, key, account, 200)
    script = pathlib.Path(scratch) / f"{label}.lua"
    http_bench.wrk_script(requests, script, endpoint.removeprefix("http://"))
    return http_bench.run_wrk(endpoint, script, duration, connections)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--walks", type=int, default=3, help="Walks through every page.")
    parser.add_argument("--rounds", type=int, default=2, help="Rate rounds per account.")
    parser.add_argument("--interleaved", type=int, default=2000,
                        help="Interleaved calls per account for the latency comparison.")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    many, full = (50, (1000, 300, 300)) if args.small else (1000, (5000, 1000, 1500))
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{scratch}/scale.db"
        loaded_many = load(db, MANY_FIRST, many, 100, 100, 50)
        print(f"load (a) {many} accounts x (100 users, 100 roles, 50 policies): "
              f"{loaded_many['Seconds']:.1f} s ({sum(loaded_many['Rows'].values())} rows)")
        loaded_full = load(db, FULL_ACCOUNT, 1, *full)
        print(f"load (b) one account of {full[0]} users, {full[1]} roles, {full[2]} policies: "
              f"{loaded_full['Seconds']:.1f} s")
        load(db, SMALL_ACCOUNT, 1, 1, 1, 1)
        middle = f"{int(MANY_FIRST) + many // 2:012d}"
        roots = {a: rolecall("accounts", "create", "--account-id", a, "--db", db)
                 for a in (FULL_ACCOUNT, middle, SMALL_ACCOUNT)}
        db_mib = os.path.getsize(f"{scratch}/scale.db") / 2**20
        print(f"database: {db_mib:.0f} MiB")

        process, endpoint, startup = start_server(db)
        try:
            rss, _ = memory_mib(process.pid)
            print(f"start-up: {startup:.2f} s   RSS after start: {rss:.0f} MiB")
            full_iam = SignedIAM(endpoint, roots[FULL_ACCOUNT])
            for action in ("ListUsers", "ListRoles", "GetAccountAuthorizationDetails"):
                full_iam.call(action, MaxItems="1")  # the first call of each loads its model
            for operation, item in (("ListUsers", b"<UserName>"), ("ListRoles", b"<RoleName>")):
                samples, items, total = [], 0, 0.0
                for _ in range(args.walks):
                    times, items, total = full_iam.walk(operation, item, MaxItems="100")
                    samples += times
                print(f"{operation} in the full account, pages of 100: {percentiles(samples)}"
                      f"   all {items} in {total:.2f} s")
            times, items, total = full_iam.walk("GetAccountAuthorizationDetails",
                                                b"<UserName>")
            rss, peak = memory_mib(process.pid)
            print(f"GetAccountAuthorizationDetails, full account: {len(times)} pages in "
                  f"{total:.2f} s ({percentiles(times)})   RSS {rss:.0f} MiB, peak {peak:.0f}")

            # GetRole and GetUser of the same loaded role and user (the generated names
            # repeat in every account) in the one-of-each account, the full account and one
            # of the many, signed by each account's root.
            small_iam = iam_client(endpoint, roots[SMALL_ACCOUNT])
            role = small_iam.list_roles()["Roles"][0]["RoleName"]
            user = small_iam.list_users()["Users"][0]["UserName"]
            labels = {SMALL_ACCOUNT: "1-entity account", FULL_ACCOUNT: "full account",
                      middle: f"one of the {many} accounts"}
            calls = {"GetRole": {"RoleName": role}, "GetUser": {"UserName": user}}
            # Rounds interleave the accounts so that drift of a shared machine falls on all
            # alike; each account's best round is reported.
            results: dict[tuple[str, str], dict] = {}
            for _ in range(args.rounds):
                for op, params in calls.items():
                    for account in labels:
                        operation = ("iam", {"Action": op, "Version": "2010-05-08", **params})
                        result = rate(endpoint, scratch, f"{op}-{account}", operation,
                                      roots[account], account, args.duration, args.connections)
                        best = results.get((op, account))
                        if best is None or result["rps"] > best["rps"]:
                            results[(op, account)] = result
            for (op, account), result in results.items():
                base = results[(op, SMALL_ACCOUNT)]["rps"]
                print(f"{op:8} {labels[account]:26} {result['rps']:8.0f} req/s "
                      f"({result['rps'] / base:5.0%} of 1-entity)   p99 "
                      f"{result['p99_ms']:7.2f} ms   non-2xx {result['errors']}")
            # The same calls one at a time, alternating between the accounts request by
            # request: a comparison that the machine's drift cannot skew.
            signed = {a: SignedIAM(endpoint, roots[a]) for a in labels}
            for op, params in calls.items():
                latencies: dict[str, list[float]] = {a: [] for a in labels}
                for _ in range(args.interleaved):
                    for account, client in signed.items():
                        latencies[account].append(client.call(op, **params)[0])
                medians = {a: statistics.median(t) * 1000 for a, t in latencies.items()}
                print(f"{op} interleaved, median latency: " + ", ".join(
                    f"{labels[a]} {m:.2f} ms ({m / medians[SMALL_ACCOUNT]:.0%})"
                    for a, m in medians.items()))
            rss, peak = memory_mib(process.pid)
            print(f"RSS at the end: {rss:.0f} MiB, peak {peak:.0f} MiB")
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(f"# small={args.small} duration={args.duration}s connections={args.connections} "
          f"cores={os.cpu_count()}")


if __name__ == "__main__":
    main()
