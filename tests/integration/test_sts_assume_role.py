"""AssumeRole as AWS answers it: trust policy and identity permission, MFA, external id,
durations, role chaining, source identity, session tags and session policies."""

from __future__ import annotations

import datetime as dt
import hashlib
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
    unvalidated_client,
)

LIST_USERS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:ListUsers", "sts:AssumeRole", "sts:TagSession",
                                   "sts:SetSourceIdentity"], "Resource": "*"}]}


ASSUME_AND_TAG = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
     "Resource": "*"}]}


@pytest.fixture
def bob(iam):
    return make_user(iam, "Bob", policy=ASSUME_AND_TAG)


def test_user_assumes_role_and_calls_as_the_session(iam, account, bob):
    role_arn = make_role(iam, "example-role", trust({"AWS": account.account_id}),
                         policy=LIST_USERS)
    sts = client_for(account, "sts", bob)
    out = sts.assume_role(RoleArn=role_arn, RoleSessionName="AWSCLI-Session")
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert creds["SessionToken"]
    role_id = iam.get_role(RoleName="example-role")["Role"]["RoleId"]
    assert out["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:AWSCLI-Session",
        "Arn": f"arn:aws:sts::{account.account_id}:assumed-role/example-role/AWSCLI-Session",
    }
    assert "PackedPolicySize" not in out
    expires_in = creds["Expiration"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=59) < expires_in <= dt.timedelta(hours=1)
    me = client_for(account, "sts", creds).get_caller_identity()
    assert me["Arn"] == out["AssumedRoleUser"]["Arn"]
    assert me["UserId"] == f"{role_id}:AWSCLI-Session"
    assert me["Account"] == account.account_id
    client_for(account, "iam", creds).list_users()  # the role's permissions apply
    last_used = iam.get_role(RoleName="example-role")["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "us-east-1" and "LastUsedDate" in last_used


def test_role_session_does_not_keep_the_users_permissions(iam, account):
    keys = make_user(iam, "Alice", policy=LIST_USERS)
    role_arn = make_role(iam, "empty", trust({"AWS": account.account_id}))
    creds = client_for(account, "sts", keys).assume_role(
        RoleArn=role_arn, RoleSessionName="sess")["Credentials"]
    with pytest.raises(ClientError) as err:
        client_for(account, "iam", creds).list_users()
    code_, message, status = error_of(err)
    assert (code_, status) == ("AccessDenied", 403)
    assert message.startswith(
        f"User: arn:aws:sts::{account.account_id}:assumed-role/empty/sess is not authorized "
        "to perform: iam:ListUsers")


def test_root_may_not_assume_a_role(sts, iam, account):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}))
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess")
    assert error_of(err) == ("AccessDenied", "Roles may not be assumed by root accounts.", 403)


def test_missing_role_is_access_denied_not_no_such_entity(account, bob):
    arn = f"arn:aws:iam::{account.account_id}:role/ghost"
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn=arn, RoleSessionName="sess")
    assert error_of(err) == (
        "AccessDenied",
        f"User: arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"sts:AssumeRole on resource: {arn}",
        403,
    )


def test_user_without_permission_is_refused_when_trust_names_only_the_account(iam, account):
    keys = make_user(iam, "Carol", policy=None)
    role_arn = make_role(iam, "r", trust({"AWS": f"arn:aws:iam::{account.account_id}:root"}))
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", keys).assume_role(RoleArn=role_arn, RoleSessionName="sess")
    code_, message, _ = error_of(err)
    assert code_ == "AccessDenied"
    assert f"is not authorized to perform: sts:AssumeRole on resource: {role_arn}" in message


def test_trust_policy_naming_the_user_needs_no_identity_policy(iam, account):
    keys = make_user(iam, "Dan", policy=None)
    user_arn = f"arn:aws:iam::{account.account_id}:user/Dan"
    role_arn = make_role(iam, "r", trust({"AWS": user_arn}))
    out = client_for(account, "sts", keys).assume_role(RoleArn=role_arn, RoleSessionName="sess")
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/r/sess")


def test_trust_policy_not_naming_the_caller_refuses(iam, account, bob):
    role_arn = make_role(iam, "svc", trust({"Service": "ec2.amazonaws.com"}))
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn=role_arn, RoleSessionName="sess")
    assert error_of(err)[0] == "AccessDenied"


