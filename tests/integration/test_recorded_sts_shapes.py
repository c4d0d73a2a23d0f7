"""STS answers compared by shape, and error texts word for word, with responses recorded
from AWS, one recording per operation.

Sources: LocalStack's AWS-validated snapshots (``tests/aws/services/sts/test_sts.snapshot.json``
in github.com/localstack/localstack, recorded against AWS in 2024-2026) and, for operations no
public suite records, the sample responses of the STS API reference. Each test names the
response it follows.
"""

from __future__ import annotations

import base64
import json
from email.utils import parsedate_to_datetime

import pytest
from botocore.exceptions import ClientError

from . import test_oidc_issuer
from .recorded import recorded, shape
from .test_oidc_web_identity import AUDIENCE, anonymous_sts, web_trust
from .test_saml_federation import saml_trust
from .test_saml_idp import Idp
from .test_sts_support import client_for, make_user, trust, unvalidated_client

CREDENTIALS = {"AccessKeyId": "<access-key-id:1>", "Expiration": "<datetime>",
               "SecretAccessKey": "<secret-access-key:1>", "SessionToken": "<session-token:1>"}
ASSUMED_ROLE_USER = {"Arn": "arn:<partition>:sts::111111111111:assumed-role/<resource:1>/s",
                     "AssumedRoleId": "<role-id:1>:<role-session-name:1>"}
SESSION_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
TAGGING = ["sts:AssumeRole", "sts:TagSession"]
issuer = test_oidc_issuer.issuer  # the HTTPS issuer fixture


@pytest.fixture
def caller(account, iam):
    """An IAM user allowed everything, and a role of its account it may assume."""
    keys = make_user(iam, "caller", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    principal = {"AWS": account.account_id}
    iam.create_role(RoleName="recorded", AssumeRolePolicyDocument=trust(principal, None, TAGGING))
    iam.create_role(RoleName="chained", AssumeRolePolicyDocument=trust(principal, None, TAGGING))
    return keys


def role_arn(account, name: str = "recorded") -> str:
    return f"arn:aws:iam::{account.account_id}:role/{name}"


def sender(code: str, message: str, status: int = 400) -> dict:
    return {"Error": {"Code": code, "Message": message, "Type": "Sender"}, "Status": status}


def recorded_error(call, **params) -> dict:
    with pytest.raises(ClientError) as err:
        call(**params)
    return {"Error": err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_assume_role(account, caller):
    # test_assume_role: assume-role (no PackedPolicySize without session policies);
    # test_assume_role_with_policy: assume-role-with-policy (PackedPolicySize present)
    sts = client_for(account, "sts", caller)
    out = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="recorded-session")
    assert shape(out) == recorded({"AssumedRoleUser": ASSUMED_ROLE_USER,
                                   "Credentials": CREDENTIALS})
    with_policy = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="recorded-session",
                                  Policy=SESSION_POLICY)
    assert shape(with_policy) == recorded({"AssumedRoleUser": ASSUMED_ROLE_USER,
                                           "Credentials": CREDENTIALS, "PackedPolicySize": 16})


def test_assume_role_refuses_malformed_input_in_aws_words(account, caller):
    # test_sts_invalid_parameters: malformed-arn, no-partition, no-service, not-enough-colons,
    # no-resource, invalid-session-name; test_assume_role_session_name_too_long
    sts = unvalidated_client(account, "sts", caller)
    for arn in ("nothing-valid-in-here", "arn::b:::something/test-role",
                "arn:a::::something/test-role", "arn:a:::something/test-role",
                "arn:a:a::aaaaaaaaaa:"):
        assert recorded_error(sts.assume_role, RoleArn=arn, RoleSessionName="Session1") == (
            sender("ValidationError", f"{arn} is invalid"))
    assert recorded_error(sts.assume_role, RoleArn=role_arn(account),
                          RoleSessionName="Session1:2") == sender(
        "ValidationError", "1 validation error detected: Value 'Session1:2' at "
        "'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+=,.@-]*")
    long_name = "s" * 65
    assert recorded_error(sts.assume_role, RoleArn=role_arn(account),
                          RoleSessionName=long_name) == sender(
        "ValidationError", f"1 validation error detected: Value '{long_name}' at "
        "'roleSessionName' failed to satisfy constraint: Member must have length less than "
        "or equal to 64")


