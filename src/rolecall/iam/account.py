"""Account-wide reads and settings: GetAccountSummary, Create/List/DeleteAccountAlias and
Get/Update/DeleteAccountPasswordPolicy (GetAccountAuthorizationDetails has its own module)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import (
    AccessKey,
    Account,
    AccountPasswordPolicy,
    Group,
    InstanceProfile,
    ManagedPolicy,
    MFADevice,
    OIDCProvider,
    PolicyAttachment,
    Role,
    RootLoginProfile,
    SAMLProvider,
    ServerCertificate,
    SigningCertificate,
    User,
)
from . import quotas
from .common import paginate
from .security_token_preferences import global_endpoint_token_version

# Quotas GetAccountSummary reports that rolecall has no other use for.
_POLICY_VERSIONS_IN_USE_QUOTA = 10000


def _count(ctx: CallContext, table: Any, *where: Any) -> int:
    return ctx.db.scalar(
        select(func.count()).select_from(table).where(table.account_id == ctx.account_id, *where)
    )


@operation("iam", "GetAccountSummary")
def get_account_summary(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    account = ctx.account_id
    limits = quotas.account_quotas(ctx.db, account)
    summary = {
        "Users": _count(ctx, User),
        "UsersQuota": limits["UsersPerAccount"],
        "Groups": _count(ctx, Group),
        "GroupsQuota": limits["GroupsPerAccount"],
        "Roles": _count(ctx, Role),
        "RolesQuota": limits["RolesPerAccount"],
        "Policies": _count(ctx, ManagedPolicy),
        "PoliciesQuota": limits["PoliciesPerAccount"],
        "PolicySizeQuota": limits["PolicySize"],
        "PolicyVersionsInUse": _count(ctx, PolicyAttachment),
        "PolicyVersionsInUseQuota": _POLICY_VERSIONS_IN_USE_QUOTA,
        "VersionsPerPolicyQuota": limits["VersionsPerPolicy"],
        "InstanceProfiles": _count(ctx, InstanceProfile),
        "InstanceProfilesQuota": limits["InstanceProfilesPerAccount"],
        "Providers": _count(ctx, OIDCProvider) + _count(ctx, SAMLProvider),
        "ServerCertificates": _count(ctx, ServerCertificate),
        "ServerCertificatesQuota": limits["ServerCertificatesPerAccount"],
        "MFADevices": _count(ctx, MFADevice),
        "MFADevicesInUse": _count(ctx, MFADevice, MFADevice.owner_id.is_not(None)),
        "AccountMFAEnabled": min(1, _count(ctx, MFADevice, MFADevice.owner_id == account)),
        # Always reported (recorded SummaryMap, localstack test_iam_account_summary.snapshot.json);
        # a rolecall root user has a password only once centralized root access gives it
        # one (CreateLoginProfile in an AssumeRoot session).
        "AccountPasswordPresent": int(ctx.db.get(RootLoginProfile, account) is not None),
        "AccountAccessKeysPresent": min(1, _count(ctx, AccessKey, AccessKey.user_id.is_(None))),
        "AccountSigningCertificatesPresent": min(
            1, _count(ctx, SigningCertificate, SigningCertificate.user_id.is_(None))),
        "AccessKeysPerUserQuota": limits["AccessKeysPerUser"],
        "SigningCertificatesPerUserQuota": limits["SigningCertificatesPerUser"],
        "GroupsPerUserQuota": limits["GroupsPerUser"],
        "AttachedPoliciesPerUserQuota": limits["PoliciesPerUser"],
        "AttachedPoliciesPerGroupQuota": limits["PoliciesPerGroup"],
        "AttachedPoliciesPerRoleQuota": limits["PoliciesPerRole"],
        "UserPolicySizeQuota": quotas.INLINE_POLICY_SIZE["user"],
        "GroupPolicySizeQuota": quotas.INLINE_POLICY_SIZE["group"],
        "RolePolicySizeQuota": quotas.INLINE_POLICY_SIZE["role"],
        "AssumeRolePolicySizeQuota": limits["ACLSizePerRole"],
        "GlobalEndpointTokenVersion": global_endpoint_token_version(ctx.db, account),
    }
    return {"SummaryMap": summary}


# --- account alias ------------------------------------------------------------------------


@operation("iam", "CreateAccountAlias")
def create_account_alias(ctx: CallContext, params: dict[str, Any]) -> None:
    """An account has one alias; a new one replaces it. Aliases are unique across accounts."""
    alias = params["AccountAlias"]
    if ctx.db.scalar(select(exists().where(Account.alias == alias,
                                           Account.id != ctx.account_id))):
        raise AWSError("EntityAlreadyExists", f"The account alias {alias} already exists.")
    ctx.db.get(Account, ctx.account_id).alias = alias


@operation("iam", "ListAccountAliases")
def list_account_aliases(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    alias = ctx.db.get(Account, ctx.account_id).alias
    return paginate([alias] if alias else [], params, "AccountAliases")


@operation("iam", "DeleteAccountAlias")
def delete_account_alias(ctx: CallContext, params: dict[str, Any]) -> None:
    account = ctx.db.get(Account, ctx.account_id)
    alias = params["AccountAlias"]
    if account.alias != alias:
        raise no_such_entity(f"The account alias {alias} cannot be found.")
    account.alias = None


# --- password policy ----------------------------------------------------------------------


def _password_policy(ctx: CallContext) -> AccountPasswordPolicy:
    policy = ctx.db.get(AccountPasswordPolicy, ctx.account_id)
    if policy is None:
        raise no_such_entity(
            f"The Password Policy with domain name {ctx.account_id} cannot be found.")
    return policy


@operation("iam", "UpdateAccountPasswordPolicy")
def update_account_password_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    """Replace the policy: a parameter left out takes its default value, as IAM documents."""
    policy = ctx.db.get(AccountPasswordPolicy, ctx.account_id)
    if policy is None:
        policy = AccountPasswordPolicy(account_id=ctx.account_id)
        ctx.db.add(policy)
    policy.minimum_password_length = params.get("MinimumPasswordLength") or 6
    policy.require_symbols = bool(params.get("RequireSymbols"))
    policy.require_numbers = bool(params.get("RequireNumbers"))
    policy.require_uppercase = bool(params.get("RequireUppercaseCharacters"))
    policy.require_lowercase = bool(params.get("RequireLowercaseCharacters"))
    policy.allow_users_to_change = bool(params.get("AllowUsersToChangePassword"))
    policy.max_password_age = params.get("MaxPasswordAge")
    policy.password_reuse_prevention = params.get("PasswordReusePrevention")
    policy.hard_expiry = params.get("HardExpiry")


@operation("iam", "GetAccountPasswordPolicy")
def get_account_password_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _password_policy(ctx)
    shape: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_password_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase,
        "RequireLowercaseCharacters": policy.require_lowercase,
        "AllowUsersToChangePassword": policy.allow_users_to_change,
        "ExpirePasswords": bool(policy.max_password_age),
    }
    if policy.max_password_age:
        shape["MaxPasswordAge"] = policy.max_password_age
    if policy.password_reuse_prevention:
        shape["PasswordReusePrevention"] = policy.password_reuse_prevention
    if policy.hard_expiry is not None:
        shape["HardExpiry"] = policy.hard_expiry
    return {"PasswordPolicy": shape}


@operation("iam", "DeleteAccountPasswordPolicy")
def delete_account_password_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    row = ctx.db.get(AccountPasswordPolicy, ctx.account_id)
    if row is None:
        # Worded unlike GetAccountPasswordPolicy's (LocalStack's AWS-validated
        # test_iam_account_password_policy snapshot, delete-not-found).
        raise no_such_entity("The account policy with name PasswordPolicy cannot be found.")
    ctx.db.delete(row)
