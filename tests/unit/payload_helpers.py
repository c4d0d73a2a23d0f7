"""Builders of S3 payloads for the payload verifier's tests: aws-chunked bodies signed as
AWS's chunked-upload pages define it, and feeding a verifier in given splits."""

from __future__ import annotations

import hashlib
import hmac

from rolecall.auth import sigv4
from rolecall.auth.payload import PayloadVerifier

# AWS's worked examples ("Transferring Payload in Multiple Chunks", "Including Trailing
# Headers"): the example key, date, scope and the 66560-byte object of 'a'.
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
STAMP = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
KEY = sigv4.signing_key(SECRET, "20130524", "us-east-1", "s3")
EMPTY = hashlib.sha256(b"").hexdigest()


def chunk_signature(previous: str, data: bytes) -> str:
    to_sign = "\n".join(("AWS4-HMAC-SHA256-PAYLOAD", STAMP, SCOPE, previous, EMPTY,
                         hashlib.sha256(data).hexdigest()))
    return hmac.new(KEY, to_sign.encode(), "sha256").hexdigest()


def trailer_signature(previous: str, canonical: bytes) -> str:
    to_sign = "\n".join(("AWS4-HMAC-SHA256-TRAILER", STAMP, SCOPE, previous,
                         hashlib.sha256(canonical).hexdigest()))
    return hmac.new(KEY, to_sign.encode(), "sha256").hexdigest()


def signed_body(seed: str, chunks: list[bytes], trailer: tuple[str, str] | None = None) -> bytes:
    """``chunks`` (without the final empty one, which is added) signed from ``seed``."""
    out, previous = [], seed
    for data in [*chunks, b""]:
        previous = chunk_signature(previous, data)
        out.append(b"%x;chunk-signature=%s\r\n" % (len(data), previous.encode()))
        if data:
            out.append(data + b"\r\n")
    if trailer is None:
        out.append(b"\r\n")
    else:
        line = f"{trailer[0]}:{trailer[1]}"
        signature = trailer_signature(previous, (line + "\n").encode())
        out.append(f"{line}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode())
    return b"".join(out)


def feed_all(verifier: PayloadVerifier, body: bytes, cuts: list[int]) -> tuple[bytes, dict]:
    """Feed ``body`` cut at ``cuts`` (sorted offsets); the decoded payload and trailers."""
    out, start = [], 0
    for cut in [*sorted(cuts), len(body)]:
        out.append(verifier.feed(body[start:cut]))
        start = max(start, cut)
    return b"".join(out), verifier.finish()


def headers(**values: str) -> dict[str, list[str]]:
    """Request headers as the pipeline holds them: lower-case names, lists of values."""
    return {name.replace("_", "-"): [value] for name, value in values.items()}
