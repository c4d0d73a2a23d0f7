"""S3 payload verification throughput: MB/s of decoded payload through ``feed``.

Workload: a 64 MiB object (random bytes) in each payload form, its body built once (signed
aws-chunked bodies with 64 KiB chunks, S3's default; unsigned trailer bodies with botocore's
1 MiB chunks), then fed to a fresh verifier in pieces of ``--read`` bytes, as a server hands
over a request body. The best of ``--repeat`` runs is reported, on one core.

Run: .venv/bin/python benchmarks/payload_bench.py [--mib 64] [--read 65536] [--repeat 3]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import time
import zlib

from awscrt import checksums as crt

from rolecall.auth import sigv4
from rolecall.auth.payload import payload_verifier

STAMP = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
KEY = sigv4.signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1",
                        "s3")
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"


def _chunk_signature(previous: str, data: bytes) -> str:
    to_sign = "\n".join(("AWS4-HMAC-SHA256-PAYLOAD", STAMP, SCOPE, previous,
                         sigv4.EMPTY_SHA256, hashlib.sha256(data).hexdigest()))
    return hmac.new(KEY, to_sign.encode(), "sha256").hexdigest()


def signed_body(data: bytes, chunk: int, trailer: str | None) -> bytes:
    out, previous = [], SEED
    pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    for piece in [*pieces, b""]:
        previous = _chunk_signature(previous, piece)
        out.append(b"%x;chunk-signature=%s\r\n" % (len(piece), previous.encode()))
        if piece:
            out += [piece, b"\r\n"]
    if trailer is None:
        out.append(b"\r\n")
    else:
        canonical = f"{trailer}\n".encode()
        to_sign = "\n".join(("AWS4-HMAC-SHA256-TRAILER", STAMP, SCOPE, previous,
                             hashlib.sha256(canonical).hexdigest()))
        signature = hmac.new(KEY, to_sign.encode(), "sha256").hexdigest()
        out.append(f"{trailer}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode())
    return b"".join(out)


def unsigned_trailer_body(data: bytes, chunk: int, trailer: str) -> bytes:
    out = []
    for i in range(0, len(data), chunk):
        piece = data[i:i + chunk]
        out += [b"%x\r\n" % len(piece), piece, b"\r\n"]
    out.append(f"0\r\n{trailer}\r\n\r\n".encode())
    return b"".join(out)


def _b64(value: int, width: int) -> str:
    return base64.b64encode(value.to_bytes(width, "big")).decode()


def workloads(data: bytes) -> list[tuple[str, str, dict[str, str], bytes]]:
    """(label, x-amz-content-sha256, headers, body) for each form measured."""
    n = str(len(data))
    crc32 = f"x-amz-checksum-crc32:{_b64(zlib.crc32(data), 4)}"
    crc32c = f"x-amz-checksum-crc32c:{_b64(crt.crc32c(data), 4)}"
    crc64 = f"x-amz-checksum-crc64nvme:{_b64(crt.crc64nvme(data), 8)}"
    chunked = {"x-amz-decoded-content-length": n}
    return [
        ("UNSIGNED-PAYLOAD", "UNSIGNED-PAYLOAD", {"content-length": n}, data),
        ("hex SHA-256", hashlib.sha256(data).hexdigest(), {"content-length": n}, data),
        ("UNSIGNED-PAYLOAD + x-amz-checksum-crc32 header", "UNSIGNED-PAYLOAD",
         {"content-length": n, "x-amz-checksum-crc32": crc32.split(":", 1)[1]}, data),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
         {**chunked, "x-amz-trailer": "x-amz-checksum-crc32"},
         unsigned_trailer_body(data, 1 << 20, crc32)),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32C", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
         {**chunked, "x-amz-trailer": "x-amz-checksum-crc32c"},
         unsigned_trailer_body(data, 1 << 20, crc32c)),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC64NVME", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
         {**chunked, "x-amz-trailer": "x-amz-checksum-crc64nvme"},
         unsigned_trailer_body(data, 1 << 20, crc64)),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 64 KiB chunks",
         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", chunked, signed_body(data, 1 << 16, None)),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, CRC32C",
         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
         {**chunked, "x-amz-trailer": "x-amz-checksum-crc32c"},
         signed_body(data, 1 << 16, crc32c)),
    ]


def measure(form: str, headers: dict[str, str], body: bytes, read: int) -> float:
    verifier = payload_verifier(form, signing_key=KEY, seed_signature=SEED, amz_stamp=STAMP,
                                scope=SCOPE, headers={k: [v] for k, v in headers.items()},
                                presigned=False)
    view = memoryview(body)
    start = time.perf_counter()
    decoded = 0
    for offset in range(0, len(body), read):
        decoded += len(verifier.feed(bytes(view[offset:offset + read])))
    verifier.finish()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=64)
    parser.add_argument("--read", type=int, default=65536, help="bytes per feed call")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = os.urandom(args.mib << 20)
    print(f"{args.mib} MiB payload, fed {args.read} bytes at a time, best of {args.repeat}")
    print(f"{'form':<52} {'MB/s':>8}")
    for label, form, headers, body in workloads(data):
        best = min(measure(form, headers, body, args.read) for _ in range(args.repeat))
        print(f"{label:<52} {len(data) / best / 1e6:>8.0f}")


if __name__ == "__main__":
    main()