def test_assume_role_session_tag_errors(account, caller):
    # test_assume_role_tag_validation: invalid-transitive-tag-keys,
    # duplicate-tag-keys-different-casing;
    # test_iam_role_chaining_override_transitive_tags: override-transitive-tag-error,
    # override-transitive-tag-case-ignore-error
    sts = client_for(account, "sts", caller)
    assert recorded_error(sts.assume_role, RoleArn=role_arn(account), RoleSessionName="tags",
                          Tags=[{"Key": "k1", "Value": "v1"}],
                          TransitiveTagKeys=["k2"]) == sender(
        "InvalidParameterValue",
        "The specified transitive tag key must be included in the requested tags.")
    assert recorded_error(sts.assume_role, RoleArn=role_arn(account), RoleSessionName="tags",
                          Tags=[{"Key": "Tag", "Value": "1"}, {"Key": "tag", "Value": "2"}]
                          ) == sender(
        "InvalidParameterValue",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    first = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="first",
                            Tags=[{"Key": "Team", "Value": "a"}],
                            TransitiveTagKeys=["Team"])["Credentials"]
    chained = client_for(account, "sts", first)
    conflict = sender("InvalidParameterValue",
                      "One of the specified transitive tag keys can't be set because it "
                      "conflicts with a transitive tag key from the calling session.")
    for key in ("Team", "team"):
        assert recorded_error(chained.assume_role, RoleArn=role_arn(account, "chained"),
                              RoleSessionName="second", Tags=[{"Key": key, "Value": "b"}],
                              TransitiveTagKeys=[key]) == conflict


def test_get_federation_token_without_policies(account, caller):
    # test_get_federation_token: get-federation-token (PackedPolicySize 0, no policy passed)
    out = client_for(account, "sts", caller).get_federation_token(Name="recorded")
    assert shape(out) == recorded({
        "Credentials": CREDENTIALS,
        "FederatedUser": {"Arn": "arn:<partition>:sts::1:federated-user/<resource:1>",
                          "FederatedUserId": "111111111111:<resource:1>"},
        "PackedPolicySize": 0})
    assert out["PackedPolicySize"] == 0


def test_get_caller_identity(account, caller):
    # test_get_caller_identity_with_iam_user_credentials: caller-identity-user;
    # test_get_caller_identity_with_assumed_role_credentials: caller-identity-assumed-role
    identity = {"Account": "111111111111", "Arn": "arn", "UserId": "<user-id:1>"}
    sts = client_for(account, "sts", caller)
    assert shape(sts.get_caller_identity()) == recorded(identity)
    creds = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="who")["Credentials"]
    assert shape(client_for(account, "sts", creds).get_caller_identity()) == recorded(identity)


def test_get_session_token(account, caller):
    # STS API reference, GetSessionToken sample response: Credentials only.
    out = client_for(account, "sts", caller).get_session_token()
    assert shape(out) == recorded({"Credentials": CREDENTIALS})


def test_get_access_key_info(account, caller):
    # STS API reference, GetAccessKeyInfo: the response holds Account alone.
    out = client_for(account, "sts", caller).get_access_key_info(
        AccessKeyId=caller.access_key_id)
    assert shape(out) == recorded({"Account": "111122223333"})
    assert out["Account"] == account.account_id


def test_decode_authorization_message(account, caller):
    # STS API reference, DecodeAuthorizationMessage sample response: DecodedMessage, a JSON
    # document of allowed, explicitDeny, matchedStatements, failures and context; a message
    # that is no encoded message is InvalidAuthorizationMessageException.
    sts = client_for(account, "sts", caller)
    assert recorded_error(sts.decode_authorization_message,
                          EncodedMessage=base64.b64encode(b"not a message").decode()) == sender(
        "InvalidAuthorizationMessageException", "The encoded authorization message is not valid.")


