"""Fill accounts with realistic IAM entities in large batched transactions
(`rolecall accounts load`): what benchmarks and capacity tests need at a scale that creating
entities through the API one call at a time would take hours to reach.

Rows go into the same tables, with the same ids, ARNs, folded names and tag keys, as the
IAM handlers write, so what the API reads back cannot tell them apart. Each account's
quotas are checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from .. import ids
from ..auth.keys import ServerKeys
from ..iam import quotas
from ..iam.common import fold_key, iam_arn
from . import changes
from .db import Database
from .tables import (
    AccessKey,
    Account,
    Group,
    GroupMember,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
    Tag,
    User,
)

# Rows are written in transactions of about this many entities (users, roles, policies).
BATCH_ENTITIES = 20_000
# Every this many users has an access key (its secret is generated and discarded).
ACCESS_KEY_EVERY = 20
# Every this many roles has an inline policy.
INLINE_POLICY_EVERY = 10

_TEAMS = ("platform", "payments", "search", "data", "mobile", "security", "billing", "growth")
_FIRST = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")
_LAST = ("smith", "jones", "garcia", "chen", "kumar", "novak", "silva", "okafor", "ito")
_SERVICES = {  # a service a role is for, its principal and what its policies grant
    "lambda": ("lambda.amazonaws.com",
               ["logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem",
                "dynamodb:PutItem", "sqs:SendMessage"]),
    "ec2": ("ec2.amazonaws.com",
            ["s3:GetObject", "s3:ListBucket", "cloudwatch:PutMetricData", "ssm:GetParameter"]),
    "ecs": ("ecs-tasks.amazonaws.com",
            ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "secretsmanager:GetSecretValue",
             "kms:Decrypt"]),
    "glue": ("glue.amazonaws.com",
             ["s3:GetObject", "s3:PutObject", "glue:GetTable", "athena:StartQueryExecution"]),
}
# AWS managed policies some roles and users also have attached.
_AWS_POLICIES = ("arn:aws:iam::aws:policy/ReadOnlyAccess",
                 "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")


class LoadError(Exception):
    """A load that would break a quota or name no valid account."""


@dataclass(frozen=True)
class Plan:
    """How many entities of each kind every account receives."""

    users: int = 100
    roles: int = 100
    policies: int = 50
    groups: int = 5


@dataclass
class Totals:
    accounts: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


def account_ids(first: str, count: int) -> list[str]:
    """``count`` consecutive 12-digit account ids from ``first``."""
    if len(first) != 12 or not first.isdigit() or int(first) + count > 10**12:
        raise LoadError("An account id is 12 digits.")
    return [f"{int(first) + i:012d}" for i in range(count)]


def load(db: Database, accounts: list[str], plan: Plan, seed: int = 0) -> Totals:
    """Create ``accounts`` (those missing) and add ``plan``'s entities to each, in
    transactions of about :data:`BATCH_ENTITIES` entities; running servers see the change
    as any other IAM change (changes.record in each transaction)."""
    keys = ServerKeys.load(db)
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    per_account = max(1, plan.users + plan.roles + plan.policies)
    step = max(1, BATCH_ENTITIES // per_account)
    totals = Totals()
    for start in range(0, len(accounts), step):
        batch = accounts[start:start + step]
        with db.transaction() as session:
            existing = set(session.scalars(select(Account.id).where(Account.id.in_(batch))))
            new = [{"id": a, "created_at": now} for a in batch if a not in existing]
            if new:
                session.execute(insert(Account.__table__), new)
            rows: dict[type, list[dict[str, Any]]] = defaultdict(list)
            for account_id in batch:
                for table, more in _account_rows(session, account_id, plan, keys, rng,
                                                 now).items():
                    rows[table] += more
            # Core executemany, one statement per table and chunk: the ORM's bulk path
            # would run a statement per row for tables with generated keys.
            for table, table_rows in rows.items():
                for chunk in _chunks(table_rows, 5000):
                    session.execute(insert(table.__table__), chunk)
                totals.add(table.__tablename__, len(table_rows))
            for account_id in batch:
                changes.record(session, db, account_id)
        totals.accounts += len(batch)
    return totals


def _account_rows(session: Session, account_id: str, plan: Plan, keys: ServerKeys,
                  rng: random.Random, now: dt.datetime) -> dict[type, list[dict[str, Any]]]:
    """One account's new rows by table, in an order its foreign keys allow."""
    start = _check_quotas(session, account_id, plan)
    builder = _AccountRows(account_id, keys, rng, now)
    policies = builder.policies(plan.policies, start["policies"])
    groups = builder.groups(plan.groups, start["groups"])
    users = builder.users(plan.users, start["users"])
    roles = builder.roles(plan.roles, start["roles"])
    builder.attach(users, roles, groups, policies)
    return builder.rows


