"""GetSessionToken, GetFederationToken and GetAccessKeyInfo."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.integration.test_sts_support import (
    client_for,
    code,
    enable_virtual_mfa,
    error_of,
    make_role,
    make_user,
    trust,
)

READ_IAM = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser", "sts:GetFederationToken",
                                   "sts:AssumeRole"], "Resource": "*"}]}


def _left(creds) -> dt.timedelta:
    return creds["Expiration"] - dt.datetime.now(dt.UTC)


def test_user_session_token_defaults_to_twelve_hours_and_acts_as_the_user(iam, account):
    keys = make_user(iam, "bob", policy=READ_IAM)
    creds = client_for(account, "sts", keys).get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert dt.timedelta(hours=11, minutes=59) < _left(creds) <= dt.timedelta(hours=12)
    me = client_for(account, "sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{account.account_id}:user/bob"


def test_session_token_duration_bounds(iam, account):
    keys = make_user(iam, "bob", policy=None)
    sts = client_for(account, "sts", keys)
    creds = sts.get_session_token(DurationSeconds=129600)["Credentials"]
    assert dt.timedelta(hours=35, minutes=59) < _left(creds) <= dt.timedelta(hours=36)


def test_root_session_token_is_at_most_one_hour(sts, account):
    creds = sts.get_session_token(DurationSeconds=7200)["Credentials"]
    assert dt.timedelta(minutes=59) < _left(creds) <= dt.timedelta(hours=1)
    me = client_for(account, "sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{account.account_id}:root"


def test_session_token_cannot_be_requested_with_session_credentials(iam, account):
    keys = make_user(iam, "bob", policy=None)
    creds = client_for(account, "sts", keys).get_session_token()["Credentials"]
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", creds).get_session_token()
    assert error_of(err) == (
        "AccessDenied", "Cannot call GetSessionToken with session credentials", 403)


def test_session_token_with_mfa_unlocks_iam_and_mfa_conditions(iam, account):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
    keys = make_user(iam, "bob", policy=policy)
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "bob", at=now)
    sts = client_for(account, "sts", keys)
    with pytest.raises(ClientError) as err:
        sts.get_session_token(SerialNumber=serial, TokenCode="000000" if code(seed, now)
                              != "000000" else "111111")
    assert error_of(err) == (
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        403)
    creds = sts.get_session_token(SerialNumber=serial, TokenCode=code(seed, now))["Credentials"]
    client_for(account, "iam", creds).list_users()
    plain = sts.get_session_token()["Credentials"]
    with pytest.raises(ClientError) as err:  # IAM refuses session tokens without MFA
        client_for(account, "iam", plain).list_users()
    assert error_of(err)[0] == "InvalidClientTokenId"


@pytest.mark.parametrize("serial", ["GAHT12345678", "alice's device"])
def test_session_token_with_a_serial_that_is_not_the_users_device(iam, account, serial):
    keys = make_user(iam, "bob", policy=None)
    iam.create_user(UserName="alice")
    now = time.time()
    alices, seed = enable_virtual_mfa(iam, "alice", at=now)
    serial = alices if serial == "alice's device" else serial
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", keys).get_session_token(SerialNumber=serial,
                                                           TokenCode=code(seed, now))
    assert error_of(err) == (
        "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  Please "
        "verify your MFA serial number is valid and associated with this user.", 403)

def test_federation_token_is_a_federated_user_with_intersected_permissions(iam, account):
    keys = make_user(iam, "broker", policy=READ_IAM)
    sts = client_for(account, "sts", keys)
    out = sts.get_federation_token(Name="Jane", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
    assert out["FederatedUser"] == {
        "FederatedUserId": f"{account.account_id}:Jane",
        "Arn": f"arn:aws:sts::{account.account_id}:federated-user/Jane",
    }
    assert 0 < out["PackedPolicySize"] <= 100
    assert dt.timedelta(hours=11, minutes=59) < _left(out["Credentials"])
    me = client_for(account, "sts", out["Credentials"]).get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{account.account_id}:federated-user/Jane"
    assert me["UserId"] == f"{account.account_id}:Jane"


def test_federation_token_needs_permission(iam, account):
    keys = make_user(iam, "nobody", policy=None)
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", keys).get_federation_token(Name="Jane")
    assert error_of(err)[0] == "AccessDenied"


def test_role_sessions_cannot_get_federation_tokens(iam, account):
    keys = make_user(iam, "bob", policy=READ_IAM)
    role = make_role(iam, "r", trust({"AWS": account.account_id}), policy=READ_IAM)
    creds = client_for(account, "sts", keys).assume_role(
        RoleArn=role, RoleSessionName="sess")["Credentials"]
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", creds).get_federation_token(Name="Jane")
    assert error_of(err) == (
        "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)


def test_root_federation_token_is_capped_at_one_hour(sts):
    creds = sts.get_federation_token(Name="Jane", DurationSeconds=7200)["Credentials"]
    assert _left(creds) <= dt.timedelta(hours=1)


def test_access_key_info_names_the_account_of_long_term_and_temporary_keys(iam, sts, account):
    keys = make_user(iam, "bob", policy=None)
    assert sts.get_access_key_info(AccessKeyId=keys.access_key_id)["Account"] == \
        account.account_id
    creds = sts.get_session_token()["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == \
        account.account_id


def test_decode_authorization_message_rejects_messages_it_did_not_issue(sts):
    with pytest.raises(ClientError) as err:
        sts.decode_authorization_message(EncodedMessage="not-a-message")
    code_, _, status = error_of(err)
    assert (code_, status) == ("InvalidAuthorizationMessageException", 400)


def test_decode_authorization_message_needs_permission(iam, account):
    keys = make_user(iam, "bob", policy=None)
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", keys).decode_authorization_message(EncodedMessage="x")
    assert error_of(err)[0] == "AccessDenied"


def test_federated_users_cannot_assume_roles(iam, account):
    keys = make_user(iam, "broker", policy=READ_IAM)
    role = make_role(iam, "r", trust({"AWS": account.account_id}))
    creds = client_for(account, "sts", keys).get_federation_token(
        Name="Jane", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))["Credentials"]
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", creds).assume_role(RoleArn=role, RoleSessionName="sess")
    assert error_of(err)[0] == "AccessDenied"
