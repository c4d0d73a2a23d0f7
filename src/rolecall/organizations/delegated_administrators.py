"""Delegated administrators and trusted service access: RegisterDelegatedAdministrator,
DeregisterDelegatedAdministrator, ListDelegatedAdministrators,
ListDelegatedServicesForAccount, EnableAWSServiceAccess, DisableAWSServiceAccess,
ListAWSServiceAccessForOrganization.

A service must be trusted (EnableAWSServiceAccess) before an account can administer it;
the management account can never be its own delegated administrator. Service principals
are checked for form only (``name.amazonaws.com``), rolecall knowing no catalog of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from ..operations import CallContext, operation
from ..store.tables import DelegatedAdministrator, Organization, TrustedServiceAccess
from . import common
from .accounts import ACCOUNT_NOT_FOUND

ALREADY = "The provided account is already a delegated administrator for your organization."
NOT_REGISTERED = "The specified account is not a delegated administrator for this AWS service."
MANAGEMENT = ("You can designate only a member account as a delegated administrator.")
NOT_TRUSTED = ("You attempted to register a delegated administrator for a service that isn't "
               "enabled for trusted access in your organization.")
UNRECOGNIZED = "You specified an unrecognized service principal."


def _principal(name: str) -> str:
    if not name.endswith(".amazonaws.com") or name.count(".") < 2:
        raise common.invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL", UNRECOGNIZED)
    return name


def _trusted(ctx: CallContext, org: Organization, principal: str) -> bool:
    return ctx.db.get(TrustedServiceAccess, (org.id, principal)) is not None


@operation("organizations", "EnableAWSServiceAccess")
def enable_aws_service_access(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    principal = _principal(params["ServicePrincipal"])
    if not _trusted(ctx, org, principal):
        ctx.db.add(TrustedServiceAccess(organization_id=org.id, service_principal=principal,
                                        enabled_at=ctx.now))
    return None


@operation("organizations", "DisableAWSServiceAccess")
def disable_aws_service_access(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    principal = _principal(params["ServicePrincipal"])
    ctx.db.execute(delete(TrustedServiceAccess).where(
        TrustedServiceAccess.organization_id == org.id,
        TrustedServiceAccess.service_principal == principal))
    return None


@operation("organizations", "ListAWSServiceAccessForOrganization")
def list_aws_service_access_for_organization(ctx: CallContext,
                                             params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    rows = ctx.db.scalars(select(TrustedServiceAccess).where(
        TrustedServiceAccess.organization_id == org.id
    ).order_by(TrustedServiceAccess.service_principal))
    found = [{"ServicePrincipal": r.service_principal, "DateEnabled": r.enabled_at} for r in rows]
    page, token = common.paginate(found, params)
    return {"EnabledServicePrincipals": page, "NextToken": token}


@operation("organizations", "RegisterDelegatedAdministrator")
def register_delegated_administrator(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    principal = _principal(params["ServicePrincipal"])
    account_id = params["AccountId"]
    if account_id == org.management_account_id:
        raise common.constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR", MANAGEMENT)
    if common.member(ctx.db, org, account_id) is None:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    if not _trusted(ctx, org, principal):
        raise common.constraint("SERVICE_ACCESS_NOT_ENABLED", NOT_TRUSTED)
    if ctx.db.get(DelegatedAdministrator, (org.id, account_id, principal)) is not None:
        raise common.error("AccountAlreadyRegisteredException", ALREADY)
    ctx.db.add(DelegatedAdministrator(organization_id=org.id, account_id=account_id,
                                      service_principal=principal, registered_at=ctx.now))
    return None


@operation("organizations", "DeregisterDelegatedAdministrator")
def deregister_delegated_administrator(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    principal = _principal(params["ServicePrincipal"])
    if common.member(ctx.db, org, params["AccountId"]) is None:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    row = ctx.db.get(DelegatedAdministrator, (org.id, params["AccountId"], principal))
    if row is None:
        raise common.error("AccountNotRegisteredException", NOT_REGISTERED)
    ctx.db.delete(row)
    return None


@operation("organizations", "ListDelegatedAdministrators")
def list_delegated_administrators(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    query = select(DelegatedAdministrator).where(DelegatedAdministrator.organization_id == org.id)
    if params.get("ServicePrincipal"):
        query = query.where(DelegatedAdministrator.service_principal == params["ServicePrincipal"])
    first: dict[str, DelegatedAdministrator] = {}
    for row in ctx.db.scalars(query.order_by(DelegatedAdministrator.registered_at)):
        first.setdefault(row.account_id, row)
    found = []
    for account_id, row in first.items():
        member = common.member(ctx.db, org, account_id)
        if member is None:
            continue
        shape = common.account_shape(ctx.db, org, member)
        shape.pop("Paths")
        shape["DelegationEnabledDate"] = row.registered_at
        found.append(shape)
    page, token = common.paginate(found, params)
    return {"DelegatedAdministrators": page, "NextToken": token}


@operation("organizations", "ListDelegatedServicesForAccount")
def list_delegated_services_for_account(ctx: CallContext,
                                        params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    account_id = params["AccountId"]
    if common.member(ctx.db, org, account_id) is None:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    rows = list(ctx.db.scalars(select(DelegatedAdministrator).where(
        DelegatedAdministrator.organization_id == org.id,
        DelegatedAdministrator.account_id == account_id,
    ).order_by(DelegatedAdministrator.service_principal)))
    if not rows:
        raise common.error("AccountNotRegisteredException", NOT_REGISTERED)
    found = [{"ServicePrincipal": r.service_principal, "DelegationEnabledDate": r.registered_at}
             for r in rows]
    page, token = common.paginate(found, params)
    return {"DelegatedServices": page, "NextToken": token}
