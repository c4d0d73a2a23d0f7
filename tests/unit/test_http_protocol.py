"""The serving protocol's transport: a response head goes out with the body after it in
one write, and a head that nothing follows still goes out at the end of the loop step."""

from __future__ import annotations

import asyncio

from rolecall.http_protocol import _HeadHoldingTransport

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str):
        return ("127.0.0.1", 1) if name == "peername" else None


def _run(steps) -> _Recorder:
    async def main() -> _Recorder:
        inner = _Recorder()
        steps(_HeadHoldingTransport(inner, asyncio.get_running_loop()))  # type: ignore[arg-type]
        await asyncio.sleep(0)  # the end of the step the writes were made in
        await asyncio.sleep(0)
        return inner

    return asyncio.run(main())


def test_head_and_body_go_out_in_one_write():
    inner = _run(lambda t: (t.write(HEAD), t.write(b"ok")))
    assert inner.writes == [HEAD + b"ok"]


def test_a_head_alone_goes_out_at_the_end_of_the_step():
    inner = _run(lambda t: t.write(b"HTTP/1.1 100 Continue\r\n\r\n"))
    assert inner.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]


def test_other_writes_pass_straight_through_and_close_sends_a_held_head_first():
    inner = _run(lambda t: (t.write(b"5\r\nchunk\r\n"), t.write(HEAD), t.close()))
    assert inner.writes == [b"5\r\nchunk\r\n", HEAD] and inner.closed


def test_everything_else_is_the_wrapped_transports():
    inner = _run(lambda t: None)
    wrapped = _HeadHoldingTransport(inner, None)  # type: ignore[arg-type]
    assert wrapped.get_extra_info("peername") == ("127.0.0.1", 1)
    assert not wrapped.is_closing()


def test_a_body_that_is_not_bytes_passes_through():
    inner = _run(lambda t: (t.write(bytearray(HEAD)), t.write(memoryview(b"ok"))))
    assert [bytes(w) for w in inner.writes] == [HEAD, b"ok"]
