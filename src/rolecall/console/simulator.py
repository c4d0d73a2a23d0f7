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


def _managed_texts(view: View, attached: list[dict[str, Any]]) -> dict[str, str]:
    texts = {}
    for item in attached:
        arn = item["PolicyArn"]
        version = view.iam("GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
        texts[item["PolicyName"]] = view.iam("GetPolicyVersion", PolicyArn=arn,
                                             VersionId=version)["PolicyVersion"]["Document"]
    return texts


def _entity_texts(view: View, kind: str, name: str) -> dict[str, str]:
    """The identity policies of one user, group or role, by the ids the simulator gives."""
    key = {"user": "UserName", "group": "GroupName", "role": "RoleName"}[kind]
    title = kind.capitalize()
    texts = _managed_texts(view, view.iam(f"ListAttached{title}Policies", **{key: name})[
        "AttachedPolicies"])
    for policy in view.iam(f"List{title}Policies", **{key: name})["PolicyNames"]:
        texts[policy] = view.iam(f"Get{title}Policy", **{key: name, "PolicyName": policy})[
            "PolicyDocument"]
    return texts


def principal_texts(view: View, arn: str) -> dict[str, str]:
    """The texts of a principal's identity policies, read as the signed-in identity; those
    it may not read are left out (their statements are then listed, not highlighted)."""
    found = re.fullmatch(r"arn:aws:iam::\d{12}:(user|group|role)(?:/.*)?/([^/]+)", arn)
    if found is None:
        return {}
    kind, name = found.groups()
    try:
        texts = _entity_texts(view, kind, name)
        if kind == "user":
            for group in view.iam("ListGroupsForUser", UserName=name)["Groups"]:
                texts.update(_entity_texts(view, "group", group["GroupName"]))
    except AWSError:
        return {}
    return texts


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
        return view.render("simulator.html", err.status, title="Simulator", values=values,
                           error=view.error_text(err))
    texts = {"PolicyInputList.1": values["policy"]} if values["mode"] == "custom" \
        else principal_texts(view, values["principal"])
    rows = []
    for item in result["EvaluationResults"]:
        effect = "deny" if item["EvalDecision"] == "explicitDeny" else "allow"
        by_policy: dict[str, list[dict[str, Any]]] = {}
        for matched in item.get("MatchedStatements", []):
            by_policy.setdefault(matched["SourcePolicyId"], []).append(
                dict(matched, Effect=effect))
        shown = [(policy, highlighted(texts[policy], statements))
                 for policy, statements in by_policy.items() if policy in texts]
        rows.append({"result": item, "policies": shown})
    return view.render("simulator.html", title="Simulator", values=values, rows=rows)
