"""Secrets Manager, SSM Parameter Store, CloudWatch Logs, ECR and Kinesis.

Secrets: ``SecretId`` is a name or an ARN. AWS's secret ARNs end in a random six-character
suffix the name does not carry; for a name the Check names ``secret:<name>`` and a caller
that knows the stored secret should use its ARN. SSM parameter ARNs are
``parameter/<name>`` with a leading ``/`` of the name not doubled. ECR's ``registryId`` is
the repository's account.
"""

from __future__ import annotations

from .call import Call, Check, Context
from .default import action_name, check

_SSM_NAME_LISTS = ("Names",)


def secret_arn(call: Call, secret: str) -> str:
    if secret.startswith("arn:"):
        return secret
    return f"arn:{call.partition}:secretsmanager:{call.region}:{call.account_id}:secret:{secret}"


def secretsmanager_checks(call: Call) -> list[Check] | None:
    params = call.params
    if call.operation == "BatchGetSecretValue":
        # Also secretsmanager:GetSecretValue on each secret, and ListSecrets with filters
        # (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html).
        ids = params.get("SecretIdList")
        found = [check(call, "secretsmanager:BatchGetSecretValue", "*")]
        if params.get("Filters"):
            found.append(check(call, "secretsmanager:ListSecrets", "*"))
        for secret in ids if isinstance(ids, list) else []:
            found.append(check(call, "secretsmanager:GetSecretValue",
                               secret_arn(call, str(secret)),
                               {"secretsmanager:SecretId": str(secret)}))
        return found
    secret = call.text("SecretId") or (call.text("Name") if call.operation == "CreateSecret"
                                       else None)
    if not secret:
        return None
    context: Context = {"secretsmanager:SecretId": secret}
    for member, key in (("Name", "secretsmanager:Name"),
                        ("Description", "secretsmanager:Description"),
                        ("KmsKeyId", "secretsmanager:KmsKeyId"),
                        ("VersionStage", "secretsmanager:VersionStage"),
                        ("VersionId", "secretsmanager:VersionId")):
        if call.text(member):
            context[key] = params[member]
    return [check(call, action_name("secretsmanager", call.operation), secret_arn(call, secret),
                  context)]


def parameter_arn(call: Call, name: str) -> str:
    if name.startswith("arn:"):
        return name
    return (f"arn:{call.partition}:ssm:{call.region}:{call.account_id}:"
            f"parameter/{name.removeprefix('/')}")


def ssm_checks(call: Call) -> list[Check] | None:
    action = action_name("ssm", call.operation)
    names = call.params.get("Names")
    if isinstance(names, list) and names and call.operation in ("GetParameters",
                                                                "DeleteParameters"):
        return [check(call, action, parameter_arn(call, str(n))) for n in names]
    name = call.text("Name") or (call.text("Path") if call.operation == "GetParametersByPath"
                                 else None)
    if name and ("Parameter" in call.operation or call.operation == "LabelParameterVersion"):
        return [check(call, action, parameter_arn(call, name))]
    return None


def logs_checks(call: Call) -> list[Check] | None:
    group = call.text("logGroupName") or call.text("logGroupIdentifier")
    if not group:
        return None
    base = group if group.startswith("arn:") else (
        f"arn:{call.partition}:logs:{call.region}:{call.account_id}:log-group:{group}")
    stream = call.text("logStreamName")
    resource = f"{base.removesuffix(':*')}:log-stream:{stream}" if stream else base
    return [check(call, action_name("logs", call.operation), resource)]


def ecr_checks(call: Call) -> list[Check] | None:
    name = call.text("repositoryName")
    if call.operation == "GetAuthorizationToken" or not name:
        return None
    account = call.text("registryId") or call.account_id
    return [check(call, action_name("ecr", call.operation),
                  f"arn:{call.partition}:ecr:{call.region}:{account}:repository/{name}")]


def kinesis_checks(call: Call) -> list[Check] | None:
    stream = call.text("StreamARN") or call.text("StreamName")
    if not stream:
        return None
    resource = stream if stream.startswith("arn:") else (
        f"arn:{call.partition}:kinesis:{call.region}:{call.account_id}:stream/{stream}")
    return [check(call, action_name("kinesis", call.operation), resource)]
