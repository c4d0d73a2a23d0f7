"""AssumeRoleWithWebIdentity against a real HTTPS issuer, and IAM OIDC providers."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from joserfc.jwk import RSAKey

from tests.integration import test_oidc_issuer
from tests.integration.test_sts_support import error_of

AUDIENCE = "sts.amazonaws.com"
issuer = test_oidc_issuer.issuer  # the HTTPS issuer fixture


def anonymous_sts(account):
    return boto3.client("sts", endpoint_url=account.endpoint, region_name="us-east-1",
                        config=Config(signature_version=UNSIGNED,
                                      retries={"max_attempts": 1}))


def web_trust(account_id: str, host: str, condition: dict | None = None) -> str:
    statement = {"Effect": "Allow",
                 "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/{host}"},
                 "Action": "sts:AssumeRoleWithWebIdentity",
                 "Condition": condition or {"StringEquals": {f"{host}:aud": AUDIENCE}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def provider(iam, issuer):
    return iam.create_open_id_connect_provider(
        Url=issuer.url, ClientIDList=[AUDIENCE], ThumbprintList=[issuer.thumbprint],
        Tags=[{"Key": "env", "Value": "test"}])["OpenIDConnectProviderArn"]


@pytest.fixture
def web_role(iam, account, issuer, provider):
    return iam.create_role(RoleName="web", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host,
        {"StringEquals": {f"{issuer.host}:aud": AUDIENCE,
                          f"{issuer.host}:sub": "repo:org/app"}}))["Role"]["Arn"]


def test_provider_round_trip(iam, account, issuer, provider):
    assert provider == f"arn:aws:iam::{account.account_id}:oidc-provider/{issuer.host}"
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)
    assert got["Url"] == issuer.host
    assert got["ClientIDList"] == [AUDIENCE]
    assert got["ThumbprintList"] == [issuer.thumbprint]
    assert got["Tags"] == [{"Key": "env", "Value": "test"}]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider,
                                                  ClientID="other")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=provider,
                                                       ClientID=AUDIENCE)
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=provider,
                                                   ThumbprintList=["a" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)
    assert (got["ClientIDList"], got["ThumbprintList"]) == (["other"], ["a" * 40])
    listed = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert listed == [{"Arn": provider}]
    with pytest.raises(ClientError) as err:
        iam.create_open_id_connect_provider(Url=issuer.url, ThumbprintList=["b" * 40])
    assert error_of(err)[0] == "EntityAlreadyExists"
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider)
    with pytest.raises(ClientError) as err:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)
    assert error_of(err) == ("NoSuchEntity",
                             f"OpenIDConnect Provider not found for arn {provider}", 404)


def test_web_identity_token_gets_a_role_session(account, issuer, web_role):
    out = anonymous_sts(account).assume_role_with_web_identity(
        RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token())
    assert out["SubjectFromWebIdentityToken"] == "repo:org/app"
    assert out["Audience"] == AUDIENCE
    assert out["Provider"] == f"arn:aws:iam::{account.account_id}:oidc-provider/{issuer.host}"
    assert out["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{account.account_id}:assumed-role/web/ci")
    creds = out["Credentials"]
    me = account.client("sts", access_key_id=creds["AccessKeyId"],
                        secret_access_key=creds["SecretAccessKey"],
                        session_token=creds["SessionToken"]).get_caller_identity()
    assert me["Arn"] == out["AssumedRoleUser"]["Arn"]


def test_subject_not_allowed_by_the_trust_policy(account, issuer, web_role):
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token(sub="evil"))
    assert error_of(err) == ("AccessDenied",
                             "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)


def test_wrong_audience(account, issuer, web_role):
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token(aud="x"))
    assert error_of(err) == ("InvalidIdentityToken", "Incorrect token audience", 400)


def test_expired_token(account, issuer, web_role):
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci",
            WebIdentityToken=issuer.token(lifetime=-10))
    code, message, status = error_of(err)
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time ")


def test_token_signed_by_another_key(account, issuer, web_role):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token(key=stranger))
    assert error_of(err)[0] == "InvalidIdentityToken"


def test_not_a_jwt(account, web_role):
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci", WebIdentityToken="not-a-token")
    assert error_of(err)[0] == "InvalidIdentityToken"


def test_issuer_without_provider(iam, account, issuer):
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host))["Role"]["Arn"]
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="ci", WebIdentityToken=issuer.token())
    assert error_of(err) == (
        "InvalidIdentityToken",
        f"No OpenIDConnect provider found in your account for {issuer.url}", 400)


def test_thumbprint_mismatch(iam, account, issuer):
    iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                        ThumbprintList=["0" * 40])
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host))["Role"]["Arn"]
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="ci", WebIdentityToken=issuer.token())
    assert error_of(err) == (
        "InvalidIdentityToken",
        "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", 400)


def test_duration_over_role_maximum(account, issuer, web_role):
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="ci", WebIdentityToken=issuer.token(),
            DurationSeconds=7200)
    assert error_of(err)[1] == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
