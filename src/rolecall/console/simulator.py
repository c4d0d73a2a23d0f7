"""The policy simulator: a principal's policies or custom ones, actions, resources and
context keys, through SimulatePrincipalPolicy / SimulateCustomPolicy; each decision is
shown with its deciding statements highlighted in the policy text."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from ..protocol.errors import AWSError
from .web import View, page

_SPLIT = re.compile(r"[\s,]+")


def _context(text: str) -> list[dict[str, Any]]:
    """``key=value`` lines; a key given twice has both values."""
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            entries.setdefault(key.strip(), []).append(value.strip())
    return [{"ContextKeyName": k, "ContextKeyValues": v, "ContextKeyType": "string"}
            for k, v in entries.items()]


def highlighted(text: str, statements: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each line of ``text`` with the effect of the deciding statement covering it ('' if none)."""
    marks: dict[int, str] = {}
    for statement in statements:
        start = statement.get("StartPosition", {}).get("Line")
        end = statement.get("EndPosition", {}).get("Line")
        if start and end:
            for line in range(start, end + 1):
                marks[line] = statement.get("Effect", "allow")
    return [(line, marks.get(number, "")) for number, line in enumerate(text.splitlines(), 1)]


@page
def simulate(view: View) -> Response:
    values = {"principal": view.field("principal", view.principal.arn),
              "mode": view.field("mode", "principal"),
              "policy": str(view.form.get("policy", "")), "actions": view.field("actions"),
              "resources": view.field("resources"), "context": view.field("context")}
    if view.request.method == "GET":
        return view.render("simulator.html", title="Simulator", values=values)
    params: dict[str, Any] = {
        "ActionNames": [a for a in _SPLIT.split(values["actions"]) if a],
        "ResourceArns": [r for r in _SPLIT.split(values["resources"]) if r] or None,
        "ContextEntries": _context(values["context"]) or None,
    }
    try:
        if values["mode"] == "custom":
            result = view.iam("SimulateCustomPolicy", PolicyInputList=[values["policy"]],
                              **params)
        else:
            result = view.iam("SimulatePrincipalPolicy", PolicySourceArn=values["principal"],
                              **params)
    except AWSError as err:
        if getattr(err, "decision", None) is not None:
            raise
        return view.render("simulator.html", err.status, title="Simulator", values=values,
                           error=f"{err.code}: {err.message}")
    rows = []
    for item in result["EvaluationResults"]:
        matched = item.get("MatchedStatements", [])
        effects = [dict(m, Effect="deny" if item["EvalDecision"] == "explicitDeny" else "allow")
                   for m in matched]
        rows.append({"result": item, "lines": highlighted(values["policy"], effects)
                     if values["mode"] == "custom" else []})
    return view.render("simulator.html", title="Simulator", values=values, rows=rows)