def test_external_id_must_match_the_trust_condition(iam, account, bob):
    role_arn = make_role(iam, "third", trust({"AWS": account.account_id},
                                             {"StringEquals": {"sts:ExternalId": "123456"}}))
    sts = client_for(account, "sts", bob)
    for extra in ({}, {"ExternalId": "654321"}):
        with pytest.raises(ClientError) as err:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", **extra)
        assert error_of(err)[0] == "AccessDenied"
    sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", ExternalId="123456")


def test_duration_beyond_max_session_duration_is_refused(iam, account, bob):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}), max_session=7200)
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", DurationSeconds=7201)
    assert error_of(err) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="sess",
                            DurationSeconds=7200)["Credentials"]
    left = creds["Expiration"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=119) < left <= dt.timedelta(hours=2)


def test_duration_below_900_is_a_validation_error(iam, account, bob):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}))
    with pytest.raises(ClientError) as err:
        unvalidated_client(account, "sts", bob).assume_role(
            RoleArn=role_arn, RoleSessionName="sess", DurationSeconds=899)
    code_, message, status = error_of(err)
    assert (code_, status) == ("ValidationError", 400)
    assert "durationSeconds" in message


def test_role_chaining_is_limited_to_one_hour(iam, account, bob):
    trust_all = trust({"AWS": account.account_id})
    first = make_role(iam, "first", trust_all, policy=LIST_USERS)
    second = make_role(iam, "second", trust_all, max_session=43200)
    creds = client_for(account, "sts", bob).assume_role(
        RoleArn=first, RoleSessionName="one")["Credentials"]
    chained = client_for(account, "sts", creds)
    with pytest.raises(ClientError) as err:
        chained.assume_role(RoleArn=second, RoleSessionName="two", DurationSeconds=3601)
    assert error_of(err) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.", 400)
    out = chained.assume_role(RoleArn=second, RoleSessionName="two", DurationSeconds=3600)
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/second/two")


def test_invalid_role_session_name_is_a_validation_error(iam, account, bob):
    role_arn = make_role(iam, "r", trust({"AWS": account.account_id}))
    with pytest.raises(ClientError) as err:
        unvalidated_client(account, "sts", bob).assume_role(RoleArn=role_arn,
                                                            RoleSessionName="has space")
    code_, message, _ = error_of(err)
    assert code_ == "ValidationError"
    assert "roleSessionName" in message


def test_role_session_name_condition_in_trust_policy(iam, account, bob):
    role_arn = make_role(iam, "named", trust(
        {"AWS": account.account_id}, {"StringLike": {"sts:RoleSessionName": "${aws:username}"}}))
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role_arn, RoleSessionName="someone-else")
    sts.assume_role(RoleArn=role_arn, RoleSessionName="Bob")


# --- MFA ------------------------------------------------------------------------------

MFA_REQUIRED = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_mfa_protected_role_needs_a_valid_code(iam, account, bob):
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "Bob", at=now)
    role_arn = make_role(iam, "mfa", trust({"AWS": account.account_id}, MFA_REQUIRED))
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess")
    assert error_of(err)[0] == "AccessDenied"
    wrong = f"{(int(code(seed, now)) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial,
                        TokenCode=wrong)
    assert error_of(err) == (
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        403)
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial)
    assert error_of(err) == (
        "AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number "
        "and one time pass code.", 403)
    out = sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial,
                          TokenCode=code(seed, now))
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/mfa/sess")


def test_an_mfa_code_cannot_be_used_twice(iam, account, bob):
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "Bob", at=now)
    role_arn = make_role(iam, "mfa", trust({"AWS": account.account_id}, MFA_REQUIRED))
    sts = client_for(account, "sts", bob)
    sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial,
                    TokenCode=code(seed, now))
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial,
                        TokenCode=code(seed, now))
    assert error_of(err)[1] == (
        "MultiFactorAuthentication failed with invalid MFA one time pass code.")


def test_mfa_age_condition_is_evaluated(iam, account, bob):
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "Bob", at=now)
    role_arn = make_role(iam, "fresh", trust(
        {"AWS": account.account_id},
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}))
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError):  # no MFA: the key is absent, the condition fails
        sts.assume_role(RoleArn=role_arn, RoleSessionName="sess")
    sts.assume_role(RoleArn=role_arn, RoleSessionName="sess", SerialNumber=serial,
                    TokenCode=code(seed, now))


