"""SQS, SNS, EventBridge, CloudWatch and Logs: resources named from URLs, names and ARNs."""

from rolecall.authz.services import Check, checks_for

from .service_params import assert_botocore_members

ACCOUNT = "111122223333"


def call(service: str, operation: str, **params) -> list[Check]:
    if service != "nosuch":
        assert_botocore_members(service, operation, params)
    return checks_for(service, operation, params, region="us-east-1", account_id=ACCOUNT)


def test_sqs_queue_url_names_the_queue_and_its_account():
    found = call("sqs", "SendMessage", QueueUrl="http://127.0.0.1:4566/222233334444/jobs",
                 MessageBody="x")
    assert found == [Check("sqs:SendMessage", "arn:aws:sqs:us-east-1:222233334444:jobs", {})]
    found = call("sqs", "SendMessageBatch", QueueUrl="https://sqs.us-east-1.amazonaws.com/"
                 "111122223333/jobs", Entries=[])
    assert found[0].action == "sqs:SendMessage"
    assert call("sqs", "DeleteMessageBatch", QueueUrl="http://h/1/q",
                Entries=[])[0].action == "sqs:DeleteMessage"
    found = call("sqs", "CreateQueue", QueueName="jobs", tags={"team": "red"})
    assert found == [Check("sqs:CreateQueue", f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs",
                           {"aws:RequestTag/team": "red", "aws:TagKeys": ["team"]})]
    assert call("sqs", "ListQueues")[0] == Check("sqs:ListQueues", "*", {})
    assert call("sqs", "GetQueueUrl", QueueName="jobs", QueueOwnerAWSAccountId="222233334444")[
        0].resource == "arn:aws:sqs:us-east-1:222233334444:jobs"


def test_sns_publish_topic_or_target():
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
    assert call("sns", "Publish", TopicArn=topic, Message="m") == [
        Check("sns:Publish", topic, {})]
    assert call("sns", "Publish", TargetArn=topic, Message="m")[0].resource == topic
    assert call("sns", "PublishBatch", TopicArn=topic,
                PublishBatchRequestEntries=[])[0].action == "sns:Publish"
    assert call("sns", "CreateTopic", Name="alerts")[0].resource == topic


def test_eventbridge_rules_events_and_targets():
    rule = f"arn:aws:events:us-east-1:{ACCOUNT}:rule"
    assert call("events", "PutRule", Name="r", EventPattern="{}")[0].resource == f"{rule}/r"
    assert call("events", "PutRule", Name="r", EventBusName="bus")[0].resource == (
        f"{rule}/bus/r")
    found = call("events", "PutEvents", Entries=[
        {"Source": "app", "DetailType": "d", "Detail": "{}"},
        {"Source": "b", "DetailType": "e", "Detail": "{}", "EventBusName": "bus"}])
    assert found == [
        Check("events:PutEvents", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default",
              {"events:source": "app", "events:detail-type": "d"}),
        Check("events:PutEvents", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/bus",
              {"events:source": "b", "events:detail-type": "e"})]
    found = call("events", "PutTargets", Rule="r", Targets=[
        {"Id": "1", "Arn": "arn:aws:sqs:us-east-1:1:q", "RoleArn": "arn:aws:iam::1:role/ev"}])
    assert found[1] == Check("iam:PassRole", "arn:aws:iam::1:role/ev",
                             {"iam:PassedToService": "events.amazonaws.com"})


def test_cloudwatch_and_logs():
    assert call("cloudwatch", "PutMetricData", Namespace="App", MetricData=[]) == [
        Check("cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": "App"})]
    assert call("cloudwatch", "DeleteAlarms", AlarmNames=["a"])[0].resource == (
        f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:a")
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app"
    assert call("logs", "CreateLogGroup", logGroupName="/app")[0].resource == group
    assert call("logs", "PutLogEvents", logGroupName="/app", logStreamName="s",
                logEvents=[])[0].resource == f"{group}:log-stream:s"


def test_fallback_for_a_service_without_corrections():
    found = call("iam", "CreateRole", RoleName="r", AssumeRolePolicyDocument="{}",
                 Tags=[{"Key": "a", "Value": "b"}])
    assert found == [Check("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/r",
                           {"aws:RequestTag/a": "b", "aws:TagKeys": ["a"]})]
    assert call("sesv2", "SendEmail")[0].action == "ses:SendEmail"
    assert call("nosuch", "DoThing") == [Check("nosuch:DoThing", "*", {})]


def test_warm_loads_the_reference_once():
    from rolecall.authz.services import reference, warm

    warm()
    assert reference._services.cache_info().currsize == 1
