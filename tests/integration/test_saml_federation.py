"""IAM SAML providers and AssumeRoleWithSAML, driven through the server with boto3 and the
aws CLI, with responses signed by an identity provider made in the test."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from botocore.exceptions import ClientError

from tests.integration.test_oidc_web_identity import anonymous_sts
from tests.integration.test_saml_idp import ATTR, Idp
from tests.integration.test_sts_support import error_of

ACTION = "sts:AssumeRoleWithSAML"
DENIED = ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403)


def saml_trust(provider_arn: str, condition: dict | None = None,
               actions: list[str] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn},
                 "Action": actions or [ACTION],
                 "Condition": condition or {
                     "StringEquals": {"saml:aud": "https://signin.aws.amazon.com/saml"}}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture(scope="module")
def idp() -> Idp:
    return Idp()


@pytest.fixture
def provider(iam, idp) -> str:
    return iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=idp.metadata(),
                                    Tags=[{"Key": "team", "Value": "id"}])["SAMLProviderArn"]


@pytest.fixture
def role(iam, provider) -> str:
    return iam.create_role(RoleName="saml-users",
                           AssumeRolePolicyDocument=saml_trust(provider))["Role"]["Arn"]


def assume(account, idp, role, provider, **kwargs):
    extra = {k: kwargs.pop(k) for k in ("DurationSeconds", "Policy") if k in kwargs}
    return anonymous_sts(account).assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider,
        SAMLAssertion=idp.response(roles=[f"{role},{provider}"], **kwargs), **extra)


def refused(account, idp, role, provider, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as err:
        assume(account, idp, role, provider, **kwargs)
    return error_of(err)


# --- providers ------------------------------------------------------------------------

def test_provider_round_trip(iam, account, idp, provider):
    assert provider == f"arn:aws:iam::{account.account_id}:saml-provider/Corp"
    got = iam.get_saml_provider(SAMLProviderArn=provider)
    assert got["SAMLMetadataDocument"] == idp.metadata()
    assert got["SAMLProviderUUID"].startswith("SAML") and len(got["SAMLProviderUUID"]) == 22
    assert got["Tags"] == [{"Key": "team", "Value": "id"}]
    assert got["ValidUntil"].year == got["CreateDate"].year + 100  # no validUntil given
    until = dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    iam.update_saml_provider(SAMLProviderArn=provider,
                             SAMLMetadataDocument=idp.metadata(valid_until=until))
    assert iam.get_saml_provider(SAMLProviderArn=provider)["ValidUntil"] == until
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [(p["Arn"], p["ValidUntil"]) for p in listed] == [(provider, until)]
    iam.tag_saml_provider(SAMLProviderArn=provider, Tags=[{"Key": "env", "Value": "prod"}])
    # Only users and roles compare tag keys ignoring case (recorded ListPolicyTags answers).
    iam.untag_saml_provider(SAMLProviderArn=provider, TagKeys=["team"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=provider)["Tags"] == [
        {"Key": "env", "Value": "prod"}]
    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(Name="CORP", SAMLMetadataDocument=idp.metadata())
    assert error_of(err)[0] == "EntityAlreadyExists"
    iam.delete_saml_provider(SAMLProviderArn=provider)
    for call in (iam.get_saml_provider, iam.delete_saml_provider):
        with pytest.raises(ClientError) as err:
            call(SAMLProviderArn=provider)
        assert error_of(err) == ("NoSuchEntity", f"Manifest not found for arn {provider}", 404)


@pytest.mark.parametrize("document", [
    "<not-metadata>" + "x" * 1000 + "</not-metadata>",
    "not xml at all " * 100,
    Idp().metadata(use="encryption"),  # no signing certificate
], ids=["not-metadata", "not-xml", "no-signing-certificate"])
def test_metadata_must_be_idp_metadata_with_a_signing_certificate(iam, document):
    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(Name="Bad", SAMLMetadataDocument=document)
    assert error_of(err) == ("InvalidInput", "Could not parse metadata", 400)
    assert iam.list_saml_providers()["SAMLProviderList"] == []


def test_update_needs_something_to_update(iam, provider):
    with pytest.raises(ClientError) as err:
        iam.update_saml_provider(SAMLProviderArn=provider)
    assert error_of(err)[0] == "InvalidInput"


def test_provider_with_the_cli(aws, idp, tmp_path):
    path = tmp_path / "metadata.xml"
    path.write_text(idp.metadata())
    made = aws("iam", "create-saml-provider", "--name", "Cli",
               "--saml-metadata-document", f"file://{path}")
    assert made.returncode == 0, made.stderr
    got = aws("iam", "get-saml-provider", "--saml-provider-arn", made.json["SAMLProviderArn"])
    assert got.json["SAMLMetadataDocument"] == idp.metadata()


# --- AssumeRoleWithSAML ---------------------------------------------------------------

def test_signed_response_gets_a_role_session(account, idp, role, provider):
    out = assume(account, idp, role, provider)
    acct = account.account_id
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{acct}:assumed-role/saml-users/alice"
    assert out["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice")
    assert (out["Subject"], out["SubjectType"]) == ("user-1234", "persistent")
    assert out["Issuer"] == idp.entity_id
    assert out["Audience"] == "https://signin.aws.amazon.com/saml"
    expected = base64.b64encode(hashlib.sha1(
        f"{idp.entity_id}{acct}/Corp".encode()).digest()).decode()
    assert out["NameQualifier"] == expected
    assert "PackedPolicySize" not in out and "SourceIdentity" not in out
    creds = out["Credentials"]
    lifetime = creds["Expiration"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=55) < lifetime <= dt.timedelta(hours=1)
    me = account.client("sts", access_key_id=creds["AccessKeyId"],
                        secret_access_key=creds["SecretAccessKey"],
                        session_token=creds["SessionToken"]).get_caller_identity()
    assert me["Arn"] == out["AssumedRoleUser"]["Arn"]


def test_assertion_signed_alone_is_accepted(account, idp, role, provider):
    out = assume(account, idp, role, provider, sign="assertion")
    assert out["Subject"] == "user-1234"


def test_with_the_aws_cli(aws, account, idp, role, provider):
    assertion = idp.response(roles=[f"{provider},{role}"])  # either order
    out = aws("sts", "assume-role-with-saml", "--role-arn", role, "--principal-arn", provider,
              "--saml-assertion", assertion, env={"AWS_ACCESS_KEY_ID": None,
                                                  "AWS_SECRET_ACCESS_KEY": None})
    assert out.returncode == 0, out.stderr
    creds = out.json["Credentials"]
    me = aws("sts", "get-caller-identity", env={
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"]})
    assert me.returncode == 0, me.stderr
    assert me.json["Arn"] == f"arn:aws:sts::{account.account_id}:assumed-role/saml-users/alice"


def test_cli_reports_a_tampered_assertion(aws, idp, role, provider):
    raw = idp.response_xml(roles=[f"{role},{provider}"]).replace(b"user-1234", b"admin-0001")
    out = aws("sts", "assume-role-with-saml", "--role-arn", role, "--principal-arn", provider,
              "--saml-assertion", base64.b64encode(raw).decode())
    assert out.returncode != 0
    assert "InvalidIdentityToken" in out.stderr and "Response signature invalid" in out.stderr


def test_tampered_assertion(account, idp, role, provider):
    raw = idp.response_xml(roles=[f"{role},{provider}"]).replace(b">alice<", b">mallory<")
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_saml(
            RoleArn=role, PrincipalArn=provider, SAMLAssertion=base64.b64encode(raw).decode())
    assert error_of(err) == ("InvalidIdentityToken", "Response signature invalid", 400)


def test_wrong_certificate(account, idp, role, provider):
    stranger = Idp(key_index=11)
    assert refused(account, idp, role, provider, key=stranger.key, cert=stranger.cert) == (
        "InvalidIdentityToken", "Response signature invalid", 400)


def test_unsigned_response(account, idp, role, provider):
    assert refused(account, idp, role, provider, sign="none")[:2] == (
        "InvalidIdentityToken", "Response signature invalid")


def test_expired_assertion(account, idp, role, provider):
    code, _, status = refused(account, idp, role, provider,
                              issued=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    assert (code, status) == ("ExpiredTokenException", 400)


def test_wrong_audience(account, idp, role, provider):
    assert refused(account, idp, role, provider, audience="https://elsewhere.example.com")[
        :2] == ("InvalidIdentityToken", "Response does not contain the required audience.")


def test_other_issuer(account, idp, role, provider):
    assert refused(account, idp, role, provider, issuer="https://other.example.com")[:2] == (
        "InvalidIdentityToken", "Issuer not present in specified provider")


def test_role_not_in_the_assertion(account, iam, idp, role, provider):
    other = iam.create_role(RoleName="other", AssumeRolePolicyDocument=saml_trust(provider))
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_saml(
            RoleArn=other["Role"]["Arn"], PrincipalArn=provider,
            SAMLAssertion=idp.response(roles=[f"{role},{provider}"]))
    assert error_of(err) == DENIED


def test_session_name_is_required(account, idp, role, provider):
    assert refused(account, idp, role, provider, session_name=None)[:2] == (
        "InvalidIdentityToken", "RoleSessionName is required in AuthnResponse")
    assert refused(account, idp, role, provider, session_name="John Doe")[:2] == (
        "InvalidIdentityToken",
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")


def test_unknown_provider(account, idp, role, provider):
    missing = provider.replace("/Corp", "/Missing")
    with pytest.raises(ClientError) as err:
        anonymous_sts(account).assume_role_with_saml(
            RoleArn=role, PrincipalArn=missing,
            SAMLAssertion=idp.response(roles=[f"{role},{missing}"]))
    assert error_of(err) == ("InvalidIdentityToken", "Specified provider doesn't exist.", 400)


def test_idp_reported_failure(account, idp, role, provider):
    assert refused(account, idp, role, provider,
                   status="urn:oasis:names:tc:SAML:2.0:status:Responder")[0] == (
        "IDPRejectedClaim")


def test_trust_policy_conditions_on_saml_keys(account, iam, idp, provider):
    acct = account.account_id
    strict = iam.create_role(RoleName="strict", AssumeRolePolicyDocument=saml_trust(
        provider, {"StringEquals": {"saml:aud": "https://eu-west-1.signin.aws.amazon.com/saml",
                                    "saml:doc": f"{acct}/Corp"}}))["Role"]["Arn"]
    assert refused(account, idp, strict, provider) == DENIED
    out = assume(account, idp, strict, provider,
                 recipient="https://eu-west-1.signin.aws.amazon.com/saml")
    assert out["Audience"] == "https://eu-west-1.signin.aws.amazon.com/saml"
    by_subject = iam.create_role(RoleName="by-subject", AssumeRolePolicyDocument=saml_trust(
        provider, {"StringEquals": {"saml:sub": "user-1234", "saml:sub_type": "persistent",
                                    "saml:iss": idp.entity_id},
                   "ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"}}))
    arn = by_subject["Role"]["Arn"]
    affiliation = {"urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["member", "staff"]}
    assert assume(account, idp, arn, provider, attributes=affiliation)["Subject"] == "user-1234"
    assert refused(account, idp, arn, provider) == DENIED  # no affiliation
    assert refused(account, idp, arn, provider, subject="user-9", attributes=affiliation) == (
        DENIED)


def test_session_tags_and_source_identity(account, iam, idp, provider):
    attributes = {ATTR + "PrincipalTag:Project": ["Marketing"],
                  ATTR + "TransitiveTagKeys": ["Project"],
                  ATTR + "SourceIdentity": ["alice@example.com"]}
    plain = iam.create_role(RoleName="plain", AssumeRolePolicyDocument=saml_trust(provider))
    assert refused(account, idp, plain["Role"]["Arn"], provider,
                   attributes=attributes) == DENIED  # no sts:TagSession
    tagged = iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=saml_trust(
        provider, actions=[ACTION, "sts:TagSession", "sts:SetSourceIdentity"]))
    out = assume(account, idp, tagged["Role"]["Arn"], provider, attributes=attributes)
    assert out["SourceIdentity"] == "alice@example.com"
    assert 0 < out["PackedPolicySize"] <= 100
    bad = {ATTR + "SourceIdentity": ["aws:me"]}
    assert refused(account, idp, tagged["Role"]["Arn"], provider, attributes=bad)[:2] == (
        "InvalidIdentityToken",
        'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"')


def test_durations(account, iam, idp, role, provider):
    code, message, _ = refused(account, idp, role, provider, DurationSeconds=7200)
    assert (code, message) == ("ValidationError", "The requested DurationSeconds exceeds the "
                               "MaxSessionDuration set for this role.")
    out = assume(account, idp, role, provider, DurationSeconds=3600,
                 attributes={ATTR + "SessionDuration": ["1000"]})
    lifetime = out["Credentials"]["Expiration"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=900) < lifetime <= dt.timedelta(seconds=1000)


def test_session_policy_is_checked(account, idp, role, provider):
    assert refused(account, idp, role, provider, Policy="{not json")[0] == (
        "MalformedPolicyDocument")


def test_assertion_encryption_is_not_implemented(iam, idp, provider):
    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(Name="Enc", SAMLMetadataDocument=idp.metadata(),
                                 AssertionEncryptionMode="Allowed")
    assert error_of(err)[0] == "NotImplemented"
    with pytest.raises(ClientError) as err:
        iam.update_saml_provider(SAMLProviderArn=provider, AssertionEncryptionMode="Required")
    assert error_of(err)[0] == "NotImplemented"


def test_provider_permissions_follow_policies(account, iam, provider):
    iam.create_user(UserName="viewer")
    iam.put_user_policy(UserName="viewer", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:GetSAMLProvider", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "id"}}}]}))
    key = iam.create_access_key(UserName="viewer")["AccessKey"]
    viewer = account.client("iam", access_key_id=key["AccessKeyId"],
                            secret_access_key=key["SecretAccessKey"])
    assert viewer.get_saml_provider(SAMLProviderArn=provider)["SAMLProviderUUID"]
    with pytest.raises(ClientError) as err:
        viewer.delete_saml_provider(SAMLProviderArn=provider)
    assert error_of(err)[0] == "AccessDenied"