def test_mfa_carried_by_a_session_token_satisfies_the_trust_policy(iam, account, bob):
    now = time.time()
    serial, seed = enable_virtual_mfa(iam, "Bob", at=now)
    role_arn = make_role(iam, "mfa", trust({"AWS": account.account_id}, MFA_REQUIRED))
    session = client_for(account, "sts", bob).get_session_token(
        SerialNumber=serial, TokenCode=code(seed, now))["Credentials"]
    out = client_for(account, "sts", session).assume_role(RoleArn=role_arn,
                                                          RoleSessionName="sess")
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/mfa/sess")


# --- source identity, tags, session policies -------------------------------------------

def test_source_identity_needs_set_source_identity_in_the_trust_policy(iam, account, bob):
    plain = make_role(iam, "plain", trust({"AWS": account.account_id}))
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=plain, RoleSessionName="sess", SourceIdentity="bob")
    assert error_of(err)[0] == "AccessDenied"
    allowed = make_role(iam, "allowed", trust({"AWS": account.account_id},
                                              actions=["sts:AssumeRole",
                                                       "sts:SetSourceIdentity"]))
    out = sts.assume_role(RoleArn=allowed, RoleSessionName="sess", SourceIdentity="bob")
    assert out["SourceIdentity"] == "bob"


def test_source_identity_persists_and_cannot_change_along_a_chain(iam, account):
    keys = make_user(iam, "Eve", policy=LIST_USERS)
    both = trust({"AWS": account.account_id}, actions=["sts:AssumeRole",
                                                       "sts:SetSourceIdentity"])
    first = make_role(iam, "first", both, policy=LIST_USERS)
    second = make_role(iam, "second", both)
    creds = client_for(account, "sts", keys).assume_role(
        RoleArn=first, RoleSessionName="one", SourceIdentity="eve")["Credentials"]
    chained = client_for(account, "sts", creds)
    with pytest.raises(ClientError):
        chained.assume_role(RoleArn=second, RoleSessionName="two", SourceIdentity="mallory")
    out = chained.assume_role(RoleArn=second, RoleSessionName="two")
    assert out["SourceIdentity"] == "eve"


def test_session_tags_need_tag_session_and_report_packed_size(iam, account, bob):
    plain = make_role(iam, "plain", trust({"AWS": account.account_id}))
    sts = client_for(account, "sts", bob)
    tags = [{"Key": "Project", "Value": "Unicorn"}]
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=plain, RoleSessionName="sess", Tags=tags)
    assert error_of(err)[0] == "AccessDenied"
    tagging = make_role(iam, "tagging", trust({"AWS": account.account_id},
                                              actions=["sts:AssumeRole", "sts:TagSession"]))
    out = sts.assume_role(RoleArn=tagging, RoleSessionName="sess", Tags=tags)
    assert 0 < out["PackedPolicySize"] <= 100


def test_request_tag_conditions_in_the_trust_policy(iam, account, bob):
    role = make_role(iam, "abac", trust(
        {"AWS": account.account_id}, {"StringEquals": {"aws:RequestTag/Project": "Unicorn"}},
        actions=["sts:AssumeRole", "sts:TagSession"]))
    sts = client_for(account, "sts", bob)
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role, RoleSessionName="sess",
                        Tags=[{"Key": "Project", "Value": "Pegasus"}])
    sts.assume_role(RoleArn=role, RoleSessionName="sess",
                    Tags=[{"Key": "Project", "Value": "Unicorn"}])


