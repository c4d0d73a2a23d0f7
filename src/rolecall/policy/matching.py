"""Wildcard matching as IAM does it: ``*`` any run of characters, ``?`` exactly one.

Actions compare case-insensitively; resources, StringLike and ARN patterns case-sensitively.
ARN patterns match segment by segment, so their ``*`` never crosses a colon before the
resource part.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

WILDCARDS = frozenset("*?")


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


Pieces = tuple[tuple[str, bool], ...]


def pieces_regex(pieces: Pieces, arn: bool = False) -> str:
    """Regex source for a pattern given as (text, is_literal) pieces.

    Literal pieces (substituted variable values, ``${*}``) match only themselves. In an ARN
    pattern the first five colon-separated segments each match on their own.
    """
    out: list[str] = []
    colons = 0
    for text, literal in pieces:
        for char in text:
            inside_segment = arn and colons < 5
            if char == ":":
                colons += 1
            if literal or char not in WILDCARDS:
                out.append(re.escape(char))
            elif char == "*":
                out.append("[^:]*" if inside_segment else ".*")
            else:
                out.append("[^:]" if inside_segment else ".")
    return "".join(out)


def glob_to_regex(pattern: str) -> str:
    return pieces_regex(((pattern, False),))


@functools.lru_cache(maxsize=8192)
def compile_pieces(pieces: Pieces, arn: bool = False, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(pieces_regex(pieces, arn), flags)


def compile_glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    return compile_pieces(((pattern, False),), False, ignore_case)


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """True when ``value`` matches the whole of ``pattern``."""
    if not has_wildcard(pattern):
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return compile_glob(pattern, ignore_case).fullmatch(value) is not None


class PatternSet:
    """Alternative wildcard patterns (``*`` crossing colons) compiled for the common shapes:
    exact names in a set, ``prefix*`` as one ``str.startswith`` over every such prefix, and
    only the other patterns in one regex."""

    __slots__ = ("any", "exact", "prefixes", "regex")

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = list(patterns)
        self.any = "*" in patterns
        self.exact = frozenset(p for p in patterns if not has_wildcard(p))
        prefixes = [p[:-1] for p in patterns if p.endswith("*") and not has_wildcard(p[:-1])]
        self.prefixes = tuple(dict.fromkeys(prefixes))
        wild = [
            glob_to_regex(p)
            for p in patterns
            if has_wildcard(p) and not (p.endswith("*") and not has_wildcard(p[:-1]))
        ]
        self.regex = re.compile("|".join(f"(?:{w})" for w in wild), re.DOTALL) if wild else None

    def matches(self, value: str) -> bool:
        if self.any or value in self.exact:
            return True
        if self.prefixes and value.startswith(self.prefixes):
            return True
        return self.regex is not None and self.regex.fullmatch(value) is not None


class ActionMatcher(PatternSet):
    """An Action or NotAction list, compared case-insensitively: the caller passes the
    action lower-cased."""

    __slots__ = ()

    def __init__(self, patterns: Iterable[str]) -> None:
        super().__init__(p.lower() for p in patterns)


def compile_arn(pattern: str) -> re.Pattern[str]:
    return compile_pieces(((pattern, False),), True)


def arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: both must be ARNs of six segments, compared segment-wise."""
    if pattern == "*":
        return True
    if value.count(":") < 5 or pattern.count(":") < 5:
        return False
    return compile_arn(pattern).fullmatch(value) is not None
