"""`rolecall validate-policy`: IAM's own checks on a policy document, then findings in the
spirit of IAM Access Analyzer's ValidatePolicy, offline."""

from __future__ import annotations

import dataclasses
import json
from typing import TextIO

from rich.console import Console
from rich.table import Table

from .policy import MalformedPolicyError, PolicyType, parse_policy, validate_policy_findings

POLICY_TYPES = {
    "identity": PolicyType.IDENTITY,
    "managed": PolicyType.MANAGED,
    "resource": PolicyType.RESOURCE,
    "trust": PolicyType.TRUST,
    "boundary": PolicyType.BOUNDARY,
    "session": PolicyType.SESSION,
}


def validate(text: str, kind: str) -> dict:
    """``{"valid": bool, "error": str | None, "findings": [...]}`` for one document."""
    try:
        policy = parse_policy(text, POLICY_TYPES[kind])
    except MalformedPolicyError as err:
        return {"valid": False, "error": err.message, "findings": []}
    findings = [dataclasses.asdict(f) for f in validate_policy_findings(policy)]
    return {"valid": True, "error": None, "findings": findings}


def render(result: dict, out: TextIO) -> None:
    console = Console(file=out)
    if not result["valid"]:
        console.print(f"[bold red]MalformedPolicyDocument:[/] {result['error']}")
        return
    if not result["findings"]:
        console.print("[green]Valid; no findings.[/]")
        return
    table = Table(title="Findings")
    for column in ("Type", "Code", "Statement", "Message"):
        table.add_column(column)
    for finding in result["findings"]:
        where = finding["sid"] or f"#{finding['statement_index']}"
        table.add_row(finding["finding_type"], finding["issue_code"], where, finding["message"])
    console.print(table)


def as_json(result: dict) -> str:
    return json.dumps(result, indent=2)
