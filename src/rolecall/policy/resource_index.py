"""Which of many statements can match a resource, found without trying each one.

A Resource pattern matches only resources that start with its literal prefix: the text
before its first wildcard or variable (all of it for an exact ARN). Statements are filed
under those prefixes, grouped by prefix length, so a lookup costs one slice and one dict
probe per distinct length. Statements that may match anything (``*``, NotResource, no
Resource element, a pattern that starts with a wildcard or a variable) are always returned.
The index only narrows the candidates: each one is still matched in full.
"""

from __future__ import annotations

from collections.abc import Sequence

from rolecall.policy.document import Statement


class ResourceIndex:
    """Positions of the statements, in their given order, that can match a resource."""

    __slots__ = ("_always", "_by_length")

    def __init__(self, statements: Sequence[Statement]) -> None:
        always: list[int] = []
        tables: dict[int, dict[str, list[int]]] = {}
        for position, statement in enumerate(statements):
            prefixes = statement.resource_prefixes()
            if prefixes is None or "" in prefixes:
                always.append(position)
                continue
            for prefix in set(prefixes):
                tables.setdefault(len(prefix), {}).setdefault(prefix, []).append(position)
        self._always = always
        self._by_length = sorted(tables.items())

    def positions(self, resource: str) -> list[int]:
        found: list[int] = []
        for length, table in self._by_length:
            hit = table.get(resource[:length])
            if hit is not None:
                found.extend(hit)
        if not found:
            return self._always
        found.extend(self._always)
        # A statement filed under several prefixes of the same resource appears once.
        return sorted(set(found))
