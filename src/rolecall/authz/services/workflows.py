"""EventBridge, Step Functions, ECS, RDS and CloudWatch.

Each hands a role to a service in some calls, which also needs iam:PassRole with
``iam:PassedToService`` (IAM User Guide, "Grant a user permissions to pass a role to an
AWS service"). EventBridge rules on a custom bus are ``rule/<bus>/<name>``; PutEvents is
decided per event bus with ``events:source`` and ``events:detail-type``. RDS
Describe* calls without an identifier are decided on ``db:*`` (and so on), as AWS's
refusals name them.
"""

from __future__ import annotations

from .call import Call, Check, Context
from .default import action_name, check

_RDS_IDENTIFIERS = (("DBInstanceIdentifier", "db"), ("DBClusterIdentifier", "cluster"),
                    ("DBSnapshotIdentifier", "snapshot"),
                    ("DBClusterSnapshotIdentifier", "cluster-snapshot"))
_RDS_DESCRIBE = {"DescribeDBInstances": "db", "DescribeDBClusters": "cluster",
                 "DescribeDBSnapshots": "snapshot",
                 "DescribeDBClusterSnapshots": "cluster-snapshot"}


def pass_role(role: str | None, service: str) -> list[Check]:
    return [Check("iam:PassRole", role, {"iam:PassedToService": service})] if role else []


def _bus(call: Call, bus: str | None) -> str:
    if bus and bus.startswith("arn:"):
        return bus
    return (f"arn:{call.partition}:events:{call.region}:{call.account_id}:"
            f"event-bus/{bus or 'default'}")


def events_checks(call: Call) -> list[Check] | None:
    operation, params = call.operation, call.params
    if operation == "PutEvents":
        entries = params.get("Entries")
        found = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            context: Context = {}
            if isinstance(entry.get("Source"), str):
                context["events:source"] = entry["Source"]
            if isinstance(entry.get("DetailType"), str):
                context["events:detail-type"] = entry["DetailType"]
            found.append(check(call, "events:PutEvents", _bus(call, entry.get("EventBusName")),
                               context))
        return found or None
    rule = call.text("Rule") or (call.text("Name") if "Rule" in operation else None)
    if not rule:
        return None
    if not rule.startswith("arn:"):
        bus = call.text("EventBusName")
        bus_name = bus.rsplit("/", 1)[-1] if bus else None
        path = f"rule/{bus_name}/{rule}" if bus_name and bus_name != "default" else f"rule/{rule}"
        rule = f"arn:{call.partition}:events:{call.region}:{call.account_id}:{path}"
    found = [check(call, action_name("events", operation), rule)]
    if operation == "PutTargets" and isinstance(params.get("Targets"), list):
        for target in params["Targets"]:
            if isinstance(target, dict) and isinstance(target.get("RoleArn"), str):
                found += pass_role(target["RoleArn"], "events.amazonaws.com")
    if operation == "PutRule":
        found += pass_role(call.text("RoleArn"), "events.amazonaws.com")
    return found


def states_checks(call: Call) -> list[Check] | None:
    operation = call.operation
    resource = (call.text("stateMachineArn") or call.text("executionArn")
                or call.text("activityArn"))
    if operation == "CreateStateMachine" and call.text("name"):
        resource = (f"arn:{call.partition}:states:{call.region}:{call.account_id}:"
                    f"stateMachine:{call.params['name']}")
    if operation == "CreateActivity" and call.text("name"):
        resource = (f"arn:{call.partition}:states:{call.region}:{call.account_id}:"
                    f"activity:{call.params['name']}")
    if not resource:
        return None
    found = [check(call, action_name("states", operation), resource)]
    if operation in ("CreateStateMachine", "UpdateStateMachine"):
        found += pass_role(call.text("roleArn"), "states.amazonaws.com")
    return found


def ecs_checks(call: Call) -> list[Check] | None:
    """The task's roles are passed to ECS tasks when a task definition names them."""
    if call.operation not in ("RegisterTaskDefinition", "RunTask", "StartTask"):
        return None
    found = [check(call, action_name("ecs", call.operation))]
    overrides = call.params.get("overrides")
    roles = call.params if call.operation == "RegisterTaskDefinition" else (
        overrides if isinstance(overrides, dict) else {})
    for member in ("taskRoleArn", "executionRoleArn"):
        role = roles.get(member)
        found += pass_role(role if isinstance(role, str) else None, "ecs-tasks.amazonaws.com")
    return found


def rds_checks(call: Call) -> list[Check] | None:
    operation = call.operation
    action = action_name("rds", operation)
    for member, kind in _RDS_IDENTIFIERS:
        identifier = call.text(member)
        if identifier:
            resource = identifier if identifier.startswith("arn:") else (
                f"arn:{call.partition}:rds:{call.region}:{call.account_id}:{kind}:{identifier}")
            return [check(call, action, resource)]
    kind = _RDS_DESCRIBE.get(operation)
    if kind:
        return [check(call, action,
                      f"arn:{call.partition}:rds:{call.region}:{call.account_id}:{kind}:*")]
    return None


def cloudwatch_checks(call: Call) -> list[Check] | None:
    """PutMetricData is decided on ``*`` with ``cloudwatch:namespace``."""
    if call.operation == "PutMetricData" and call.text("Namespace"):
        return [check(call, "cloudwatch:PutMetricData", "*",
                      {"cloudwatch:namespace": call.params["Namespace"]})]
    names = call.params.get("AlarmNames")
    if isinstance(names, list) and names:
        return [check(call, action_name("cloudwatch", call.operation),
                      f"arn:{call.partition}:cloudwatch:{call.region}:{call.account_id}:"
                      f"alarm:{name}") for name in names]
    return None
