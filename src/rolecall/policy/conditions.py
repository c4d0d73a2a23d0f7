"""Condition operators compiled to predicates over the request context.

Within a Condition block every operator and every key must hold (AND); the values of one
key are alternatives (OR), and for a negated operator none may match (NOR). A missing key
makes a negated operator true and a positive one false, unless ``...IfExists`` (true) or a
set qualifier applies (ForAllValues true, ForAnyValue false).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from rolecall.policy.matching import compile_pieces
from rolecall.policy.request import Context
from rolecall.policy.variables import Lookup, Template, parse_template

# operator name -> (family, negated)
BASE_OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("string", False),
    "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string_ci", False),
    "StringNotEqualsIgnoreCase": ("string_ci", True),
    "StringLike": ("like", False),
    "StringNotLike": ("like", True),
    "NumericEquals": ("num_eq", False),
    "NumericNotEquals": ("num_eq", True),
    "NumericLessThan": ("num_lt", False),
    "NumericLessThanEquals": ("num_le", False),
    "NumericGreaterThan": ("num_gt", False),
    "NumericGreaterThanEquals": ("num_ge", False),
    "DateEquals": ("date_eq", False),
    "DateNotEquals": ("date_eq", True),
    "DateLessThan": ("date_lt", False),
    "DateLessThanEquals": ("date_le", False),
    "DateGreaterThan": ("date_gt", False),
    "DateGreaterThanEquals": ("date_ge", False),
    "Bool": ("bool", False),
    "BinaryEquals": ("binary", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Null": ("null", False),
}
QUALIFIERS = ("ForAllValues", "ForAnyValue")

ValueTest = Callable[[str, Lookup], bool]


@dataclass(frozen=True)
class OperatorName:
    """An operator as written, split into qualifier, base operator and IfExists."""

    text: str
    qualifier: str | None
    base: str
    if_exists: bool


def split_operator(text: str) -> OperatorName | None:
    """Parse ``ForAnyValue:StringLikeIfExists`` and the like; None when not an operator."""
    qualifier = None
    rest = text
    if ":" in text:
        qualifier, rest = text.split(":", 1)
        if qualifier not in QUALIFIERS:
            return None
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    if base not in BASE_OPERATORS or (base == "Null" and if_exists):
        return None
    return OperatorName(text, qualifier, base, if_exists)


def value_text(value: object) -> str:
    """Policy values may be JSON booleans or numbers; IAM compares their text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# A decimal number as JSON writes one; Python's float() would also take "inf", "nan", "1_0".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# The W3C profile of ISO 8601 that the Condition operators page names: YYYY-MM(-DD), then
# optionally Thh:mm, :ss and fractions, with Z or a +hh:mm/-hh:mm offset.
_W3C_DATE = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?)?"
)


def parse_number(text: str) -> float | None:
    """A number, or None when ``text`` is not one (the comparison is then false)."""
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if number not in (float("inf"), float("-inf")) else None


def _w3c_date(text: str) -> float | None:
    found = _W3C_DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    offset = timedelta(0)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    moment = datetime(
        int(year),
        int(month),
        int(day or 1),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=timezone(offset),
    )
    return moment.astimezone(UTC).timestamp()


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """Epoch seconds from a W3C ISO 8601 date (UTC when no offset) or a bare epoch number."""
    text = text.strip()
    number = parse_number(text)
    if number is not None:
        return number
    try:
        found = _w3c_date(text)
        if found is None:
            # Other ISO 8601 spellings, such as the basic format 20200101T000000Z.
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            found = moment.timestamp()
        return found
    except (ValueError, OverflowError):
        return None


def _parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _string_test(values: Sequence[str], substitute: bool, ignore_case: bool) -> ValueTest:
    fold: Callable[[str], str] = str.lower if ignore_case else str
    literals: set[str] = set()
    templates: list[Template] = []
    for value in values:
        template = parse_template(value, substitute)
        if template is None:
            literals.add(fold(value))
        else:
            templates.append(template)

    if not templates:
        if ignore_case:
            return lambda candidate, lookup: candidate.lower() in literals
        return lambda candidate, lookup: candidate in literals

    def test(candidate: str, lookup: Lookup) -> bool:
        folded = fold(candidate)
        if folded in literals:
            return True
        for template in templates:
            resolved = template.resolve(lookup)
            if resolved is not None and fold(resolved) == folded:
                return True
        return False

    return test


def _pattern_test(values: Sequence[str], substitute: bool, arn: bool) -> ValueTest:
    fixed: list[re.Pattern[str]] = []
    templates: list[Template] = []
    for value in values:
        template = parse_template(value, substitute)
        if template is not None:
            templates.append(template)
        elif arn and value == "*":
            fixed.append(re.compile(".*", re.DOTALL))
        else:
            fixed.append(compile_pieces(((value, False),), arn))

    def test(candidate: str, lookup: Lookup) -> bool:
        if arn and candidate.count(":") < 5:
            return any(p.pattern == ".*" for p in fixed)
        if any(p.fullmatch(candidate) for p in fixed):
            return True
        for template in templates:
            pieces = template.resolve_parts(lookup)
            if pieces is not None and compile_pieces(tuple(pieces), arn).fullmatch(candidate):
                return True
        return False

    return test


