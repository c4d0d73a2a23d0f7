"""The gateway beside its upstream: requests/s and latency of a signed DynamoDB call sent to
moto directly and through rolecall (in front of the same moto), and S3 PutObject/GetObject
of large objects both ways, with the rolecall server's memory before and after.

    .venv/bin/python benchmarks/gateway_bench.py [--duration 10] [--connections 16]
        [--object-mib 64] [--objects 3]

Both targets run in the same run on the same moto process (``rolecall serve --upstream``),
so the difference is what rolecall adds: SigV4 verification, identification, the policy
decision, re-signing, the proxy hop and the audit record. wrk (Debian package) replays
pre-signed requests, each with its own signature, from a second process.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from http_bench import BIN, free_port, run_wrk, start_moto, wait_healthy

ACCOUNT = "123456789012"


def start_rolecall(db: str, upstream: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "rolecall"), "serve", "--port", str(port), "--db", db,
         "--upstream", upstream], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    wait_healthy(endpoint + "/_rolecall/health", process)
    return process, endpoint


def signed_list_tables(key: dict, count: int, host: str) -> list[tuple[dict, str]]:
    credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"])
    out = []
    for i in range(count):
        body = json.dumps({"Limit": 1 + i % 100})
        request = AWSRequest("POST", f"http://{host}/", data=body, headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.ListTables"})
        SigV4Auth(credentials, "dynamodb", "us-east-1").add_auth(request)
        out.append((dict(request.headers.items()), body))
    return out


def wrk_script(requests: list, path: pathlib.Path, host: str) -> None:
    lines = ["local reqs = {}"]
    for i, (headers, body) in enumerate(requests, start=1):
        table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}"
                          for k, v in {**headers, "Host": host}.items())
        lines.append(f"reqs[{i}] = wrk.format('POST', '/', {{{table}}}, {json.dumps(body)})")
    lines += ["local n = 0", "request = function()", "  n = n % #reqs + 1", "  return reqs[n]",
              "end"]
    path.write_text("\n".join(lines) + "\n")


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in KiB."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def s3_client(endpoint: str, key: dict):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"],
                        config=Config(retries={"max_attempts": 1}))


def s3_throughput(s3, bucket: str, data: bytes, objects: int) -> tuple[float, float]:
    """MiB/s of PutObject and of GetObject (body read whole), over ``objects`` objects."""
    started = time.perf_counter()
    for i in range(objects):
        s3.put_object(Bucket=bucket, Key=f"o{i}", Body=data)
    put = objects * len(data) / (time.perf_counter() - started) / 2**20
    started = time.perf_counter()
    for i in range(objects):
        s3.get_object(Bucket=bucket, Key=f"o{i}")["Body"].read()
    get = objects * len(data) / (time.perf_counter() - started) / 2**20
    return put, get


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--object-mib", type=int, default=64)
    parser.add_argument("--objects", type=int, default=3)
    args = parser.parse_args()
    moto, moto_url = start_moto()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{scratch}/bench.db"
        created = subprocess.run(
            [str(BIN / "rolecall"), "accounts", "create", "--account-id", ACCOUNT,
             "--db", db], capture_output=True, text=True, check=True)
        root = json.loads(created.stdout)
        rolecall, endpoint = start_rolecall(db, moto_url)
        try:
            iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                               aws_access_key_id=root["AccessKeyId"],
                               aws_secret_access_key=root["SecretAccessKey"])
            iam.create_user(UserName="bench")
            iam.put_user_policy(UserName="bench", PolicyName="p", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["dynamodb:ListTables", "s3:*"],
                     "Resource": "*"}]}))
            key = iam.create_access_key(UserName="bench")["AccessKey"]
            for name, url in (("moto direct", moto_url), ("rolecall -> moto", endpoint)):
                host = url.removeprefix("http://")
                script = pathlib.Path(scratch) / f"{name[:4]}.lua"
                wrk_script(signed_list_tables(key, 200, host), script, host)
                run_wrk(url, script, 3, args.connections)  # warm-up: models, caches, pools
                loaded = run_wrk(url, script, args.duration, args.connections)
                single = run_wrk(url, script, max(3, args.duration // 2), 1)
                print(f"{name:17} ListTables {loaded['rps']:8.0f} req/s  p99 "
                      f"{loaded['p99_ms']:7.2f} ms  non-2xx {loaded['errors']}   "
                      f"1 connection: {single['rps']:6.0f} req/s", flush=True)
            data = os.urandom(args.object_mib * 2**20)
            before = rss_kib(rolecall.pid)
            for name, url in (("moto direct", moto_url), ("rolecall -> moto", endpoint)):
                s3 = s3_client(url, key)
                bucket = f"bench-{name[:4]}"
                s3.create_bucket(Bucket=bucket)
                put, get = s3_throughput(s3, bucket, data, args.objects)
                print(f"{name:17} S3 {args.object_mib} MiB objects: PutObject {put:7.1f} MiB/s"
                      f"  GetObject {get:7.1f} MiB/s", flush=True)
            after = rss_kib(rolecall.pid)
            print(f"rolecall server RSS {before[0] / 1024:.0f} MiB before the S3 runs, "
                  f"{after[0] / 1024:.0f} MiB after, peak {after[1] / 1024:.0f} MiB")
        finally:
            rolecall.terminate()
            rolecall.wait(timeout=20)
            moto.terminate()
            moto.wait(timeout=20)
    print(f"# connections={args.connections} duration={args.duration}s cores={os.cpu_count()}")


if __name__ == "__main__":
    main()
