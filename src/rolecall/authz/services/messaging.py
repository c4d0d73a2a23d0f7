"""SQS and SNS: queues named by URL, batch calls decided as their single actions, topics.

SQS batch actions take the single action's permission: SendMessageBatch needs
sqs:SendMessage, and so on ("Amazon SQS batch actions",
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html). A
queue URL ``http://host/ACCOUNT/name`` names the queue's account.
"""

from __future__ import annotations

from .call import Call, Check
from .default import action_name, check

_SQS_BATCH = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
              "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}
_SNS_RENAMED = {"PublishBatch": "Publish"}


def queue_arn(call: Call, url: str) -> str:
    parts = [p for p in url.split("?", 1)[0].split("/") if p]
    if url.startswith("arn:"):
        return url
    name = parts[-1] if parts else url
    account = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else call.account_id
    return f"arn:{call.partition}:sqs:{call.region}:{account}:{name}"


def sqs_checks(call: Call) -> list[Check] | None:
    action = action_name("sqs", _SQS_BATCH.get(call.operation, call.operation))
    url, name = call.text("QueueUrl"), call.text("QueueName")
    if url:
        return [check(call, action, queue_arn(call, url))]
    if name and call.operation in ("CreateQueue", "GetQueueUrl"):
        owner = call.text("QueueOwnerAWSAccountId") or call.account_id
        return [check(call, action, f"arn:{call.partition}:sqs:{call.region}:{owner}:{name}")]
    return None


def sns_checks(call: Call) -> list[Check] | None:
    operation = call.operation
    action = action_name("sns", _SNS_RENAMED.get(operation, operation))
    target = call.text("TopicArn") or call.text("TargetArn") or call.text("ResourceArn")
    if target:
        return [check(call, action, target)]
    if operation == "CreateTopic" and call.text("Name"):
        return [check(call, action, f"arn:{call.partition}:sns:{call.region}:"
                                    f"{call.account_id}:{call.params['Name']}")]
    if operation == "Publish":
        return [check(call, action, "*")]  # to a phone number: no resource
    return None
