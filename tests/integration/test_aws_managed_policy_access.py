"""AWS managed policies are every account's to read: an administrator's identity policy is
enough (no resource-based policy is needed), and changes are refused in IAM's words."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
DOC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})


def admin_client(account, iam, name: str):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="admin", PolicyDocument=ADMIN)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return account.client("iam", access_key_id=key["AccessKeyId"],
                          secret_access_key=key["SecretAccessKey"])


def test_an_administrator_reads_aws_managed_policies(account, iam):
    admin = admin_client(account, iam, "admin")
    policy = admin.get_policy(PolicyArn=READ_ONLY)["Policy"]
    assert policy["Arn"] == READ_ONLY
    assert policy["Tags"] == []  # recorded GetPolicy of an AWS managed policy
    version = admin.get_policy_version(PolicyArn=READ_ONLY,
                                       VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True


def test_an_older_version_a_recording_shows_is_listed_and_read(iam):
    # GetAccountAuthorizationDetails recorded AmazonS3FullAccess with v2 (default) and v1
    # (LocalStack's AWS-validated test_iam_account_authorization_details snapshot)
    arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    listed = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed] == [
        ("v2", True), ("v1", False)]
    old = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert old["IsDefaultVersion"] is False
    assert old["Document"]["Statement"] == [{"Effect": "Allow", "Action": "s3:*",
                                             "Resource": "*"}]
    assert old["CreateDate"] == iam.get_policy(PolicyArn=arn)["Policy"]["CreateDate"]
    with pytest.raises(ClientError) as err:
        iam.get_policy_version(PolicyArn=arn, VersionId="v3")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"


def test_a_user_without_policies_is_still_refused(account, iam):
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = account.client("iam", access_key_id=key["AccessKeyId"],
                            secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as err:
        nobody.get_policy(PolicyArn=READ_ONLY)
    error = err.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"].endswith(
        "because no identity-based policy allows the iam:GetPolicy action")


@pytest.mark.parametrize(("call", "words"), [
    (lambda c: c.delete_policy(PolicyArn=READ_ONLY), "delete policies"),
    (lambda c: c.create_policy_version(PolicyArn=READ_ONLY, PolicyDocument=DOC),
     "create policy versions"),
])
def test_changes_to_aws_managed_policies_are_refused(account, iam, call, words):
    admin = admin_client(account, iam, "changer")
    with pytest.raises(ClientError) as err:
        call(admin)
    error = err.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "AccessDenied", f"Cannot {words} outside your own account.")
