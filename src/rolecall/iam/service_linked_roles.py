"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and
GetServiceLinkedRoleDeletionStatus.

Each AWS service names its own role (``AWSServiceRoleFor...``) at
``/aws-service-role/<service principal>/``; IAM refuses service principals it does not know.
The known names come from a short table of well-known services and, for the rest, from the
AWS managed policies that grant ``iam:CreateServiceLinkedRole`` on a service's role ARN.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from typing import Any

from sqlalchemy import select

from ..data import managed_policies
from ..operations import CallContext, operation
from ..protocol.errors import invalid_input, no_such_entity
from ..store.tables import Role, ServiceLinkedRoleDeletion
from .common import find_role
from .roles import delete_role_row, new_role, role_shape

# Role names AWS documents for its services (each service's "Using service-linked roles" page).
WELL_KNOWN: dict[str, str] = {
    "access-analyzer.amazonaws.com": "AWSServiceRoleForAccessAnalyzer",
    "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling",
    "backup.amazonaws.com": "AWSServiceRoleForBackup",
    "cloudtrail.amazonaws.com": "AWSServiceRoleForCloudTrail",
    "config.amazonaws.com": "AWSServiceRoleForConfig",
    "dynamodb.application-autoscaling.amazonaws.com":
        "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
    "ecs.amazonaws.com": "AWSServiceRoleForECS",
    "ecs.application-autoscaling.amazonaws.com":
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
    "eks.amazonaws.com": "AWSServiceRoleForAmazonEKS",
    "eks-fargate.amazonaws.com": "AWSServiceRoleForAmazonEKSForFargate",
    "eks-nodegroup.amazonaws.com": "AWSServiceRoleForAmazonEKSNodegroup",
    "elasticache.amazonaws.com": "AWSServiceRoleForElastiCache",
    "elasticbeanstalk.amazonaws.com": "AWSServiceRoleForElasticBeanstalk",
    "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
    "elasticmapreduce.amazonaws.com": "AWSServiceRoleForEMRCleanup",
    "es.amazonaws.com": "AWSServiceRoleForAmazonElasticsearchService",
    "guardduty.amazonaws.com": "AWSServiceRoleForAmazonGuardDuty",
    "inspector2.amazonaws.com": "AWSServiceRoleForAmazonInspector2",
    "lex.amazonaws.com": "AWSServiceRoleForLexBots",
    "logger.cloudfront.amazonaws.com": "AWSServiceRoleForCloudFrontLogger",
    "maintenance.elasticbeanstalk.amazonaws.com": "AWSServiceRoleForElasticBeanstalkMaintenance",
    "managedupdates.elasticbeanstalk.amazonaws.com":
        "AWSServiceRoleForElasticBeanstalkManagedUpdates",
    "opensearchservice.amazonaws.com": "AWSServiceRoleForAmazonOpenSearchService",
    "organizations.amazonaws.com": "AWSServiceRoleForOrganizations",
    "rds.amazonaws.com": "AWSServiceRoleForRDS",
    "redshift.amazonaws.com": "AWSServiceRoleForRedshift",
    "replicator.lambda.amazonaws.com": "AWSServiceRoleForLambdaReplicator",
    "securityhub.amazonaws.com": "AWSServiceRoleForSecurityHub",
    "spot.amazonaws.com": "AWSServiceRoleForEC2Spot",
    "spotfleet.amazonaws.com": "AWSServiceRoleForEC2SpotFleet",
    "ssm.amazonaws.com": "AWSServiceRoleForAmazonSSM",
    "sso.amazonaws.com": "AWSServiceRoleForSSO",
    "support.amazonaws.com": "AWSServiceRoleForSupport",
    "transitgateway.amazonaws.com": "AWSServiceRoleForVPCTransitGateway",
    "trustedadvisor.amazonaws.com": "AWSServiceRoleForTrustedAdvisor",
}

SERVICE_ROLE_PATH = "/aws-service-role/{service}/"
_GRANTED_ROLE = re.compile(
    r"role/aws-service-role/([a-z0-9.-]+\.amazonaws\.com)/(AWSServiceRoleFor[A-Za-z0-9_+=,.@-]+)"
)
_TASK_ID = re.compile(r"task/aws-service-role/([^/]+)/([^/]+)/([0-9a-f-]{36})")


@functools.cache
def known_role_names() -> dict[str, str]:
    """Service principal -> the name of its service-linked role."""
    names: dict[str, str] = {}
    for policy in managed_policies.catalog().values():
        for service, name in _GRANTED_ROLE.findall(policy.document):
            names.setdefault(service, name.rstrip("_"))
    names.update(WELL_KNOWN)
    return names


def _trust_policy(service: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": [service]},
            "Action": ["sts:AssumeRole"],
        }],
    })


@operation("iam", "CreateServiceLinkedRole")
def create_service_linked_role(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    service = params["AWSServiceName"]
    base = known_role_names().get(service)
    if base is None:
        raise invalid_input(f"Service name {service} is not valid.")
    suffix = params.get("CustomSuffix")
    name = f"{base}_{suffix}" if suffix else base
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
        path=SERVICE_ROLE_PATH.format(service=service),
        trust_policy=_trust_policy(service),
        description=params.get("Description"),
        service_linked=True,
    )
    shape = role_shape(ctx, role, detail=False)
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
