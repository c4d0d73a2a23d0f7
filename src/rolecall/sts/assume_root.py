"""AssumeRoot: a privileged root session in a member account, for one task.

As the STS API reference and the IAM User Guide ("Perform a privileged task on an AWS
Organizations member account") describe: the caller is in the organization's management
account (or a delegated administrator account for IAM) and needs sts:AssumeRoot on the
member's root (``arn:aws:iam::MEMBER:root``, with sts:TaskPolicyArn in the context); the
organization has enabled root sessions; the task policy is one of AWS's five
``arn:aws:iam::aws:policy/root-task/...`` policies, which limits the session (they only
Deny); the session lasts at most 15 minutes, 15 by default.
"""

from __future__ import annotations

from typing import Any

from ..operations import CallContext, operation
from ..organizations.common import organization_of
from ..protocol.errors import AWSError
from ..store.tables import DelegatedAdministrator, OrganizationAccount
from . import sessions

TASK_POLICIES = frozenset(f"arn:aws:iam::aws:policy/root-task/{name}" for name in (
    "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"))
MAX_DURATION = 900
INVALID_TASK_POLICY = "The TaskPolicyArn is not a valid root task policy ARN."


@operation("sts", "AssumeRoot", authorize=False, write=False)
def assume_root(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    target = params["TargetPrincipal"]
    task_policy = params["TaskPolicyArn"].get("arn") or ""
    if task_policy not in TASK_POLICIES:
        raise AWSError("ValidationError", INVALID_TASK_POLICY)
    resource = f"arn:aws:iam::{target}:root"
    ctx.server.authorizer.authorize(ctx, params, action="sts:AssumeRoot", resource=resource,
                                    extra_context={"sts:TaskPolicyArn": task_policy},
                                    resource_account=ctx.account_id)
    denied = AWSError("AccessDenied", f"User: {ctx.principal.arn} is not authorized to perform: "
                      f"sts:AssumeRoot on resource: {resource}")
    org = organization_of(ctx.db, ctx.account_id)
    member = ctx.db.get(OrganizationAccount, target) if target.isdigit() else None
    if (org is None or not org.root_sessions or member is None
            or member.organization_id != org.id or target == org.management_account_id):
        raise denied
    if ctx.account_id != org.management_account_id and ctx.db.get(
            DelegatedAdministrator, (org.id, ctx.account_id, "iam.amazonaws.com")) is None:
        raise denied
    duration = params.get("DurationSeconds")
    _, credentials = sessions.issue(
        ctx, MAX_DURATION if duration is None else duration,
        account_id=target, kind="root-task", issuer_arn=ctx.principal.arn,
        policy_arns=(task_policy,),
    )
    return {"Credentials": credentials}
