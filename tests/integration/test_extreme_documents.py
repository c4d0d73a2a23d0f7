"""A document holding a number of thousands of digits is answered, never a 500, wherever
IAM or STS reads a policy document."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

HUGE = "9" * 5000
DOC = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",'
       '"Condition":{"NumericLessThan":{"s3:max-keys":' + HUGE + '}}}}')
TRUST = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":'
         '"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":'
         '{"aws:MultiFactorAuthAge":' + HUGE + '}}}}')


def answered(call, *args, **kwargs) -> int:
    try:
        call(*args, **kwargs)
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"]
    return 200


def test_every_policy_reader_answers(iam, sts, account):
    iam.create_user(UserName="huge")
    iam.create_role(RoleName="huge-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "AWS": f"arn:aws:iam::{account.account_id}:root"}, "Action": "sts:AssumeRole"}]}))
    calls = [
        (iam.create_policy, {"PolicyName": "huge", "PolicyDocument": DOC}),
        (iam.put_user_policy, {"UserName": "huge", "PolicyName": "p", "PolicyDocument": DOC}),
        (iam.create_role, {"RoleName": "huge-trust", "AssumeRolePolicyDocument": TRUST}),
        (iam.update_assume_role_policy, {"RoleName": "huge-role", "PolicyDocument": TRUST}),
        (iam.simulate_custom_policy, {"PolicyInputList": [DOC],
                                      "ActionNames": ["s3:ListBucket"]}),
        (iam.get_context_keys_for_custom_policy, {"PolicyInputList": [DOC]}),
        (sts.get_federation_token, {"Name": "huge", "Policy": DOC}),
    ]
    for call, params in calls:
        status = answered(call, **params)
        assert status < 500, (call, status)
