"""A strict JSON reader that remembers where each object starts and ends.

SimulatePrincipalPolicy reports the line and column of every matched statement in the
document as written, which the standard library's decoder cannot tell us.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from dataclasses import dataclass
from typing import Any

from rolecall.policy.errors import SYNTAX_ERROR, MalformedPolicyError

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_MAX_DEPTH = 64
_MAX_INT_DIGITS = 4000


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the original document."""

    line: int
    column: int


class Spans:
    """Start/end offsets of every JSON object read, keyed by the object's identity."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._by_id: dict[int, tuple[int, int]] = {}

    def record(self, obj: object, start: int, end: int) -> None:
        self._by_id[id(obj)] = (start, end)

    def _position(self, offset: int) -> Position:
        line = bisect.bisect_right(self._line_starts, offset)
        return Position(line, offset - self._line_starts[line - 1] + 1)

    def of(self, obj: object) -> tuple[Position, Position]:
        """Position of the opening and of the closing brace of ``obj``."""
        start, end = self._by_id[id(obj)]
        return self._position(start), self._position(end)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = Spans(text)

    def fail(self) -> MalformedPolicyError:
        return MalformedPolicyError(SYNTAX_ERROR)

    def skip(self, at: int) -> int:
        return _WHITESPACE.match(self.text, at).end()  # type: ignore[union-attr]

    def value(self, at: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH or at >= len(self.text):
            raise self.fail()
        char = self.text[at]
        if char == "{":
            return self.obj(at, depth)
        if char == "[":
            return self.array(at, depth)
        if char == '"':
            return self.string(at)
        for literal, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(literal, at):
                return result, at + len(literal)
        number = _NUMBER.match(self.text, at)
        if number is None:
            raise self.fail()
        token = number.group()
        if number.group(1) or number.group(2) or len(token) > _MAX_INT_DIGITS:
            # Python refuses int() of thousands of digits; such a number is kept as a float.
            return float(token), number.end()
        return int(token), number.end()

    def string(self, at: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, at + 1, True)
        except (ValueError, IndexError):
            raise self.fail() from None

    def obj(self, start: int, depth: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        at = self.skip(start + 1)
        if self.text.startswith("}", at):
            self.spans.record(result, start, at)
            return result, at + 1
        while True:
            if not self.text.startswith('"', at):
                raise self.fail()
            key, at = self.string(at)
            at = self.skip(at)
            if not self.text.startswith(":", at):
                raise self.fail()
            value, at = self.value(self.skip(at + 1), depth + 1)
            if key in result:
                raise self.fail()
            result[key] = value
            at = self.skip(at)
            if self.text.startswith(",", at):
                at = self.skip(at + 1)
                continue
            if self.text.startswith("}", at):
                self.spans.record(result, start, at)
                return result, at + 1
            raise self.fail()

    def array(self, start: int, depth: int) -> tuple[list[Any], int]:
        result: list[Any] = []
        at = self.skip(start + 1)
        if self.text.startswith("]", at):
            return result, at + 1
        while True:
            value, at = self.value(at, depth + 1)
            result.append(value)
            at = self.skip(at)
            if self.text.startswith(",", at):
                at = self.skip(at + 1)
                continue
            if self.text.startswith("]", at):
                return result, at + 1
            raise self.fail()


def read_json(text: str) -> tuple[Any, Spans]:
    """Parse ``text`` as one JSON value; duplicate keys and trailing data are syntax errors."""
    reader = _Reader(text)
    value, end = reader.value(reader.skip(0), 0)
    if reader.skip(end) != len(text):
        raise reader.fail()
    return value, reader.spans
