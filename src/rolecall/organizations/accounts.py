"""Member accounts: CreateAccount, DescribeCreateAccountStatus, ListCreateAccountStatus,
DescribeAccount, ListAccounts, ListAccountsForParent, MoveAccount,
RemoveAccountFromOrganization, LeaveOrganization.

CreateAccount makes a real rolecall account, without root access keys, holding the role
the management account administers it through: ``OrganizationAccountAccessRole`` by
default, trusting the management account and granting full administrative access in an
inline policy named AdministratorAccess, as AWS creates it. Its root user has a password
nobody knows, to be replaced through password recovery (Organizations User Guide,
"Accessing a member account as the root user"), unless the organization manages root
credentials centrally: then it has no root credentials at all (IAM User Guide, "Centralize
root access for member accounts"). The answer is IN_PROGRESS, as AWS's always is; the
request is complete by the time DescribeCreateAccountStatus is asked.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, select

from .. import ids
from ..operations import CallContext, operation
from ..store.tables import (
    Account,
    CreateAccountRequest,
    DelegatedAdministrator,
    InlinePolicy,
    Organization,
    OrganizationAccount,
    OrganizationPolicyAttachment,
    Role,
    RootLoginProfile,
)
from . import common, policies, tags

DEFAULT_ROLE = "OrganizationAccountAccessRole"
# Organizations' default quota of accounts per organization (Quotas for AWS Organizations).
MAX_ACCOUNTS = 10
ACCOUNT_NOT_FOUND = "You specified an account that doesn't exist."
CAR_NOT_FOUND = ("We can't find a create account request with the CreateAccountRequestId "
                 "that you specified.")
ACCOUNT_LIMIT = "You have exceeded the allowed number of AWS accounts."
MASTER_CANNOT_LEAVE = (
    "You can't remove a management account from an organization. If you want the management "
    "account to become a member account in another organization, you must first delete the "
    "current organization of the management account."
)
SOURCE_NOT_FOUND = "We can't find a source root or OU with the ParentId that you specified."
DESTINATION_NOT_FOUND = ("We can't find the destination container (a root or OU) with the "
                         "ParentId that you specified.")
PARENT_NOT_FOUND = "We can't find a root or OU with the ParentId that you specified."
ALREADY_THERE = "That account is already present in the specified destination."


def _trust_policy(management_account: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{management_account}:root"},
        "Action": "sts:AssumeRole"}]})


_ADMINISTRATOR = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _status_shape(row: CreateAccountRequest) -> dict[str, Any]:
    return {"Id": row.id, "AccountName": row.account_name, "State": row.state,
            "RequestedTimestamp": row.requested_at, "CompletedTimestamp": row.completed_at,
            "AccountId": row.account_id, "FailureReason": row.failure_reason}


def is_parent(db, org: Organization, parent_id: str) -> bool:
    return parent_id == org.root_id or common.ou(db, org, parent_id) is not None


def _new_account_id(db) -> str:
    while True:
        candidate = common.account_number()
        if db.get(Account, candidate) is None:
            return candidate


@operation("organizations", "CreateAccount")
def create_account(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    db = ctx.db
    count = db.scalar(select(func.count()).select_from(OrganizationAccount)
                      .where(OrganizationAccount.organization_id == org.id))
    if count >= MAX_ACCOUNTS:
        raise common.constraint("ACCOUNT_NUMBER_LIMIT_EXCEEDED", ACCOUNT_LIMIT)
    if params.get("Tags"):
        tags.check_new(params["Tags"])
    request = CreateAccountRequest(
        id="car-" + common.random_id(32), organization_id=org.id,
        account_name=params["AccountName"], state="IN_PROGRESS", requested_at=ctx.now,
    )
    answer = _status_shape(request)
    email = params["Email"]
    taken = db.scalar(select(OrganizationAccount)
                      .where(OrganizationAccount.email_lower == email.lower()))
    request.completed_at = ctx.now
    if taken is not None:
        request.state, request.failure_reason = "FAILED", "EMAIL_ALREADY_EXISTS"
        db.add(request)
        return {"CreateAccountStatus": answer}
    account_id = _new_account_id(db)
    db.add(Account(id=account_id, created_at=ctx.now))
    db.flush()
    role = Role(id=ids.unique_id(ids.ROLE), account_id=account_id,
                name=params.get("RoleName") or DEFAULT_ROLE,
                name_lower=(params.get("RoleName") or DEFAULT_ROLE).lower(), path="/",
                assume_role_policy=_trust_policy(org.management_account_id),
                max_session_duration=3600, created_at=ctx.now)
    db.add(role)
    db.flush()
    db.add(InlinePolicy(account_id=account_id, entity_type="role", entity_id=role.id,
                        name="AdministratorAccess", name_lower="administratoraccess",
                        document=_ADMINISTRATOR))
    db.add(OrganizationAccount(
        account_id=account_id, organization_id=org.id, parent_id=org.root_id,
        name=params["AccountName"], email=email, email_lower=email.lower(), status="ACTIVE",
        joined_method="CREATED", joined_at=ctx.now,
    ))
    if not org.root_credentials_management:
        db.add(RootLoginProfile(account_id=account_id, created_at=ctx.now))
    db.flush()
    policies.attach_defaults(db, org, account_id)
    if params.get("Tags"):
        tags.put(db, org, account_id, params["Tags"])
    request.state, request.account_id = "SUCCEEDED", account_id
    db.add(request)
    return {"CreateAccountStatus": answer}


@operation("organizations", "DescribeCreateAccountStatus")
def describe_create_account_status(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = ctx.db.get(CreateAccountRequest, params["CreateAccountRequestId"])
    if row is None or row.organization_id != org.id:
        raise common.error("CreateAccountStatusNotFoundException", CAR_NOT_FOUND)
    return {"CreateAccountStatus": _status_shape(row)}


@operation("organizations", "ListCreateAccountStatus")
def list_create_account_status(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    query = (select(CreateAccountRequest)
             .where(CreateAccountRequest.organization_id == org.id)
             .order_by(CreateAccountRequest.requested_at, CreateAccountRequest.id))
    if params.get("States"):
        query = query.where(CreateAccountRequest.state.in_(params["States"]))
    rows = [_status_shape(r) for r in ctx.db.scalars(query)]
    page, token = common.paginate(rows, params)
    return {"CreateAccountStatuses": page, "NextToken": token}


def _member_or_fail(ctx: CallContext, org: Organization, account_id: str) -> OrganizationAccount:
    row = common.member(ctx.db, org, account_id)
    if row is None:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    return row


@operation("organizations", "DescribeAccount")
def describe_account(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    row = _member_or_fail(ctx, org, params["AccountId"])
    return {"Account": common.account_shape(ctx.db, org, row)}


def _accounts(ctx: CallContext, org: Organization, parent_id: str | None) -> list[dict]:
    query = (select(OrganizationAccount)
             .where(OrganizationAccount.organization_id == org.id)
             .order_by(OrganizationAccount.joined_at, OrganizationAccount.account_id))
    if parent_id is not None:
        query = query.where(OrganizationAccount.parent_id == parent_id)
    return [common.account_shape(ctx.db, org, r) for r in ctx.db.scalars(query)]


@operation("organizations", "ListAccounts")
def list_accounts(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    page, token = common.paginate(_accounts(ctx, org, None), params)
    return {"Accounts": page, "NextToken": token}


@operation("organizations", "ListAccountsForParent")
def list_accounts_for_parent(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    org = common.management_organization(ctx)
    if not is_parent(ctx.db, org, params["ParentId"]):
        raise common.error("ParentNotFoundException", PARENT_NOT_FOUND)
    page, token = common.paginate(_accounts(ctx, org, params["ParentId"]), params)
    return {"Accounts": page, "NextToken": token}


@operation("organizations", "MoveAccount")
def move_account(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    db = ctx.db
    if not is_parent(db, org, params["SourceParentId"]):
        raise common.error("SourceParentNotFoundException", SOURCE_NOT_FOUND)
    if not is_parent(db, org, params["DestinationParentId"]):
        raise common.error("DestinationParentNotFoundException", DESTINATION_NOT_FOUND)
    row = _member_or_fail(ctx, org, params["AccountId"])
    if row.parent_id == params["DestinationParentId"]:
        raise common.error("DuplicateAccountException", ALREADY_THERE)
    if row.parent_id != params["SourceParentId"]:
        raise common.error("AccountNotFoundException", ACCOUNT_NOT_FOUND)
    row.parent_id = params["DestinationParentId"]
    return None


def _remove(ctx: CallContext, org: Organization, row: OrganizationAccount) -> None:
    db = ctx.db
    if row.account_id == org.management_account_id:
        raise common.error("MasterCannotLeaveOrganizationException", MASTER_CANNOT_LEAVE)
    db.execute(delete(OrganizationPolicyAttachment).where(
        OrganizationPolicyAttachment.organization_id == org.id,
        OrganizationPolicyAttachment.target_id == row.account_id))
    db.execute(delete(DelegatedAdministrator).where(
        DelegatedAdministrator.organization_id == org.id,
        DelegatedAdministrator.account_id == row.account_id))
    tags.drop(db, org, row.account_id)
    db.delete(row)


@operation("organizations", "RemoveAccountFromOrganization")
def remove_account_from_organization(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.management_organization(ctx)
    _remove(ctx, org, _member_or_fail(ctx, org, params["AccountId"]))
    return None


@operation("organizations", "LeaveOrganization")
def leave_organization(ctx: CallContext, params: dict[str, Any]) -> None:
    org = common.caller_organization(ctx)
    _remove(ctx, org, _member_or_fail(ctx, org, ctx.account_id))
    return None
