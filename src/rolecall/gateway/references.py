"""Roles and instance profiles a call hands to another service.

AWS checks ``iam:PassRole`` on the role itself, also when the call names an instance
profile (EC2 RunInstances, AssociateIamInstanceProfile): the profile's role is what is
passed, and a profile without a role passes nothing. And the upstream must know the role
as rolecall does, because moto checks such references itself (Lambda refuses a function
whose role its own IAM does not hold): before such a call is forwarded, the role (and the
profile) are created in the upstream's IAM, in the caller's account, from rolecall's state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sqlalchemy import select

from ..auth.principal import Principal
from ..authz.services import Check
from ..store.db import Database
from ..store.tables import InstanceProfile, Role
from .forward import Forwarder, UpstreamUnavailable
from .upstreams import Upstream

if TYPE_CHECKING:
    from .handler import _Call

PASS_ROLE = "iam:PassRole"
IAM_VERSION = "2010-05-08"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _split(arn: str) -> tuple[str, str, str] | None:
    """(account, kind, name) of an IAM role or instance-profile ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return None
    kind, _, rest = parts[5].partition("/")
    return parts[4], kind, rest.rsplit("/", 1)[-1]


class Mirror:
    def __init__(self, forwarder: Forwarder, db: Database) -> None:
        self._forwarder = forwarder
        self._db = db

    def _role_of_profile(self, account: str, name: str) -> Role | None:
        with self._db.transaction(write=False) as session:
            profile = session.scalar(select(InstanceProfile).where(
                InstanceProfile.account_id == account,
                InstanceProfile.name_lower == name.lower()))
            if profile is None or profile.role_id is None:
                return None
            role = session.get(Role, profile.role_id)
            if role is not None:
                session.expunge(role)
            return role

    def passed_role(self, principal: Principal, check: Check) -> str | None:
        """The resource to decide ``check`` on: a passed instance profile becomes its role;
        None when nothing is passed (a profile without a role, or none at all)."""
        if check.action != PASS_ROLE or ":instance-profile/" not in check.resource:
            return check.resource
        found = _split(check.resource)
        if found is None:
            return check.resource
        role = self._role_of_profile(found[0], found[2])
        if role is None:
            return None
        return f"arn:aws:iam::{role.account_id}:role{role.path}{role.name}"

    async def ensure(self, upstream: Upstream, call: _Call, account: str) -> None:
        """Create in the upstream's IAM every role or profile the call passes."""
        for check in call.checks:
            if check.action != PASS_ROLE:
                continue
            found = _split(check.resource)
            if found is None:
                continue
            owner, kind, name = found
            if kind == "role":
                role = self._role(owner, name)
                if role is not None:
                    await self._create_role(upstream, role, call.now)
            elif kind == "instance-profile":
                role = self._role_of_profile(owner, name)
                await self._call(upstream, owner, call.now, {
                    "Action": "CreateInstanceProfile", "InstanceProfileName": name})
                if role is not None:
                    await self._create_role(upstream, role, call.now)
                    await self._call(upstream, owner, call.now, {
                        "Action": "AddRoleToInstanceProfile", "InstanceProfileName": name,
                        "RoleName": role.name})

    def _role(self, account: str, name: str) -> Role | None:
        with self._db.transaction(write=False) as session:
            role = session.scalar(select(Role).where(Role.account_id == account,
                                                     Role.name_lower == name.lower()))
            if role is not None:
                session.expunge(role)
            return role

    async def _create_role(self, upstream: Upstream, role: Role, now: dt.datetime) -> None:
        await self._call(upstream, role.account_id, now, {
            "Action": "CreateRole", "RoleName": role.name, "Path": role.path,
            "AssumeRolePolicyDocument": role.assume_role_policy})

    async def _call(self, upstream: Upstream, account: str, now: dt.datetime,
                    params: dict[str, str]) -> None:
        """One IAM call to the upstream; an entity that already exists is fine."""
        body = urlencode({**params, "Version": IAM_VERSION}).encode()
        with contextlib.suppress(UpstreamUnavailable):
            # An unreachable upstream is the call's own answer, said when it is forwarded.
            await self._forwarder.fetch(
                upstream, account_id=account, signing_name="iam", region="us-east-1",
                now=now, headers={"content-type": [FORM]}, body=body)
