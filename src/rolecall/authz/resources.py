"""The resource ARN AWS authorizes each IAM and STS call against.

The resource type comes from the Service Authorization Reference (``actions``); the name
from the call's parameters, and the path of an existing entity from the database, so
iam:UpdateAssumeRolePolicy on role "r" under path "/app/" is decided on
``arn:aws:iam::ACCT:role/app/r``. Calls without a resource type are decided on "*",
except the path-listing calls, which AWS decides on the listed type's ARN prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import Principal
from ..data import managed_policies
from ..store.tables import Group, InstanceProfile, ManagedPolicy, Role, User
from . import actions
from .gather import tags_of

# ListX calls AWS authorizes on "arn:aws:iam::ACCT:<type>/<PathPrefix>".
_PATH_LISTINGS = {
    "ListUsers": "user",
    "ListRoles": "role",
    "ListGroups": "group",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
    "ListServerCertificates": "server-certificate",
}
# Parameters naming the entity of calls that accept several resource types.
_ARN_PARAMS = ("PolicySourceArn", "Arn")


@dataclass(frozen=True)
class Entity:
    """An IAM resource as authorization sees it: ARN, tags, permissions boundary."""

    arn: str
    tags: dict[str, str] = field(default_factory=dict)
    boundary: str | None = None


def iam_arn(account: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}{path or '/'}{name}"


class EntityLookup:
    """Finds the entity a call acts on; ``cache`` maps keys to entities across calls."""

    def __init__(self, db: Callable[[], Session], cache: dict[tuple, Entity | None]) -> None:
        self._db = db
        self._cache = cache

    def _cached(self, key: tuple, load: Callable[[Session], Entity | None]) -> Entity | None:
        if key in self._cache:
            return self._cache[key]
        entity = load(self._db())
        self._cache[key] = entity
        return entity

    def organization_resource(self, account: str, params: dict[str, Any]) -> Target:
        """The Organizations resource a call names (organizations/arns.py), or ``*``."""
        from ..organizations import arns  # the organizations package imports authz

        key = ("organizations", account, tuple(sorted(
            (k, v) for k, v in params.items() if k.endswith("Id") and isinstance(v, str))))

        def load(db: Session) -> Entity | None:
            found = arns.resource(db, account, params)
            return None if found is None else Entity(found[0], found[1])

        entity = self._cached(key, load)
        return Target("*") if entity is None else Target(entity.arn, entity)

    def user(self, account: str, name: str) -> Entity | None:
        def load(db: Session) -> Entity | None:
            row = db.scalar(
                select(User).where(User.account_id == account, User.name_lower == name.lower())
            )
            if row is None:
                return None
            return Entity(iam_arn(account, "user", row.path, row.name), tags_of(db, "user", row.id),
                          row.permissions_boundary)

        return self._cached(("user", account, name.lower()), load)

    def role(self, account: str, name: str) -> Entity | None:
        def load(db: Session) -> Entity | None:
            row = db.scalar(
                select(Role).where(Role.account_id == account, Role.name_lower == name.lower())
            )
            if row is None:
                return None
            return Entity(iam_arn(account, "role", row.path, row.name), tags_of(db, "role", row.id),
                          row.permissions_boundary)

        return self._cached(("role", account, name.lower()), load)

    def group(self, account: str, name: str) -> Entity | None:
        def load(db: Session) -> Entity | None:
            row = db.scalar(
                select(Group).where(Group.account_id == account, Group.name_lower == name.lower())
            )
            return None if row is None else Entity(iam_arn(account, "group", row.path, row.name))

        return self._cached(("group", account, name.lower()), load)

    def instance_profile(self, account: str, name: str) -> Entity | None:
        def load(db: Session) -> Entity | None:
            row = db.scalar(
                select(InstanceProfile).where(
                    InstanceProfile.account_id == account,
                    InstanceProfile.name_lower == name.lower(),
                )
            )
            if row is None:
                return None
            arn = iam_arn(account, "instance-profile", row.path, row.name)
            return Entity(arn, tags_of(db, "instance-profile", row.id))

        return self._cached(("instance-profile", account, name.lower()), load)

    def policy(self, arn: str) -> Entity | None:
        def load(db: Session) -> Entity | None:
            if managed_policies.get(arn) is not None:
                return Entity(arn)
            row = db.scalar(select(ManagedPolicy).where(ManagedPolicy.arn == arn))
            return None if row is None else Entity(arn, tags_of(db, "policy", row.id))

        return self._cached(("policy", arn), load)

    def tagged_by_arn(self, tag_type: str, arn: str) -> Entity:
        """Providers and MFA devices, whose tags are keyed by their ARN."""
        return self._cached(
            (tag_type, arn), lambda db: Entity(arn, tags_of(db, tag_type, arn))
        ) or Entity(arn)


@dataclass(frozen=True)
class Target:
    """What a call is authorized against. ``entity`` is None when nothing exists yet."""

    resource: str
    entity: Entity | None = None


def _self_user(principal: Principal, lookup: EntityLookup) -> Target:
    """Calls on "the caller's own user" when UserName is left out."""
    if principal.user_name is None or principal.type != "IAMUser":
        return Target(principal.arn)
    entity = lookup.user(principal.account_id, principal.user_name)
    return Target(entity.arn if entity else principal.arn, entity)


def by_arn(arn: str, account: str, lookup: EntityLookup) -> Target:
    """An entity named by ARN (PolicySourceArn, Arn, RoleArn...)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or parts[4] != account:
        return Target(arn)
    kind, _, rest = parts[5].partition("/")
    name = rest.rsplit("/", 1)[-1]
    finder = {"user": lookup.user, "role": lookup.role, "group": lookup.group}.get(kind)
    if finder is not None:
        entity = finder(account, name)
        return Target(entity.arn if entity else arn, entity)
    if kind == "policy":
        return Target(arn, lookup.policy(arn))
    return Target(arn)


