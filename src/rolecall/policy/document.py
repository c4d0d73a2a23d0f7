"""A parsed, validated and compiled policy document.

Compilation happens once per (text, type): evaluation then only runs precompiled matchers,
and each policy remembers which of its statements can apply to a given action.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from rolecall.policy.conditions import ConditionBlock, compile_condition
from rolecall.policy.errors import SYNTAX_ERROR, MalformedPolicyError
from rolecall.policy.jsontext import Position, read_json
from rolecall.policy.matching import ActionMatcher, PatternSet, compile_pieces
from rolecall.policy.principals import PrincipalMatcher, canonical_principal
from rolecall.policy.validate import PolicyType, validate_document
from rolecall.policy.variables import Lookup, Template, parse_template

_CANDIDATE_CACHE_SIZE = 2048


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class ResourceMatcher:
    """A Resource or NotResource list: exact ARNs and wildcard patterns (compared
    case-sensitively, ``*`` crossing colons) and variable templates."""

    __slots__ = ("fixed", "prefixes", "templates")

    def __init__(self, patterns: list[str], substitute: bool) -> None:
        self.templates: list[Template] = []
        fixed: list[str] = []
        for pattern in patterns:
            template = parse_template(pattern, substitute)
            if template is None:
                fixed.append(pattern)
            else:
                self.templates.append(template)
        self.fixed = PatternSet(fixed)
        # The literal start of each pattern: no resource that lacks all of them can match.
        self.prefixes: tuple[str, ...] = tuple(
            _literal_prefix(pattern, substitute) for pattern in patterns
        )

    @property
    def any(self) -> bool:
        return self.fixed.any

    def matches(self, resource: str, lookup: Lookup) -> bool:
        if self.fixed.matches(resource):
            return True
        for template in self.templates:
            pieces = template.resolve_parts(lookup)
            if pieces is not None and compile_pieces(tuple(pieces)).fullmatch(resource):
                return True
        return False


def _literal_prefix(pattern: str, substitute: bool) -> str:
    """The text before the first wildcard (and, where variables apply, the first ``${``)."""
    end = len(pattern)
    for stop in ("*", "?", "${") if substitute else ("*", "?"):
        found = pattern.find(stop)
        if found != -1 and found < end:
            end = found
    return pattern[:end]


class Statement:
    """One compiled statement and where it sits in the document."""

    __slots__ = (
        "actions",
        "allow",
        "condition",
        "effect",
        "element",
        "end",
        "index",
        "not_action",
        "not_principal",
        "not_resource",
        "principal",
        "resources",
        "sid",
        "start",
    )

    def __init__(
        self,
        index: int,
        element: dict[str, Any],
        start: Position,
        end: Position,
        substitute: bool,
    ) -> None:
        self.index = index
        self.element = element
        self.sid: str | None = element.get("Sid")
        self.effect: str = element["Effect"]
        self.allow = self.effect == "Allow"
        self.start = start
        self.end = end
        self.not_action = "NotAction" in element
        self.actions = ActionMatcher(as_list(element.get("NotAction", element.get("Action"))))
        resource = element.get("NotResource", element.get("Resource"))
        self.not_resource = "NotResource" in element
        self.resources = (
            None if resource is None else ResourceMatcher(as_list(resource), substitute)
        )
        principal = element.get("NotPrincipal", element.get("Principal"))
        self.not_principal = "NotPrincipal" in element
        self.principal = None if principal is None else PrincipalMatcher(principal)
        condition = element.get("Condition")
        self.condition: ConditionBlock | None = (
            compile_condition(condition, substitute) if condition else None
        )

    def applies_to_action(self, action_lower: str) -> bool:
        return self.actions.matches(action_lower) != self.not_action

    def applies_to_resource(self, resource: str, lookup: Lookup) -> bool:
        if self.resources is None:
            return True
        return self.resources.matches(resource, lookup) != self.not_resource

    def resource_prefixes(self) -> tuple[str, ...] | None:
        """Literal starts one of which every resource this statement applies to has; None
        when it may apply to any resource."""
        if self.resources is None or self.not_resource or self.resources.any:
            return None
        return self.resources.prefixes


class Policy:
    """A policy document ready to evaluate. Build it with ``parse_policy``."""

    def __init__(self, text: str, kind: PolicyType, document: dict[str, Any], spans: Any) -> None:
        self.text = text
        self.kind = kind
        self.version: str | None = document.get("Version")
        self.id: str | None = document.get("Id")
        substitute = self.version == "2012-10-17"
        statements = as_list(document["Statement"])
        self.statements: tuple[Statement, ...] = tuple(
            Statement(i, element, *spans.of(element), substitute)
            for i, element in enumerate(statements)
        )
        self._candidates: dict[str, tuple[Statement, ...]] = {}

    def candidates(self, action_lower: str) -> tuple[Statement, ...]:
        """Statements whose Action/NotAction covers the (lower-cased) action."""
        found = self._candidates.get(action_lower)
        if found is None:
            found = tuple(s for s in self.statements if s.applies_to_action(action_lower))
            if len(self._candidates) >= _CANDIDATE_CACHE_SIZE:
                self._candidates.clear()
            self._candidates[action_lower] = found
        return found

    def principals(self) -> Iterator[tuple[str, str]]:
        """Every (principal type, value) named in Principal or NotPrincipal elements."""
        for statement in self.statements:
            if statement.principal is not None:
                yield from statement.principal.pairs

    def canonical_principals(self) -> Iterator[tuple[str, str]]:
        """Like ``principals``, with account IDs written as root ARNs."""
        for kind, value in self.principals():
            yield kind, canonical_principal(kind, value)

    def __repr__(self) -> str:
        return f"Policy(kind={self.kind.name}, statements={len(self.statements)})"


def parse_policy(text: str, kind: PolicyType) -> Policy:
    """Parse, validate and compile; raises MalformedPolicyError with AWS's message."""
    if not isinstance(text, str):
        raise MalformedPolicyError(SYNTAX_ERROR)
    return _parse_text(text, kind)


# Trust policies that are no JSON get their own wording (recorded UpdateAssumeRolePolicy
# answers, LocalStack's AWS-validated test_iam_roles snapshots).
INVALID_JSON = "This policy contains invalid Json"


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str, kind: PolicyType) -> Policy:
    try:
        document, spans = read_json(text)
    except MalformedPolicyError:
        if kind is PolicyType.TRUST:
            raise MalformedPolicyError(INVALID_JSON) from None
        raise
    validate_document(document, kind)
    return Policy(text, kind, document, spans)
