"""Replicas of rolecall on one database: the aggregate rate of signed calls spread over them,
and how long each replica goes on deciding with the old state after an IAM change.

Creates a fresh PostgreSQL database on 127.0.0.1:5432 (trust auth; dropped after), or with
``--db sqlite`` one SQLite file, and starts ``--replicas`` `rolecall serve` processes on it.
The load is one `wrk` per replica, run together (round robin over the replicas), replaying
signed GetCallerIdentity and GetUser calls of one user (signing from http_bench.py).

1. rate: the load alone, ``--duration`` seconds; the sum of the replicas' rates.
2. staleness: the same load again while the user's Deny policy (iam:GetUser) is attached and
   detached through the first replica, up to ``--changes`` times while the load lasts. After
   each change's HTTP response, every other replica is probed with the user's GetUser in a
   tight loop (one keep-alive connection each) until it answers with the new state (403 after
   an attach, 200 after a detach). That first new-state decision was made between the
   probe's sending and its answer: both are reported, from the change's response, with the
   probes answered with the old state after it (how many, the last one's sending).

    .venv/bin/python benchmarks/replica_bench.py [--replicas 3] [--duration 10]
        [--connections 8] [--changes 100] [--pause 0.1] [--db postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import pathlib
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import boto3

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from http_bench import (
    BIN,
    drop_postgres_database,
    postgres_database,
    run_wrk,
    setup_identities,
    sign,
    start_rolecall,
    wrk_script,
)

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GET_CALLER = urlencode({"Action": "GetCallerIdentity", "Version": "2011-06-15"})
GET_USER = urlencode({"Action": "GetUser", "Version": "2010-05-08", "UserName": "bench"})
ALLOW = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
DENY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "iam:GetUser", "Resource": "*"}]})
PROBE_GIVE_UP = 10.0  # seconds: a replica still stale after this is reported as such


@contextlib.contextmanager
def database(kind: str, admin_url: str) -> Iterator[str]:
    """A fresh database for the run, removed after it."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            yield f"sqlite:///{scratch}/bench.db"
        return
    url = postgres_database(admin_url)
    try:
        yield url
    finally:
        drop_postgres_database(admin_url, url)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_load(endpoints: list[str], scripts: list[pathlib.Path], duration: int,
             connections: int) -> list[dict]:
    """One wrk per replica, all at once; their results in the replicas' order."""
    results: list[dict] = [{}] * len(endpoints)

    def one(i: int) -> None:
        results[i] = run_wrk(endpoints[i], scripts[i], duration, connections)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(endpoints))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class Probe:
    """A thread with one keep-alive connection to a replica, asking the user's GetUser until
    the answer is the one expected, then reporting when it came."""

    def __init__(self, endpoint: str, key: dict) -> None:
        self.endpoint = endpoint
        self.key = key
        self.tasks: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.round_trips: list[float] = []
        self._connection = http.client.HTTPConnection(endpoint.removeprefix("http://"))
        threading.Thread(target=self._run, daemon=True).start()

    def _status(self, headers: dict, body: str) -> int:
        self._connection.request("POST", "/", body=body, headers=headers)
        response = self._connection.getresponse()
        response.read()
        return response.status

    def _run(self) -> None:
        while True:
            since, expected = self.tasks.get()
            headers, body = sign(self.endpoint, "iam", GET_USER, self.key)
            old = 0  # answers with the old state
            last_old = since  # when the last of them was sent
            while True:
                sent = time.perf_counter()
                status = self._status(headers, body)
                now = time.perf_counter()
                self.round_trips.append(now - sent)
                if status == expected:
                    # Decided with the new state between this request's sending and its
                    # answer; the old state was still decided after ``last_old``.
                    self.results.put((sent - since, now - since, old, last_old - since))
                    break
                last_old = sent
                old += 1
                if now - since > PROBE_GIVE_UP:
                    self.results.put(None)
                    break


