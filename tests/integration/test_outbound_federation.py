"""Outbound web identity federation over HTTP: the account's issuer, its discovery document
and JWKS, and GetWebIdentityToken's JWTs verified by an independent library (PyJWT)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import jwt as pyjwt
import pytest
import sqlalchemy
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import new_account, scratch_database, start_server, stop_server
from tests.integration.test_oidc_web_identity import anonymous_sts, web_trust
from tests.integration.test_sts_support import error_of

NAMESPACE = "https://sts.amazonaws.com/"
AUDIENCE = "https://api.example.com"


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["content-type"] == "application/json"
        return json.loads(response.read())


def _allow(iam, user: str, condition: dict | None = None) -> None:
    statement: dict = {"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    iam.put_user_policy(UserName=user, PolicyName="jwt", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))


def _user_sts(account, iam, name: str = "worker", condition: dict | None = None):
    iam.create_user(UserName=name)
    _allow(iam, name, condition)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    # No client-side validation: the server's own checks are under test.
    return boto3.client("sts", endpoint_url=account.endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"],
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def verify(token: str, issuer: str, audience: str | list[str] = AUDIENCE) -> dict:
    """Verify the token as an external service would: discovery → jwks_uri → signature."""
    discovery = _get_json(issuer + "/.well-known/openid-configuration")
    assert discovery["issuer"] == issuer
    jwks = pyjwt.PyJWKSet.from_dict(_get_json(discovery["jwks_uri"]))
    kid = pyjwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    return pyjwt.decode(token, key.key, algorithms=discovery[
        "id_token_signing_alg_values_supported"], audience=audience, issuer=issuer)


def test_enable_get_disable_and_their_errors(iam, account, server):
    with pytest.raises(ClientError) as err:
        iam.get_outbound_web_identity_federation_info()
    assert error_of(err)[0::2] == ("FeatureDisabled", 404)
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert issuer.startswith(server.endpoint + "/_rolecall/outbound/")
    with pytest.raises(ClientError) as err:
        iam.enable_outbound_web_identity_federation()
    assert error_of(err)[0::2] == ("FeatureEnabled", 409)
    info = iam.get_outbound_web_identity_federation_info()
    assert (info["IssuerIdentifier"], info["JwtVendingEnabled"]) == (issuer, True)
    iam.disable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as err:
        iam.disable_outbound_web_identity_federation()
    assert error_of(err)[0::2] == ("FeatureDisabled", 404)
    info = iam.get_outbound_web_identity_federation_info()
    assert (info["IssuerIdentifier"], info["JwtVendingEnabled"]) == (issuer, False)
    # Enabling again keeps the issuer external services were told to trust.
    assert iam.enable_outbound_web_identity_federation()["IssuerIdentifier"] == issuer


def test_other_accounts_issuers_differ_and_unknown_ones_are_not_found(iam, server):
    mine = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    other = new_account(server).client("iam").enable_outbound_web_identity_federation()
    assert other["IssuerIdentifier"] != mine
    unknown = server.endpoint + "/_rolecall/outbound/00000000-0000-4000-8000-000000000000"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(unknown + "/.well-known/jwks.json", timeout=10)
    assert err.value.code == 404


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_token_verifies_against_the_published_jwks(iam, account, algorithm):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    sts = _user_sts(account, iam)
    iam.tag_user(UserName="worker", Tags=[{"Key": "team", "Value": "data"}])
    before = int(time.time())
    out = sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm=algorithm,
                                     Tags=[{"Key": "job", "Value": "nightly"}])
    assert pyjwt.get_unverified_header(out["WebIdentityToken"])["alg"] == algorithm
    claims = verify(out["WebIdentityToken"], issuer)
    assert claims["sub"] == f"arn:aws:iam::{account.account_id}:user/worker"
    assert claims["aud"] == AUDIENCE
    assert claims["exp"] - claims["iat"] == 300  # the default duration
    assert before - 1 <= claims["iat"] <= int(time.time()) + 1
    assert int(out["Expiration"].timestamp()) == claims["exp"]
    assert claims["jti"]
    assert claims[NAMESPACE] == {"aws_account": account.account_id,
                                 "source_region": "us-east-1",
                                 "principal_tags": {"team": "data"},
                                 "request_tags": {"job": "nightly"}}


def test_several_audiences_and_a_duration(iam, account):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    sts = _user_sts(account, iam)
    out = sts.get_web_identity_token(Audience=["a.example", "b.example"],
                                     SigningAlgorithm="RS256", DurationSeconds=3600)
    claims = verify(out["WebIdentityToken"], issuer, audience="b.example")
    assert claims["aud"] == ["a.example", "b.example"]
    assert claims["exp"] - claims["iat"] == 3600


def test_a_tampered_token_does_not_verify(iam, account):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    token = _user_sts(account, iam).get_web_identity_token(
        Audience=[AUDIENCE], SigningAlgorithm="ES384")["WebIdentityToken"]
    header, _, signature = token.split(".")
    forged = pyjwt.utils.base64url_encode(json.dumps(
        {**pyjwt.decode(token, options={"verify_signature": False}),
         "sub": "arn:aws:iam::111111111111:root"}).encode()).decode()
    with pytest.raises(pyjwt.InvalidSignatureError):
        verify(f"{header}.{forged}.{signature}", issuer)


@pytest.mark.parametrize("duration", [59, 3601])
def test_duration_limits(iam, account, duration):
    iam.enable_outbound_web_identity_federation()
    sts = _user_sts(account, iam)
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256",
                                   DurationSeconds=duration)
    assert error_of(err)[0] == "ValidationError"


def test_unsupported_algorithm_and_too_many_audiences(iam, account):
    iam.enable_outbound_web_identity_federation()
    sts = _user_sts(account, iam)
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="HS256")
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationError", 400)
    assert "[RS256, ES384]" in message
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[f"a{i}" for i in range(11)],
                                   SigningAlgorithm="RS256")
    assert error_of(err)[0] == "ValidationError"
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256",
                                   Tags=[{"Key": "Team", "Value": "a"},
                                         {"Key": "team", "Value": "b"}])
    assert error_of(err)[0] == "InvalidParameterValue"


def test_disabled_feature_refuses_tokens(iam, account):
    sts = _user_sts(account, iam)
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256")
    assert error_of(err)[0::2] == ("OutboundWebIdentityFederationDisabledException", 403)
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    token = sts.get_web_identity_token(Audience=[AUDIENCE],
                                       SigningAlgorithm="RS256")["WebIdentityToken"]
    iam.disable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256")
    assert error_of(err)[0] == "OutboundWebIdentityFederationDisabledException"
    # Tokens issued before stay verifiable.
    assert verify(token, issuer)["sub"].endswith(":user/worker")


def test_permission_and_condition_keys_decide(iam, account):
    iam.enable_outbound_web_identity_federation()
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = account.client("sts", access_key_id=key["AccessKeyId"],
                            secret_access_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as err:
        nobody.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256")
    code, message, status = error_of(err)
    assert (code, status) == ("AccessDenied", 403)
    assert "sts:GetWebIdentityToken" in message
    sts = _user_sts(account, iam, "limited", {
        "ForAllValues:StringEquals": {"sts:IdentityTokenAudience": AUDIENCE},
        "NumericLessThanEquals": {"sts:DurationSeconds": "300"},
    })
    sts.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256")
    for extra in ({"Audience": [AUDIENCE, "other"]},
                  {"Audience": [AUDIENCE], "DurationSeconds": 301}):
        with pytest.raises(ClientError) as err:
            sts.get_web_identity_token(SigningAlgorithm="RS256", **extra)
        assert error_of(err)[0] == "AccessDenied"


def test_role_session_token_names_the_role_and_cannot_outlive_the_session(iam, account):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}]}
    role = iam.create_role(RoleName="Workload", AssumeRolePolicyDocument=json.dumps(trust),
                           Tags=[{"Key": "env", "Value": "prod"}])["Role"]["Arn"]
    iam.put_role_policy(RoleName="Workload", PolicyName="jwt", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"}]}))
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Resource": role}]}))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    ops = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    creds = None
    for _ in range(20):  # IAM is eventually consistent for new keys and policies
        try:
            creds = ops.assume_role(RoleArn=role, RoleSessionName="run-1", DurationSeconds=900,
                                    Tags=[{"Key": "run", "Value": "1"}])["Credentials"]
            break
        except ClientError:
            time.sleep(0.25)
    assert creds is not None
    session = account.client("sts", access_key_id=creds["AccessKeyId"],
                             secret_access_key=creds["SecretAccessKey"],
                             session_token=creds["SessionToken"])
    token = session.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256",
                                           DurationSeconds=600)["WebIdentityToken"]
    claims = verify(token, issuer)
    assert claims["sub"] == role
    assert claims[NAMESPACE]["principal_tags"] == {"env": "prod", "run": "1"}
    with pytest.raises(ClientError) as err:
        session.get_web_identity_token(Audience=[AUDIENCE], SigningAlgorithm="RS256",
                                       DurationSeconds=3600)
    assert error_of(err)[0::2] == ("SessionDurationEscalationException", 403)


def test_cli_gets_a_token(aws, iam):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    info = aws("iam", "get-outbound-web-identity-federation-info")
    assert info.returncode == 0, info.stderr
    assert info.json == {"IssuerIdentifier": issuer, "JwtVendingEnabled": True}
    # Not a URL: the CLI would fetch an https:// parameter value as a remote file.
    out = aws("sts", "get-web-identity-token", "--audience", "consumer.example",
              "--signing-algorithm", "ES384", "--duration-seconds", "120")
    assert out.returncode == 0, out.stderr
    claims = verify(out.json["WebIdentityToken"], issuer, audience="consumer.example")
    assert claims["sub"] == f"arn:aws:iam::{aws.account.account_id}:root"
    assert claims["exp"] - claims["iat"] == 120


@pytest.fixture(scope="module")
def https_named_server(tmp_path_factory):
    """A server whose public URL is HTTPS, so its issuer can be registered as an IAM OIDC
    provider (whose URL must be https)."""
    with scratch_database(tmp_path_factory, "outbound") as url:
        running = start_server(url, tmp_path_factory.mktemp("log") / "server.log",
                               "--public-url", "https://127.0.0.1:9")
        yield running
        stop_server(running)


def test_tokens_are_refused_by_assume_role_with_web_identity(https_named_server, tmp_path):
    account = new_account(https_named_server)
    iam = account.client("iam")
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert issuer.startswith("https://127.0.0.1:9/_rolecall/outbound/")
    host = issuer.removeprefix("https://")
    provider = iam.create_open_id_connect_provider(
        Url=issuer, ClientIDList=[AUDIENCE], ThumbprintList=["f" * 40])
    # The issuer's keys, as served here, imported for the provider: without the refusal
    # the token would verify.
    path = issuer.removeprefix("https://127.0.0.1:9")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(_get_json(
        https_named_server.endpoint + path + "/.well-known/jwks.json")))
    done = subprocess.run([str(Path(sys.executable).parent / "rolecall"), "oidc", "import-keys",
                           "--provider-arn", provider["OpenIDConnectProviderArn"],
                           "--jwks", str(jwks), "--db", https_named_server.db_url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    role = iam.create_role(RoleName="federated", AssumeRolePolicyDocument=web_trust(
        account.account_id, host, {"StringEquals": {f"{host}:aud": AUDIENCE}}))["Role"]["Arn"]
    token = account.client("sts").get_web_identity_token(
        Audience=[AUDIENCE], SigningAlgorithm="RS256")["WebIdentityToken"]
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="s1", WebIdentityToken=token)
    code, message, status = error_of(err)
    assert (code, status) == ("InvalidIdentityToken", 400)
    assert "GetWebIdentityToken" in message


def test_jwks_is_public_and_private_keys_are_stored_encrypted(iam, server):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    jwks = _get_json(issuer + "/.well-known/jwks.json")
    assert {key["alg"] for key in jwks["keys"]} >= {"RS256", "ES384"}
    for key in jwks["keys"]:
        assert key["use"] == "sig" and key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    engine = sqlalchemy.create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(sqlalchemy.text(
                "SELECT private_key_encrypted FROM outbound_signing_keys")).scalars().all()
    finally:
        engine.dispose()
    assert stored
    for blob in stored:
        assert b'"d"' not in bytes(blob) and b"kty" not in bytes(blob)
