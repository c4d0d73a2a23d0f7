"""IAM's checks on an identity policy (inline, managed, boundary, session), in IAM's order.

IAM reports the first failing stage, each with its own words:

1. syntax — JSON, element names and types, condition blocks: "Syntax errors in policy.";
2. version — a managed policy must be 2012-10-17: "Policy document must be version ...";
3. principal — identity policies name none;
4. legacy parsing — Effect exactly Allow or Deny, Date operands that are dates, and
   resources the older parser can read: "The policy failed legacy parsing";
5. unique statement ids, then statements without actions, then without resources;
6. the first resource IAM cannot read as an ARN, in its words (found in stage 4);
7. action vendors and colons.

The order and every text follow responses recorded from AWS for CreatePolicy (LocalStack's
AWS-validated test_iam_policies snapshots, 78 refused and 51 accepted documents).
"""

from __future__ import annotations

import re
from typing import Any

from rolecall.policy.conditions import split_operator, value_text
from rolecall.policy.date_values import valid_date_value
from rolecall.policy.errors import (
    LEGACY,
    NO_VENDOR,
    ONE_COLON,
    SID_PATTERN,
    SYNTAX_ERROR,
    VERSION_REQUIRED,
    WILDCARD_VENDOR,
    MalformedPolicyError,
)
from rolecall.policy.matching import has_wildcard
from rolecall.policy.resource_formats import format_error, legacy_readable

TOP_LEVEL = ("Version", "Id", "Statement")
VERSIONS = ("2012-10-17", "2008-10-17")
STATEMENT_FIELDS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                    "Resource", "NotResource", "Condition")
# Vendors are letters, digits, '-' and '.' (recorded: "s3.s" and "s3-s" are accepted,
# "a a" is "Vendor a a is not valid").
_VENDOR = re.compile(r"[A-Za-z0-9.-]+")


def validate_identity_document(document: Any, *, managed: bool) -> None:
    """Raise MalformedPolicyError with IAM's first complaint about ``document``."""
    if not _syntax_ok(document):
        raise MalformedPolicyError(SYNTAX_ERROR)
    if managed and document.get("Version") != "2012-10-17":
        raise MalformedPolicyError(VERSION_REQUIRED)
    statements = _statements(document)
    if any("Principal" in s or "NotPrincipal" in s for s in statements):
        raise MalformedPolicyError("Policy document should not specify a principal.")
    resource_error = _legacy_parse(statements)
    _check_sids(statements)
    for statement in statements:
        if not _present(statement, "Action", "NotAction"):
            raise MalformedPolicyError("Policy statement must contain actions.")
    for statement in statements:
        if not _present(statement, "Resource", "NotResource"):
            raise MalformedPolicyError("Policy statement must contain resources.")
    if resource_error:
        raise MalformedPolicyError(resource_error)
    for key in ("Action", "NotAction"):
        for statement in statements:
            for action in _as_list(statement.get(key, [])):
                _check_action(action)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return _as_list(document["Statement"])


def _present(statement: dict[str, Any], *names: str) -> bool:
    """An element that is there and not an empty list ("" counts as there)."""
    return any(name in statement and statement[name] != [] for name in names)


# --- 1. syntax ---------------------------------------------------------------------------


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value))


def _syntax_ok(document: Any) -> bool:
    if not isinstance(document, dict) or any(name not in TOP_LEVEL for name in document):
        return False
    if "Version" in document and document["Version"] not in VERSIONS:
        return False
    if "Id" in document and not isinstance(document["Id"], str):
        return False
    statements = document.get("Statement")
    if isinstance(statements, list):
        return bool(statements) and all(_statement_syntax_ok(s) for s in statements)
    return _statement_syntax_ok(statements)


def _statement_syntax_ok(statement: Any) -> bool:
    if not isinstance(statement, dict) or any(n not in STATEMENT_FIELDS for n in statement):
        return False
    # Any case of Allow/Deny passes here ("denY" then fails legacy parsing; "invalid" does not)
    effect = statement.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        return False
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        return False
    for pair in (("Action", "NotAction"), ("Resource", "NotResource"),
                 ("Principal", "NotPrincipal")):
        present = [name for name in pair if name in statement]
        if len(present) == 2:
            return False
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement and not _strings(statement[name]):
            return False
    for name in ("Principal", "NotPrincipal"):
        if name in statement and not isinstance(statement[name], str | dict):
            return False
    return "Condition" not in statement or condition_syntax_ok(statement["Condition"])


def condition_syntax_ok(condition: Any) -> bool:
    """A map of operator to a map of key to values. An unknown operator is refused only
    when its block holds keys, and keys need no vendor prefix (recorded: ``{"a": {}}`` and
    ``{"DateGreaterThan": {"a": []}}`` are stored; ``{"x": {"a": "1"}}`` is a syntax error)."""
    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        if not isinstance(block, dict):
            return False
        if block and split_operator(operator) is None:
            return False
        for raw in block.values():
            if not all(isinstance(v, str | int | float | bool) for v in _as_list(raw)):
                return False
    return True


# --- 4. legacy parsing -------------------------------------------------------------------


def _legacy_parse(statements: list[dict[str, Any]]) -> str | None:
    """Refuse what the older parser cannot read; return the resource error IAM reports
    after the statement checks (the last one found, as IAM keeps overwriting it)."""
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):  # compared case-sensitively
            raise MalformedPolicyError(LEGACY)
        for operator, block in (statement.get("Condition") or {}).items():
            parsed = split_operator(operator)
            if parsed is None or not parsed.base.startswith("Date"):
                continue
            for raw in block.values():
                if not all(valid_date_value(value_text(v)) for v in _as_list(raw)):
                    raise MalformedPolicyError(LEGACY)
    error: str | None = None
    for key in ("Resource", "NotResource"):
        for statement in statements:
            if key not in statement:
                continue
            resources = _as_list(statement[key])
            for resource in sorted(resources, reverse=True):
                error = format_error(resource) or error
            if error is None and not all(legacy_readable(r) for r in resources):
                raise MalformedPolicyError(LEGACY)
    return error


# --- 5. statement ids ---------------------------------------------------------------------


def _check_sids(statements: list[dict[str, Any]]) -> None:
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise MalformedPolicyError("Statement IDs (SID) in a single policy must be unique.")
    if not all(SID_PATTERN.fullmatch(sid) for sid in sids):
        raise MalformedPolicyError(
            "Statement IDs (SID) must be alpha-numeric. "
            "Check that your input satisfies the regular expression [0-9A-Za-z]*"
        )


# --- 7. actions ---------------------------------------------------------------------------


def _check_action(action: str) -> None:
    if action == "*":
        return
    vendor, colon, name = action.partition(":")
    if not colon or not vendor:
        raise MalformedPolicyError(NO_VENDOR)
    if ":" in name:
        raise MalformedPolicyError(ONE_COLON)
    if has_wildcard(vendor):
        raise MalformedPolicyError(WILDCARD_VENDOR)
    if not _VENDOR.fullmatch(vendor):
        raise MalformedPolicyError(f"Vendor {vendor} is not valid")
