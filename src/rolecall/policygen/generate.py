"""From a principal's audit records to the identity policy that allows exactly its calls.

Each record holds the decisions the call was authorized by (``rolecallAuthorization``, see
audit/events.py): the action and the resource it was decided on. The policy grants each
action on exactly those resources, one statement per service and set of resources, so it
is as precise as the calls were. A call refused before its dependent action was decided
(iam:PassRole for the role handed to a service) gets that action from its parameters.
The document is checked with the same validation as `rolecall validate-policy`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import validate_cli
from ..audit import events
from ..audit.query import is_session_arn, principal_events
from ..store.db import Database
from ..store.tables import Role, User

# Calls that hand a role to a service, and the request parameter naming it (CloudTrail's
# camelCase): they also need iam:PassRole on that role.
PASSES_ROLE = {
    ("iam.amazonaws.com", "AddRoleToInstanceProfile"): "roleName",
    ("lambda.amazonaws.com", "CreateFunction"): "role",
    ("lambda.amazonaws.com", "UpdateFunctionConfiguration"): "role",
    ("ecs.amazonaws.com", "RegisterTaskDefinition"): "taskRoleArn",
}
_IAM_ARN = re.compile(r"arn:aws:iam::(\d{12}):(user|role)/(?:.*/)?([^/]+)$")
# Characters a Resource would read as wildcards or variables, written as their literal form.
_LITERAL = {"*": "${*}", "?": "${?}", "$": "${$}"}
POLICY_VERSION = "2012-10-17"


class GenerationError(ValueError):
    """The request cannot be answered (an ARN that names no principal)."""


@dataclass
class Generated:
    principal_arn: str
    document: dict[str, Any]
    calls: int
    validation: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "PrincipalArn": self.principal_arn,
            "CallsConsidered": self.calls,
            "PolicyDocument": self.document,
            "Validation": self.validation,
        }


def canonical_arn(db: Database, arn: str) -> str:
    """A user or role ARN with its stored path and name (the ARN may omit the path or
    differ in case); a session ARN, or an entity since deleted, as given."""
    if is_session_arn(arn):
        return arn
    found = _IAM_ARN.match(arn)
    if found is None:
        raise GenerationError(f"{arn} is not the ARN of an IAM user, role or role session.")
    account_id, kind, name = found.groups()
    table = User if kind == "user" else Role
    with db.transaction(write=False) as session:
        entity = session.scalar(select(table).where(table.account_id == account_id,
                                                    table.name_lower == name.lower()))
    if entity is None:
        return arn
    return f"arn:aws:iam::{account_id}:{kind}{entity.path}{entity.name}"


def generate(db: Database, principal_arn: str, *, since: dt.datetime | None = None,
             denied_only: bool = False) -> Generated:
    """The policy covering every call ``principal_arn`` made since ``since`` (only the
    refused ones with ``denied_only``)."""
    arn = canonical_arn(db, principal_arn)
    grants: dict[str, set[str]] = {}  # action -> resources
    calls = 0
    for record in principal_events(db, arn, since):
        decided = [d for d in events.decisions(record) if d.get("basis") == "policies"]
        if denied_only and all(d["decision"] == "allowed" for d in decided):
            continue
        if not decided:
            continue
        calls += 1
        for entry in decided:
            if denied_only and entry["decision"] == "allowed":
                continue
            grants.setdefault(entry["action"], set()).add(entry["resource"] or "*")
        passed = _passed_role(db, record)
        if passed and not any(d["action"].lower() == "iam:passrole" for d in decided):
            grants.setdefault("iam:PassRole", set()).add(passed)
    document = policy_document(grants)
    return Generated(arn, document, calls, validate_cli.validate(json.dumps(document), "identity"))


def _passed_role(db: Database, record: dict[str, Any]) -> str | None:
    """The role ARN a call hands to a service, from its request parameters (a role name
    is looked up for its path)."""
    member = PASSES_ROLE.get((record.get("eventSource", ""), record.get("eventName", "")))
    params = record.get("requestParameters") or {}
    value = params.get(member) if member else None
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("arn:"):
        return value
    account_id = (record.get("userIdentity") or {}).get("accountId")
    return canonical_arn(db, f"arn:aws:iam::{account_id}:role/{value}") if account_id else None


def literal_resource(resource: str) -> str:
    """``resource`` as a Resource element that matches only itself ("*" stays "*")."""
    if resource == "*":
        return resource
    return "".join(_LITERAL.get(char, char) for char in resource)


def policy_document(grants: dict[str, set[str]]) -> dict[str, Any]:
    """One statement per service and distinct set of resources, actions and resources
    sorted, so the same calls always give the same document."""
    by_service: dict[str, dict[frozenset[str], list[str]]] = defaultdict(dict)
    for action, resources in grants.items():
        service = action.split(":", 1)[0].lower()
        resource_set = frozenset(["*"]) if "*" in resources else frozenset(resources)
        by_service[service].setdefault(resource_set, []).append(action)
    statements = []
    for service in sorted(by_service):
        groups = sorted(by_service[service].items(), key=lambda item: sorted(item[1]))
        for number, (resources, actions) in enumerate(groups, start=1):
            sid = _sid(service) + (str(number) if len(groups) > 1 else "")
            shown = sorted(literal_resource(r) for r in resources)
            statements.append({
                "Sid": sid,
                "Effect": "Allow",
                "Action": sorted(actions, key=str.lower),
                "Resource": shown[0] if len(shown) == 1 else shown,
            })
    return {"Version": POLICY_VERSION, "Statement": statements}


def _sid(service: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", service)) or "S"