def test_transitive_tags_pass_through_a_chain(iam, account, bob):
    tagging = trust({"AWS": account.account_id}, actions=["sts:AssumeRole", "sts:TagSession"])
    first = make_role(iam, "first", tagging, policy=LIST_USERS)
    second = make_role(iam, "second", trust(
        {"AWS": account.account_id}, {"StringEquals": {"aws:PrincipalTag/Project": "Unicorn"}},
        actions=["sts:AssumeRole", "sts:TagSession"]))
    sts = client_for(account, "sts", bob)
    plain = sts.assume_role(RoleArn=first, RoleSessionName="one",
                            Tags=[{"Key": "Project", "Value": "Unicorn"}])["Credentials"]
    transitive = sts.assume_role(RoleArn=first, RoleSessionName="one",
                                 Tags=[{"Key": "Project", "Value": "Unicorn"}],
                                 TransitiveTagKeys=["Project"])["Credentials"]
    # The first session's own tags are its principal tags either way...
    client_for(account, "sts", plain).assume_role(RoleArn=second, RoleSessionName="two")
    # ...but only transitive tags reach the next session in the chain.
    third = make_role(iam, "third", trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:role/second"},
        {"StringEquals": {"aws:PrincipalTag/Project": "Unicorn"}}))
    iam.put_role_policy(RoleName="second", PolicyName="p", PolicyDocument=json.dumps(LIST_USERS))
    for creds, allowed in ((plain, False), (transitive, True)):
        two = client_for(account, "sts", creds).assume_role(
            RoleArn=second, RoleSessionName="two")["Credentials"]
        if allowed:
            client_for(account, "sts", two).assume_role(RoleArn=third, RoleSessionName="three")
        else:
            with pytest.raises(ClientError):
                client_for(account, "sts", two).assume_role(RoleArn=third, RoleSessionName="three")


def test_transitive_key_must_be_a_passed_tag(iam, account, bob):
    role = make_role(iam, "t", trust({"AWS": account.account_id},
                                     actions=["sts:AssumeRole", "sts:TagSession"]))
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(
            RoleArn=role, RoleSessionName="sess", Tags=[{"Key": "a", "Value": "1"}],
            TransitiveTagKeys=["b"])
    assert error_of(err)[0] == "InvalidParameterValue"


def test_session_policy_limits_the_role_session(iam, account, bob):
    role = make_role(iam, "r", trust({"AWS": account.account_id}), policy=LIST_USERS)
    deny_all_but_get_user = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
    out = client_for(account, "sts", bob).assume_role(
        RoleArn=role, RoleSessionName="sess", Policy=deny_all_but_get_user)
    assert 0 < out["PackedPolicySize"] <= 100
    with pytest.raises(ClientError) as err:
        client_for(account, "iam", out["Credentials"]).list_users()
    assert error_of(err)[1].endswith(
        "because no session policy allows the iam:ListUsers action")


def test_managed_session_policy_intersects(iam, account, bob):
    role = make_role(iam, "r", trust({"AWS": account.account_id}), policy=LIST_USERS)
    creds = client_for(account, "sts", bob).assume_role(
        RoleArn=role, RoleSessionName="sess",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])["Credentials"]
    client_for(account, "iam", creds).list_users()


def test_malformed_session_policy(iam, account, bob):
    role = make_role(iam, "r", trust({"AWS": account.account_id}))
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn=role, RoleSessionName="sess",
                                                    Policy='{"Statement": "nope"}')
    assert error_of(err)[0] == "MalformedPolicyDocument"


def test_oversized_session_policy_is_packed_policy_too_large(iam, account, bob):
    role = make_role(iam, "r", trust({"AWS": account.account_id}))
    # Bucket names that do not compress: the packed size counts the deflated policy.
    buckets = [hashlib.sha256(str(i).encode()).hexdigest()[:40] for i in range(30)]
    statements = [{"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{bucket}/*"} for bucket in buckets]
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn=role, RoleSessionName="sess",
                                                    Policy=policy)
    code_, message, status = error_of(err)
    assert (code_, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed policy consumes ")
    assert message.endswith("% of allotted space, please use smaller policy for request.")


@pytest.mark.parametrize("arn", ["arn:aws:iam:123456789012:role/missing-colon",
                                 "arn:aws:iam::123456789012:user/Bob"])
def test_malformed_role_arn_is_request_arn_is_invalid(account, bob, arn):
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn=arn, RoleSessionName="sess")
    assert error_of(err) == ("ValidationError", "Request ARN is invalid", 400)


def test_a_role_arn_that_is_no_arn_is_named(account, bob):
    with pytest.raises(ClientError) as err:
        client_for(account, "sts", bob).assume_role(RoleArn="not-an-arn-of-any-role",
                                                    RoleSessionName="sess")
    assert error_of(err) == ("ValidationError", "not-an-arn-of-any-role is invalid", 400)
