"""Web identity in the aws CLI: web_identity_token_file profiles and the AWS_ROLE_ARN /
AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_SESSION_NAME variables; keys imported for an
issuer the server cannot reach."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration import test_oidc_issuer
from tests.integration.test_oidc_web_identity import AUDIENCE, anonymous_sts, web_trust
from tests.integration.test_sts_support import error_of

issuer = test_oidc_issuer.issuer  # the HTTPS issuer fixture
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}


@pytest.fixture
def web_role(iam, account, issuer):
    iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                        ThumbprintList=[issuer.thumbprint])
    return iam.create_role(RoleName="RoleNameToAssume", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host))["Role"]["Arn"]


def test_web_identity_profile(aws, account, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token())
    (aws.home / ".aws" / "config").write_text(
        f"[profile web-identity]\nrole_arn = {web_role}\n"
        f"web_identity_token_file = {token_file}\nrole_session_name = ci-run\n")
    me = aws("sts", "get-caller-identity", "--profile", "web-identity", env=NO_KEYS)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"] == (
        f"arn:aws:sts::{account.account_id}:assumed-role/RoleNameToAssume/ci-run")


def test_web_identity_environment_variables(aws, account, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token())
    env = {**NO_KEYS, "AWS_ROLE_ARN": web_role, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file),
           "AWS_ROLE_SESSION_NAME": "from-env"}
    me = aws("sts", "get-caller-identity", env=env)
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"].endswith(":assumed-role/RoleNameToAssume/from-env")


def test_expired_token_file_fails_with_aws_error(aws, issuer, web_role):
    token_file = aws.home / "token"
    token_file.write_text(issuer.token(lifetime=-60))
    env = {**NO_KEYS, "AWS_ROLE_ARN": web_role, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file)}
    out = aws("sts", "get-caller-identity", env=env)
    assert out.returncode != 0
    assert ("An error occurred (ExpiredTokenException) when calling the "
            "AssumeRoleWithWebIdentity operation: Token expired: current date/time ") in out.stderr


def test_imported_keys_serve_an_unreachable_issuer(iam, account, server, issuer, tmp_path):
    unreachable = "https://127.0.0.1:9"
    provider = iam.create_open_id_connect_provider(
        Url=unreachable, ClientIDList=[AUDIENCE],
        ThumbprintList=["f" * 40])["OpenIDConnectProviderArn"]
    role = iam.create_role(RoleName="offline", AssumeRolePolicyDocument=web_trust(
        account.account_id, "127.0.0.1:9"))["Role"]["Arn"]
    token = issuer.token(iss=unreachable)
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="s1", WebIdentityToken=token)
    assert error_of(err)[0] == "IDPCommunicationError"
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(issuer.jwks))
    done = subprocess.run([str(Path(sys.executable).parent / "rolecall"), "oidc", "import-keys",
                           "--provider-arn", provider, "--jwks", str(jwks),
                           "--db", server.db_url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = anonymous_sts(account).assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="s1", WebIdentityToken=token)
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/offline/s1")
