"""uvicorn's httptools protocol, with each response's head and body sent in one write.

uvicorn writes a response's status line and headers as soon as the app sends
``http.response.start`` and the body when it sends ``http.response.body``: two ``send``
system calls and two TCP segments for every answer. Profiled under load, those writes were
about a third of the server's time on a GetCallerIdentity, most of it the kernel's loopback
work, which one write pays too: one write instead of two measured 3-5% less server CPU a
request. Here the head is held and goes out with the write that follows it, which for
rolecall's own answers comes in the same step of the event loop; a head that nothing
follows (a HEAD request, a 100 Continue) is written at the end of that step.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD_START = b"HTTP/1.1 "
_HEAD_END = b"\r\n\r\n"


class _HeadHoldingTransport:
    """A transport that holds a response head until the next write or the end of the
    loop step; everything else is the wrapped transport's."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            data, self._held = self._held + data, None
            self._transport.write(data)
        elif (type(data) is bytes and data.startswith(_HEAD_START)
              and data.endswith(_HEAD_END)):
            self._held = data
            self._loop.call_soon(self._release)
        else:
            self._transport.write(data)

    def _release(self) -> None:
        if self._held is not None:
            data, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._release()
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeadWithBodyProtocol(HttpToolsProtocol):
    """``rolecall serve``'s HTTP/1.1 protocol (see the module's docstring)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        held = _HeadHoldingTransport(transport, self.loop)
        super().connection_made(held)  # type: ignore[arg-type]