def test_assume_role_with_saml(account, iam):
    # STS API reference, AssumeRoleWithSAML sample response (a session policy passed):
    # Credentials, AssumedRoleUser, PackedPolicySize, Subject, SubjectType, Issuer, Audience,
    # NameQualifier; no SourceIdentity unless the assertion sets one.
    idp = Idp()
    provider = iam.create_saml_provider(Name="RecordedIdp",
                                        SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    role = iam.create_role(RoleName="saml-recorded",
                           AssumeRolePolicyDocument=saml_trust(provider))["Role"]["Arn"]
    out = anonymous_sts(account).assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider, Policy=SESSION_POLICY,
        SAMLAssertion=idp.response(roles=[f"{role},{provider}"]))
    assert shape(out) == recorded({
        "Credentials": CREDENTIALS, "AssumedRoleUser": ASSUMED_ROLE_USER,
        "PackedPolicySize": 6, "Subject": "SamlExample",
        "SubjectType": "transient", "Issuer": "https://integ.example.com/idp/shibboleth",
        "Audience": "https://signin.aws.amazon.com/saml",
        "NameQualifier": "SbdGOnUkh1i4+EXAMPLExL/jEvs="})


def test_assume_role_with_web_identity(account, iam, issuer):
    # STS API reference, AssumeRoleWithWebIdentity sample response (a session policy passed):
    # Credentials, SubjectFromWebIdentityToken, AssumedRoleUser, PackedPolicySize, Provider,
    # Audience; no SourceIdentity unless the token carries one.
    iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                        ThumbprintList=[issuer.thumbprint])
    role = iam.create_role(RoleName="web-recorded", AssumeRolePolicyDocument=web_trust(
        account.account_id, issuer.host))["Role"]["Arn"]
    out = anonymous_sts(account).assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="app1", WebIdentityToken=issuer.token(),
        Policy=SESSION_POLICY)
    assert shape(out) == recorded({
        "Credentials": CREDENTIALS,
        "SubjectFromWebIdentityToken": "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A",
        "AssumedRoleUser": ASSUMED_ROLE_USER, "PackedPolicySize": 123,
        "Provider": "www.amazon.com",
        "Audience": "client.5498841531868486423.1548@apps.example.com"})


def test_assume_role_values(account, iam, caller):
    # test_assume_role: create-role echoes the trust policy as sent (the bare account id as
    # Principal AWS); assume-role's AssumedRoleUser is the role's name and id joined to the
    # session name
    document = {"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Principal": {"AWS": account.account_id},
         "Effect": "Allow"}]}
    created = iam.create_role(RoleName="values-role",
                              AssumeRolePolicyDocument=json.dumps(document))["Role"]
    assert created["AssumeRolePolicyDocument"] == document
    out = client_for(account, "sts", caller).assume_role(RoleArn=created["Arn"],
                                                         RoleSessionName="values-session")
    assert out["AssumedRoleUser"] == {
        "Arn": f"arn:aws:sts::{account.account_id}:assumed-role/values-role/values-session",
        "AssumedRoleId": f"{created['RoleId']}:values-session"}


def test_get_federation_token_values(account, caller):
    # test_get_federation_token (DurationSeconds 900): FederatedUser names the account and
    # the name given; no policy, so PackedPolicySize 0
    out = client_for(account, "sts", caller).get_federation_token(Name="TestName1a2b",
                                                                  DurationSeconds=900)
    assert out["FederatedUser"] == {
        "Arn": f"arn:aws:sts::{account.account_id}:federated-user/TestName1a2b",
        "FederatedUserId": f"{account.account_id}:TestName1a2b"}
    assert out["PackedPolicySize"] == 0
    issued = out["ResponseMetadata"]["HTTPHeaders"]["date"]
    lifetime = out["Credentials"]["Expiration"] - parsedate_to_datetime(issued)
    assert 899 <= lifetime.total_seconds() <= 901