def _oidc_arn(account: str, url: str) -> str:
    host = url.split("://", 1)[-1].rstrip("/")
    return f"arn:aws:iam::{account}:oidc-provider/{host}"


def _resolve_type(
    kind: str, params: dict[str, Any], principal: Principal, lookup: EntityLookup
) -> Target | None:
    account = principal.account_id
    path = params.get("Path") or "/"
    if kind == "user":
        name = params.get("UserName")
        if name is None:
            return _self_user(principal, lookup)
        entity = lookup.user(account, name)
        return Target(entity.arn if entity else iam_arn(account, "user", path, name), entity)
    if kind == "role":
        if "RoleArn" in params:
            return by_arn(params["RoleArn"], account, lookup)
        if "AWSServiceName" in params:
            prefix = f"arn:aws:iam::{account}:role/aws-service-role/{params['AWSServiceName']}/"
            return Target(prefix)
        name = params.get("RoleName")
        if name is None:
            return None
        entity = lookup.role(account, name)
        return Target(entity.arn if entity else iam_arn(account, "role", path, name), entity)
    if kind == "group":
        name = params.get("GroupName")
        if name is None:
            return None
        entity = lookup.group(account, name)
        return Target(entity.arn if entity else iam_arn(account, "group", path, name), entity)
    if kind == "policy":
        if "PolicyArn" in params:
            return Target(params["PolicyArn"], lookup.policy(params["PolicyArn"]))
        if "PolicyName" in params:
            return Target(iam_arn(account, "policy", path, params["PolicyName"]))
        return None
    if kind == "instance-profile":
        name = params.get("InstanceProfileName")
        if name is None:
            return None
        entity = lookup.instance_profile(account, name)
        arn = entity.arn if entity else iam_arn(account, "instance-profile", path, name)
        return Target(arn, entity)
    if kind == "oidc-provider":
        if "OpenIDConnectProviderArn" in params:
            arn = params["OpenIDConnectProviderArn"]
            return Target(arn, lookup.tagged_by_arn("oidc-provider", arn))
        if "Url" in params:
            return Target(_oidc_arn(account, params["Url"]))
        return None
    if kind == "saml-provider":
        if "SAMLProviderArn" in params:
            arn = params["SAMLProviderArn"]
            return Target(arn, lookup.tagged_by_arn("saml-provider", arn))
        if "Name" in params:
            return Target(f"arn:aws:iam::{account}:saml-provider/{params['Name']}")
        return None
    if kind == "mfa":
        serial = params.get("SerialNumber")
        if serial and serial.startswith("arn:"):
            return Target(serial, lookup.tagged_by_arn("mfa", serial))
        if "VirtualMFADeviceName" in params:
            return Target(iam_arn(account, "mfa", path, params["VirtualMFADeviceName"]))
        return None
    if kind == "server-certificate":
        name = params.get("ServerCertificateName")
        return None if name is None else Target(iam_arn(account, "server-certificate", path, name))
    if kind == "federated-user":
        name = params.get("Name")
        return None if name is None else Target(f"arn:aws:sts::{account}:federated-user/{name}")
    return None


def target(
    service: str, operation: str, params: dict[str, Any], principal: Principal,
    lookup: EntityLookup,
) -> Target:
    """The resource ``service:operation`` with these parameters is authorized on."""
    if service == "organizations":
        return lookup.organization_resource(principal.account_id, params)
    kinds = actions.facts(service, operation).resource_types
    if not kinds:
        listed = _PATH_LISTINGS.get(operation) if service == "iam" else None
        if listed is not None:
            prefix = params.get("PathPrefix") or "/"
            return Target(f"arn:aws:iam::{principal.account_id}:{listed}{prefix}")
        return Target("*")
    if len(kinds) > 1:
        for name in _ARN_PARAMS:
            if name in params:
                return by_arn(params[name], principal.account_id, lookup)
    for kind in kinds:
        found = _resolve_type(kind, params, principal, lookup)
        if found is not None:
            return found
    return Target("*")
