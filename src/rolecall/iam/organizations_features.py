"""Centralized root access for an organization's member accounts: ListOrganizationsFeatures,
Enable/DisableOrganizationsRootCredentialsManagement, Enable/DisableOrganizationsRootSessions.

As the IAM User Guide ("Centrally manage root access for member accounts") describes: only
the organization's management account calls them, the organization must have all
features, and trusted access for IAM (``iam.amazonaws.com``) must be enabled in
Organizations first. RootSessions is what lets sts:AssumeRoot issue privileged root
sessions in member accounts.
"""

from __future__ import annotations

from typing import Any

from ..operations import CallContext, operation
from ..organizations.common import organization_of
from ..protocol.errors import AWSError
from ..store.tables import Organization, TrustedServiceAccess

IAM_PRINCIPAL = "iam.amazonaws.com"
NO_ORGANIZATION = ("The request was rejected because no organization is associated with your "
                   "account.")
NOT_ALL_FEATURES = ("The request was rejected because your organization does not have All "
                    "features enabled.")
NO_TRUSTED_ACCESS = ("The request was rejected because trusted access is not enabled for IAM in "
                     "Organizations.")
NOT_MANAGEMENT = ("The request was rejected because the account making the request is not the "
                  "management account for the organization.")
NOT_MANAGEMENT_OR_DELEGATED = (
    "The request was rejected because the account making the request is not the management "
    "account or delegated administrator account for centralized root access."
)


def _organization(ctx: CallContext, not_management: tuple[str, str]) -> Organization:
    org = organization_of(ctx.db, ctx.account_id)
    if org is None:
        raise AWSError("OrganizationNotFoundException", NO_ORGANIZATION, 400)
    if org.management_account_id != ctx.account_id:
        raise AWSError(*not_management, 400)
    if org.feature_set != "ALL":
        raise AWSError("OrganizationNotInAllFeaturesModeException", NOT_ALL_FEATURES, 400)
    if ctx.db.get(TrustedServiceAccess, (org.id, IAM_PRINCIPAL)) is None:
        raise AWSError("ServiceAccessNotEnabledException", NO_TRUSTED_ACCESS, 400)
    return org


def _features(org: Organization) -> dict[str, Any]:
    enabled = []
    if org.root_credentials_management:
        enabled.append("RootCredentialsManagement")
    if org.root_sessions:
        enabled.append("RootSessions")
    return {"OrganizationId": org.id, "EnabledFeatures": enabled}


_MANAGEMENT_ONLY = ("CallerIsNotManagementAccountException", NOT_MANAGEMENT)


@operation("iam", "ListOrganizationsFeatures")
def list_organizations_features(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = _organization(ctx, ("AccountNotManagementOrDelegatedAdministratorException",
                              NOT_MANAGEMENT_OR_DELEGATED))
    return _features(org)


@operation("iam", "EnableOrganizationsRootCredentialsManagement")
def enable_root_credentials_management(ctx: CallContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    org = _organization(ctx, _MANAGEMENT_ONLY)
    org.root_credentials_management = True
    return _features(org)


@operation("iam", "DisableOrganizationsRootCredentialsManagement")
def disable_root_credentials_management(ctx: CallContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    org = _organization(ctx, _MANAGEMENT_ONLY)
    org.root_credentials_management = False
    return _features(org)


@operation("iam", "EnableOrganizationsRootSessions")
def enable_root_sessions(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = _organization(ctx, _MANAGEMENT_ONLY)
    org.root_sessions = True
    return _features(org)


@operation("iam", "DisableOrganizationsRootSessions")
def disable_root_sessions(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = _organization(ctx, _MANAGEMENT_ONLY)
    org.root_sessions = False
    return _features(org)
