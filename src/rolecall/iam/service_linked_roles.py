"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and
GetServiceLinkedRoleDeletionStatus.

Each AWS service names its own role (``AWSServiceRoleFor...``) at
``/aws-service-role/<service principal>/``, with the AWS managed policy IAM attaches and the
description it gives; IAM refuses service principals it does not know and a CustomSuffix
for services that take none. All of it comes from the catalogue in
``rolecall.data.service_linked_roles``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import delete, select

from ..data import service_linked_roles
from ..operations import CallContext, operation
from ..protocol.errors import invalid_input, no_such_entity
from ..store.tables import PolicyAttachment, Role, ServiceLinkedRoleDeletion
from .common import find_role
from .roles import delete_role_row, new_role, role_shape

_TASK_ID = re.compile(r"task/aws-service-role/([^/]+)/([^/]+)/([0-9a-f-]{36})")


@operation("iam", "CreateServiceLinkedRole")
def create_service_linked_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    service = params["AWSServiceName"]
    entry = service_linked_roles.get(service)
    if entry is None:
        raise invalid_input(f"Service name {service} is not valid.")
    suffix = params.get("CustomSuffix")
    if suffix and not entry.custom_suffix:
        raise invalid_input(f"Custom suffix is not allowed for {service}")
    name = f"{entry.role_name}_{suffix}" if suffix else entry.role_name
    if len(name) > 64:
        raise invalid_input(
            f"Role name {name} is longer than the allowed 64 characters; use a shorter suffix."
        )
    if ctx.db.scalar(select(Role.id).where(Role.account_id == ctx.account_id,
                                           Role.name_lower == name.lower())):
        raise invalid_input(
            f"Service role name {name} has been taken in this account, "
            "please try a different suffix."
        )
    role = new_role(
        ctx,
        name=name,
        path=entry.path,
        trust_policy=entry.trust_policy(),
        description=params.get("Description") or entry.description,
        service_linked=True,
    )
    if entry.policy_arn:
        ctx.db.add(PolicyAttachment(entity_type="role", entity_id=role.id,
                                    policy_arn=entry.policy_arn, account_id=ctx.account_id,
                                    seq=1))
    shape = role_shape(ctx, role, detail=False)
    shape.pop("MaxSessionDuration")
    return {"Role": shape}


@operation("iam", "DeleteServiceLinkedRole")
def delete_service_linked_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """No resource of a real AWS service uses the role here, so the task succeeds at once."""
    role = find_role(ctx, params["RoleName"])
    if not role.service_linked:
        raise invalid_input(f"Role {role.name} is not a service-linked role.")
    service = role.path.strip("/").split("/", 1)[1]
    task_id = f"task/aws-service-role/{service}/{role.name}/{uuid.uuid4()}"
    ctx.db.add(ServiceLinkedRoleDeletion(id=task_id, account_id=ctx.account_id,
                                         status="SUCCEEDED", reason=None))
    # The policy IAM attached goes with the role (no caller may detach it).
    ctx.db.execute(delete(PolicyAttachment).where(PolicyAttachment.entity_type == "role",
                                                  PolicyAttachment.entity_id == role.id))
    delete_role_row(ctx, role)
    return {"DeletionTaskId": task_id}


@operation("iam", "GetServiceLinkedRoleDeletionStatus")
def get_service_linked_role_deletion_status(ctx: CallContext,
                                            params: dict[str, Any]) -> dict[str, Any]:
    task_id = params["DeletionTaskId"]
    if not _TASK_ID.fullmatch(task_id):
        raise invalid_input(f"Invalid deletion task id: {task_id}")
    task = ctx.db.get(ServiceLinkedRoleDeletion, task_id)
    if task is None or task.account_id != ctx.account_id:
        raise no_such_entity(f"Deletion task {task_id} cannot be found.")
    result: dict[str, Any] = {"Status": task.status}
    if task.reason:
        result["Reason"] = {"Reason": task.reason}
    return result
