"""S3's payload forms (the value of ``x-amz-content-sha256``), verified as the body streams.

A request's SigV4 signature covers its headers and a *declaration* of its payload; this
module checks the payload against that declaration, incrementally, so that a gateway can
forward a 64 MiB object without holding it: ``feed`` takes body bytes in any split and
returns the decoded payload bytes ready to forward; ``finish`` checks the end.

Forms (AWS: "Authenticating Requests: Using the Authorization Header", "Transferring Payload
in Multiple Chunks", "Including Trailing Headers", "Checking object integrity"):

- a hex SHA-256 of the body: hashed as it streams;
- ``UNSIGNED-PAYLOAD``: passed through (a presigned URL always signs this);
- ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``: aws-chunked, each chunk signed, chained from the
  seed signature;
- ``STREAMING-UNSIGNED-PAYLOAD-TRAILER``: aws-chunked without signatures, then a trailing
  checksum named by ``x-amz-trailer``;
- ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER``: both, and a signature over the trailer;
- ``STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`` (SigV4a): refused, NotImplemented.

An ``x-amz-checksum-<algorithm>`` header, in any form, is checked against the decoded payload.

How a caller forwards without letting anything unverified complete upstream: send the
upstream a ``Content-Length`` of the decoded length (``x-amz-decoded-content-length`` for
aws-chunked, else ``Content-Length``) and forward what ``feed`` returns as it returns it.
The verifier holds back the payload's last byte until everything before and around it is
verified (every chunk signature, the final chunk, the trailer and its signature, every
checksum, the lengths); the ``feed`` call that completes the verification releases it. So
the upstream sees a complete body only for a verified request: on any AWSError, drop the
upstream connection. Two cases have no last byte to hold: an empty payload (send the
upstream request only after ``finish``), and a plain body of undeclared length (sent with
``Transfer-Encoding: chunked``: send the upstream's terminating chunk only after ``finish``).
Memory is bounded: one chunk header line (at most :data:`MAX_LINE` bytes), the trailer (at
most :data:`MAX_TRAILER_LINES` such lines) and the held byte; chunk data is never buffered
(it is hashed as it passes) and its signature is checked as the chunk ends.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Protocol

from ..protocol.errors import AWSError
from . import checksums
from .checksums import ExpectedChecksum
from .sigv4 import ALGORITHM, EMPTY_SHA256, SIGNATURE_MISMATCH, UNSIGNED_PAYLOAD

STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_SIGV4A = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_SIGV4A_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"

# S3's smallest chunk but the last (AWS: "Chunk size must be at least 8 KB").
MIN_CHUNK_SIZE = 8192
# The longest chunk header or trailer line held: a signed header is ~85 bytes.
MAX_LINE = 4096
# The most trailer lines accepted; S3 trailers carry a checksum and a signature.
MAX_TRAILER_LINES = 16

_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SIGNATURE = re.compile(rb"[0-9a-f]{64}")
_HEX_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")

_INVALID_CONTENT_SHA256 = (
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
    "or a valid sha256 value."
)


class PayloadVerifier(Protocol):
    def feed(self, data: bytes) -> bytes:
        """Decoded payload bytes ready to forward."""
        ...

    def finish(self) -> dict[str, str]:
        """Verify the end of the body; the trailing headers seen."""
        ...


def _incomplete_body() -> AWSError:
    return AWSError("IncompleteBody", "The request body terminated unexpectedly")


def _length_mismatch() -> AWSError:
    return AWSError("IncompleteBody", "You did not provide the number of bytes specified by "
                    "the Content-Length HTTP header")


def _malformed_trailer() -> AWSError:
    return AWSError("MalformedTrailerError", "The request contained trailing data that was not "
                    "well-formed or did not conform to our published schema.")


def _signature_mismatch() -> AWSError:
    return AWSError("SignatureDoesNotMatch", SIGNATURE_MISMATCH)


def _header(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0].strip() if values else None


def _declared_length(headers: dict[str, list[str]], name: str) -> int | None:
    value = _header(headers, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise AWSError("InvalidArgument", f"Invalid argument: {name} must be a number")
    return int(value)


class _HoldBack:
    """Releases payload bytes as they come, keeping the last byte of a declared length."""

    def __init__(self, length: int | None) -> None:
        self._length = length
        self.seen = 0
        self._held = b""

    def take(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self._length is not None and self.seen >= self._length and data:
            self._held += data[-1:]
            return data[:-1]
        return data

    def release(self) -> bytes:
        held, self._held = self._held, b""
        return held


class _PlainVerifier:
    """A body sent as is: its SHA-256 (when declared) and checksum header are checked."""

    def __init__(self, sha256_hex: str | None, checksum: ExpectedChecksum | None,
                 length: int | None) -> None:
        self._expected = sha256_hex.lower() if sha256_hex else None
        self._hash = hashlib.sha256() if sha256_hex else None
        self._checksum = checksum
        self._length = length
        self._hold = _HoldBack(length if (sha256_hex or checksum) else None)
        self._verified = False

    def feed(self, data: bytes) -> bytes:
        if data and (self._verified or (self._length is not None
                                        and self._hold.seen + len(data) > self._length)):
            raise _length_mismatch()
        if self._hash is not None:
            self._hash.update(data)
        if self._checksum is not None:
            self._checksum.update(data)
        out = self._hold.take(data)
        if self._length is not None and self._hold.seen == self._length and self._length:
            self._verify()
            out += self._hold.release()
        return out

    def finish(self) -> dict[str, str]:
        if self._length is not None and self._hold.seen != self._length:
            raise _incomplete_body()
        if not self._verified:
            self._verify()
        return {}

    def _verify(self) -> None:
        if self._hash is not None and self._hash.hexdigest() != self._expected:
            raise AWSError("XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what "
                           "was computed.")
        if self._checksum is not None:
            self._checksum.check()
        self._verified = True


class _ChunkSigner:
    """The chain of chunk and trailer signatures that starts at the seed signature."""

    def __init__(self, signing_key: bytes, seed_signature: str, amz_stamp: str,
                 scope: str) -> None:
        self._key = signing_key
        self._previous = seed_signature
        self._prefix = f"{amz_stamp}\n{scope}\n"

    def _check(self, string_to_sign: str, claimed: bytes) -> None:
        expected = hmac.new(self._key, string_to_sign.encode(), "sha256").hexdigest()
        if not hmac.compare_digest(expected.encode(), claimed):
            raise _signature_mismatch()
        self._previous = expected

    def check_chunk(self, data_sha256: str, claimed: bytes) -> None:
        self._check(f"{ALGORITHM}-PAYLOAD\n{self._prefix}{self._previous}\n{EMPTY_SHA256}\n"
                    f"{data_sha256}", claimed)

    def check_trailer(self, canonical_trailer: bytes, claimed: bytes) -> None:
        digest = hashlib.sha256(canonical_trailer).hexdigest()
        self._check(f"{ALGORITHM}-TRAILER\n{self._prefix}{self._previous}\n{digest}", claimed)


# Parser states of the aws-chunked body.
_HEADER, _DATA, _DATA_END, _LAST_END, _TRAILER, _DONE = range(6)


class _ChunkedVerifier:
    """``aws-chunked``: ``hex-size[;chunk-signature=sig]\\r\\n data \\r\\n`` ... ``0...``,
    then either ``\\r\\n`` or the trailer lines and ``\\r\\n``."""

    def __init__(self, signer: _ChunkSigner | None, trailer: str | None,
                 checksum: ExpectedChecksum | None, decoded_length: int) -> None:
        self._signer = signer
        self._trailer_name = trailer
        self._checksums = [c for c in (checksum,) if c is not None]
        self._trailer_checksum: ExpectedChecksum | None = None
        if trailer is not None:
            self._trailer_checksum = ExpectedChecksum(
                checksums.algorithm_of(trailer) or "", None, trailing=True)
            self._checksums.append(self._trailer_checksum)
        self._length = decoded_length
        self._hold = _HoldBack(decoded_length)
        self._state = _HEADER
        self._line = bytearray()
        self._remaining = 0  # data bytes left in the current chunk, or CRLF bytes expected
        self._chunk_hash = hashlib.sha256()
        self._claimed = b""
        self._chunks = 0
        self._last_size = 0
        self._trailers: dict[str, str] = {}
        self._trailer_lines: list[bytes] = []
        self._skipped_blank = False

    def feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        view = memoryview(data)
        pos, end = 0, len(data)
        while pos < end:
            state = self._state
            if state == _DATA:
                take = min(self._remaining, end - pos)
                piece = bytes(view[pos:pos + take])
                pos += take
                self._remaining -= take
                self._data(piece, out)
            elif state in (_DATA_END, _LAST_END):
                pos = self._crlf(view, pos, end)
            elif state == _DONE:
                raise AWSError("InvalidRequest", "The request body has data after its last "
                               "aws-chunked chunk.")
            else:
                newline = data.find(b"\n", pos)
                stop = end if newline < 0 else newline + 1
                if len(self._line) + stop - pos > MAX_LINE:
                    raise _incomplete_body()
                self._line += view[pos:stop]
                pos = stop
                if newline >= 0:
                    line = bytes(self._line)
                    self._line.clear()
                    if not line.endswith(b"\r\n"):
                        raise _incomplete_body()
                    if state == _HEADER:
                        self._chunk_header(line[:-2])
                    else:
                        self._trailer_line(line[:-2])
            if self._state == _DONE:
                out.append(self._hold.release())
        return b"".join(out)

    def finish(self) -> dict[str, str]:
        if self._state == _TRAILER and self._skipped_blank and not (
                self._trailer_lines or self._line):
            raise _malformed_trailer()  # the chunks ended as if no trailer were declared
        if self._state != _DONE:
            raise _incomplete_body()
        return dict(self._trailers)

    def _data(self, piece: bytes, out: list[bytes]) -> None:
        if self._signer is not None:
            self._chunk_hash.update(piece)
        for checksum in self._checksums:
            checksum.update(piece)
        out.append(self._hold.take(piece))
        if self._remaining == 0:
            if self._signer is not None:
                self._signer.check_chunk(self._chunk_hash.hexdigest(), self._claimed)
            self._state, self._remaining = _DATA_END, 2

    def _crlf(self, view: memoryview, pos: int, end: int) -> int:
        """Match the CRLF that ends a chunk's data (possibly split over several feeds)."""
        while self._remaining and pos < end:
            if view[pos] != b"\r\n"[2 - self._remaining]:
                raise _incomplete_body()
            self._remaining -= 1
            pos += 1
        if not self._remaining:
            self._state = _DONE if self._state == _LAST_END else _HEADER
        return pos

    def _chunk_header(self, line: bytes) -> None:
        size_text, sep, extension = line.partition(b";")
        if not _HEX_SIZE.fullmatch(size_text):
            raise _incomplete_body()
        size = int(size_text, 16)
        if self._signer is not None:
            name, _, claimed = extension.partition(b"=")
            if name != b"chunk-signature" or not _SIGNATURE.fullmatch(claimed):
                raise _signature_mismatch()
            self._claimed = claimed
            if size and self._chunks and self._last_size < MIN_CHUNK_SIZE:
                raise AWSError(
                    "InvalidChunkSizeError",
                    "Only the last chunk is allowed to have a size less than 8192 bytes",
                    status=403,
                )
        elif sep:
            raise _incomplete_body()
        self._chunks += 1
        self._last_size = size
        if self._hold.seen + size > self._length:
            raise _length_mismatch()
        if size:
            self._chunk_hash = hashlib.sha256()
            self._state, self._remaining = _DATA, size
            return
        if self._hold.seen != self._length:
            raise _length_mismatch()
        if self._signer is not None:
            self._signer.check_chunk(EMPTY_SHA256, self._claimed)
        if self._trailer_name is None:
            self._complete()
            self._state, self._remaining = _LAST_END, 2
        else:
            self._state = _TRAILER

    def _trailer_line(self, line: bytes) -> None:
        if line:
            if len(self._trailer_lines) >= MAX_TRAILER_LINES:
                raise _malformed_trailer()
            self._trailer_lines.append(line)
            return
        if not self._trailer_lines:
            # An empty line before any trailer: the data terminator some clients send
            # after the last chunk (``0;...\r\n\r\n`` then the trailer). Skip it once.
            if self._skipped_blank:
                raise _malformed_trailer()
            self._skipped_blank = True
            return
        self._end_of_trailer()

    def _end_of_trailer(self) -> None:
        canonical = bytearray()
        signature: bytes | None = None
        for line in self._trailer_lines:
            name_raw, colon, value_raw = line.partition(b":")
            name = name_raw.strip().decode("latin-1").lower()
            value = value_raw.strip().decode("latin-1")
            if not colon or not name:
                raise _malformed_trailer()
            if name == "x-amz-trailer-signature":
                signature = value.encode("latin-1")
                continue
            if name != self._trailer_name or name in self._trailers:
                raise _malformed_trailer()
            self._trailers[name] = value
            canonical += f"{name}:{value}\n".encode("latin-1")
        if self._trailer_name not in self._trailers:
            raise _malformed_trailer()
        if self._signer is not None:
            if signature is None or not _SIGNATURE.fullmatch(signature):
                raise _signature_mismatch()
            self._signer.check_trailer(bytes(canonical), signature)
        elif signature is not None:
            raise _signature_mismatch()
        assert self._trailer_checksum is not None
        self._trailer_checksum.set_value(self._trailers[self._trailer_name])
        self._complete()
        self._state = _DONE

    def _complete(self) -> None:
        for checksum in self._checksums:
            checksum.check()


