"""Policy variables: ``${aws:username}``, ``${key, 'default'}``, ``${*}``, ``${?}``, ``${$}``.

Only Version 2012-10-17 documents substitute them; elsewhere ``${...}`` is plain text.
A variable whose key has no single value leaves the whole text unresolved, which makes a
Resource match nothing and a condition value match nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_BODY = re.compile(r"\s*([^,]*?)\s*(?:,\s*'([^']*)'\s*)?")
_LITERALS = {"*": "*", "?": "?", "$": "$"}

Lookup = Callable[[str], "tuple[str, ...] | None"]


@dataclass(frozen=True)
class Variable:
    """A reference to a context key (lower-cased), with an optional default."""

    key: str
    name: str
    default: str | None


Part = str | Variable


@dataclass(frozen=True)
class Template:
    """Text split into literal runs and variables. ``escaped`` marks runs from ``${*}`` etc."""

    parts: tuple[Part, ...]
    escaped: tuple[bool, ...]

    @property
    def variables(self) -> tuple[Variable, ...]:
        return tuple(p for p in self.parts if isinstance(p, Variable))

    def resolve_parts(self, lookup: Lookup) -> list[tuple[str, bool]] | None:
        """Each part as (text, is_literal_data); None if a variable cannot be resolved."""
        out: list[tuple[str, bool]] = []
        for part, escaped in zip(self.parts, self.escaped, strict=True):
            if isinstance(part, str):
                out.append((part, escaped))
                continue
            values = lookup(part.key)
            if values is not None and len(values) == 1:
                out.append((values[0], True))
            elif part.default is not None:
                out.append((part.default, True))
            else:
                return None
        return out

    def resolve(self, lookup: Lookup) -> str | None:
        parts = self.resolve_parts(lookup)
        return None if parts is None else "".join(text for text, _ in parts)


def parse_template(text: str, substitute: bool) -> Template | None:
    """A Template when ``text`` holds variables to substitute, else None (use text as is)."""
    if not substitute or "${" not in text:
        return None
    parts: list[Part] = []
    escaped: list[bool] = []
    at = 0
    for found in _VARIABLE.finditer(text):
        if found.start() > at:
            parts.append(text[at : found.start()])
            escaped.append(False)
        body = found.group(1).strip()
        if body in _LITERALS:
            parts.append(_LITERALS[body])
            escaped.append(True)
        else:
            match = _BODY.fullmatch(found.group(1))
            name, default = (match.group(1), match.group(2)) if match else (body, None)
            parts.append(Variable(name.lower(), name, default))
            escaped.append(False)
        at = found.end()
    if at < len(text):
        parts.append(text[at:])
        escaped.append(False)
    return Template(tuple(parts), tuple(escaped))


def variable_keys(text: str) -> list[str]:
    """Context keys a text refers to through variables, as written."""
    template = parse_template(text, substitute=True)
    return [] if template is None else [v.name for v in template.variables]
