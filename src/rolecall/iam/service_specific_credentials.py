"""Service-specific credentials (CodeCommit Git credentials, Amazon Keyspaces passwords):
Create/List/Reset/Update/DeleteServiceSpecificCredential.

A credential is a generated user name (``<user>-at-<account>``) and password usable only
with its service; the password is shown at creation and on reset, and stored encrypted.
A user holds at most two per service.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from sqlalchemy import select

from .. import ids
from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import ServiceSpecificCredential, User
from . import quotas
from .common import find_user, paginate

ID_PREFIX = "ACCA"
# Services that take a generated user name and password. Long-term API keys (Bedrock,
# CloudWatch Logs) have another shape and are not offered.
SUPPORTED_SERVICES = ("codecommit.amazonaws.com", "cassandra.amazonaws.com")


def _require_supported(service: str) -> None:
    """IAM answers an unsupported service as an entity not found (NoSuchEntity, 404), not with
    the NotSupportedService its reference lists: LocalStack's AWS-validated test_iam.py,
    TestIAMServiceSpecificCredentials::test_create_service_specific_credential_invalid_service
    and test_list_service_specific_credential_different_service."""
    if service not in SUPPORTED_SERVICES:
        raise AWSError("NoSuchEntity",
                       f"No such service {service} is supported for Service Specific Credentials")


def _password() -> str:
    """60 characters ending in "=", the form of the passwords IAM hands out (as LocalStack's
    AWS-validated emulation of this API reproduces them): 44 random bytes in base64."""
    return base64.b64encode(secrets.token_bytes(44)).decode()


def _caller_user(ctx: CallContext, params: dict[str, Any]) -> User | None:
    """The user named, else the calling IAM user; None for callers that are not users."""
    name = params.get("UserName")
    if name is not None:
        return find_user(ctx, name)
    if ctx.principal.user_id is None or ctx.principal.user_name is None:
        return None
    return find_user(ctx, ctx.principal.user_name)


def _find(ctx: CallContext, params: dict[str, Any]) -> tuple[ServiceSpecificCredential, User]:
    cred_id = params["ServiceSpecificCredentialId"]
    user = _caller_user(ctx, params)
    row = ctx.db.get(ServiceSpecificCredential, cred_id)
    if (row is None or user is None or row.account_id != ctx.account_id
            or row.user_id != user.id):
        raise AWSError("NoSuchEntity", f"No such credential {cred_id} exists")
    return row, user


def _shape(row: ServiceSpecificCredential, user_name: str,
           password: str | None = None) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "CreateDate": row.created_at,
        "ServiceName": row.service_name,
        "ServiceUserName": row.service_user_name,
        "ServiceSpecificCredentialId": row.id,
        "UserName": user_name,
        "Status": row.status,
    }
    if password is not None:
        shape["ServicePassword"] = password
    return shape


@operation("iam", "CreateServiceSpecificCredential")
def create_service_specific_credential(ctx: CallContext, params: dict[str, Any]
                                       ) -> dict[str, Any]:
    user = find_user(ctx, params["UserName"])
    service = params["ServiceName"]
    _require_supported(service)
    if params.get("CredentialAgeDays") is not None:
        raise AWSError("ValidationError",
                       f"CredentialAgeDays is not supported for service {service}.")
    held = ctx.db.scalars(select(ServiceSpecificCredential.id).where(
        ServiceSpecificCredential.user_id == user.id,
        ServiceSpecificCredential.service_name == service)).all()
    limit = quotas.SERVICE_SPECIFIC_CREDENTIALS_PER_SERVICE_PER_USER
    if len(held) >= limit:
        raise quotas.exceeded("ServiceSpecificCredentialsPerUserPerService", limit)
    password = _password()
    row = ServiceSpecificCredential(
        id=ids.unique_id(ID_PREFIX), account_id=ctx.account_id, user_id=user.id,
        service_name=service, service_user_name=f"{user.name}-at-{ctx.account_id}",
        password_encrypted=ctx.server.keys.encrypt(password.encode()), status="Active",
        created_at=ctx.now,
    )
    ctx.db.add(row)
    return {"ServiceSpecificCredential": _shape(row, user.name, password)}


@operation("iam", "ListServiceSpecificCredentials")
def list_service_specific_credentials(ctx: CallContext, params: dict[str, Any]
                                      ) -> dict[str, Any]:
    """One user's credentials (the caller's without UserName), or every user's with AllUsers."""
    service = params.get("ServiceName")
    if service is not None:
        _require_supported(service)
    query = (select(ServiceSpecificCredential, User.name)
             .join(User, User.id == ServiceSpecificCredential.user_id)
             .where(ServiceSpecificCredential.account_id == ctx.account_id)
             .order_by(ServiceSpecificCredential.created_at, ServiceSpecificCredential.id))
    if service is not None:
        query = query.where(ServiceSpecificCredential.service_name == service)
    if not params.get("AllUsers"):
        user = _caller_user(ctx, params)
        if user is None:
            return _listed(paginate([], params, "ServiceSpecificCredentials"))
        query = query.where(ServiceSpecificCredential.user_id == user.id)
    rows = ctx.db.execute(query).all()
    return _listed(paginate(rows, params, "ServiceSpecificCredentials"))


def _listed(page: dict[str, Any]) -> dict[str, Any]:
    """A whole list answers its credentials alone, without ``IsTruncated`` (LocalStack's
    AWS-validated test_iam.py, TestIAMServiceSpecificCredentials::
    test_service_specific_credential_lifecycle); a cut page says so and where to go on."""
    page["ServiceSpecificCredentials"] = [_shape(row, name)
                                          for row, name in page["ServiceSpecificCredentials"]]
    if not page["IsTruncated"]:
        del page["IsTruncated"]
    return page


@operation("iam", "ResetServiceSpecificCredential")
def reset_service_specific_credential(ctx: CallContext, params: dict[str, Any]
                                      ) -> dict[str, Any]:
    row, user = _find(ctx, params)
    password = _password()
    row.password_encrypted = ctx.server.keys.encrypt(password.encode())
    return {"ServiceSpecificCredential": _shape(row, user.name, password)}


@operation("iam", "UpdateServiceSpecificCredential")
def update_service_specific_credential(ctx: CallContext, params: dict[str, Any]) -> None:
    row, _ = _find(ctx, params)
    row.status = params["Status"]


@operation("iam", "DeleteServiceSpecificCredential")
def delete_service_specific_credential(ctx: CallContext, params: dict[str, Any]) -> None:
    row, _ = _find(ctx, params)
    ctx.db.delete(row)