def _ordered_test(
    values: Sequence[str], parse: Callable[[str], float | None], op: str
) -> ValueTest:
    parsed = [n for n in (parse(v) for v in values) if n is not None]
    compare: Callable[[float, float], bool] = {
        "eq": lambda a, b: a == b,
        "lt": lambda a, b: a < b,
        "le": lambda a, b: a <= b,
        "gt": lambda a, b: a > b,
        "ge": lambda a, b: a >= b,
    }[op]

    def test(candidate: str, lookup: Lookup) -> bool:
        number = parse(candidate)
        return number is not None and any(compare(number, p) for p in parsed)

    return test


@functools.lru_cache(maxsize=4096)
def _parse_address(text: str) -> tuple[int, int] | None:
    """(IP version, address as an integer), or None when ``text`` is no address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, int(address)


def _ip_test(values: Sequence[str]) -> ValueTest:
    # Each network as (version, netmask, network address), all integers: an address is in
    # it when its version is the same and its masked bits equal the network's.
    networks = [
        (n.version, int(n.netmask), int(n.network_address))
        for n in (_parse_network(v) for v in values)
        if n is not None
    ]

    def test(candidate: str, lookup: Lookup) -> bool:
        address = _parse_address(candidate)
        if address is None:
            return False
        version, number = address
        return any(v == version and number & mask == net for v, mask, net in networks)

    return test


def _value_test(family: str, values: Sequence[str], substitute: bool) -> ValueTest:
    if family == "string":
        return _string_test(values, substitute, ignore_case=False)
    if family == "string_ci":
        return _string_test(values, substitute, ignore_case=True)
    if family == "like":
        return _pattern_test(values, substitute, arn=False)
    if family == "arn":
        return _pattern_test(values, substitute, arn=True)
    if family.startswith("num_"):
        return _ordered_test(values, parse_number, family[4:])
    if family.startswith("date_"):
        return _ordered_test(values, parse_date, family[5:])
    if family == "bool":
        # The Condition operators page allows policy variables with Bool.
        return _string_test(values, substitute, ignore_case=True)
    if family == "binary":
        return _string_test(values, substitute=False, ignore_case=False)
    return _ip_test(values)


@dataclass(frozen=True)
class ClauseResult:
    """How one operator/key pair fared, for explanations."""

    operator: str
    key: str
    policy_values: tuple[str, ...]
    request_values: tuple[str, ...] | None
    result: bool


class Clause:
    """One operator applied to one key with its list of values."""

    __slots__ = ("_null", "_single", "_test", "key", "key_lower", "negated", "operator", "values")

    def __init__(self, operator: OperatorName, key: str, values: Sequence[str], substitute: bool):
        family, negated = BASE_OPERATORS[operator.base]
        self.operator = operator
        self.key = key
        self.key_lower = key.lower()
        self.values = tuple(values)
        self.negated = negated
        self._null = family == "null"
        self._test = None if self._null else _value_test(family, values, substitute)
        # No set qualifier and no Null: the common case, decided first.
        self._single = operator.qualifier is None and not self._null

    def evaluate(self, context: Context, missing: list[str] | None) -> bool:
        present = context.get(self.key_lower)
        if present and self._single:
            test = self._test
            if len(present) == 1:
                return test(present[0], context.get) != self.negated  # type: ignore[misc]
            lookup = context.get
            return any(test(v, lookup) for v in present) != self.negated  # type: ignore[misc]
        if self._null:
            is_missing = not present
            return any((v.lower() == "true") == is_missing for v in self.values)
        op = self.operator
        if not present:
            if present is None and missing is not None:
                missing.append(self.key)
            if op.if_exists or op.qualifier == "ForAllValues":
                return True
            if op.qualifier == "ForAnyValue":
                return False
            return self.negated
        test = self._test
        lookup = context.get
        each = (test(v, lookup) != self.negated for v in present)  # type: ignore[misc]
        return all(each) if op.qualifier == "ForAllValues" else any(each)

    def explain(self, context: Context) -> ClauseResult:
        return ClauseResult(
            self.operator.text,
            self.key,
            self.values,
            context.get(self.key_lower),
            self.evaluate(context, None),
        )


class ConditionBlock:
    """All clauses of a statement's Condition element."""

    __slots__ = ("clauses",)

    def __init__(self, clauses: Sequence[Clause]) -> None:
        self.clauses = tuple(clauses)

    def evaluate(self, context: Context, missing: list[str] | None) -> bool:
        # Evaluate every clause so that every missing key gets reported.
        result = True
        for clause in self.clauses:
            if not clause.evaluate(context, missing):
                result = False
                if missing is None:
                    return False
        return result


def compile_condition(element: dict[str, dict[str, object]], substitute: bool) -> ConditionBlock:
    """Compile an already validated Condition element."""
    clauses = []
    for operator_text, keys in element.items():
        if not keys:  # IAM stores empty blocks, of unknown operators too; they test nothing
            continue
        operator = split_operator(operator_text)
        assert operator is not None
        for key, raw in keys.items():
            values = raw if isinstance(raw, list) else [raw]
            clauses.append(Clause(operator, key, [value_text(v) for v in values], substitute))
    return ConditionBlock(clauses)
