"""Set-up shared by the STS tests: users with keys and policies, roles, virtual MFA devices.

Everything is created through IAM as the account root, as an administrator would.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import boto3
import pyotp
import pytest
from botocore.config import Config

ALLOW_ASSUME = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def trust(principal: dict, condition: dict | None = None,
          actions: str | list[str] = "sts:AssumeRole") -> str:
    statement: dict = {"Effect": "Allow", "Principal": principal, "Action": actions}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass
class Keys:
    access_key_id: str
    secret_access_key: str


def make_user(iam, name: str, policy: dict | None = ALLOW_ASSUME) -> Keys:
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="assume",
                            PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Keys(key["AccessKeyId"], key["SecretAccessKey"])


def make_role(iam, name: str, trust_policy: str, *, max_session: int | None = None,
              policy: dict | None = None, path: str = "/") -> str:
    extra = {"MaxSessionDuration": max_session} if max_session else {}
    arn = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust_policy,
                          **extra)["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="perm", PolicyDocument=json.dumps(policy))
    return arn


def client_for(account, service: str, keys: Keys | dict):
    if isinstance(keys, dict):  # a Credentials structure from STS
        return account.client(service, access_key_id=keys["AccessKeyId"],
                              secret_access_key=keys["SecretAccessKey"],
                              session_token=keys["SessionToken"])
    return account.client(service, access_key_id=keys.access_key_id,
                          secret_access_key=keys.secret_access_key)


def unvalidated_client(account, service: str, keys: Keys):
    """A client that sends what it is given, as SDKs without client-side validation do."""
    return boto3.client(service, endpoint_url=account.endpoint, region_name="us-east-1",
                        aws_access_key_id=keys.access_key_id,
                        aws_secret_access_key=keys.secret_access_key,
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def enable_virtual_mfa(iam, user: str, at: float | None = None) -> tuple[str, str]:
    """A virtual MFA device enabled for ``user`` with two consecutive codes computed for the
    time steps before ``at``; returns (serial, Base32 seed)."""
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    at = time.time() if at is None else at
    totp = pyotp.TOTP(seed)
    iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp.at(at - 60),
                          AuthenticationCode2=totp.at(at - 30))
    return device["SerialNumber"], seed


def code(seed: str, at: float) -> str:
    return pyotp.TOTP(seed).at(at)