def payload_verifier(content_sha256: str | None, *, signing_key: bytes, seed_signature: str,
                     amz_stamp: str, scope: str, headers: dict[str, list[str]],
                     presigned: bool) -> PayloadVerifier:
    """The verifier for a request's x-amz-content-sha256 form.

    ``signing_key``, ``seed_signature`` and ``scope`` are those of the request's verified
    SigV4 signature (:class:`rolecall.auth.sigv4.Verified`), ``amz_stamp`` its X-Amz-Date;
    ``headers`` its headers, lower-case names. Raises AWSError for a form S3 refuses.
    """
    if content_sha256 is None:
        if not presigned:
            raise AWSError("InvalidRequest",
                           "Missing required header for this request: x-amz-content-sha256")
        content_sha256 = UNSIGNED_PAYLOAD
    header_checksum = checksums.from_headers(headers)
    if content_sha256 == UNSIGNED_PAYLOAD or _HEX_SHA256.fullmatch(content_sha256):
        return _PlainVerifier(None if content_sha256 == UNSIGNED_PAYLOAD else content_sha256,
                              header_checksum, _declared_length(headers, "content-length"))
    if content_sha256 in (STREAMING_SIGV4A, STREAMING_SIGV4A_TRAILER):
        raise AWSError("NotImplemented", f"The payload signing form {content_sha256} "
                       "(SigV4a) is not implemented by rolecall.")
    signed = content_sha256 in (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER)
    with_trailer = content_sha256 in (STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER)
    if not (signed or with_trailer):
        raise AWSError("InvalidArgument", _INVALID_CONTENT_SHA256)
    if signed and presigned:
        # A presigned URL signs UNSIGNED-PAYLOAD: there is no seed to chain chunks from.
        raise _signature_mismatch()
    decoded_length = _declared_length(headers, "x-amz-decoded-content-length")
    if decoded_length is None:
        raise AWSError("MissingContentLength",
                       "You must provide the Content-Length HTTP header.", status=411)
    trailer = None
    if with_trailer:
        trailer = (_header(headers, "x-amz-trailer") or "").lower()
        if checksums.algorithm_of(trailer) is None:
            raise AWSError("InvalidRequest",
                           "The value specified in the x-amz-trailer header is not supported")
        if header_checksum is not None:
            raise AWSError("InvalidRequest", "Expecting a single x-amz-checksum- header. "
                           "Multiple checksum Types are not allowed.")
    signer = _ChunkSigner(signing_key, seed_signature, amz_stamp, scope) if signed else None
    return _ChunkedVerifier(signer, trailer, header_checksum, decoded_length)
