"""boto3's own requests for the fifteen services the gateway serves most, read back by
rolecall.protocol.inbound: the same operation and the same params."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .inbound_wire import sent_by_boto3

WHEN = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)

# (boto3 service, method, params, expected model, operation, protocol)
CASES: list[tuple[str, str, dict[str, Any], str, str, str]] = [
    ("s3", "list_buckets", {}, "s3", "ListBuckets", "rest-xml"),
    (
        "s3",
        "get_object",
        {"Bucket": "b", "Key": "a/b c.txt", "Range": "bytes=0-9"},
        "s3",
        "GetObject",
        "rest-xml",
    ),
    (
        "s3",
        "head_object",
        {"Bucket": "b", "Key": "k", "VersionId": "v1"},
        "s3",
        "HeadObject",
        "rest-xml",
    ),
    (
        "s3",
        "put_object_tagging",
        {"Bucket": "b", "Key": "k", "Tagging": {"TagSet": [{"Key": "a", "Value": "1"}]}},
        "s3",
        "PutObjectTagging",
        "rest-xml",
    ),
    (
        "s3",
        "put_bucket_policy",
        {"Bucket": "b", "Policy": '{"Version":"2012-10-17"}'},
        "s3",
        "PutBucketPolicy",
        "rest-xml",
    ),
    (
        "ec2",
        "describe_instances",
        {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "tag:a", "Values": ["x", "y"]}]},
        "ec2",
        "DescribeInstances",
        "ec2",
    ),
    (
        "ec2",
        "run_instances",
        {
            "ImageId": "ami-1",
            "MinCount": 1,
            "MaxCount": 2,
            "SecurityGroupIds": ["sg-1"],
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}
            ],
            "IamInstanceProfile": {"Arn": "arn:aws:iam::111122223333:instance-profile/p"},
        },
        "ec2",
        "RunInstances",
        "ec2",
    ),
    (
        "ec2",
        "create_tags",
        {"Resources": ["i-1"], "Tags": [{"Key": "k", "Value": "v"}]},
        "ec2",
        "CreateTags",
        "ec2",
    ),
    (
        "rds",
        "create_db_instance",
        {
            "DBInstanceIdentifier": "db",
            "DBInstanceClass": "db.t3.micro",
            "Engine": "postgres",
            "AllocatedStorage": 20,
            "MultiAZ": True,
            "Tags": [{"Key": "k", "Value": "v"}],
        },
        "rds",
        "CreateDBInstance",
        "query",
    ),
    ("rds", "describe_db_instances", {"MaxRecords": 20}, "rds", "DescribeDBInstances", "query"),
    (
        "dynamodb",
        "put_item",
        {"TableName": "t", "Item": {"pk": {"S": "1"}, "n": {"N": "2"}, "b": {"B": b"\x00\x01"}}},
        "dynamodb",
        "PutItem",
        "json",
    ),
    (
        "dynamodb",
        "query",
        {
            "TableName": "t",
            "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "1"}},
            "Limit": 5,
            "ConsistentRead": True,
        },
        "dynamodb",
        "Query",
        "json",
    ),
    (
        "dynamodbstreams",
        "list_streams",
        {"TableName": "table"},
        "dynamodbstreams",
        "ListStreams",
        "json",
    ),
    (
        "sqs",
        "send_message",
        {
            "QueueUrl": "http://127.0.0.1:9/111122223333/q",
            "MessageBody": "hi",
            "DelaySeconds": 3,
            "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": b"\xff"}},
        },
        "sqs",
        "SendMessage",
        "json",
    ),
    (
        "sqs",
        "create_queue",
        {"QueueName": "q", "Attributes": {"VisibilityTimeout": "40"}},
        "sqs",
        "CreateQueue",
        "json",
    ),
    (
        "sns",
        "publish",
        {
            "TopicArn": "arn:aws:sns:us-east-1:111122223333:t",
            "Message": "m",
            "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}},
        },
        "sns",
        "Publish",
        "query",
    ),
    (
        "sns",
        "subscribe",
        {
            "TopicArn": "arn:aws:sns:us-east-1:111122223333:t",
            "Protocol": "sqs",
            "Endpoint": "arn:aws:sqs:us-east-1:111122223333:q",
            "Attributes": {"RawMessageDelivery": "true"},
        },
        "sns",
        "Subscribe",
        "query",
    ),
    (
        "lambda",
        "create_function",
        {
            "FunctionName": "f",
            "Role": "arn:aws:iam::111122223333:role/r",
            "Runtime": "python3.12",
            "Handler": "h.h",
            "Code": {"ZipFile": b"PK\x03\x04"},
            "Timeout": 30,
            "Environment": {"Variables": {"A": "1"}},
        },
        "lambda",
        "CreateFunction",
        "rest-json",
    ),
    (
        "lambda",
        "get_function",
        {"FunctionName": "f", "Qualifier": "3"},
        "lambda",
        "GetFunction",
        "rest-json",
    ),
    (
        "lambda",
        "add_permission",
        {
            "FunctionName": "arn:aws:lambda:us-east-1:111122223333:function:f",
            "StatementId": "s",
            "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com",
        },
        "lambda",
        "AddPermission",
        "rest-json",
    ),
    (
        "lambda",
        "list_functions",
        {"MaxItems": 5, "Marker": "m"},
        "lambda",
        "ListFunctions",
        "rest-json",
    ),
    (
        "kms",
        "encrypt",
        {"KeyId": "alias/k", "Plaintext": b"abc", "EncryptionContext": {"a": "b"}},
        "kms",
        "Encrypt",
        "json",
    ),
    (
        "kms",
        "create_key",
        {"Description": "d", "Tags": [{"TagKey": "k", "TagValue": "v"}]},
        "kms",
        "CreateKey",
        "json",
    ),
    (
        "secretsmanager",
        "get_secret_value",
        {"SecretId": "s", "VersionStage": "AWSCURRENT"},
        "secretsmanager",
        "GetSecretValue",
        "json",
    ),
    (
        "secretsmanager",
        "create_secret",
        {
            "Name": "s",
            "SecretString": "x",
            "ClientRequestToken": "0123456789abcdef0123456789abcdef",
        },
        "secretsmanager",
        "CreateSecret",
        "json",
    ),
    (
        "ssm",
        "get_parameters",
        {"Names": ["/a/b", "/c"], "WithDecryption": True},
        "ssm",
        "GetParameters",
        "json",
    ),
    (
        "ssm",
        "put_parameter",
        {"Name": "/a", "Value": "v", "Type": "SecureString", "Overwrite": True},
        "ssm",
        "PutParameter",
        "json",
    ),
    (
        "logs",
        "put_log_events",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "logEvents": [{"timestamp": 1, "message": "m"}],
        },
        "logs",
        "PutLogEvents",
        "json",
    ),
    (
        "logs",
        "filter_log_events",
        {"logGroupName": "g", "startTime": 5, "limit": 10},
        "logs",
        "FilterLogEvents",
        "json",
    ),
    ("ecr", "get_authorization_token", {}, "ecr", "GetAuthorizationToken", "json"),
    (
        "ecr",
        "batch_get_image",
        {"repositoryName": "repo", "imageIds": [{"imageTag": "latest"}]},
        "ecr",
        "BatchGetImage",
        "json",
    ),
    (
        "kinesis",
        "put_record",
        {"StreamName": "s", "Data": b"\x01\x02", "PartitionKey": "p"},
        "kinesis",
        "PutRecord",
        "json",
    ),
    (
        "kinesis",
        "get_shard_iterator",
        {
            "StreamName": "s",
            "ShardId": "shard-1",
            "ShardIteratorType": "AT_TIMESTAMP",
            "Timestamp": WHEN,
        },
        "kinesis",
        "GetShardIterator",
        "json",
    ),
    (
        "events",
        "put_events",
        {"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}", "Time": WHEN}]},
        "events",
        "PutEvents",
        "json",
    ),
    (
        "events",
        "put_rule",
        {"Name": "r", "ScheduleExpression": "rate(1 minute)"},
        "events",
        "PutRule",
        "json",
    ),
    (
        "stepfunctions",
        "start_execution",
        {"stateMachineArn": "arn:aws:states:us-east-1:111122223333:stateMachine:m", "input": "{}"},
        "stepfunctions",
        "StartExecution",
        "json",
    ),
    (
        "stepfunctions",
        "list_executions",
        {
            "stateMachineArn": "arn:aws:states:us-east-1:111122223333:stateMachine:m",
            "maxResults": 10,
        },
        "stepfunctions",
        "ListExecutions",
        "json",
    ),
    (
        "cloudwatch",
        "get_metric_statistics",
        {
            "Namespace": "n",
            "MetricName": "m",
            "StartTime": WHEN,
            "EndTime": WHEN,
            "Period": 60,
            "Statistics": ["Average"],
        },
        "cloudwatch",
        "GetMetricStatistics",
        "json",
    ),
]


@pytest.mark.parametrize(
    ("service", "method", "params", "model", "operation", "protocol"),
    CASES,
    ids=[f"{c[0]}.{c[1]}" for c in CASES],
)
def test_boto3_request_is_read_back_as_its_operation_and_params(
    service, method, params, model, operation, protocol
):
    wire = sent_by_boto3(service, method, **params)
    found = wire.identify()
    assert found is not None
    assert (found.service, found.operation.name, found.protocol) == (model, operation, protocol)
    parsed = wire.parse(found)
    # Everything given comes back; boto3 may add members of its own (checksums, tokens).
    assert {key: parsed.get(key) for key in params} == params
