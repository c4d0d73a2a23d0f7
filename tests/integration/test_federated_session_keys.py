"""A web-identity session's provider keys work in the role's permission policies, as
AWS documents for per-user resources such as ``${provider:sub}``."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.integration import test_oidc_web_identity as web

issuer = web.issuer
provider = web.provider
web_role = web.web_role


def test_provider_sub_is_a_policy_variable_in_the_sessions_permissions(iam, account, issuer,
                                                                       web_role):
    host = issuer.host
    iam.put_role_policy(RoleName="web", PolicyName="own-user", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser",
                       "Resource": f"arn:aws:iam::{account.account_id}:user/${{{host}:sub}}"},
                      {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                       "Condition": {"StringEquals": {f"{host}:aud": web.AUDIENCE}}}],
    }))
    out = web.anonymous_sts(account).assume_role_with_web_identity(
        RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token())
    creds = out["Credentials"]
    session = account.client("iam", access_key_id=creds["AccessKeyId"],
                              secret_access_key=creds["SecretAccessKey"],
                              session_token=creds["SessionToken"])
    session.list_users()  # the aud condition holds for this session
    with pytest.raises(ClientError) as err:  # sub is "repo:org/app", not "someone"
        session.get_user(UserName="someone")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
