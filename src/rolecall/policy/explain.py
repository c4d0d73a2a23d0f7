"""A readable account of a decision: which statements applied and why others did not."""

from __future__ import annotations

from rolecall.policy.conditions import ClauseResult
from rolecall.policy.evaluate import Decision, StatementTrace


def _clause_line(clause: ClauseResult) -> str:
    got = "missing" if clause.request_values is None else list(clause.request_values)
    verdict = "true" if clause.result else "false"
    wanted = list(clause.policy_values)
    return f"      {clause.operator} {clause.key}: request {got} vs policy {wanted} -> {verdict}"


def _statement_lines(statement: StatementTrace) -> list[str]:
    name = statement.sid or f"#{statement.index}"
    if statement.matched:
        lines = [f"    {name} ({statement.effect}): matched"]
    else:
        lines = [f"    {name} ({statement.effect}): skipped, {statement.failed} did not match"]
    lines.extend(_clause_line(c) for c in statement.conditions)
    return lines


def explain(decision: Decision) -> str:
    """Multi-line text: the decision, the deciding layer, then each policy's statements."""
    request = decision.request
    lines = [
        f"{request.principal.arn} {request.action} {request.resource}: {decision.decision}",
    ]
    if decision.denied_by is not None:
        kind = "explicit deny" if decision.denied_by.explicit else "no allow"
        lines.append(f"  decided by: {kind} in the {decision.denied_by.layer} layer")
    if decision.missing_context_keys:
        lines.append(f"  missing context keys: {', '.join(decision.missing_context_keys)}")
    for policy in decision.trace:
        lines.append(f"  [{policy.layer}] {policy.policy_id} ({policy.policy_type})")
        for statement in policy.statements:
            lines.extend(_statement_lines(statement))
    return "\n".join(lines)
