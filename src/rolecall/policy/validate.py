"""The checks IAM runs before it stores a policy, with its MalformedPolicyDocument texts.

Trust and resource policies follow the grammar that names missing and unknown fields
("Missing required field Principal", "Has prohibited field Resource"); identity policies of
every kind go through IAM's staged checks in ``identity_grammar``.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from rolecall.policy.errors import (
    LEGACY,
    NO_VENDOR,
    ONE_COLON,
    SYNTAX_ERROR,
    WILDCARD_VENDOR,
    MalformedPolicyError,
)
from rolecall.policy.identity_grammar import condition_syntax_ok, validate_identity_document
from rolecall.policy.matching import glob_match, has_wildcard
from rolecall.policy.principals import PRINCIPAL_KINDS, valid_principal


class PolicyType(enum.Enum):
    """Where a document is used; each place has its own rules."""

    IDENTITY = "identity"
    MANAGED = "managed"  # an identity policy stored as a managed policy: 2012-10-17 only
    RESOURCE = "resource"
    TRUST = "trust"
    BOUNDARY = "boundary"
    SESSION = "session"


VERSIONS = ("2012-10-17", "2008-10-17")
TOP_LEVEL = ("Version", "Id", "Statement")
STATEMENT_FIELDS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
TRUST_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
)
_VENDOR = re.compile(r"[A-Za-z0-9-]+")
_TRUST_ACTION_MESSAGE = "AssumeRole policy may only specify STS AssumeRole actions."


def _fail(message: str) -> MalformedPolicyError:
    return MalformedPolicyError(message)


def _strings(value: Any) -> list[str]:
    """An element that is a string or a non-empty list of strings."""
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise _fail(SYNTAX_ERROR)
    return values


def validate_document(document: Any, kind: PolicyType) -> None:
    """Raise MalformedPolicyError unless IAM would accept ``document`` as a ``kind`` policy."""
    if kind in (PolicyType.TRUST, PolicyType.RESOURCE):
        _validate_principal_grammar(document, kind)
    else:
        validate_identity_document(document, managed=kind is PolicyType.MANAGED)


def _validate_principal_grammar(document: Any, kind: PolicyType) -> None:
    """Trust and resource policies: the grammar that names missing and unknown fields."""
    if not isinstance(document, dict):
        raise _fail(SYNTAX_ERROR)
    for name in document:
        if name not in TOP_LEVEL:
            raise _fail(f"Unknown field {name}")
    version = document.get("Version")
    if "Version" in document and version not in VERSIONS:
        raise _fail(LEGACY)
    if "Id" in document and not isinstance(document["Id"], str):
        raise _fail(SYNTAX_ERROR)
    if "Statement" not in document:
        raise _fail("Missing required field Statement")
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _fail(SYNTAX_ERROR)
    sids: set[str] = set()
    for statement in statements:
        _validate_statement(statement, kind)
        sid = statement.get("Sid")
        if sid:
            if sid in sids:
                raise _fail("Statement IDs (SID) in a single policy must be unique.")
            sids.add(sid)


def _validate_statement(statement: Any, kind: PolicyType) -> None:
    if not isinstance(statement, dict):
        raise _fail(SYNTAX_ERROR)
    for name in statement:
        if name not in STATEMENT_FIELDS:
            raise _fail(f"Unknown field {name}")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise _fail(SYNTAX_ERROR)
    if "Effect" not in statement:
        raise _fail("Missing required field Effect")
    if statement["Effect"] not in ("Allow", "Deny"):
        # Observed for "Effect": "allow" (IAM compares the value case-sensitively).
        raise _fail(LEGACY)
    _validate_principal(statement)
    _validate_actions(statement, kind)
    _validate_resources(statement, kind)
    if "Condition" in statement:
        _validate_condition(statement["Condition"])


def _validate_principal(statement: dict[str, Any]) -> None:
    present = [n for n in ("Principal", "NotPrincipal") if n in statement]
    if not present:
        raise _fail("Missing required field Principal")
    if len(present) == 2:
        raise _fail(SYNTAX_ERROR)
    element = statement[present[0]]
    if element == "*":
        return
    if not isinstance(element, dict) or not element:
        raise _fail(f"Invalid principal in policy: {_json_text(element)}")
    for principal_kind, raw in element.items():
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            raise _fail(f'Invalid principal in policy: "{principal_kind}":[]')
        for value in values:
            if (
                principal_kind not in PRINCIPAL_KINDS
                or not isinstance(value, str)
                or not valid_principal(principal_kind, value)
            ):
                raise _fail(f'Invalid principal in policy: "{principal_kind}":{_json_text(value)}')


def _json_text(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _validate_actions(statement: dict[str, Any], kind: PolicyType) -> None:
    present = [n for n in ("Action", "NotAction") if n in statement]
    if not present:
        raise _fail("Missing required field Action")
    if len(present) == 2:
        raise _fail(SYNTAX_ERROR)
    for action in _strings(statement[present[0]]):
        if action == "*":
            if kind is PolicyType.TRUST:
                raise _fail(_TRUST_ACTION_MESSAGE)
            continue
        vendor, colon, name = action.partition(":")
        if not colon or not vendor or not name:
            raise _fail(NO_VENDOR)
        if ":" in name:
            raise _fail(ONE_COLON)
        if has_wildcard(vendor):
            raise _fail(WILDCARD_VENDOR)
        if not _VENDOR.fullmatch(vendor):
            raise _fail(f"Vendor {vendor} is not valid")
        if kind is PolicyType.TRUST and not _is_trust_action(action):
            raise _fail(_TRUST_ACTION_MESSAGE)


def _is_trust_action(action: str) -> bool:
    return any(glob_match(action, allowed, ignore_case=True) for allowed in TRUST_ACTIONS)


def _validate_resources(statement: dict[str, Any], kind: PolicyType) -> None:
    present = [n for n in ("Resource", "NotResource") if n in statement]
    if kind is PolicyType.TRUST:
        if present:
            raise _fail(f"Has prohibited field {present[0]}")
        return
    if not present:
        return
    if len(present) == 2:
        raise _fail(SYNTAX_ERROR)
    for resource in _strings(statement[present[0]]):
        if resource == "*":
            continue
        parts = resource.split(":", 5)
        if len(parts) < 4 or parts[0] != "arn":
            raise _fail(f'Resource {resource} must be in ARN format or "*".')
        if not parts[2] or has_wildcard(parts[2]):
            raise _fail("Resource vendor must be fully qualified and cannot contain regexes.")
        if parts[2] == "iam" and parts[3]:
            raise _fail(f"IAM resource {resource} cannot contain region information.")


def _validate_condition(condition: Any) -> None:
    if not condition_syntax_ok(condition):
        raise _fail(SYNTAX_ERROR)
