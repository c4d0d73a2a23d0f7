"""Resource-based policies in the gateway's decisions: S3 bucket policies within and across
accounts, an explicit Deny beating AdministratorAccess, a changed policy deciding the very
next call, an SQS queue shared with another account, and KMS keys whose policy must allow."""

from __future__ import annotations

import json
import secrets

import pytest
from botocore.exceptions import ClientError

from ..conftest import new_account
from .gateway_helpers import client, user_with_policy

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _bucket(account) -> str:
    name = f"rp-{secrets.token_hex(6)}"
    client(account, "s3").create_bucket(Bucket=name)
    client(account, "s3").put_object(Bucket=name, Key="shared/report.txt", Body=b"data")
    return name


def _bucket_policy(bucket: str, principal: str, effect: str = "Allow",
                   action: str = "s3:GetObject") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": effect, "Principal": {"AWS": principal}, "Action": action,
        "Resource": f"arn:aws:s3:::{bucket}/shared/*"}]})


def _admin(account) -> dict:
    key = user_with_policy(account, [{"Effect": "Allow", "Action": "sqs:ListQueues",
                                      "Resource": "*"}])
    account.client("iam").attach_user_policy(UserName=key["name"], PolicyArn=ADMIN)
    return key


def test_a_bucket_policy_naming_a_user_is_enough_in_the_same_account(account):
    bucket = _bucket(account)
    reader = user_with_policy(account, [{"Effect": "Allow", "Action": "sqs:ListQueues",
                                         "Resource": "*"}])
    s3 = client(account, "s3", reader)
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="shared/report.txt")
    client(account, "s3").put_bucket_policy(Bucket=bucket,
                                            Policy=_bucket_policy(bucket, reader["arn"]))
    # The very next call is decided by the new policy.
    assert s3.get_object(Bucket=bucket, Key="shared/report.txt")["Body"].read() == b"data"
    client(account, "s3").delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="shared/report.txt")


def test_cross_account_access_needs_the_bucket_policy_and_an_identity_policy(server, account):
    bucket = _bucket(account)
    other = new_account(server)
    allowed_statement = {"Effect": "Allow", "Action": "s3:GetObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*"}
    with_identity = user_with_policy(other, [allowed_statement])
    without_identity = user_with_policy(other, [{"Effect": "Allow", "Action": "sqs:ListQueues",
                                                 "Resource": "*"}])
    with pytest.raises(ClientError) as no_grant:
        client(other, "s3", with_identity).get_object(Bucket=bucket, Key="shared/report.txt")
    assert no_grant.value.response["Error"]["Code"] == "AccessDenied"
    client(account, "s3").put_bucket_policy(
        Bucket=bucket, Policy=_bucket_policy(bucket, f"arn:aws:iam::{other.account_id}:root"))
    got = client(other, "s3", with_identity).get_object(Bucket=bucket, Key="shared/report.txt")
    assert got["Body"].read() == b"data"
    with pytest.raises(ClientError) as no_identity:
        client(other, "s3", without_identity).get_object(Bucket=bucket,
                                                         Key="shared/report.txt")
    assert no_identity.value.response["Error"]["Message"].endswith(
        "because no identity-based policy allows the s3:GetObject action")
    with pytest.raises(ClientError):
        client(other, "s3", with_identity).get_object(Bucket=bucket, Key="private.txt")


def test_an_explicit_deny_in_a_bucket_policy_beats_administrator_access(account):
    bucket = _bucket(account)
    admin = _admin(account)
    s3 = client(account, "s3", admin)
    assert s3.get_object(Bucket=bucket, Key="shared/report.txt")["Body"].read() == b"data"
    client(account, "s3").put_bucket_policy(
        Bucket=bucket, Policy=_bucket_policy(bucket, "*", effect="Deny"))
    with pytest.raises(ClientError) as denied:
        s3.get_object(Bucket=bucket, Key="shared/report.txt")
    assert denied.value.response["Error"]["Message"] == (
        f"User: {admin['arn']} is not authorized to perform: s3:GetObject on resource: "
        f'"arn:aws:s3:::{bucket}/shared/report.txt" with an explicit deny in a resource-based '
        "policy")
    with pytest.raises(ClientError):
        client(account, "s3").get_object(Bucket=bucket, Key="shared/report.txt")


def test_a_queue_shared_with_another_account(server, account):
    url = client(account, "sqs").create_queue(QueueName=f"q{secrets.token_hex(4)}")["QueueUrl"]
    queue_arn = (f"arn:aws:sqs:us-east-1:{account.account_id}:" + url.rsplit("/", 1)[1])
    other = new_account(server)
    sender = user_with_policy(other, [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                       "Resource": queue_arn}])
    with pytest.raises(ClientError):
        client(other, "sqs", sender).send_message(QueueUrl=url, MessageBody="early")
    client(account, "sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other.account_id}:root"},
            "Action": "sqs:SendMessage", "Resource": queue_arn}]})})
    client(other, "sqs", sender).send_message(QueueUrl=url, MessageBody="shared")
    got = client(account, "sqs").receive_message(QueueUrl=url)["Messages"]
    assert [m["Body"] for m in got] == ["shared"]


def test_a_kms_key_policy_that_does_not_delegate_refuses_an_administrator(account):
    admin = _admin(account)
    kms_root = client(account, "kms")
    open_key = kms_root.create_key()["KeyMetadata"]["KeyId"]
    kms = client(account, "kms", admin)
    assert kms.encrypt(KeyId=open_key, Plaintext=b"x")["CiphertextBlob"]
    closed = kms_root.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"},
        "Action": "kms:DescribeKey", "Resource": "*"}]}))["KeyMetadata"]
    with pytest.raises(ClientError) as denied:
        kms.encrypt(KeyId=closed["KeyId"], Plaintext=b"x")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert denied.value.response["Error"]["Message"] == (
        f"User: {admin['arn']} is not authorized to perform: kms:Encrypt on resource: "
        f"{closed['Arn']} because no resource-based policy allows the kms:Encrypt action")
    assert kms.describe_key(KeyId=closed["KeyId"])["KeyMetadata"]["KeyId"] == closed["KeyId"]