def test_get_caller_identity_values(account, iam, caller):
    # test_get_caller_identity_with_iam_user_credentials: caller-identity-user is the
    # create-user response's Arn and UserId; test_get_caller_identity_with_assumed_role_
    # credentials: caller-identity-assumed-role is the session's AssumedRoleUser
    user = iam.get_user(UserName="caller")["User"]
    sts = client_for(account, "sts", caller)
    identity = sts.get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        account.account_id, user["Arn"], user["UserId"])
    assumed = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="who")
    session = client_for(account, "sts", assumed["Credentials"]).get_caller_identity()
    assert (session["Account"], session["Arn"], session["UserId"]) == (
        account.account_id, assumed["AssumedRoleUser"]["Arn"],
        assumed["AssumedRoleUser"]["AssumedRoleId"])


def test_assume_role_with_policy_packed_size(account, caller):
    # test_assume_role_with_policy: assume-role-with-policy records PackedPolicySize 16 for
    # this session policy
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "RestrictedAccess", "Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": ["arn:aws:s3:::example-bucket/*"]}]})
    out = client_for(account, "sts", caller).assume_role(
        RoleArn=role_arn(account), RoleSessionName="session-1a2b", Policy=policy)
    assert out["PackedPolicySize"] == 16


def test_invalid_session_name_is_checked_before_the_role_arn(account, caller):
    # test_sts_invalid_parameters: invalid-session-name was asked of the role ARN
    # "arn:a:b:::something/test-role", which names no role; the session name's pattern
    # error is the answer
    sts = unvalidated_client(account, "sts", caller)
    assert recorded_error(sts.assume_role, RoleArn="arn:a:b:::something/test-role",
                          RoleSessionName="Session1:2") == sender(
        "ValidationError", "1 validation error detected: Value 'Session1:2' at "
        "'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+=,.@-]*")


def test_transitive_tag_keys_as_the_recorded_suite_sends_them(account, iam, caller):
    # test_assume_role_tag_validation: a transitive key matches its tag whatever the case
    # (the call succeeds); two tags differing in case are refused even so.
    # test_iam_role_chaining_override_transitive_tags: a chained session that passes a tag
    # whose key (any case) is a transitive key of its caller is refused, though it does not
    # mark it transitive; role 1 may assume and tag role 2.
    sts = client_for(account, "sts", caller)
    tag = {"Key": "SessionTag1", "Value": "SessionValue1"}
    out = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="CasingTransitiveKeys",
                          Tags=[tag], TransitiveTagKeys=["sessiontag1"])
    assert shape(out) == recorded({"AssumedRoleUser": ASSUMED_ROLE_USER,
                                   "Credentials": CREDENTIALS, "PackedPolicySize": 1})
    assert recorded_error(sts.assume_role, RoleArn=role_arn(account),
                          RoleSessionName="CasingTransitiveKeys",
                          Tags=[tag, {"Key": "sessiontag1", "Value": "SessionValue2"}],
                          TransitiveTagKeys=["sessiontag1"]) == sender(
        "InvalidParameterValue",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    iam.put_role_policy(RoleName="recorded", PolicyName="chain", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
             "Resource": [role_arn(account, "chained")]}]}))
    first = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="Session1",
                            Tags=[tag], TransitiveTagKeys=["SessionTag1"])["Credentials"]
    chained = client_for(account, "sts", first)
    conflict = sender("InvalidParameterValue",
                      "One of the specified transitive tag keys can't be set because it "
                      "conflicts with a transitive tag key from the calling session.")
    for key in ("SessionTag1", "sessiontag1"):
        assert recorded_error(chained.assume_role, RoleArn=role_arn(account, "chained"),
                              RoleSessionName="Session2SessionTagOverride",
                              Tags=[{"Key": key, "Value": "SessionValue2"}]) == conflict
