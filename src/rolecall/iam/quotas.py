"""IAM's quotas: AWS's defaults, the ones an account may raise (and how far), and AWS's
LimitExceeded wording.

Source: IAM User Guide, "IAM and AWS STS quotas" (default values; the table of adjustable
quotas, "Default quotas for IAM entities", with each one's maximum autoapproval).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..protocol.errors import AWSError
from ..store.tables import AccountQuota

USERS_PER_ACCOUNT = 5000
GROUPS_PER_ACCOUNT = 300
ROLES_PER_ACCOUNT = 1000
INSTANCE_PROFILES_PER_ACCOUNT = 1000
CUSTOMER_MANAGED_POLICIES_PER_ACCOUNT = 1500
GROUPS_PER_USER = 10
ACCESS_KEYS_PER_USER = 2
MANAGED_POLICIES_PER_ENTITY = 10
POLICY_VERSIONS = 5
ROLE_TRUST_POLICY_LENGTH = 2048
MANAGED_POLICY_SIZE = 6144
INLINE_POLICY_SIZE = {"user": 2048, "group": 5120, "role": 10240}
TAGS_PER_RESOURCE = 50
MFA_DEVICES_PER_USER = 8
ROLES_PER_INSTANCE_PROFILE = 1
OIDC_PROVIDERS_PER_ACCOUNT = 100
SAML_PROVIDERS_PER_ACCOUNT = 100
CLIENT_IDS_PER_OIDC_PROVIDER = 100
THUMBPRINTS_PER_OIDC_PROVIDER = 5
SSH_PUBLIC_KEYS_PER_USER = 5
SIGNING_CERTIFICATES_PER_USER = 2
SERVER_CERTIFICATES_PER_ACCOUNT = 20
SERVICE_SPECIFIC_CREDENTIALS_PER_SERVICE_PER_USER = 2




@dataclass(frozen=True)
class Quota:
    """A quota by the name LimitExceeded gives it; ``maximum`` None: it cannot be raised."""

    name: str
    default: int
    maximum: int | None = None
    description: str = ""

    @property
    def adjustable(self) -> bool:
        return self.maximum is not None


# The account-wide and per-entity quotas ``rolecall quotas`` shows. Those with a maximum
# are the ones AWS lets customers raise through Service Quotas, up to that maximum; the
# others are fixed (the IAM quotas page lists them under "You cannot request an increase").
QUOTAS = {q.name: q for q in (
    Quota("UsersPerAccount", USERS_PER_ACCOUNT, None, "IAM users in an account"),
    Quota("GroupsPerAccount", GROUPS_PER_ACCOUNT, 500, "groups in an account"),
    Quota("RolesPerAccount", ROLES_PER_ACCOUNT, 5000, "roles in an account"),
    Quota("PoliciesPerAccount", CUSTOMER_MANAGED_POLICIES_PER_ACCOUNT, 5000,
          "customer managed policies in an account"),
    Quota("InstanceProfilesPerAccount", INSTANCE_PROFILES_PER_ACCOUNT, 5000,
          "instance profiles in an account"),
    Quota("ServerCertificatesPerAccount", SERVER_CERTIFICATES_PER_ACCOUNT, 1000,
          "server certificates in an account"),
    Quota("PoliciesPerRole", MANAGED_POLICIES_PER_ENTITY, 20,
          "managed policies attached to a role"),
    Quota("PoliciesPerUser", MANAGED_POLICIES_PER_ENTITY, 20,
          "managed policies attached to a user"),
    Quota("PoliciesPerGroup", MANAGED_POLICIES_PER_ENTITY, None,
          "managed policies attached to a group"),
    Quota("ACLSizePerRole", ROLE_TRUST_POLICY_LENGTH, 4096,
          "role trust policy size, in characters without white space"),
    Quota("GroupsPerUser", GROUPS_PER_USER, None, "groups a user can be a member of"),
    Quota("AccessKeysPerUser", ACCESS_KEYS_PER_USER, None, "access keys of a user"),
    Quota("VersionsPerPolicy", POLICY_VERSIONS, None, "stored versions of a managed policy"),
    Quota("PolicySize", MANAGED_POLICY_SIZE, None,
          "managed policy size, in characters without white space"),
    Quota("TagsPerResource", TAGS_PER_RESOURCE, None, "tags of a resource"),
    Quota("OpenIdConnectProvidersPerAccount", OIDC_PROVIDERS_PER_ACCOUNT, None,
          "OpenID Connect providers in an account"),
    Quota("SAMLProvidersPerAccount", SAML_PROVIDERS_PER_ACCOUNT, None,
          "SAML providers in an account"),
    Quota("SSHPublicKeysPerUser", SSH_PUBLIC_KEYS_PER_USER, None, "SSH public keys of a user"),
    Quota("SigningCertificatesPerUser", SIGNING_CERTIFICATES_PER_USER, None,
          "signing certificates of a user"),
)}


class QuotaError(Exception):
    """A quota that cannot be set so (``rolecall quotas set``)."""


def limit(db: Session, account_id: str, name: str) -> int:
    """The quota ``name`` as it applies to the account: raised, or AWS's default."""
    quota = QUOTAS[name]
    if not quota.adjustable:
        return quota.default
    value = db.scalar(select(AccountQuota.value).where(AccountQuota.account_id == account_id,
                                                       AccountQuota.name == name))
    return quota.default if value is None else value


def account_quotas(db: Session, account_id: str) -> dict[str, int]:
    """Every quota of :data:`QUOTAS` as it applies to the account."""
    raised = dict(db.execute(select(AccountQuota.name, AccountQuota.value)
                             .where(AccountQuota.account_id == account_id)).all())
    return {name: raised.get(name, q.default) if q.adjustable else q.default
            for name, q in QUOTAS.items()}


def set_quota(db: Session, account_id: str, name: str, value: int) -> None:
    """Raise an adjustable quota for one account, at most to AWS's maximum; setting the
    default again undoes the raise. Quotas are raised, never lowered below AWS's default,
    as Service Quotas allows."""
    quota = QUOTAS.get(name)
    if quota is None:
        raise QuotaError(f"No quota named {name}; the quotas are: {', '.join(QUOTAS)}.")
    if quota.maximum is None:
        raise QuotaError(f"{name} is fixed at {quota.default}: AWS does not let it be raised.")
    if value < quota.default:
        raise QuotaError(f"{name} cannot be lowered below AWS's default, {quota.default}.")
    if value > quota.maximum:
        raise QuotaError(f"{name} cannot be raised above AWS's maximum, {quota.maximum}.")
    row = db.get(AccountQuota, (account_id, name))
    if value == quota.default:
        if row is not None:
            db.delete(row)
    elif row is None:
        db.add(AccountQuota(account_id=account_id, name=name, value=value))
    else:
        row.value = value


def exceeded(quota: str, value: int) -> AWSError:
    """``Cannot exceed quota for UsersPerAccount: 5000`` and the like."""
    return AWSError("LimitExceeded", f"Cannot exceed quota for {quota}: {value}")


def policy_size(document: str) -> int:
    """Policy sizes count characters, not counting white space (IAM quotas page)."""
    return sum(1 for ch in document if not ch.isspace())
