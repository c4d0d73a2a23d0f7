"""Account-wide reads and settings: GetAccountSummary, GetAccountAuthorizationDetails,
Create/List/DeleteAccountAlias and Get/Update/DeleteAccountPasswordPolicy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select

from ..data import managed_policies
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
    PolicyVersion,
    Role,
    SAMLProvider,
    ServerCertificate,
    SigningCertificate,
    User,
)
from . import quotas
from .attachments import attached_arns
from .common import group_arn, paginate
from .groups import groups_of_user
from .inline_policies import entity_policies
from .instance_profiles import instance_profile_shape
from .policies import PolicyInfo, attachment_counts, boundary_counts, lookup_policy, policy_shape
from .roles import role_shape
from .security_token_preferences import global_endpoint_token_version
from .users import user_shape

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
        # a rolecall root user signs in with access keys only, so it has no password.
        "AccountPasswordPresent": 0,
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


# --- GetAccountAuthorizationDetails -----------------------------------------------------


def _attached(ctx: CallContext, entity_type: str, entity_id: str) -> list[dict[str, str]]:
    out = []
    for arn in attached_arns(ctx.db, entity_type, entity_id):
        info = lookup_policy(ctx.db, ctx.account_id, arn)
        if info is not None:
            out.append({"PolicyName": info.name, "PolicyArn": arn})
    return out


def _inline(ctx: CallContext, entity_type: str, entity_id: str) -> list[dict[str, str]]:
    return [{"PolicyName": name, "PolicyDocument": document}
            for name, _, document in entity_policies(ctx.db, entity_type, entity_id)]


def _user_detail(ctx: CallContext, user: User) -> dict[str, Any]:
    # Recorded answers: Tags present even when empty, an empty UserPolicyList left out
    # (localstack test_iam_account_authorization_details.snapshot.json, from AWS).
    detail = user_shape(ctx, user, detail=True)
    detail.pop("PasswordLastUsed", None)
    detail["Tags"] = detail.get("Tags", [])
    inline = _inline(ctx, "user", user.id)
    if inline:
        detail["UserPolicyList"] = inline
    detail["GroupList"] = [g.name for g in groups_of_user(ctx, user.id)]
    detail["AttachedManagedPolicies"] = _attached(ctx, "user", user.id)
    return detail


def _group_detail(ctx: CallContext, group: Group) -> dict[str, Any]:
    return {
        "Path": group.path, "GroupName": group.name, "GroupId": group.id,
        "Arn": group_arn(group), "CreateDate": group.created_at,
        "GroupPolicyList": _inline(ctx, "group", group.id),
        "AttachedManagedPolicies": _attached(ctx, "group", group.id),
    }


def _role_detail(ctx: CallContext, role: Role) -> dict[str, Any]:
    detail = role_shape(ctx, role, detail=True)
    detail.pop("Description", None)
    detail.pop("MaxSessionDuration", None)
    detail["Tags"] = detail.get("Tags", [])
    profiles = ctx.db.scalars(
        select(InstanceProfile).where(InstanceProfile.role_id == role.id)
        .order_by(InstanceProfile.name_lower)
    )
    detail["InstanceProfileList"] = [instance_profile_shape(ctx, p, with_tags=False)
                                     for p in profiles]
    detail["RolePolicyList"] = _inline(ctx, "role", role.id)
    detail["AttachedManagedPolicies"] = _attached(ctx, "role", role.id)
    return detail


def _policy_detail(ctx: CallContext, info: PolicyInfo, attachments: dict[str, int],
                   boundaries: dict[str, int]) -> dict[str, Any]:
    detail = policy_shape(ctx, info, attachments.get(info.arn, 0), boundaries.get(info.arn, 0))
    if info.row is None:
        entry = managed_policies.get(info.arn)
        assert entry is not None
        versions = [{"Document": entry.document, "VersionId": entry.default_version_id,
                     "IsDefaultVersion": True, "CreateDate": entry.updated}]
    else:
        if info.row.description:
            detail["Description"] = info.row.description
        rows = ctx.db.scalars(select(PolicyVersion).where(PolicyVersion.policy_id == info.row.id))
        versions = [{"Document": v.document, "VersionId": v.version_id,
                     "IsDefaultVersion": v.version_id == info.row.default_version,
                     "CreateDate": v.created_at}
                    for v in sorted(rows, key=lambda v: int(v.version_id[1:]), reverse=True)]
    detail["PolicyVersionList"] = versions
    return detail


@operation("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Every user, group, role and managed policy in use, with their policies, paginated."""
    ctx.server.audit.flush_role_use()  # RoleLastUsed is written in batches; show the newest
    kinds = set(params.get("Filter") or
                ["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"])
    items: list[tuple[str, Any]] = []
    for kind, table in (("User", User), ("Group", Group), ("Role", Role)):
        if kind in kinds:
            rows = ctx.db.scalars(select(table).where(table.account_id == ctx.account_id)
                                  .order_by(table.name_lower))
            items += [(kind, r) for r in rows]
    attachments = attachment_counts(ctx.db, ctx.account_id)
    boundaries = boundary_counts(ctx.db, ctx.account_id)
    policies: list[PolicyInfo] = []
    if "LocalManagedPolicy" in kinds:
        rows = ctx.db.scalars(select(ManagedPolicy).where(ManagedPolicy.account_id ==
                                                          ctx.account_id)
                              .order_by(ManagedPolicy.name_lower))
        policies += [lookup_policy(ctx.db, ctx.account_id, r.arn) for r in rows]
    if "AWSManagedPolicy" in kinds:
        in_use = sorted(arn for arn in set(attachments) | set(boundaries)
                        if managed_policies.get(arn) is not None)
        policies += [lookup_policy(ctx.db, ctx.account_id, arn) for arn in in_use]
    items += [("Policy", p) for p in policies if p is not None]

    page = paginate(items, params, "Items")
    builders = {
        "User": ("UserDetailList", lambda r: _user_detail(ctx, r)),
        "Group": ("GroupDetailList", lambda r: _group_detail(ctx, r)),
        "Role": ("RoleDetailList", lambda r: _role_detail(ctx, r)),
        "Policy": ("Policies", lambda p: _policy_detail(ctx, p, attachments, boundaries)),
    }
    result: dict[str, Any] = {key: [] for key, _ in builders.values()}
    for kind, item in page.pop("Items"):
        key, build = builders[kind]
        result[key].append(build(item))
    result.update(page)
    return result


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
    ctx.db.delete(_password_policy(ctx))
