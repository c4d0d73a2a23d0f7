"""The schema. One class per IAM entity; every name that IAM treats case-insensitively
keeps a lowercased copy under a unique constraint, so uniqueness is the database's job.

Columns hold what AWS returns plus what rolecall needs to enforce (encrypted secrets,
MFA counters). Policy documents are stored as the exact text the caller sent.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: DateTime(timezone=True)}


def _account_fk() -> Mapped[str]:
    return mapped_column(String(12), ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class ServerSecret(Base):
    """Keys the server itself needs (session-token and secret-encryption keys)."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class IamGeneration(Base):
    """One row counting changes to IAM state in any account, bumped in the transaction that
    makes each change: a process that polls for changes made by others reads this one row."""

    __tablename__ = "iam_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    alias: Mapped[str | None] = mapped_column(String(63), unique=True)
    created_at: Mapped[dt.datetime]


class AccountPasswordPolicy(Base):
    """An account's custom password policy; without a row IAM's default policy applies."""

    __tablename__ = "account_password_policies"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    minimum_password_length: Mapped[int] = mapped_column(Integer, default=6)
    require_symbols: Mapped[bool] = mapped_column(Boolean, default=False)
    require_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    require_uppercase: Mapped[bool] = mapped_column(Boolean, default=False)
    require_lowercase: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_users_to_change: Mapped[bool] = mapped_column(Boolean, default=False)
    max_password_age: Mapped[int | None] = mapped_column(Integer)
    password_reuse_prevention: Mapped[int | None] = mapped_column(Integer)
    hard_expiry: Mapped[bool | None] = mapped_column(Boolean)


class AccountQuota(Base):
    """An adjustable IAM quota raised for one account (``rolecall quotas set``); without a
    row AWS's default applies."""

    __tablename__ = "account_quotas"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class AccessKey(Base):
    __tablename__ = "access_keys"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # the AccessKeyId
    account_id: Mapped[str] = _account_fk()
    user_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )  # None: the account root user
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="Active")
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    last_used_service: Mapped[str | None] = mapped_column(String(64))
    last_used_region: Mapped[str | None] = mapped_column(String(64))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # AIDA...
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(64))
    name_lower: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(512), default="/")
    created_at: Mapped[dt.datetime]
    permissions_boundary: Mapped[str | None] = mapped_column(String(2048))
    password_last_used: Mapped[dt.datetime | None]


class LoginProfile(Base):
    __tablename__ = "login_profiles"
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(256))
    password_reset_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    # When the current password was set (None: when the profile was created), for
    # MaxPasswordAge and HardExpiry.
    password_changed_at: Mapped[dt.datetime | None]


class RootLoginProfile(Base):
    """The root user's console password, as centralized root access manages it: set, never
    known (recovered through the sign-in page's password recovery), or absent."""

    __tablename__ = "root_login_profiles"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime]


class PasswordHistory(Base):
    """Hashes of a user's earlier console passwords, for PasswordReusePrevention."""

    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(256))
    replaced_at: Mapped[dt.datetime]


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # AGPA...
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512), default="/")
    created_at: Mapped[dt.datetime]


class GroupMember(Base):
    __tablename__ = "group_members"
    group_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Role(Base):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # AROA...
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(64))
    name_lower: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(512), default="/")
    assume_role_policy: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(1000))
    max_session_duration: Mapped[int] = mapped_column(Integer, default=3600)
    permissions_boundary: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    last_used_region: Mapped[str | None] = mapped_column(String(64))
    service_linked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set while DeleteServiceLinkedRole's task runs: (task id, status, reason).
    deletion_task_id: Mapped[str | None] = mapped_column(String(256))


class ServiceLinkedRoleDeletion(Base):
    __tablename__ = "service_linked_role_deletions"
    id: Mapped[str] = mapped_column(String(256), primary_key=True)  # DeletionTaskId
    account_id: Mapped[str] = _account_fk()
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)


