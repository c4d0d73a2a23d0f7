"""Inline policies of users, groups and roles, through boto3 and the aws CLI."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})


def _doc(actions: list[str]) -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def _error(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    r = err.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_role_inline_policy_round_trip_keeps_document_text(aws, tmp_path):
    assert aws("iam", "create-role", "--role-name", "r",
               "--assume-role-policy-document", TRUST).returncode == 0
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", ' \
           '"Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]\n}'
    (tmp_path / "p.json").write_text(text)
    put = aws("iam", "put-role-policy", "--role-name", "r", "--policy-name", "ListB",
              "--policy-document", f"file://{tmp_path / 'p.json'}")
    assert put.returncode == 0, put.stderr
    assert aws("iam", "list-role-policies", "--role-name", "r").json == {"PolicyNames": ["ListB"]}
    got = aws("iam", "get-role-policy", "--role-name", "r", "--policy-name", "ListB").json
    assert got["RoleName"] == "r" and got["PolicyName"] == "ListB"
    assert got["PolicyDocument"] == json.loads(text)


def test_get_missing_inline_policy_names_the_entity_kind(iam):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    with pytest.raises(ClientError) as err:
        iam.get_user_policy(UserName="u", PolicyName="nope")
    assert _error(err) == ("NoSuchEntity", "The user policy with name nope cannot be found.", 404)
    with pytest.raises(ClientError) as err:
        iam.delete_group_policy(GroupName="g", PolicyName="nope")
    assert _error(err)[1] == "The group policy with name nope cannot be found."


def test_put_replaces_and_delete_removes(iam):
    iam.create_user(UserName="u")
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=_doc(["s3:GetObject"]))
    iam.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=_doc(["s3:PutObject"]))
    doc = iam.get_user_policy(UserName="u", PolicyName="p")["PolicyDocument"]
    assert doc["Statement"][0]["Action"] == ["s3:PutObject"]
    assert iam.list_user_policies(UserName="u")["PolicyNames"] == ["p"]
    iam.delete_user_policy(UserName="u", PolicyName="p")
    assert iam.list_user_policies(UserName="u")["PolicyNames"] == []


def test_malformed_inline_policy_is_refused(iam):
    iam.create_group(GroupName="g")
    with pytest.raises(ClientError) as err:
        iam.put_group_policy(GroupName="g", PolicyName="p", PolicyDocument="{not json")
    assert _error(err)[0] == "MalformedPolicyDocument"
    assert iam.list_group_policies(GroupName="g")["PolicyNames"] == []


def test_aggregate_inline_size_quota_per_user(iam):
    iam.create_user(UserName="u")
    actions = [f"s3:GetObject{i:04d}" for i in range(60)]  # about 1,1k characters each
    iam.put_user_policy(UserName="u", PolicyName="a", PolicyDocument=_doc(actions))
    with pytest.raises(ClientError) as err:
        iam.put_user_policy(UserName="u", PolicyName="b", PolicyDocument=_doc(actions))
    assert _error(err) == ("LimitExceeded",
                           "Maximum policy size of 2048 bytes exceeded for user u", 409)
    # replacing the one policy does not count it twice
    iam.put_user_policy(UserName="u", PolicyName="a", PolicyDocument=_doc(actions))


def test_role_inline_quota_is_10240(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    actions = [f"s3:GetObject{i:04d}" for i in range(300)]
    iam.put_role_policy(RoleName="r", PolicyName="a", PolicyDocument=_doc(actions))
    with pytest.raises(ClientError) as err:
        iam.put_role_policy(RoleName="r", PolicyName="b", PolicyDocument=_doc(actions))
    assert _error(err)[1] == "Maximum policy size of 10240 bytes exceeded for role r"
