"""The organization itself: CreateOrganization, DescribeOrganization, DeleteOrganization,
ListRoots.

Created through the API, an organization has all features and no policy type enabled
(the console enables SCPs; the API leaves that to EnablePolicyType). The management
account joins its own organization as a member whose JoinedMethod is INVITED, as AWS
shows it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from ..operations import CallContext, operation
from ..store.tables import Account, Organization, OrganizationAccount
from . import common

ALREADY_MEMBER = "The AWS account is already a member of an organization."
NOT_EMPTY = ("The organization isn't empty. To delete an organization, you must first remove "
             "all accounts except the management account.")


def synthetic_email(account_id: str) -> str:
    """rolecall accounts have no e-mail address; Organizations needs one to show."""
    return f"root+{account_id}@rolecall.invalid"


def organization_shape(db, org: Organization) -> dict[str, Any]:
    available = [{"Type": t, "Status": "ENABLED"} for t in common.enabled_types(db, org)
                 if t == common.SCP]
    return {
        "Id": org.id, "Arn": common.organization_arn(org), "FeatureSet": org.feature_set,
        "MasterAccountArn": common.account_arn(org, org.management_account_id),
        "MasterAccountId": org.management_account_id,
        "MasterAccountEmail": org.management_email,
        "AvailablePolicyTypes": available,
    }


@operation("organizations", "CreateOrganization")
def create_organization(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    db = ctx.db
    if common.organization_of(db, ctx.account_id) is not None:
        raise common.error("AlreadyInOrganizationException", ALREADY_MEMBER)
    org_id = "o-" + common.random_id(10)
    org = Organization(
        id=org_id, management_account_id=ctx.account_id,
        management_email=synthetic_email(ctx.account_id),
        feature_set=params.get("FeatureSet") or "ALL",
        root_id="r-" + common.random_id(4), created_at=ctx.now,
    )
    db.add(org)
    db.flush()
    account = db.get(Account, ctx.account_id)
    db.add(OrganizationAccount(
        account_id=ctx.account_id, organization_id=org_id, parent_id=org.root_id,
        name=(account.alias if account is not None and account.alias else ctx.account_id),
        email=org.management_email, email_lower=org.management_email.lower(),
        status="ACTIVE", joined_method="INVITED", joined_at=ctx.now,
    ))
    db.flush()
    return {"Organization": organization_shape(db, org)}


@operation("organizations", "DescribeOrganization")
def describe_organization(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.caller_organization(ctx)
    return {"Organization": organization_shape(ctx.db, org)}


@operation("organizations", "DeleteOrganization")
def delete_organization(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    members = db.scalar(select(func.count()).select_from(OrganizationAccount)
                        .where(OrganizationAccount.organization_id == org.id))
    if members > 1:
        raise common.error("OrganizationNotEmptyException", NOT_EMPTY)
    db.execute(delete(OrganizationAccount).where(OrganizationAccount.organization_id == org.id))
    db.delete(org)
    return None


@operation("organizations", "ListRoots")
def list_roots(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    page, token = common.paginate([common.root_shape(ctx.db, org)], params)
    return {"Roots": page, "NextToken": token}