def staleness(endpoints: list[str], key: dict, root: dict, changes: int, pause: float,
              until: float) -> dict:
    """Attach and detach the Deny through the first replica; windows seen on the others."""
    iam = boto3.client("iam", endpoint_url=endpoints[0], region_name="us-east-1",
                       aws_access_key_id=root["AccessKeyId"],
                       aws_secret_access_key=root["SecretAccessKey"])
    arn = f"arn:aws:iam::{root['AccountId']}:policy/bench-deny"
    probes = [Probe(endpoint, key) for endpoint in endpoints[1:]]
    sent: list[float] = []
    answered: list[float] = []
    last_old: list[float] = []
    stale = 0
    made = 0
    began = time.perf_counter()
    while made < changes and time.perf_counter() < until:
        attach = made % 2 == 0
        made += 1
        if attach:
            iam.attach_user_policy(UserName="bench", PolicyArn=arn)
        else:
            iam.detach_user_policy(UserName="bench", PolicyArn=arn)
        changed_at = time.perf_counter()
        for probe in probes:
            probe.tasks.put((changed_at, 403 if attach else 200))
        for probe in probes:
            found = probe.results.get()
            if found is None:
                stale += 1
            else:
                sent.append(found[0] * 1000)
                answered.append(found[1] * 1000)
                if found[2]:
                    last_old.append(found[3] * 1000)
        time.sleep(random.uniform(0.5, 1.5) * pause)  # changes come at random under the load
    rate = made / (time.perf_counter() - began)
    if made % 2:
        iam.detach_user_policy(UserName="bench", PolicyArn=arn)
    trips = [t * 1000 for probe in probes for t in probe.round_trips]
    return {"sent": sent, "answered": answered, "last_old": last_old, "stale": stale,
            "changes": made, "per_second": rate,
            "probe_p50_ms": percentile(trips, 0.5)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8, help="per replica")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--pause", type=float, default=0.1,
                        help="mean seconds between one change's last probe and the next change")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN,
                        help="an SQLAlchemy URL of the PostgreSQL server's admin database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    with database(args.db, args.pg_admin_url) as db, tempfile.TemporaryDirectory() as scratch:
        created = subprocess.run(
            [str(BIN / "rolecall"), "accounts", "create", "--account-id", "123456789012",
             "--db", db], capture_output=True, text=True, check=True)
        root = json.loads(created.stdout)
        replicas = [start_rolecall(db, 1) for _ in range(args.replicas)]
        endpoints = [endpoint for _, endpoint in replicas]
        try:
            key = setup_identities(endpoints[0], root, with_role=False)
            iam = boto3.client("iam", endpoint_url=endpoints[0], region_name="us-east-1",
                               aws_access_key_id=root["AccessKeyId"],
                               aws_secret_access_key=root["SecretAccessKey"])
            iam.put_user_policy(UserName="bench", PolicyName="get-user", PolicyDocument=ALLOW)
            iam.create_policy(PolicyName="bench-deny", PolicyDocument=DENY)
            scripts = []
            for i, endpoint in enumerate(endpoints):
                requests = [sign(endpoint, "sts", GET_CALLER, key) for _ in range(100)]
                requests += [sign(endpoint, "iam", GET_USER, key) for _ in range(100)]
                scripts.append(pathlib.Path(scratch) / f"replica{i}.lua")
                wrk_script(requests, scripts[-1], endpoint.removeprefix("http://"))
            run_load(endpoints, scripts, 2, args.connections)  # warm-up: caches, connections
            alone = run_load(endpoints, scripts, args.duration, args.connections)
            report("load alone", alone)
            measured: dict = {}
            load = threading.Thread(target=lambda: measured.update(
                load=run_load(endpoints, scripts, args.duration, args.connections)))
            load.start()
            time.sleep(1)  # the load is running before the first change
            found = staleness(endpoints, key, root, args.changes, args.pause,
                              until=time.perf_counter() + args.duration - 2)
            load.join()
            report("load with changes", measured["load"])
            pairs = len(found["sent"])
            print(f"{found['changes']} changes, {found['per_second']:.1f} a second; "
                  f"first new-state decision after the change's response, over {pairs} "
                  f"(change, replica) pairs: made between the probe's sending "
                  f"({spread(found['sent'])}) and its answer ({spread(found['answered'])})")
            print(f"pairs with an old-state answer after the change's response: "
                  f"{len(found['last_old'])}, the last sent at {spread(found['last_old'])}; "
                  f"still stale after {PROBE_GIVE_UP:.0f} s: {found['stale']}; "
                  f"probe round trip p50 {found['probe_p50_ms']:.1f} ms")
        finally:
            for process, _ in replicas:
                process.terminate()
                process.wait(timeout=20)
    print(f"# db={args.db} replicas={args.replicas} connections={args.connections}/replica "
          f"duration={args.duration}s changes={args.changes} cores={os.cpu_count()}")


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"p50 {percentile(values, 0.5):.1f} ms, p99 {percentile(values, 0.99):.1f} ms, "
            f"max {max(values):.1f} ms")


def report(label: str, results: list[dict]) -> None:
    rates = ", ".join(f"{r['rps']:.0f}" for r in results)
    print(f"{label}: aggregate {sum(r['rps'] for r in results):.0f} req/s "
          f"(replicas {rates}); p99 {max(r['p99_ms'] for r in results):.1f} ms; "
          f"non-2xx {sum(r['errors'] for r in results)}", flush=True)


if __name__ == "__main__":
    main()