class InstanceProfile(Base):
    __tablename__ = "instance_profiles"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # AIPA...
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512), default="/")
    created_at: Mapped[dt.datetime]
    # An instance profile holds at most one role.
    role_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("roles.id", ondelete="SET NULL"), index=True
    )


class ManagedPolicy(Base):
    """Customer managed policies. AWS managed policies are read from the shipped catalog."""

    __tablename__ = "managed_policies"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # ANPA...
    account_id: Mapped[str] = _account_fk()
    arn: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512), default="/")
    description: Mapped[str | None] = mapped_column(String(1000))
    default_version: Mapped[str] = mapped_column(String(16), default="v1")
    next_version: Mapped[int] = mapped_column(Integer, default=2)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    policy_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("managed_policies.id", ondelete="CASCADE"), primary_key=True
    )
    version_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class PolicyAttachment(Base):
    """A managed policy (customer or AWS) attached to a user, group or role."""

    __tablename__ = "policy_attachments"
    __table_args__ = (Index("ix_attachment_policy", "account_id", "policy_arn"),)
    entity_type: Mapped[str] = mapped_column(String(8), primary_key=True)  # user|group|role
    entity_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    policy_arn: Mapped[str] = mapped_column(String(2048), primary_key=True)
    account_id: Mapped[str] = _account_fk()
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class InlinePolicy(Base):
    __tablename__ = "inline_policies"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id", "name_lower"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    account_id: Mapped[str] = _account_fk()
    entity_type: Mapped[str] = mapped_column(String(8))  # user|group|role
    entity_id: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    document: Mapped[str] = mapped_column(Text)


class Tag(Base):
    """Tags of any taggable IAM resource; keys are unique case-insensitively, as in IAM."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("resource_type", "resource_id", "key_lower"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    account_id: Mapped[str] = _account_fk()
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(2048), index=True)
    key: Mapped[str] = mapped_column(String(128))
    key_lower: Mapped[str] = mapped_column(String(128))
    value: Mapped[str] = mapped_column(String(256))


class MFADevice(Base):
    __tablename__ = "mfa_devices"
    serial_number: Mapped[str] = mapped_column(String(2048), primary_key=True)
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(226))
    path: Mapped[str] = mapped_column(String(512), default="/")
    seed_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]
    # The id of the user it is enabled for (the account id for the root user); None while
    # unassigned. Deleting a user deactivates its devices first, as IAM requires.
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    enabled_at: Mapped[dt.datetime | None]
    # The last TOTP time step accepted, so no code is accepted twice.
    last_time_step: Mapped[int] = mapped_column(BigInteger, default=0)


class OIDCProvider(Base):
    __tablename__ = "oidc_providers"
    arn: Mapped[str] = mapped_column(String(2048), primary_key=True)
    account_id: Mapped[str] = _account_fk()
    url: Mapped[str] = mapped_column(String(255))
    client_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    thumbprints: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    # JWKS imported with `rolecall oidc import-keys` for issuers the server cannot reach.
    imported_jwks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class SAMLProvider(Base):
    __tablename__ = "saml_providers"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    arn: Mapped[str] = mapped_column(String(2048), primary_key=True)
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    # The SAMLProviderUUID GetSAMLProvider answers.
    uuid: Mapped[str] = mapped_column(String(64))
    metadata_document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    valid_until: Mapped[dt.datetime | None]


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    event_time: Mapped[dt.datetime] = mapped_column(index=True)
    account_id: Mapped[str | None] = mapped_column(String(12), index=True)
    event_name: Mapped[str] = mapped_column(String(128))
    error_code: Mapped[str | None] = mapped_column(String(128))
    record: Mapped[str] = mapped_column(Text)  # the CloudTrail-format JSON record
    # userIdentity.arn, and the IAM user or role behind a session (audit/events.py
    # principal_columns): policy generation and last-accessed reports query by them.
    principal_arn: Mapped[str | None] = mapped_column(String(2048), index=True)
    identity_arn: Mapped[str | None] = mapped_column(String(2048), index=True)


class LastAccessedJob(Base):
    """A GenerateServiceLastAccessedDetails report: what was asked, by whom and when; the
    report is computed from the audit trail as of ``created_at`` when it is read."""

    __tablename__ = "last_accessed_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the JobId
    account_id: Mapped[str] = _account_fk()
    arn: Mapped[str] = mapped_column(String(2048))
    granularity: Mapped[str] = mapped_column(String(16))
    # Only the user or role that generated a report may read it (sessions of one role share).
    requested_by: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[dt.datetime]


class SSHPublicKey(Base):
    """A user's SSH public key (for CodeCommit); the body is kept as uploaded."""

    __tablename__ = "ssh_public_keys"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # APKA...
    account_id: Mapped[str] = _account_fk()
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    uploaded_at: Mapped[dt.datetime]


