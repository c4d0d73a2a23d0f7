"""Calls to other services are authenticated and decided by the caller's policies before
the gateway forwards them: page 004's EC2 and RDS checks, refused or allowed for AWS's
reasons."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

EXAMPLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:Describe*", "iam:ListRoles", "sts:AssumeRole"],
     "Resource": "*"}]})


@pytest.fixture
def bob(iam):
    iam.create_user(UserName="Bob")
    iam.put_user_policy(UserName="Bob", PolicyName="example", PolicyDocument=EXAMPLE_POLICY)
    key = iam.create_access_key(UserName="Bob")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _error(err) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_rds_call_not_allowed_by_any_policy_is_access_denied(account, bob):
    rds = account.client("rds", access_key_id=bob[0], secret_access_key=bob[1])
    with pytest.raises(ClientError) as err:
        rds.describe_db_instances()
    # RDS asks for every instance's ARN when no identifier is given, as AWS's own refusals
    # show (awslabs/pireporter#8: "on resource: arn:aws:rds:us-east-1:<id>:db:*").
    assert _error(err) == (
        "AccessDenied",
        f"User: arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:{account.account_id}:db:* "
        "because no identity-based policy allows the rds:DescribeDBInstances action",
        403,
    )


def test_allowed_ec2_call_is_answered_by_the_upstream(account, bob):
    ec2 = account.client("ec2", access_key_id=bob[0], secret_access_key=bob[1])
    assert ec2.describe_instances()["Reservations"] == []


def test_ec2_refusal_carries_a_message_only_decoders_may_read(iam, account, bob):
    ec2 = account.client("ec2", access_key_id=bob[0], secret_access_key=bob[1])
    with pytest.raises(ClientError) as err:
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    code, message, status = _error(err)
    assert (code, status) == ("UnauthorizedOperation", 403)
    # RunInstances is decided on the instance first, and AWS names it (unlike Describe*).
    assert message.startswith(
        "You are not authorized to perform this operation. User: "
        f"arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"ec2:RunInstances on resource: arn:aws:ec2:us-east-1:{account.account_id}:instance/* "
        "because no identity-based policy allows the ec2:RunInstances action."
        " Encoded authorization failure message: ")
    encoded = message.rsplit(": ", 1)[1]
    bob_sts = account.client("sts", access_key_id=bob[0], secret_access_key=bob[1])
    with pytest.raises(ClientError) as denied:
        bob_sts.decode_authorization_message(EncodedMessage=encoded)
    assert _error(denied)[0] == "AccessDenied"
    decoded = json.loads(
        account.client("sts").decode_authorization_message(EncodedMessage=encoded)[
            "DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "ec2:RunInstances"
    assert decoded["context"]["principal"]["arn"] == (
        f"arn:aws:iam::{account.account_id}:user/Bob")
    keys = {item["key"] for item in decoded["context"]["conditions"]["items"]}
    assert {"aws:RequestedRegion", "aws:SourceIp"} <= keys
    with pytest.raises(ClientError) as bad:
        account.client("sts").decode_authorization_message(EncodedMessage=encoded[:-4] + "AAAA")
    assert _error(bad)[0] == "InvalidAuthorizationMessageException"


def test_cli_rds_describe_db_instances_is_refused_for_bob(aws, bob):
    result = aws("rds", "describe-db-instances", env={
        "AWS_ACCESS_KEY_ID": bob[0], "AWS_SECRET_ACCESS_KEY": bob[1],
        "AWS_DEFAULT_REGION": "eu-west-1"})
    assert result.returncode != 0
    assert "AccessDenied" in result.stderr
    assert "rds:DescribeDBInstances" in result.stderr
