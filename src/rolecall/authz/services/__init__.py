"""Which IAM checks AWS makes for one call to another AWS service.

``checks_for(service, operation, params, region=..., account_id=...)`` answers every
authorization AWS makes for the call, in order; each must be allowed. ``service`` and
``operation`` are botocore's names, ``params`` the operation's input as boto3 takes it.
Built from AWS's Service Authorization Reference (``reference``), each service's IAM
prefix (``prefixes``), ARN templates filled from the params (``arns``) and the tags the
call sets (``tags``).

Fallback (every service without a correction module, and anything a correction does not
handle): one Check with the action ``prefix:Operation`` (the reference's spelling when it
lists the action, else the operation name unchanged), on the ARN of the action's first
resource type its template can be filled for from the params (or a param that already is
such an ARN), else ``*``; its context holds ``aws:RequestTag/<k>`` and ``aws:TagKeys``
where the reference lists them for the action. An unknown service is its own prefix.
Nothing here raises for unknown services, operations or odd params.

Corrections (``s3``, ``ec2``, ``dynamodb``, ``awslambda``, ``kms``, ``messaging`` for SQS
and SNS, ``stores`` for Secrets Manager, SSM, Logs, ECR and Kinesis, ``workflows`` for
EventBridge, Step Functions, ECS, RDS and CloudWatch) encode where AWS differs from that.

Two checks name a resource the caller must resolve, since it needs state this pure
mapping does not have: ``iam:PassRole`` on an *instance profile* ARN (EC2 authorizes
PassRole on the profile's role: swap in the role's ARN), and KMS calls whose key is named
by an *alias* (KMS authorizes on the key the alias names: swap in the key's ARN; the alias
stays in ``kms:RequestAlias``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import awslambda, default, dynamodb, ec2, kms, messaging, reference, s3, stores, workflows
from .call import Call, Check
from .prefixes import prefix_of

__all__ = ["Check", "checks_for", "condition_keys", "warm"]

Correction = Callable[[Call], "list[Check] | None"]
_CORRECTIONS: dict[str, Correction] = {
    "s3": s3.checks,
    "ec2": ec2.checks,
    "dynamodb": dynamodb.checks,
    "lambda": awslambda.checks,
    "kms": kms.checks,
    "sqs": messaging.sqs_checks,
    "sns": messaging.sns_checks,
    "secretsmanager": stores.secretsmanager_checks,
    "ssm": stores.ssm_checks,
    "logs": stores.logs_checks,
    "ecr": stores.ecr_checks,
    "kinesis": stores.kinesis_checks,
    "events": workflows.events_checks,
    "stepfunctions": workflows.states_checks,
    "ecs": workflows.ecs_checks,
    "rds": workflows.rds_checks,
    "cloudwatch": workflows.cloudwatch_checks,
}


def checks_for(service: str, operation: str, params: dict[str, Any], *, region: str,
               account_id: str, key_schema: Mapping[str, str] | None = None) -> list[Check]:
    """Every authorization AWS makes for the call, in order; each must be allowed.

    ``key_schema`` optionally maps DynamoDB table names to their partition key attribute,
    which AWS knows from the table and ``dynamodb:LeadingKeys`` needs.
    """
    call = Call(service, prefix_of(service), operation, params if isinstance(params, dict)
                else {}, region, account_id, key_schema)
    correction = _CORRECTIONS.get(service)
    found = correction(call) if correction else None
    return found if found else default.checks(call)


def warm() -> None:
    """Read the reference and the prefixes now (about a second), not on the first request."""
    reference.known_prefix("s3")
    prefix_of("s3")


def condition_keys(action: str) -> frozenset[str]:
    """Condition keys the Service Authorization Reference lists for the action."""
    prefix, name = reference.split_action(action)
    found = reference.privilege(prefix, name)
    return found.condition_keys if found else frozenset()
