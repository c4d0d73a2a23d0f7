"""Attribute-based access through the gateway: aws:ResourceTag on EC2 instances and
s3:ExistingObjectTag on S3 objects, read from the upstream, and a tag changed through the
gateway deciding the very next call."""

from __future__ import annotations

import secrets

import pytest
from botocore.exceptions import ClientError

from .gateway_helpers import client, user_with_policy

MOTO_AMI = "ami-03cf127a"


def _instance(account, team: str) -> str:
    return client(account, "ec2").run_instances(
        ImageId=MOTO_AMI, MinCount=1, MaxCount=1, TagSpecifications=[{
            "ResourceType": "instance", "Tags": [{"Key": "Team", "Value": team}]}],
    )["Instances"][0]["InstanceId"]


def test_ec2_actions_limited_to_instances_of_the_callers_team(account):
    blue, red = _instance(account, "blue"), _instance(account, "red")
    operator = user_with_policy(account, [{
        "Effect": "Allow", "Action": ["ec2:StopInstances", "ec2:StartInstances"],
        "Resource": f"arn:aws:ec2:us-east-1:{account.account_id}:instance/*",
        "Condition": {"StringEquals": {"aws:ResourceTag/Team": "blue"}}}])
    ec2 = client(account, "ec2", operator)
    stopped = ec2.stop_instances(InstanceIds=[blue])["StoppingInstances"]
    assert stopped[0]["InstanceId"] == blue
    with pytest.raises(ClientError) as denied:
        ec2.stop_instances(InstanceIds=[red])
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    client(account, "ec2").create_tags(Resources=[red], Tags=[{"Key": "Team", "Value": "blue"}])
    assert ec2.stop_instances(InstanceIds=[red])["StoppingInstances"][0]["InstanceId"] == red


def test_s3_reads_limited_to_objects_tagged_public(account):
    bucket = f"tags-{secrets.token_hex(5)}"
    root = client(account, "s3")
    root.create_bucket(Bucket=bucket)
    root.put_object(Bucket=bucket, Key="open.txt", Body=b"open", Tagging="classification=public")
    root.put_object(Bucket=bucket, Key="closed.txt", Body=b"closed",
                    Tagging="classification=secret")
    reader = user_with_policy(account, [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "public"}}}])
    s3 = client(account, "s3", reader)
    assert s3.get_object(Bucket=bucket, Key="open.txt")["Body"].read() == b"open"
    with pytest.raises(ClientError) as denied:
        s3.get_object(Bucket=bucket, Key="closed.txt")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    root.put_object_tagging(Bucket=bucket, Key="closed.txt", Tagging={
        "TagSet": [{"Key": "classification", "Value": "public"}]})
    assert s3.get_object(Bucket=bucket, Key="closed.txt")["Body"].read() == b"closed"