class SigningCertificate(Base):
    """An X.509 signing certificate of a user (or of the root user: user_id None)."""

    __tablename__ = "signing_certificates"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[str] = _account_fk()
    user_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    # SHA-256 of the DER certificate: the same certificate may be uploaded once per account.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    uploaded_at: Mapped[dt.datetime]


class ServerCertificate(Base):
    """A TLS server certificate; its private key is stored encrypted and never returned."""

    __tablename__ = "server_certificates"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # ASCA...
    account_id: Mapped[str] = _account_fk()
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512), default="/")
    body: Mapped[str] = mapped_column(Text)
    chain: Mapped[str | None] = mapped_column(Text)
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class ServiceSpecificCredential(Base):
    """A user name and password for one AWS service (CodeCommit, Keyspaces)."""

    __tablename__ = "service_specific_credentials"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # ACCA...
    account_id: Mapped[str] = _account_fk()
    user_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    service_name: Mapped[str] = mapped_column(String(128))
    service_user_name: Mapped[str] = mapped_column(String(200))
    password_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="Active")
    created_at: Mapped[dt.datetime]


class CredentialReport(Base):
    """An account's latest credential report: the CSV as it was when generated."""

    __tablename__ = "credential_reports"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    generated_at: Mapped[dt.datetime]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class SecurityTokenPreference(Base):
    """SetSecurityTokenServicePreferences: the global STS endpoint's token version."""

    __tablename__ = "security_token_preferences"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    global_endpoint_token_version: Mapped[str] = mapped_column(String(16))


class OutboundFederation(Base):
    """An account's outbound web identity federation: its issuer and whether it vends."""

    __tablename__ = "outbound_federation"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    # The unique part of the account's issuer URL; kept when the feature is disabled, so
    # tokens issued before stay verifiable and external trust set up for it stays valid.
    issuer_id: Mapped[str] = mapped_column(String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class OutboundSigningKey(Base):
    """A key GetWebIdentityToken signs with: one per algorithm and rotation period, the
    private half encrypted like every other secret."""

    __tablename__ = "outbound_signing_keys"
    __table_args__ = (UniqueConstraint("algorithm", "period"),)
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(8))
    # The rotation period it signs in (epoch seconds // rotation interval).
    period: Mapped[int] = mapped_column(BigInteger)
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


# AWS Organizations: one organization per management account, its root, OUs, member
# accounts (each also a row of ``accounts``), policies and what they are attached to.


def _organization_fk() -> Mapped[str]:
    return mapped_column(String(34), ForeignKey("organizations.id", ondelete="CASCADE"),
                         index=True)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # o-...
    management_account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    management_email: Mapped[str] = mapped_column(String(64))
    feature_set: Mapped[str] = mapped_column(String(16))
    root_id: Mapped[str] = mapped_column(String(34), unique=True)  # r-...
    created_at: Mapped[dt.datetime]
    # Centralized root access (ListOrganizationsFeatures).
    root_credentials_management: Mapped[bool] = mapped_column(Boolean, default=False)
    root_sessions: Mapped[bool] = mapped_column(Boolean, default=False)


