"""Role sessions minted for a service principal (ec2.amazonaws.com, ecs-tasks.amazonaws.com)
without an API call: open the database, check the role trusts the service, seal the claims.
A session is reused until it is close to expiry, then replaced, as EC2 and ECS refresh."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .. import ids
from ..auth.keys import ServerKeys
from ..auth.session_tokens import SessionClaims, seal
from ..authz.trust import trust_allows
from ..policy import RequestPrincipal
from ..store.db import Database
from ..store.tables import InstanceProfile, Role
from ..sts.sessions import temporary_key_id

# EC2 and ECS hand out sessions of about six hours and replace them well before expiry.
SESSION_SECONDS = 6 * 3600
REFRESH_BEFORE_SECONDS = 15 * 60


class NotTrusted(Exception):
    """The role does not exist, or its trust policy does not allow the service."""


@dataclass(frozen=True)
class Issued:
    role_arn: str
    role_name: str
    claims: SessionClaims
    token: str

    def credentials(self) -> dict[str, Any]:
        return {
            "AccessKeyId": self.claims.access_key_id,
            "SecretAccessKey": self.claims.secret_access_key,
            "Token": self.token,
            "Expiration": iso(self.claims.expires_at),
        }


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RoleSessions:
    """Sessions of one role for one service principal; thread-safe."""

    def __init__(self, db: Database, account_id: str, service: str, session_name: str,
                 find_role: Callable[[Any], Role | None],
                 clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._keys = ServerKeys.load(db)
        self._account_id = account_id
        self._service = service
        self._session_name = session_name
        self._find_role = find_role
        self._clock = clock
        self._current: Issued | None = None
        self._lock = threading.Lock()

    def current(self) -> Issued:
        with self._lock:
            now = self._clock()
            if self._current is None or \
                    self._current.claims.expires_at - now <= REFRESH_BEFORE_SECONDS:
                self._current = self._mint(now)
            return self._current

    def _mint(self, now: float) -> Issued:
        with self._db.transaction(write=True) as session:
            role = self._find_role(session)
            if role is None or not self._trusts(role):
                raise NotTrusted(role.name if role is not None else "")
            role.last_used_at = dt.datetime.fromtimestamp(now, dt.UTC)
            role.last_used_region = "us-east-1"
            role_arn = f"arn:aws:iam::{role.account_id}:role{role.path}{role.name}"
            issued = int(now)
            claims = SessionClaims(
                access_key_id=temporary_key_id(role.account_id),
                secret_access_key=ids.secret_access_key(),
                account_id=role.account_id,
                kind="assumed-role",
                issued_at=issued,
                expires_at=issued + SESSION_SECONDS,
                role_id=role.id,
                role_name=role.name,
                role_path=role.path,
                session_name=self._session_name,
                issuer_arn=self._service,
            )
            return Issued(role_arn, role.name, claims, seal(claims, self._keys.session_key))

    def _trusts(self, role: Role) -> bool:
        principal = RequestPrincipal(arn=self._service, account=role.account_id, type="Service")
        return trust_allows(role.assume_role_policy,
                            f"arn:aws:iam::{role.account_id}:role{role.path}{role.name}",
                            principal, ["sts:AssumeRole"])


def instance_profile_role(account_id: str, profile_name: str):
    """A finder for the role in an instance profile (profiles hold at most one role)."""

    def find(session) -> Role | None:
        profile = session.scalar(select(InstanceProfile).where(
            InstanceProfile.account_id == account_id,
            InstanceProfile.name_lower == profile_name.lower()))
        if profile is None or profile.role_id is None:
            return None
        return session.get(Role, profile.role_id)

    return find


def named_role(account_id: str, role_name: str):
    def find(session) -> Role | None:
        return session.scalar(select(Role).where(Role.account_id == account_id,
                                                 Role.name_lower == role_name.lower()))

    return find


def instance_profile(db: Database, account_id: str, name: str) -> InstanceProfile | None:
    with db.transaction(write=False) as session:
        profile = session.scalar(select(InstanceProfile).where(
            InstanceProfile.account_id == account_id,
            InstanceProfile.name_lower == name.lower()))
        if profile is not None:
            session.expunge(profile)
        return profile