def _check_quotas(session: Session, account_id: str, plan: Plan) -> dict[str, int]:
    """How many of each kind the account holds already; LoadError if the plan would take
    it past a quota (raised for the account, or AWS's default)."""
    held = {}
    for kind, table, quota, wanted in (("users", User, "UsersPerAccount", plan.users),
                                       ("roles", Role, "RolesPerAccount", plan.roles),
                                       ("policies", ManagedPolicy, "PoliciesPerAccount",
                                        plan.policies),
                                       ("groups", Group, "GroupsPerAccount", plan.groups)):
        count = session.scalar(select(func.count()).select_from(table)
                               .where(table.account_id == account_id))
        allowed = quotas.limit(session, account_id, quota)
        if count + wanted > allowed:
            raise LoadError(
                f"Account {account_id} holds {count} {kind}; {wanted} more would exceed "
                f"{quota} ({allowed}). Raise it first (rolecall quotas set) if AWS allows.")
        held[kind] = count
    return held


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class _AccountRows:
    """The rows of one account's entities, as the IAM handlers would have written them."""

    def __init__(self, account_id: str, keys: ServerKeys, rng: random.Random,
                 now: dt.datetime) -> None:
        self.account_id = account_id
        self.keys = keys
        self.rng = rng
        self.now = now
        self.rows: dict[type, list[dict[str, Any]]] = {
            t: [] for t in (ManagedPolicy, PolicyVersion, Group, User, Role, AccessKey,
                            InlinePolicy, PolicyAttachment, GroupMember, Tag)
        }

    def _created(self) -> dt.datetime:
        """A creation time in the last year, as an account's history would spread them."""
        return self.now - dt.timedelta(seconds=self.rng.randrange(365 * 86400))

    def _tag(self, resource_type: str, resource_id: str, key: str, value: str) -> None:
        self.rows[Tag].append({"account_id": self.account_id, "resource_type": resource_type,
                               "resource_id": resource_id, "key": key,
                               "key_lower": fold_key(resource_type, key), "value": value})

    def policies(self, count: int, start: int) -> list[dict[str, Any]]:
        out = []
        for i in range(start, start + count):
            team = _TEAMS[i % len(_TEAMS)]
            service = list(_SERVICES)[i % len(_SERVICES)]
            name = f"{team}-{service}-access-{i:04d}"
            path = f"/{team}/"
            created = self._created()
            row = {"id": ids.unique_id(ids.POLICY), "account_id": self.account_id,
                   "arn": iam_arn(self.account_id, "policy", path, name), "name": name,
                   "name_lower": name.lower(), "path": path,
                   "description": f"What {team}'s {service} workloads need",
                   "default_version": "v1", "next_version": 2, "created_at": created,
                   "updated_at": created}
            self.rows[ManagedPolicy].append(row)
            self.rows[PolicyVersion].append({"policy_id": row["id"], "version_id": "v1",
                                             "document": self._policy_document(service, i),
                                             "created_at": created})
            out.append(row)
        return out

    def _policy_document(self, service: str, i: int) -> str:
        actions = _SERVICES[service][1]
        statements: list[dict[str, Any]] = [
            {"Sid": "Use", "Effect": "Allow", "Action": actions[: 2 + i % (len(actions) - 1)],
             "Resource": "*"},
            {"Sid": "OwnBucket", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
             "Resource": f"arn:aws:s3:::{service}-{self.account_id}-{i}/*",
             "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
        ]
        if i % 3 == 0:
            statements.append({"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteBucket",
                               "Resource": "*"})
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    def groups(self, count: int, start: int) -> list[dict[str, Any]]:
        out = []
        for i in range(start, start + count):
            team = _TEAMS[i % len(_TEAMS)]
            name = f"{team}-team-{i:03d}"
            row = {"id": ids.unique_id(ids.GROUP), "account_id": self.account_id,
                   "name": name, "name_lower": name.lower(), "path": f"/{team}/",
                   "created_at": self._created()}
            self.rows[Group].append(row)
            out.append(row)
        return out

    def users(self, count: int, start: int) -> list[dict[str, Any]]:
        out = []
        for i in range(start, start + count):
            team = _TEAMS[i % len(_TEAMS)]
            name = f"{_FIRST[i % len(_FIRST)]}.{_LAST[i % len(_LAST)]}{i:05d}"
            row = {"id": ids.unique_id(ids.USER), "account_id": self.account_id, "name": name,
                   "name_lower": name.lower(), "path": "/" if i % 4 == 0 else f"/{team}/",
                   "created_at": self._created(), "permissions_boundary": None,
                   "password_last_used": None}
            self.rows[User].append(row)
            if i % 2 == 0:
                self._tag("user", row["id"], "Team", team)
            if i % ACCESS_KEY_EVERY == 0:
                self.rows[AccessKey].append({
                    "id": ids.access_key_id(), "account_id": self.account_id,
                    "user_id": row["id"],
                    "secret_encrypted": self.keys.encrypt(ids.secret_access_key().encode()),
                    "status": "Active", "created_at": row["created_at"]})
            out.append(row)
        return out

    def roles(self, count: int, start: int) -> list[dict[str, Any]]:
        out = []
        for i in range(start, start + count):
            service = list(_SERVICES)[i % len(_SERVICES)]
            team = _TEAMS[i % len(_TEAMS)]
            name = f"{team}-{service}-role-{i:04d}"
            row = {"id": ids.unique_id(ids.ROLE), "account_id": self.account_id, "name": name,
                   "name_lower": name.lower(), "path": "/" if i % 3 == 0 else "/service-role/",
                   "assume_role_policy": self._trust_policy(service, i),
                   "description": f"{service} workloads of {team}" if i % 2 else None,
                   "max_session_duration": 3600, "permissions_boundary": None,
                   "created_at": self._created(), "last_used_at": None,
                   "last_used_region": None, "service_linked": False, "deletion_task_id": None}
            self.rows[Role].append(row)
            self._tag("role", row["id"], "Team", team)
            if i % INLINE_POLICY_EVERY == 0:
                document = json.dumps({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]})
                self.rows[InlinePolicy].append({
                    "account_id": self.account_id, "entity_type": "role",
                    "entity_id": row["id"], "name": "LogsInline", "name_lower": "logsinline",
                    "document": document})
            out.append(row)
        return out

    def _trust_policy(self, service: str, i: int) -> str:
        """A service's principal, or (every fifth role) the account itself, with MFA."""
        if i % 5 == 4:
            statement: dict[str, Any] = {
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        else:
            statement = {"Effect": "Allow", "Principal": {"Service": _SERVICES[service][0]},
                         "Action": "sts:AssumeRole"}
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    def attach(self, users: list[dict[str, Any]], roles: list[dict[str, Any]],
               groups: list[dict[str, Any]], policies: list[dict[str, Any]]) -> None:
        """Each role one or two of the account's policies (every tenth an AWS managed one
        too), each user one policy and one group, each group one policy."""
        arns = [p["arn"] for p in policies]

        def attach(entity_type: str, entity_id: str, chosen: list[str]) -> None:
            for seq, arn in enumerate(dict.fromkeys(chosen), start=1):
                self.rows[PolicyAttachment].append({
                    "entity_type": entity_type, "entity_id": entity_id, "policy_arn": arn,
                    "account_id": self.account_id, "seq": seq})

        for i, role in enumerate(roles):
            chosen = [arns[i % len(arns)], arns[(i * 7) % len(arns)]] if arns else []
            if i % 10 == 0:
                chosen.append(_AWS_POLICIES[i % len(_AWS_POLICIES)])
            attach("role", role["id"], chosen[: 1 + i % 2] + chosen[2:])
        for i, user in enumerate(users):
            if arns:
                attach("user", user["id"], [arns[(i * 3) % len(arns)]])
            if groups:
                self.rows[GroupMember].append({"group_id": groups[i % len(groups)]["id"],
                                               "user_id": user["id"], "added_seq": 1})
        for i, group in enumerate(groups):
            attach("group", group["id"], [arns[i % len(arns)]] if arns else
                   [_AWS_POLICIES[0]])