class OrganizationPolicyType(Base):
    """A policy type enabled in the organization's root."""

    __tablename__ = "organization_policy_types"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    policy_type: Mapped[str] = mapped_column(String(64), primary_key=True)


class OrganizationalUnit(Base):
    __tablename__ = "organizational_units"
    id: Mapped[str] = mapped_column(String(68), primary_key=True)  # ou-...
    organization_id: Mapped[str] = _organization_fk()
    parent_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime]


class OrganizationAccount(Base):
    """An account's membership: where it sits and how it joined."""

    __tablename__ = "organization_accounts"
    account_id: Mapped[str] = mapped_column(
        String(12), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = _organization_fk()
    parent_id: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(64))
    email_lower: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(24), default="ACTIVE")
    joined_method: Mapped[str] = mapped_column(String(8))  # INVITED|CREATED
    joined_at: Mapped[dt.datetime]


class OrganizationPolicy(Base):
    """An organization policy; AWS-managed ones (p-FullAWSAccess...) get a row per
    organization so that attachments can refer to them alike."""

    __tablename__ = "organization_policies"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(130), primary_key=True)  # p-...
    policy_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(512), default="")
    content: Mapped[str] = mapped_column(Text)
    aws_managed: Mapped[bool] = mapped_column(Boolean, default=False)


class OrganizationPolicyAttachment(Base):
    __tablename__ = "organization_policy_attachments"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    policy_id: Mapped[str] = mapped_column(String(130), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class CreateAccountRequest(Base):
    """CreateAccount's status record (DescribeCreateAccountStatus)."""

    __tablename__ = "organization_create_account_requests"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # car-...
    organization_id: Mapped[str] = _organization_fk()
    account_name: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    account_id: Mapped[str | None] = mapped_column(String(12))
    failure_reason: Mapped[str | None] = mapped_column(String(64))


class DelegatedAdministrator(Base):
    __tablename__ = "organization_delegated_administrators"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    service_principal: Mapped[str] = mapped_column(String(128), primary_key=True)
    registered_at: Mapped[dt.datetime]


class TrustedServiceAccess(Base):
    __tablename__ = "organization_service_access"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    service_principal: Mapped[str] = mapped_column(String(128), primary_key=True)
    enabled_at: Mapped[dt.datetime]


class OrganizationTag(Base):
    """Tags of an organization's root, OUs, accounts and policies (keys case-sensitive)."""

    __tablename__ = "organization_tags"
    organization_id: Mapped[str] = mapped_column(
        String(34), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[str] = mapped_column(String(130), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class OrganizationsAccessReport(Base):
    """A GenerateOrganizationsAccessReport job and the report it produced (JSON)."""

    __tablename__ = "organizations_access_reports"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the JobId
    organization_id: Mapped[str] = _organization_fk()
    entity_path: Mapped[str] = mapped_column(String(427))
    policy_id: Mapped[str | None] = mapped_column(String(130))
    created_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime]
    report: Mapped[str] = mapped_column(Text)


class OrganizationHandshake(Base):
    """An invitation of an existing account to join an organization."""

    __tablename__ = "organization_handshakes"
    id: Mapped[str] = mapped_column(String(66), primary_key=True)  # h-...
    organization_id: Mapped[str] = _organization_fk()
    action: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(12), index=True)
    notes: Mapped[str | None] = mapped_column(String(1024))
    requested_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class BucketOwner(Base):
    """The account that owns an S3 bucket of the upstream: S3 ARNs name no account, and a
    bucket policy decides in its owner's account. Written when CreateBucket succeeds through
    rolecall (or when the upstream tells the owner of a bucket made elsewhere), removed when
    DeleteBucket succeeds through rolecall."""

    __tablename__ = "bucket_owners"
    bucket: Mapped[str] = mapped_column(String(63), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12))
    recorded_at: Mapped[dt.datetime]
