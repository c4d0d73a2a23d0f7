"""What a cached resource-based policy costs a gateway call: server CPU time per S3
GetObject allowed by the caller's identity policy alone, beside the same call on a bucket
that has a bucket policy (read from the upstream once a second and cached between).

    .venv/bin/python benchmarks/resource_policy_bench.py [--duration 5] [--rounds 5]
        [--connections 4]

One moto started apart and one ``rolecall serve --upstream <that moto>`` on a fresh SQLite
database. A user may s3:GetObject in both buckets by its identity policy; the second
bucket's policy also grants the user and denies everyone one prefix, so the engine
evaluates it on every call. wrk (Debian package) replays one presigned GET URL per bucket
for ``--duration`` seconds; the rolecall process's CPU time (utime + stime from
/proc/PID/stat) before and after, divided by the requests wrk completed, is the server time
per call. Rounds alternate between the buckets; the medians are printed with their ratio,
and the median of each round's ratio (the two measured back to back, under the same load).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile

import boto3
from botocore.config import Config

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from gateway_bench import start_rolecall
from http_bench import BIN, start_moto

ACCOUNT = "123456789012"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wrk(url: str, duration: int, connections: int) -> tuple[int, int]:
    """(requests completed, non-2xx answers) of GETs of ``url``."""
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", url],
                          capture_output=True, text=True, check=True)
    count = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    return count, int(errors.group(1)) if errors else 0


def per_call_us(pid: int, url: str, duration: int, connections: int) -> float:
    before = cpu_seconds(pid)
    count, errors = wrk(url, duration, connections)
    spent = cpu_seconds(pid) - before
    if errors:
        raise SystemExit(f"{errors} of {count} calls were not answered 2xx: {url}")
    return spent / count * 1e6


def set_up(endpoint: str, root: dict) -> tuple[str, str]:
    """Two buckets with one object each, a user allowed to read both by its identity
    policy, a bucket policy on the second; presigned GET URLs of both objects."""
    kwargs = dict(endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=root["AccessKeyId"],
                  aws_secret_access_key=root["SecretAccessKey"])
    iam = boto3.client("iam", **kwargs)
    iam.create_user(UserName="bench")
    iam.put_user_policy(UserName="bench", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench-*/*"}]}))
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    s3 = boto3.client("s3", **kwargs)
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/bench"
    for bucket in ("bench-identity", "bench-policy"):
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="data/object.txt", Body=b"x" * 1024)
    s3.put_bucket_policy(Bucket="bench-policy", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": user_arn},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench-policy/data/*"},
            {"Sid": "NoSecrets", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": "arn:aws:s3:::bench-policy/secret/*"}]}))
    reader = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"],
                          config=Config(s3={"addressing_style": "path"}))
    return tuple(reader.generate_presigned_url(  # type: ignore[return-value]
        "get_object", Params={"Bucket": bucket, "Key": "data/object.txt"}, ExpiresIn=3600)
        for bucket in ("bench-identity", "bench-policy"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    moto, moto_url = start_moto()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{scratch}/bench.db"
        created = subprocess.run(
            [str(BIN / "rolecall"), "accounts", "create", "--account-id", ACCOUNT,
             "--db", db], capture_output=True, text=True, check=True)
        rolecall, endpoint = start_rolecall(db, moto_url)
        try:
            identity_url, policy_url = set_up(endpoint, json.loads(created.stdout))
            for url in (identity_url, policy_url):  # warm-up: models, caches, pools
                per_call_us(rolecall.pid, url, 2, args.connections)
            identity, policy = [], []
            for round_ in range(args.rounds):
                order = [(identity, identity_url), (policy, policy_url)]
                for found, url in order if round_ % 2 == 0 else reversed(order):
                    found.append(per_call_us(rolecall.pid, url, args.duration,
                                             args.connections))
        finally:
            rolecall.terminate()
            rolecall.wait(timeout=20)
            moto.terminate()
            moto.wait(timeout=20)
    plain, with_policy = statistics.median(identity), statistics.median(policy)
    print(f"identity policy only        {plain:8.0f} µs server CPU per GetObject "
          f"(rounds: {', '.join(f'{v:.0f}' for v in identity)})")
    print(f"with a cached bucket policy {with_policy:8.0f} µs server CPU per GetObject "
          f"(rounds: {', '.join(f'{v:.0f}' for v in policy)})")
    print(f"ratio of the medians {with_policy / plain:.3f} "
          f"({(with_policy / plain - 1) * 100:+.1f}%)")
    paired = statistics.median(b / a for a, b in zip(identity, policy, strict=True))
    print(f"median of the rounds' ratios {paired:.3f} ({(paired - 1) * 100:+.1f}%)")
    print(f"# rounds={args.rounds} duration={args.duration}s connections={args.connections} "
          f"cores={os.cpu_count()}")


if __name__ == "__main__":
    main()
