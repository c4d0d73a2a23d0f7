"""`rolecall explain`: why a principal may or may not perform an action on a resource.

Reads the principal's policies from the database, decides the request with the policy
engine, and reports every policy considered: which statements matched, which were skipped
and why (the element that missed, or each condition with the values compared).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import IO, Any

from sqlalchemy import select

from .auth import principal as principals
from .auth.session_tokens import SessionClaims
from .authz.context import iso
from .authz.gather import Subject, gather
from .authz.resources import EntityLookup, by_arn
from .policy import Decision, Request, evaluate
from .store.db import Database
from .store.tables import Role, User

_IAM_ARN = re.compile(r"arn:aws:iam::(\d{12}):(user|role)(/(?:.*/)?)([^/]+)")
_ROOT_ARN = re.compile(r"arn:aws:iam::(\d{12}):root")
_SESSION_ARN = re.compile(r"arn:aws:sts::(\d{12}):assumed-role/([^/]+)/(.+)")


class ExplainError(Exception):
    """The principal cannot be found or its ARN is not understood."""


def parse_context(pairs: list[str]) -> dict[str, str | list[str]]:
    """``key=value`` pairs; a key given several times becomes a list of values."""
    context: dict[str, str | list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ExplainError(f"context entries are key=value, got {pair!r}")
        previous = context.get(key)
        if previous is None:
            context[key] = value
        elif isinstance(previous, list):
            previous.append(value)
        else:
            context[key] = [previous, value]
    return context


def _principal(session, arn: str) -> principals.Principal:
    if (found := _ROOT_ARN.fullmatch(arn)) is not None:
        return principals.root(found.group(1), None)
    if (found := _SESSION_ARN.fullmatch(arn)) is not None:
        account, role_name, session_name = found.groups()
        return _role_session(session, account, role_name, session_name)
    found = _IAM_ARN.fullmatch(arn)
    if found is None:
        raise ExplainError(f"not a user, role, role session or root ARN: {arn}")
    account, kind, _, name = found.groups()
    if kind == "role":
        return _role_session(session, account, name, "explain")
    user = session.scalar(select(User).where(User.account_id == account,
                                             User.name_lower == name.lower()))
    if user is None:
        raise ExplainError(f"no such user: {arn}")
    return principals.iam_user(account, user.id, user.name, user.path, None)


def _role_session(session, account: str, role_name: str, session_name: str):
    """A session of the role without session policies: the role's own permissions."""
    role = session.scalar(select(Role).where(Role.account_id == account,
                                             Role.name_lower == role_name.lower()))
    if role is None:
        raise ExplainError(f"no such role: {role_name} in account {account}")
    claims = SessionClaims(access_key_id="", secret_access_key="", account_id=account,
                           kind="assumed-role", issued_at=0, expires_at=0, role_id=role.id,
                           role_name=role.name, role_path=role.path, session_name=session_name)
    return principals.from_session(claims)


def decide(db: Database, principal_arn: str, action: str, resource: str,
           context: dict[str, str | list[str]], now: dt.datetime | None = None) -> Decision:
    """The engine's decision with the principal's stored policies and the resource's tags."""
    now = now or dt.datetime.now(dt.UTC)
    with db.transaction(write=False) as session:
        principal = _principal(session, principal_arn)
        subject: Subject = gather(session, principal)
        target = by_arn(resource, principal.account_id, EntityLookup(lambda: session, {}))
        full: dict[str, str | list[str]] = {
            "aws:CurrentTime": iso(now),
            "aws:EpochTime": str(int(now.timestamp())),
        }
        if target.entity is not None:
            for key, value in target.entity.tags.items():
                full[f"aws:ResourceTag/{key}"] = value
                full[f"iam:ResourceTag/{key}"] = value
        full.update(context)
        return evaluate(Request(subject.principal, action, resource, context=full),
                        subject.policies)


def as_json(decision: Decision) -> dict[str, Any]:
    request = decision.request
    denied = decision.denied_by
    return {
        "Principal": request.principal.arn,
        "Action": request.action,
        "Resource": request.resource,
        "Decision": decision.decision,
        "DeniedBy": None if denied is None else {"Layer": denied.layer,
                                                  "Explicit": denied.explicit},
        "MissingContextKeys": list(decision.missing_context_keys),
        "MatchedStatements": [
            {"PolicyId": m.policy_id, "PolicyType": m.policy_type, "Layer": m.layer,
             "Sid": m.sid, "Index": m.index, "Effect": m.effect}
            for m in decision.matched
        ],
        "Policies": [
            {
                "Layer": policy.layer,
                "PolicyId": policy.policy_id,
                "PolicyType": policy.policy_type,
                "Statements": [
                    {
                        "Index": s.index,
                        "Sid": s.sid,
                        "Effect": s.effect,
                        "Matched": s.matched,
                        "FailedElement": s.failed,
                        "Conditions": [
                            {"Operator": c.operator, "Key": c.key,
                             "RequestValues": (None if c.request_values is None
                                               else list(c.request_values)),
                             "PolicyValues": list(c.policy_values), "Result": c.result}
                            for c in s.conditions
                        ],
                    }
                    for s in policy.statements
                ],
            }
            for policy in decision.trace
        ],
    }


def _why(statement: dict[str, Any]) -> str:
    if statement["Matched"]:
        return "matched"
    failed = statement["FailedElement"]
    if failed != "Condition":
        return f"skipped: {failed} does not match"
    misses = [c for c in statement["Conditions"] if not c["Result"]]
    parts = [
        f"{c['Operator']} {c['Key']}: request "
        f"{'missing' if c['RequestValues'] is None else c['RequestValues']} "
        f"vs policy {c['PolicyValues']}"
        for c in misses
    ]
    return "skipped: condition false (" + "; ".join(parts) + ")"


def render(report: dict[str, Any], out: IO[str]) -> None:
    """A table a person can read: one row per statement, then the decision."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=140)
    table = Table(title=f"{report['Principal']}  {report['Action']}  {report['Resource']}")
    for column in ("Layer", "Policy", "Type", "Statement", "Effect", "Result"):
        table.add_column(column, overflow="fold")
    for policy in report["Policies"]:
        for statement in policy["Statements"]:
            name = statement["Sid"] or f"#{statement['Index']}"
            table.add_row(policy["Layer"], policy["PolicyId"], policy["PolicyType"], name,
                          statement["Effect"], _why(statement))
    if not report["Policies"]:
        table.add_row("-", "(no policies)", "", "", "", "")
    console.print(table)
    line = f"Decision: {report['Decision']}"
    if report["DeniedBy"]:
        kind = "explicit deny" if report["DeniedBy"]["Explicit"] else "no allow"
        line += f" ({kind} in the {report['DeniedBy']['Layer']} layer)"
    console.print(line, markup=False, highlight=False)
    if report["MissingContextKeys"]:
        console.print("Missing context keys: " + ", ".join(report["MissingContextKeys"]),
                      markup=False, highlight=False)
