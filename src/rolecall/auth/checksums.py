"""S3's flexible checksums (``x-amz-checksum-*``), computed incrementally over a payload.

S3 sends and compares every checksum as the base64 of its big-endian digest. CRC32 comes from
zlib; CRC32C and CRC64NVME from awscrt, the library botocore itself uses for them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from functools import partial
from typing import Protocol

from awscrt import checksums as crt

from ..protocol.errors import AWSError

HEADER_PREFIX = "x-amz-checksum-"


class RunningChecksum(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...


class _Crc:
    """A running CRC of ``width`` bytes, advanced by ``step(data, previous)``."""

    def __init__(self, step: Callable[[bytes, int], int], width: int) -> None:
        self._step = step
        self._width = width
        self._value = 0

    def update(self, data: bytes) -> None:
        self._value = self._step(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


# Algorithm (as in the header name) → (name S3 prints in its errors, a new running checksum).
ALGORITHMS: dict[str, tuple[str, Callable[[], RunningChecksum]]] = {
    "crc32": ("CRC32", lambda: _Crc(zlib.crc32, 4)),
    "crc32c": ("CRC32C", lambda: _Crc(crt.crc32c, 4)),
    "crc64nvme": ("CRC64NVME", lambda: _Crc(crt.crc64nvme, 8)),
    "sha1": ("SHA1", partial(hashlib.new, "sha1")),
    "sha256": ("SHA256", partial(hashlib.new, "sha256")),
}
_DIGEST_SIZE = {"crc32": 4, "crc32c": 4, "crc64nvme": 8, "sha1": 20, "sha256": 32}


def algorithm_of(header: str) -> str | None:
    """``x-amz-checksum-crc32`` → ``crc32``; None for any other header (``-type``, ``-mode``)."""
    if not header.startswith(HEADER_PREFIX):
        return None
    name = header[len(HEADER_PREFIX):]
    return name if name in ALGORITHMS else None


class ExpectedChecksum:
    """A checksum the client declared, checked against the payload as it streams past."""

    def __init__(self, algorithm: str, value: str | None, *, trailing: bool) -> None:
        self.algorithm = algorithm
        self._running = ALGORITHMS[algorithm][1]()
        self._trailing = trailing
        self._value: bytes | None = None
        if value is not None:
            self.set_value(value)

    def set_value(self, value: str) -> None:
        """The declared value (base64); a trailer's arrives only at the end of the stream."""
        kind = "trailing header" if self._trailing else "header"
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if len(decoded) != _DIGEST_SIZE[self.algorithm]:
            raise AWSError("InvalidRequest",
                           f"Value for x-amz-checksum-{self.algorithm} {kind} is invalid.")
        self._value = decoded

    def update(self, data: bytes) -> None:
        self._running.update(data)

    def check(self) -> None:
        """Raise S3's BadDigest unless the payload seen matches the declared value."""
        if self._value is None or self._running.digest() != self._value:
            raise AWSError(
                "BadDigest",
                f"The {ALGORITHMS[self.algorithm][0]} you specified did not match the "
                "calculated checksum.",
            )


def from_headers(headers: dict[str, list[str]]) -> ExpectedChecksum | None:
    """The one ``x-amz-checksum-<algorithm>`` header of a request, if it sends one."""
    found = [(name, values) for name, values in headers.items() if algorithm_of(name)]
    if not found:
        return None
    if len(found) > 1:
        raise AWSError("InvalidRequest", "Expecting a single x-amz-checksum- header. "
                       "Multiple checksum Types are not allowed.")
    name, values = found[0]
    return ExpectedChecksum(algorithm_of(name) or "", values[0], trailing=False)
