"""Where a policy document's problems are: IAM's own error and the validate-policy findings,
each at a line and column of the text as typed, for the console's JSON editor."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..policy import MalformedPolicyError, PolicyType, parse_policy, validate_policy_findings
from ..policy.document import INVALID_JSON
from ..policy.errors import SYNTAX_ERROR
from ..policy.jsontext import read_json


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or a finding type (WARNING, SECURITY...)
    # MalformedPolicyDocument when IAM refuses the document, else the finding's issue code.
    code: str
    message: str
    line: int
    column: int


def check(text: str, kind: PolicyType) -> list[Problem]:
    """IAM's refusal (MalformedPolicyDocument) if any, else every finding; empty when clean."""
    try:
        policy = parse_policy(text, kind)
    except MalformedPolicyError as err:
        line, column = _error_position(text, err.message)
        return [Problem("ERROR", "MalformedPolicyDocument", err.message, line, column)]
    starts = _statement_starts(text)
    problems = []
    for finding in validate_policy_findings(policy):
        line, column = starts.get(finding.statement_index, (1, 1))
        problems.append(Problem(finding.finding_type, finding.issue_code, finding.message,
                                line, column))
    return problems


def _error_position(text: str, message: str) -> tuple[int, int]:
    """A syntax error where the JSON stops being JSON; any other error at its statement
    when the message names one, else at the start of the document."""
    if message in (SYNTAX_ERROR, INVALID_JSON):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return exc.lineno, exc.colno
        except RecursionError:
            return 1, 1
        # Valid for Python's decoder, refused by IAM's (duplicate keys): the first statement.
    starts = _statement_starts(text)
    return starts.get(0, (1, 1))


def _statement_starts(text: str) -> dict[int, tuple[int, int]]:
    """Line and column of each statement's opening brace (index as the engine counts them)."""
    try:
        document, spans = read_json(text)
    except MalformedPolicyError:
        return {}
    if not isinstance(document, dict):
        return {}
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return {}
    starts = {}
    for index, statement in enumerate(statements):
        if isinstance(statement, dict):
            start, _ = spans.of(statement)
            starts[index] = (start.line, start.column)
    return starts
