"""JSON, query and REST-JSON services through the gateway: DynamoDB with
dynamodb:LeadingKeys, SQS, SNS, and Lambda's CreateFunction handing a role over
(iam:PassRole), each allowed and refused as AWS decides, in the service's own error."""

from __future__ import annotations

import io
import json
import secrets
import zipfile

import pytest
from botocore.exceptions import ClientError

from .gateway_helpers import client, user_with_policy


def _table(account) -> str:
    name = f"t{secrets.token_hex(4)}"
    client(account, "dynamodb").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


def test_dynamodb_leading_keys_limit_a_user_to_his_own_items(account):
    table = _table(account)
    arn = f"arn:aws:dynamodb:us-east-1:{account.account_id}:table/{table}"
    user = user_with_policy(account, [{
        "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
        "Resource": arn,
        "Condition": {"ForAllValues:StringEquals": {
            "dynamodb:LeadingKeys": ["${aws:username}"]}}}])
    ddb = client(account, "dynamodb", user)
    ddb.put_item(TableName=table, Item={"pk": {"S": user["name"]}, "v": {"N": "1"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": user["name"]}})
    assert got["Item"]["v"] == {"N": "1"}
    with pytest.raises(ClientError) as denied:
        ddb.put_item(TableName=table, Item={"pk": {"S": "someone-else"}})
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert denied.value.response["Error"]["Message"] == (
        f"User: {user['arn']} is not authorized to perform: dynamodb:PutItem on resource: "
        f"{arn} because no identity-based policy allows the dynamodb:PutItem action")
    with pytest.raises(ClientError) as scan:
        ddb.scan(TableName=table)
    assert scan.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "Item" not in client(account, "dynamodb").get_item(
        TableName=table, Key={"pk": {"S": "someone-else"}})


def test_sqs_send_allowed_on_one_queue_only(account):
    sqs_root = client(account, "sqs")
    url = sqs_root.create_queue(QueueName=f"q{secrets.token_hex(4)}")["QueueUrl"]
    other = sqs_root.create_queue(QueueName=f"o{secrets.token_hex(4)}")["QueueUrl"]
    name = url.rsplit("/", 1)[1]
    user = user_with_policy(account, [{
        "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
        "Resource": f"arn:aws:sqs:us-east-1:{account.account_id}:{name}"}])
    sqs = client(account, "sqs", user)
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]
    with pytest.raises(ClientError) as denied:
        sqs.send_message(QueueUrl=other, MessageBody="no")
    assert denied.value.response["Error"]["Code"] in ("AccessDenied", "AccessDeniedException")
    assert "sqs:SendMessage" in denied.value.response["Error"]["Message"]


def test_sns_publish_allowed_and_refused(account):
    sns_root = client(account, "sns")
    topic = sns_root.create_topic(Name=f"t{secrets.token_hex(4)}")["TopicArn"]
    other = sns_root.create_topic(Name=f"o{secrets.token_hex(4)}")["TopicArn"]
    assert topic.startswith(f"arn:aws:sns:us-east-1:{account.account_id}:")
    user = user_with_policy(account, [{"Effect": "Allow", "Action": "sns:Publish",
                                       "Resource": topic}])
    sns = client(account, "sns", user)
    assert sns.publish(TopicArn=topic, Message="m")["MessageId"]
    with pytest.raises(ClientError) as denied:
        sns.publish(TopicArn=other, Message="m")
    assert denied.value.response["Error"]["Code"] == "AuthorizationError"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_create_function_needs_pass_role(account):
    iam = account.client("iam")
    role = iam.create_role(RoleName=f"fn-{secrets.token_hex(3)}", AssumeRolePolicyDocument=
                           json.dumps({"Version": "2012-10-17", "Statement": [{
                               "Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]
    may_pass = user_with_policy(account, [
        {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": role["Arn"],
         "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}])
    may_not = user_with_policy(account, [
        {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*"}])
    created = client(account, "lambda", may_pass).create_function(
        FunctionName=f"f{secrets.token_hex(3)}", Runtime="python3.12", Role=role["Arn"],
        Handler="index.handler", Code={"ZipFile": _zip()})
    assert created["Role"] == role["Arn"]
    with pytest.raises(ClientError) as denied:
        client(account, "lambda", may_not).create_function(
            FunctionName=f"g{secrets.token_hex(3)}", Runtime="python3.12", Role=role["Arn"],
            Handler="index.handler", Code={"ZipFile": _zip()})
    error = denied.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["Error"]["Message"] == (
        f"User: {may_not['arn']} is not authorized to perform: iam:PassRole on resource: "
        f"{role['Arn']} because no identity-based policy allows the iam:PassRole action")


def test_run_instances_with_an_instance_profile_needs_pass_role_on_its_role(account):
    iam = account.client("iam")
    name = f"app-{secrets.token_hex(3)}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    run = {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
    may_pass = user_with_policy(account, [run, {
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": role["Role"]["Arn"]}])
    may_not = user_with_policy(account, [run])
    started = client(account, "ec2", may_pass).run_instances(
        ImageId="ami-03cf127a", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": name})
    profile = started["Instances"][0]["IamInstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{account.account_id}:instance-profile/{name}"
    with pytest.raises(ClientError) as denied:
        client(account, "ec2", may_not).run_instances(
            ImageId="ami-03cf127a", MinCount=1, MaxCount=1, IamInstanceProfile={"Name": name})
    error = denied.value.response["Error"]
    assert error["Code"] == "UnauthorizedOperation"
    assert (f"is not authorized to perform: iam:PassRole on resource: "
            f"{role['Role']['Arn']}") in error["Message"]
