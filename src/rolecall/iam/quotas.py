"""IAM's default quotas and AWS's LimitExceeded wording.

Source: IAM User Guide, "IAM and AWS STS quotas" (default values).
"""

from __future__ import annotations

from ..protocol.errors import AWSError

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


def exceeded(quota: str, value: int) -> AWSError:
    """``Cannot exceed quota for UsersPerAccount: 5000`` and the like."""
    return AWSError("LimitExceeded", f"Cannot exceed quota for {quota}: {value}")


def policy_size(document: str) -> int:
    """Policy sizes count characters, not counting white space (IAM quotas page)."""
    return sum(1 for ch in document if not ch.isspace())
