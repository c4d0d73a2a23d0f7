"""The policies that apply to a principal, read straight from the tables.

An IAM user: its inline and attached policies and those of each of its groups, limited by
its permissions boundary. A role session: the role's inline and attached policies, the
role's boundary, and the session policies the session was created with. A federated-user
session: the user's policies intersected with the session policies (none given means no
permissions, as for GetFederationToken). GetSessionToken sessions act as the user. In a
member account of an organization, the service control policies that apply to the account
limit every principal but service-linked roles, the account root user included.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import ASSUMED_ROLE, FEDERATED_USER, Principal
from ..data import managed_policies
from ..policy import (
    MalformedPolicyError,
    PolicyRef,
    PolicySet,
    PolicyType,
    RequestPrincipal,
    parse_policy,
)
from ..store.tables import (
    GroupMember,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
    Tag,
    User,
)
from . import organization

AWS_MANAGED, USER_MANAGED = "aws-managed", "user-managed"


@dataclass
class Subject:
    """A principal as the engine sees it, with every policy that applies to its requests."""

    principal: RequestPrincipal
    policies: PolicySet


def managed_document(db: Session, arn: str) -> str | None:
    """The default version of a managed policy (AWS's catalog or a customer policy)."""
    entry = managed_policies.get(arn)
    if entry is not None:
        return entry.document
    row = db.scalar(select(ManagedPolicy).where(ManagedPolicy.arn == arn))
    if row is None:
        return None
    version = db.get(PolicyVersion, (row.id, row.default_version))
    return None if version is None else version.document


def _ref(policy_id: str, source_type: str, text: str, kind: PolicyType) -> PolicyRef | None:
    try:
        return PolicyRef(policy_id, source_type, parse_policy(text, kind))
    except MalformedPolicyError:
        # Stored documents were validated when written; a later, stricter rule must not
        # turn an existing grant into an error on every call.
        return None


def _managed_ref(db: Session, arn: str, kind: PolicyType) -> PolicyRef | None:
    text = managed_document(db, arn)
    if text is None:
        return None
    source_type = AWS_MANAGED if managed_policies.get(arn) is not None else USER_MANAGED
    return _ref(arn.rsplit("/", 1)[-1], source_type, text, kind)


def entity_policies(db: Session, entity_type: str, entity_id: str) -> list[PolicyRef]:
    """Inline then attached policies of one user, group or role."""
    refs: list[PolicyRef | None] = []
    inline = db.execute(
        select(InlinePolicy.name, InlinePolicy.document)
        .where(InlinePolicy.entity_type == entity_type, InlinePolicy.entity_id == entity_id)
        .order_by(InlinePolicy.name_lower)
    )
    refs.extend(_ref(name, entity_type, text, PolicyType.IDENTITY) for name, text in inline)
    attached = db.scalars(
        select(PolicyAttachment.policy_arn)
        .where(PolicyAttachment.entity_type == entity_type,
               PolicyAttachment.entity_id == entity_id)
        .order_by(PolicyAttachment.seq)
    )
    refs.extend(_managed_ref(db, arn, PolicyType.IDENTITY) for arn in attached)
    return [r for r in refs if r is not None]


def user_policies(db: Session, user: User) -> list[PolicyRef]:
    """A user's own policies, then those of each group it belongs to."""
    refs = entity_policies(db, "user", user.id)
    groups = db.scalars(
        select(GroupMember.group_id).where(GroupMember.user_id == user.id)
        .order_by(GroupMember.added_seq)
    )
    for group_id in groups:
        refs.extend(entity_policies(db, "group", group_id))
    return refs


def boundary_policies(db: Session, arn: str | None) -> list[PolicyRef] | None:
    """The boundary layer: None without a boundary; an unreadable one allows nothing."""
    if not arn:
        return None
    ref = _managed_ref(db, arn, PolicyType.BOUNDARY)
    return [] if ref is None else [ref]


def session_policies(db: Session, texts: tuple[str, ...], arns: tuple[str, ...]) -> list[PolicyRef]:
    refs = [_ref("SessionPolicy" if len(texts) == 1 else f"SessionPolicy.{i}", "session", text,
                 PolicyType.SESSION) for i, text in enumerate(texts, 1)]
    refs.extend(_managed_ref(db, arn, PolicyType.SESSION) for arn in arns)
    return [r for r in refs if r is not None]


def tags_of(db: Session, resource_type: str, resource_id: str) -> dict[str, str]:
    rows = db.execute(
        select(Tag.key, Tag.value).where(
            Tag.resource_type == resource_type, Tag.resource_id == resource_id
        )
    )
    return {key: value for key, value in rows}


def _user_subject(db: Session, principal: Principal) -> Subject:
    user = db.get(User, principal.user_id) if principal.user_id else None
    request_principal = RequestPrincipal(
        principal.arn, principal.account_id, "User", user_id=principal.principal_id,
        username=principal.user_name,
    )
    if user is None:
        # The user was deleted while its keys were still cached: it may do nothing.
        return Subject(request_principal, PolicySet(identity=[]))
    request_principal.tags = tags_of(db, "user", user.id)
    policies = PolicySet(identity=user_policies(db, user),
                         boundary=boundary_policies(db, user.permissions_boundary))
    return Subject(request_principal, policies)


def _role_subject(db: Session, principal: Principal) -> Subject:
    claims = principal.session
    assert claims is not None
    role = db.get(Role, claims.role_id) if claims.role_id else None
    request_principal = RequestPrincipal(
        principal.arn, principal.account_id, "AssumedRole", user_id=principal.principal_id,
        role_arn=principal.role_arn, source_identity=claims.source_identity,
    )
    if role is None:
        # A session of a deleted role keeps no permissions.
        return Subject(request_principal, PolicySet(identity=[]))
    request_principal.tags = {**tags_of(db, "role", role.id), **claims.tags}
    has_session_policy = bool(claims.policies or claims.policy_arns)
    policies = PolicySet(
        identity=entity_policies(db, "role", role.id),
        boundary=boundary_policies(db, role.permissions_boundary),
        session=(session_policies(db, claims.policies, claims.policy_arns)
                 if has_session_policy else None),
    )
    return Subject(request_principal, policies)


def _federated_subject(db: Session, principal: Principal) -> Subject:
    claims = principal.session
    assert claims is not None
    user = db.get(User, claims.user_id) if claims.user_id else None
    parent = f"arn:aws:iam::{principal.account_id}:user{claims.user_path or '/'}{claims.user_name}"
    request_principal = RequestPrincipal(
        principal.arn, principal.account_id, "FederatedUser", user_id=principal.principal_id,
        parent_user_arn=parent, source_identity=claims.source_identity,
    )
    if user is None:
        return Subject(request_principal, PolicySet(identity=[]))
    request_principal.tags = {**tags_of(db, "user", user.id), **claims.tags}
    policies = PolicySet(
        identity=user_policies(db, user),
        boundary=boundary_policies(db, user.permissions_boundary),
        session=session_policies(db, claims.policies, claims.policy_arns),
    )
    return Subject(request_principal, policies)


def gather(db: Session, principal: Principal) -> Subject:
    """The principal's Subject, with its organization's SCPs and keys when it has one."""
    return with_organization(db, _gather(db, principal))


def with_organization(db: Session, subject: Subject) -> Subject:
    return in_organization(organization.load(db, subject.principal.account), subject)


def in_organization(found: organization.AccountOrganization | None,
                    subject: Subject) -> Subject:
    """The subject as its account's organization (``found``) limits it: the SCPs above
    the account, and the organization's keys on the principal."""
    if found is None:
        return subject
    caller = subject.principal
    caller.org_id, caller.org_paths = found.organization_id, found.path
    if found.scp is not None and organization.applies_scp(caller.role_arn or caller.arn):
        subject.policies = subject.policies.with_organization(found.scp, None)
    return subject


def _gather(db: Session, principal: Principal) -> Subject:
    """The account root has no policies and needs none at home; an AssumeRoot session is
    limited by its task policy, a session policy."""
    if principal.is_root:
        claims = principal.session
        task = (session_policies(db, (), claims.policy_arns)
                if claims is not None and claims.kind == "root-task" else None)
        return Subject(RequestPrincipal(principal.arn, principal.account_id, "Account",
                                        user_id=principal.account_id), PolicySet(session=task))
    if principal.type == ASSUMED_ROLE:
        return _role_subject(db, principal)
    if principal.type == FEDERATED_USER:
        return _federated_subject(db, principal)
    return _user_subject(db, principal)
