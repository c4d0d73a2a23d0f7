"""The checks IAM runs before it stores a policy, with its MalformedPolicyDocument texts."""

from __future__ import annotations

import enum
import re
from typing import Any

from rolecall.policy.conditions import split_operator
from rolecall.policy.errors import SYNTAX_ERROR, MalformedPolicyError
from rolecall.policy.matching import glob_match, has_wildcard
from rolecall.policy.principals import PRINCIPAL_KINDS, valid_principal


class PolicyType(enum.Enum):
    """Where a document is used; each place has its own rules."""

    IDENTITY = "identity"
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
WITHOUT_PRINCIPAL = (PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION)

NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
LEGACY = "The policy failed legacy parsing"
ONE_COLON = "Actions/Condition can contain only one colon."
WILDCARD_VENDOR = "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards."
_SID = re.compile(r"[0-9A-Za-z]*")
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
    _validate_sid(statement, kind)
    if "Effect" not in statement:
        raise _fail("Missing required field Effect")
    if statement["Effect"] not in ("Allow", "Deny"):
        # Observed for "Effect": "allow" (IAM compares the value case-sensitively).
        raise _fail(LEGACY)
    _validate_principal(statement, kind)
    _validate_actions(statement, kind)
    _validate_resources(statement, kind)
    if "Condition" in statement:
        _validate_condition(statement["Condition"])


def _validate_sid(statement: dict[str, Any], kind: PolicyType) -> None:
    if "Sid" not in statement:
        return
    sid = statement["Sid"]
    if not isinstance(sid, str):
        raise _fail(SYNTAX_ERROR)
    if kind in WITHOUT_PRINCIPAL and not _SID.fullmatch(sid):
        raise _fail(
            "Statement IDs (SID) must be alpha-numeric. "
            "Check that your input satisfies the regular expression [0-9A-Za-z]*"
        )


def _validate_principal(statement: dict[str, Any], kind: PolicyType) -> None:
    present = [n for n in ("Principal", "NotPrincipal") if n in statement]
    if kind in WITHOUT_PRINCIPAL:
        if present:
            raise _fail("Policy document should not specify a principal.")
        return
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
        if kind in WITHOUT_PRINCIPAL:
            raise _fail("Policy statement must contain actions.")
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
        if kind in WITHOUT_PRINCIPAL:
            raise _fail("Policy statement must contain resources.")
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
    if not isinstance(condition, dict):
        raise _fail(SYNTAX_ERROR)
    for operator, block in condition.items():
        if split_operator(operator) is None:
            raise _fail(f"Invalid Condition type : {operator}")
        if not isinstance(block, dict) or not block:
            raise _fail(SYNTAX_ERROR)
        for key, raw in block.items():
            if ":" not in key or key.startswith(":"):
                raise _fail(NO_VENDOR)
            values = raw if isinstance(raw, list) else [raw]
            if not values or not all(isinstance(v, str | int | float | bool) for v in values):
                raise _fail(SYNTAX_ERROR)
