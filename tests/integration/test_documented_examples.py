"""Answers compared by shape with AWS's documented examples.

Source: the examples of the IAM and STS API references that botocore ships with their
outputs (``botocore/data/iam/2010-05-08/examples-1.json`` and
``botocore/data/sts/2011-06-15/examples-1.json``), read here from the installed botocore.
Each test makes the example's call after setting up what the example implies, and compares
the answer's shape with the example's output (ids, dates and ARNs differ; which members are
present, their kinds and, where the input decides it, the order of lists must not).

Where a response recorded from real AWS (test_recorded_*.py) disagrees with an example, the
recording is followed and the test says so.
"""

from __future__ import annotations

import functools
import json
import pathlib
import re
import time
import uuid
from typing import Any

import botocore
import httpx
import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.conftest import new_account

from . import test_oidc_issuer
from .recorded import recorded, shape
from .test_oidc_web_identity import AUDIENCE, anonymous_sts, web_trust
from .test_organizations import SCP, _admin_user, _client
from .test_saml_federation import saml_trust
from .test_saml_idp import ATTR, Idp
from .test_sts_support import client_for, enable_virtual_mfa, make_user, trust
from .x509_factory import cert_pem, certificate, key_pem, rsa_key

issuer = test_oidc_issuer.issuer  # the HTTPS issuer fixture

DATA = pathlib.Path(botocore.__file__).parent / "data"
MODELS = {"iam": "iam/2010-05-08", "sts": "sts/2011-06-15"}
# The placeholder the examples write for a policy document; boto3 decodes the document.
DOCUMENT = "<URL-encoded-JSON>"

TRUST_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
TRUST = json.dumps(TRUST_DOC)
# The session policy of the STS examples' inputs.
LIST_BUCKETS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Stmt1", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]})


@functools.cache
def _examples(service: str) -> dict[str, list[dict[str, Any]]]:
    text = (DATA / MODELS[service] / "examples-1.json").read_text(encoding="utf-8")
    return json.loads(text)["examples"]


def example(service: str, operation: str, example_id: str,
            document: dict[str, Any] = TRUST_DOC) -> dict[str, Any]:
    """The documented output of one example, its policy document placeholder replaced by
    ``document`` (the one sent), which boto3 hands back decoded, as a dict."""
    [found] = [e for e in _examples(service)[operation] if e["id"] == example_id]
    return _documents(found["output"], document)


def _documents(value: Any, document: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _documents(v, document) for k, v in value.items()}
    if isinstance(value, list):
        return [_documents(v, document) for v in value]
    return document if value == DOCUMENT else value


def _policy(*actions: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


def _until(read, done, seconds: float = 15):
    """``read()`` again until ``done`` holds of it: audit records are written in batches."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


# --- IAM: creating entities --------------------------------------------------------------

def test_create_access_key(iam):
    # botocore examples-1.json: CreateAccessKey (1fbb3211-4cf2-41db-8c20-ba58d9f5802d)
    iam.create_user(UserName="Bob")
    out = iam.create_access_key(UserName="Bob")
    assert shape(out) == recorded(
        example("iam", "CreateAccessKey", "1fbb3211-4cf2-41db-8c20-ba58d9f5802d"))


def test_create_group(iam):
    # botocore examples-1.json: CreateGroup (d5da2a90-5e69-4ef7-8ae8-4c33dc21fd21)
    out = iam.create_group(GroupName="Admins")
    assert shape(out) == recorded(
        example("iam", "CreateGroup", "d5da2a90-5e69-4ef7-8ae8-4c33dc21fd21"))


def test_create_instance_profile(iam):
    # botocore examples-1.json: CreateInstanceProfile (5d84e6ae-5921-4e39-8454-10232cd9ff9a)
    out = iam.create_instance_profile(InstanceProfileName="Webserver")
    assert shape(out) == recorded(
        example("iam", "CreateInstanceProfile", "5d84e6ae-5921-4e39-8454-10232cd9ff9a"))


def test_create_login_profile(iam):
    # botocore examples-1.json: CreateLoginProfile (c63795bc-3444-40b3-89df-83c474ef88be)
    iam.create_user(UserName="Bob")
    out = iam.create_login_profile(UserName="Bob", Password="h]6EszR}vJ*m",
                                   PasswordResetRequired=True)
    assert shape(out) == recorded(
        example("iam", "CreateLoginProfile", "c63795bc-3444-40b3-89df-83c474ef88be"))
    assert out["LoginProfile"]["PasswordResetRequired"] is True


def test_create_open_id_connect_provider(iam, account):
    # botocore examples-1.json: CreateOpenIDConnectProvider
    # (4e4a6bff-cc97-4406-922e-0ab4a82cdb63). The example's thumbprint ends in the
    # placeholder "EXAMPLE", as its ids do; a thumbprint is a SHA-1 digest in hex.
    out = iam.create_open_id_connect_provider(
        ClientIDList=["my-application-id"], Url="https://server.example.com",
        ThumbprintList=["3768084dfb3d2b68b7897bf5f565da8ef0123456"])
    assert shape(out) == recorded(
        example("iam", "CreateOpenIDConnectProvider", "4e4a6bff-cc97-4406-922e-0ab4a82cdb63"))
    assert out["OpenIDConnectProviderArn"] == (
        f"arn:aws:iam::{account.account_id}:oidc-provider/server.example.com")


def test_create_role(iam):
    # botocore examples-1.json: CreateRole (eaaa4b5f-51f1-4f73-b0d3-30127040eff8)
    out = iam.create_role(RoleName="Test-Role", Path="/", AssumeRolePolicyDocument=TRUST)
    assert shape(out) == recorded(
        example("iam", "CreateRole", "eaaa4b5f-51f1-4f73-b0d3-30127040eff8"))


def test_create_user(iam):
    # botocore examples-1.json: CreateUser (eb15f90b-e5f5-4af8-a594-e4e82b181a62)
    out = iam.create_user(UserName="Bob")
    assert shape(out) == recorded(
        example("iam", "CreateUser", "eb15f90b-e5f5-4af8-a594-e4e82b181a62"))


def _server_certificate(name: str) -> dict[str, str]:
    key, ca_key = rsa_key(4), rsa_key(5)
    leaf = certificate(key, name, issuer_key=ca_key, issuer_name="Example CA")
    return {"CertificateBody": cert_pem(leaf), "PrivateKey": key_pem(key)}


def test_upload_server_certificate(iam):
    # botocore examples-1.json: UploadServerCertificate (06eab6d1-ebf2-4bd9-839d-f7508b9a38b6)
    out = iam.upload_server_certificate(ServerCertificateName="ProdServerCert",
                                        Path="/company/servercerts/",
                                        **_server_certificate("ProdServerCert"))
    assert shape(out) == recorded(
        example("iam", "UploadServerCertificate", "06eab6d1-ebf2-4bd9-839d-f7508b9a38b6"))
    assert out["ServerCertificateMetadata"]["Path"] == "/company/servercerts/"


def test_upload_signing_certificate(iam):
    # botocore examples-1.json: UploadSigningCertificate (e67489b6-7b73-4e30-9ed3-9a9e0231e458)
    iam.create_user(UserName="Bob")
    body = cert_pem(certificate(rsa_key(1), "Bob"))
    out = iam.upload_signing_certificate(UserName="Bob", CertificateBody=body)
    assert shape(out) == recorded(
        example("iam", "UploadSigningCertificate", "e67489b6-7b73-4e30-9ed3-9a9e0231e458"))


# --- IAM: reading entities ---------------------------------------------------------------

def test_get_account_password_policy(iam):
    # botocore examples-1.json: GetAccountPasswordPolicy (5e4598c7-c425-431f-8af1-19073b3c4a5f):
    # the example's policy sets MaxPasswordAge, PasswordReusePrevention and HardExpiry, which
    # a policy without them leaves out (test_recorded_shapes.py: password-policy-defaults)
    iam.update_account_password_policy(
        AllowUsersToChangePassword=False, HardExpiry=False, MaxPasswordAge=90,
        MinimumPasswordLength=8, PasswordReusePrevention=12, RequireLowercaseCharacters=False,
        RequireNumbers=True, RequireSymbols=True, RequireUppercaseCharacters=False)
    documented = example("iam", "GetAccountPasswordPolicy",
                         "5e4598c7-c425-431f-8af1-19073b3c4a5f")
    # Values may differ: ExpirePasswords is true here, as a MaxPasswordAge makes it.
    assert shape(iam.get_account_password_policy()) == recorded(documented)


def test_get_account_summary(iam):
    # botocore examples-1.json: GetAccountSummary (9d8447af-f344-45de-8219-2cebc3cce7f2): every
    # key of the example is there, a number. The recorded summary
    # (test_recorded_shapes.py, test_iam_account_summary.snapshot.json) holds eight more keys
    # the example predates (AccountPasswordPresent, AssumeRolePolicySizeQuota,
    # InstanceProfiles, InstanceProfilesQuota, Providers, RolePolicySizeQuota, Roles,
    # RolesQuota); the recording is followed.
    documented = example("iam", "GetAccountSummary", "9d8447af-f344-45de-8219-2cebc3cce7f2")
    summary = iam.get_account_summary()["SummaryMap"]
    assert shape({k: summary.get(k) for k in documented["SummaryMap"]}) == recorded(
        documented["SummaryMap"])
    assert set(summary) - set(documented["SummaryMap"]) == {
        "AccountPasswordPresent", "AssumeRolePolicySizeQuota", "InstanceProfiles",
        "InstanceProfilesQuota", "Providers", "RolePolicySizeQuota", "Roles", "RolesQuota"}


def test_get_instance_profile(iam):
    # botocore examples-1.json: GetInstanceProfile (463b9ba5-18cc-4608-9ccb-5a7c6b6e5fe7). The
    # example shows no Tags; GetInstanceProfile recorded from AWS carries Tags [] for a
    # profile without tags (test_recorded_shapes.py, test_recorded_roles_policies.py), and the
    # recording is followed.
    iam.create_instance_profile(InstanceProfileName="ExampleInstanceProfile")
    iam.create_role(RoleName="Test-Role", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="ExampleInstanceProfile",
                                     RoleName="Test-Role")
    documented = example("iam", "GetInstanceProfile", "463b9ba5-18cc-4608-9ccb-5a7c6b6e5fe7")
    out = iam.get_instance_profile(InstanceProfileName="ExampleInstanceProfile")
    assert shape(out) == recorded(
        {"InstanceProfile": {**documented["InstanceProfile"], "Tags": []}})


def test_get_login_profile(iam):
    # botocore examples-1.json: GetLoginProfile (d6b580cc-909f-4925-9caa-d425cbc1ad47). The
    # example shows no PasswordResetRequired; get-login-profile recorded from AWS carries it
    # (false) (test_recorded_credential_shapes.py, test_login_profile_lifecycle), and the
    # recording is followed.
    iam.create_user(UserName="Anika")
    iam.create_login_profile(UserName="Anika", Password="Example-Passw0rd!")
    documented = example("iam", "GetLoginProfile", "d6b580cc-909f-4925-9caa-d425cbc1ad47")
    out = iam.get_login_profile(UserName="Anika")
    assert shape(out) == recorded(
        {"LoginProfile": {**documented["LoginProfile"], "PasswordResetRequired": False}})


def test_get_role_after_the_role_was_used(account, iam):
    # botocore examples-1.json: GetRole (5b7d03a6-340c-472d-aa77-56425950d8b0): RoleLastUsed
    # holds LastUsedDate and Region once a session of the role has made a call
    keys = make_user(iam, "assumer")
    document = trust({"AWS": f"arn:aws:iam::{account.account_id}:root"})
    iam.create_role(RoleName="Test-Role", AssumeRolePolicyDocument=document)
    iam.put_role_policy(RoleName="Test-Role", PolicyName="read",
                        PolicyDocument=_policy("iam:GetRole"))
    credentials = client_for(account, "sts", keys).assume_role(
        RoleArn=f"arn:aws:iam::{account.account_id}:role/Test-Role",
        RoleSessionName="example")["Credentials"]
    client_for(account, "iam", credentials).get_role(RoleName="Test-Role")
    out = _until(lambda: iam.get_role(RoleName="Test-Role"),
                 lambda got: "LastUsedDate" in got["Role"]["RoleLastUsed"])
    assert shape(out) == recorded(
        example("iam", "GetRole", "5b7d03a6-340c-472d-aa77-56425950d8b0", json.loads(document)))


def test_get_user(iam):
    # botocore examples-1.json: GetUser (ede000a1-9e4c-40db-bd0a-d4f95e41a6ab)
    iam.create_user(UserName="Bob")
    out = iam.get_user(UserName="Bob")
    assert shape(out) == recorded(
        example("iam", "GetUser", "ede000a1-9e4c-40db-bd0a-d4f95e41a6ab"))


# --- IAM: lists --------------------------------------------------------------------------
# The examples of lists show no IsTruncated; every list recorded from AWS carries it (false
# on a last page): test_recorded_users.py (ListAccessKeys, ListAccountAliases,
# ListGroupPolicies, ListGroups, ListGroupsForUser, ListUsers, ListVirtualMFADevices) and
# test_recorded_credential_shapes.py (ListSigningCertificates). The recordings are followed.

def _with_is_truncated(documented: dict[str, Any]) -> dict[str, Any]:
    return {**documented, "IsTruncated": False}


def test_list_access_keys(iam):
    # botocore examples-1.json: ListAccessKeys (15571463-ebea-411a-a021-1c76bd2a3625): the
    # keys in the order they were made
    iam.create_user(UserName="Alice")
    made = [iam.create_access_key(UserName="Alice")["AccessKey"]["AccessKeyId"]
            for _ in range(2)]
    out = iam.list_access_keys(UserName="Alice")
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListAccessKeys", "15571463-ebea-411a-a021-1c76bd2a3625")))
    assert [k["AccessKeyId"] for k in out["AccessKeyMetadata"]] == made


def test_list_account_aliases(iam):
    # botocore examples-1.json: ListAccountAliases (e27b457a-16f9-4e05-a006-3df7b3472741)
    iam.create_account_alias(AccountAlias=f"example-{uuid.uuid4().hex[:12]}")
    out = iam.list_account_aliases()
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListAccountAliases", "e27b457a-16f9-4e05-a006-3df7b3472741")))


def test_list_group_policies(iam):
    # botocore examples-1.json: ListGroupPolicies (02de5095-2410-4d3a-ac1b-cc40234af68f)
    iam.create_group(GroupName="Admins")
    for name in ("AdminRoot", "KeyPolicy"):
        iam.put_group_policy(GroupName="Admins", PolicyName=name,
                             PolicyDocument=_policy("iam:GetUser"))
    documented = example("iam", "ListGroupPolicies", "02de5095-2410-4d3a-ac1b-cc40234af68f")
    out = iam.list_group_policies(GroupName="Admins")
    assert shape(out) == recorded(_with_is_truncated(documented))
    assert out["PolicyNames"] == documented["PolicyNames"]


GROUP_PATHS = {"Admins": "/division_abc/subdivision_xyz/",
               "Test": "/division_abc/subdivision_xyz/product_1234/engineering/",
               "Managers": "/division_abc/subdivision_xyz/product_1234/"}


def test_list_groups(iam):
    # botocore examples-1.json: ListGroups (b3ab1380-2a21-42fb-8e85-503f65512c66)
    for name, path in GROUP_PATHS.items():
        iam.create_group(GroupName=name, Path=path)
    out = iam.list_groups()
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListGroups", "b3ab1380-2a21-42fb-8e85-503f65512c66")))


def test_list_groups_for_user(iam):
    # botocore examples-1.json: ListGroupsForUser (278ec2ee-fc28-4136-83fb-433af0ae46a2)
    iam.create_user(UserName="Bob")
    for name in ("Test", "Managers"):
        iam.create_group(GroupName=name, Path=GROUP_PATHS[name])
        iam.add_user_to_group(GroupName=name, UserName="Bob")
    out = iam.list_groups_for_user(UserName="Bob")
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListGroupsForUser", "278ec2ee-fc28-4136-83fb-433af0ae46a2")))


EXAMPLE_TAGS = [{"Key": "Dept", "Value": "12345"}, {"Key": "Team", "Value": "Accounting"}]


def test_list_role_tags(iam):
    # botocore examples-1.json: ListRoleTags (to-list-the-tags-attached-to-an-iam-role-
    # 1506719238376)
    iam.create_role(RoleName="taggedrole1", AssumeRolePolicyDocument=TRUST, Tags=EXAMPLE_TAGS)
    out = iam.list_role_tags(RoleName="taggedrole1")
    assert shape(out) == recorded(example(
        "iam", "ListRoleTags", "to-list-the-tags-attached-to-an-iam-role-1506719238376"))
    assert out["Tags"] == EXAMPLE_TAGS


def test_list_user_tags(iam):
    # botocore examples-1.json: ListUserTags (to-list-the-tags-attached-to-an-iam-user-
    # 1506719473186)
    iam.create_user(UserName="anika", Tags=EXAMPLE_TAGS)
    out = iam.list_user_tags(UserName="anika")
    assert shape(out) == recorded(example(
        "iam", "ListUserTags", "to-list-the-tags-attached-to-an-iam-user-1506719473186"))
    assert out["Tags"] == EXAMPLE_TAGS


def test_list_signing_certificates(iam):
    # botocore examples-1.json: ListSigningCertificates (b4c10256-4fc9-457e-b3fd-4a110d4d73dc)
    iam.create_user(UserName="Bob")
    iam.upload_signing_certificate(UserName="Bob",
                                   CertificateBody=cert_pem(certificate(rsa_key(2), "Bob")))
    out = iam.list_signing_certificates(UserName="Bob")
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListSigningCertificates", "b4c10256-4fc9-457e-b3fd-4a110d4d73dc")))


def _console_sign_in(account, user: str, password: str) -> None:
    """Sign in at the console as ``user``: PasswordLastUsed is the last such sign-in."""
    console = f"{account.endpoint}/_rolecall/console/signin"
    with httpx.Client(timeout=10) as browser:
        form = browser.get(console).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        answer = browser.post(console, data={
            "csrf": csrf, "account": account.account_id, "username": user,
            "password": password})
    assert answer.status_code in (302, 303), answer.text


def test_list_users_after_console_sign_ins(account, iam):
    # botocore examples-1.json: ListUsers (9edfbd73-03d8-4d8a-9a79-76c85e8c8298): both users
    # have signed in at the console, so each shows PasswordLastUsed
    path = "/division_abc/subdivision_xyz/engineering/"
    for name in ("Juan", "Anika"):
        iam.create_user(UserName=name, Path=path)
        iam.create_login_profile(UserName=name, Password="Example-Passw0rd!")
        _console_sign_in(account, name, "Example-Passw0rd!")
    out = iam.list_users()
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListUsers", "9edfbd73-03d8-4d8a-9a79-76c85e8c8298")))


def test_list_virtual_mfa_devices(iam):
    # botocore examples-1.json: ListVirtualMFADevices (54f9ac18-5100-4070-bec4-fe5f612710d5):
    # two devices assigned to no user
    for name in ("ExampleMFADevice", "Juan"):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=name)
    out = iam.list_virtual_mfa_devices()
    assert shape(out) == recorded(_with_is_truncated(
        example("iam", "ListVirtualMFADevices", "54f9ac18-5100-4070-bec4-fe5f612710d5")))


# --- IAM: last-accessed reports ------------------------------------------------------------

@pytest.fixture
def accessed(account, iam) -> dict[str, str]:
    """The examples' policy ExamplePolicy1 (IAM and S3 actions), attached to the user
    AWSExampleUser01, who has called IAM, and to the role AWSExampleRole01, never used."""
    arn = iam.create_policy(PolicyName="ExamplePolicy1", PolicyDocument=_policy(
        "iam:GetUser", "s3:ListAllMyBuckets"))["Policy"]["Arn"]
    keys = make_user(iam, "AWSExampleUser01", None)
    iam.attach_user_policy(UserName="AWSExampleUser01", PolicyArn=arn)
    iam.create_role(RoleName="AWSExampleRole01", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="AWSExampleRole01", PolicyArn=arn)
    client_for(account, "iam", keys).get_user(UserName="AWSExampleUser01")
    return {"policy": arn, "user": f"arn:aws:iam::{account.account_id}:user/AWSExampleUser01"}


def _last_accessed(iam, job: str) -> dict[str, Any]:
    return _until(lambda: iam.get_service_last_accessed_details(JobId=job),
                  lambda got: any("LastAuthenticated" in s for s in got["ServicesLastAccessed"]))


def test_generate_service_last_accessed_details(iam, accessed):
    # botocore examples-1.json: GenerateServiceLastAccessedDetails
    # (generateaccessdata-policy-1541695178514)
    out = iam.generate_service_last_accessed_details(Arn=accessed["policy"])
    assert shape(out) == recorded(example("iam", "GenerateServiceLastAccessedDetails",
                                          "generateaccessdata-policy-1541695178514"))


# Members the last-accessed examples (made in November 2018, as their ids' timestamps say)
# predate: JobType and LastAuthenticatedRegion came with action-level reports (the request's
# Granularity). botocore's model documents both as returned, the Region whenever an entity
# attempted access, and no recording contradicts that, so they are kept and named here.
LATER_MEMBERS = {"JobType": "SERVICE_LEVEL"}
LATER_SERVICE_MEMBERS = {"LastAuthenticatedRegion": "us-east-1"}


def test_get_service_last_accessed_details(iam, accessed):
    # botocore examples-1.json: GetServiceLastAccessedDetails
    # (getserviceaccessdetails-policy-1541696298085): IAM, used, listed before S3, unused
    job = iam.generate_service_last_accessed_details(Arn=accessed["policy"])["JobId"]
    out = _last_accessed(iam, job)
    documented = example("iam", "GetServiceLastAccessedDetails",
                         "getserviceaccessdetails-policy-1541696298085")
    used, unused = documented["ServicesLastAccessed"]
    assert shape(out) == recorded({**documented, **LATER_MEMBERS, "ServicesLastAccessed": [
        {**used, **LATER_SERVICE_MEMBERS}, unused]})
    assert [(s["ServiceNamespace"], s["ServiceName"]) for s in out["ServicesLastAccessed"]] == [
        (s["ServiceNamespace"], s["ServiceName"]) for s in documented["ServicesLastAccessed"]]
    assert out["ServicesLastAccessed"][0]["LastAuthenticatedEntity"] == accessed["user"]


def test_get_service_last_accessed_details_with_entities(iam, accessed):
    # botocore examples-1.json: GetServiceLastAccessedDetailsWithEntities
    # (getserviceaccessdetailsentity-policy-1541697621384): the user who called IAM first,
    # with LastAuthenticated, then the role that did not
    job = iam.generate_service_last_accessed_details(Arn=accessed["policy"])["JobId"]
    _last_accessed(iam, job)
    out = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    assert shape(out) == recorded(example("iam", "GetServiceLastAccessedDetailsWithEntities",
                                          "getserviceaccessdetailsentity-policy-1541697621384"))
    assert [e["EntityInfo"]["Name"] for e in out["EntityDetailsList"]] == [
        "AWSExampleUser01", "AWSExampleRole01"]


def test_list_policies_granting_service_access(account, iam):
    # botocore examples-1.json: ListPoliciesGrantingServiceAccess
    # (listpoliciesaccess-user-1541698749508): the user's managed policy before its group's
    # inline policy, the namespaces in the order asked
    iam.create_user(UserName="ExampleUser01")
    for name, action in (("ExampleIamPolicy", "iam:GetUser"),
                         ("ExampleEc2Policy", "ec2:DescribeInstances")):
        arn = iam.create_policy(PolicyName=name, PolicyDocument=_policy(action))["Policy"]["Arn"]
        iam.attach_user_policy(UserName="ExampleUser01", PolicyArn=arn)
    iam.create_group(GroupName="AWSExampleGroup1")
    iam.add_user_to_group(GroupName="AWSExampleGroup1", UserName="ExampleUser01")
    iam.put_group_policy(GroupName="AWSExampleGroup1", PolicyName="ExampleGroup1Policy",
                         PolicyDocument=_policy("iam:ListUsers"))
    out = iam.list_policies_granting_service_access(
        Arn=f"arn:aws:iam::{account.account_id}:user/ExampleUser01",
        ServiceNamespaces=["iam", "ec2"])
    documented = example("iam", "ListPoliciesGrantingServiceAccess",
                         "listpoliciesaccess-user-1541698749508")
    assert shape(out) == recorded(documented)
    assert out["PoliciesGrantingServiceAccess"] == [
        {**entry, "Policies": [{k: v.replace("123456789012", account.account_id)
                                for k, v in policy.items()} for policy in entry["Policies"]]}
        for entry in documented["PoliciesGrantingServiceAccess"]]


@pytest.fixture
def organization(server) -> dict[str, Any]:
    """An organization with SCPs enabled and an OU of two member accounts: one has called
    DynamoDB, the other IAM, neither S3 (the services of the examples' report)."""
    management = new_account(server)
    admin = _admin_user(management.client("iam"))
    orgs = _client(server.endpoint, "organizations", admin)
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType=SCP)
    ou = orgs.create_organizational_unit(ParentId=root_id, Name="Example")[
        "OrganizationalUnit"]["Id"]
    sts = _client(server.endpoint, "sts", admin)
    for name, call in (("dynamodb", "list_tables"), ("iam", "list_roles")):
        request = orgs.create_account(Email=f"{name}-{uuid.uuid4().hex[:8]}@example.com",
                                      AccountName=name)["CreateAccountStatus"]
        member = orgs.describe_create_account_status(CreateAccountRequestId=request["Id"])[
            "CreateAccountStatus"]["AccountId"]
        orgs.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=ou)
        session = sts.assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
            RoleSessionName="example")["Credentials"]
        getattr(_client(server.endpoint, name, session), call)()
    return {"iam": _client(server.endpoint, "iam", admin),
            "path": f"{org_id}/{root_id}/{ou}"}


def test_generate_organizations_access_report(organization):
    # botocore examples-1.json: GenerateOrganizationsAccessReport
    # (generateorganizationsaccessreport-ou)
    out = organization["iam"].generate_organizations_access_report(
        EntityPath=organization["path"])
    assert shape(out) == recorded(example("iam", "GenerateOrganizationsAccessReport",
                                          "generateorganizationsaccessreport-ou"))


def test_get_organizations_access_report(organization):
    # botocore examples-1.json: GetOrganizationsAccessReport (getorganizationsaccessreport-ou):
    # the services in namespace order, those accessed with the account that last did and
    # when, the one not accessed with TotalAuthenticatedEntities 0. The example lists three
    # services; the organization here allows every service, so the report is read whole and
    # compared on the example's three.
    iam = organization["iam"]

    def report() -> dict[str, Any]:
        job = iam.generate_organizations_access_report(EntityPath=organization["path"])
        return iam.get_organizations_access_report(JobId=job["JobId"], MaxItems=1000)

    out = _until(report, lambda got: sum("LastAuthenticatedTime" in d
                                         for d in got["AccessDetails"]) == 2)
    documented = example("iam", "GetOrganizationsAccessReport",
                         "getorganizationsaccessreport-ou")
    namespaces = [d["ServiceNamespace"] for d in documented["AccessDetails"]]
    details = [d for d in out["AccessDetails"] if d["ServiceNamespace"] in namespaces]
    assert shape({**out, "AccessDetails": details}) == recorded(documented)
    assert [d["ServiceNamespace"] for d in details] == namespaces
    assert [d["EntityPath"].rsplit("/", 1)[0] for d in details[:2]] == [
        organization["path"]] * 2


# --- STS -----------------------------------------------------------------------------------

def test_assume_role_with_tags_and_a_session_policy(account, iam):
    # botocore examples-1.json: AssumeRole (to-assume-a-role-1480532402212): an external id,
    # a session policy, session tags and transitive keys; PackedPolicySize is present
    keys = make_user(iam, "Bob", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}]})
    role = iam.create_role(RoleName="demo", AssumeRolePolicyDocument=trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:root"},
        {"StringEquals": {"sts:ExternalId": "123ABC"}},
        ["sts:AssumeRole", "sts:TagSession"]))["Role"]["Arn"]
    out = client_for(account, "sts", keys).assume_role(
        RoleArn=role, RoleSessionName="testAssumeRoleSession", ExternalId="123ABC",
        Policy=LIST_BUCKETS, TransitiveTagKeys=["Project", "Cost-Center"],
        Tags=[{"Key": "Project", "Value": "Unicorn"}, {"Key": "Team", "Value": "Automation"},
              {"Key": "Cost-Center", "Value": "12345"}])
    assert shape(out) == recorded(
        example("sts", "AssumeRole", "to-assume-a-role-1480532402212"))


def test_assume_role_with_saml_and_session_tags(account, iam):
    # botocore examples-1.json: AssumeRoleWithSAML (to-assume-role-with-saml-14882749597814):
    # no session policy is passed, yet PackedPolicySize is there, so the assertion (its text
    # cut short in the example) carries session tags; the assertion here carries one
    idp = Idp()
    provider = iam.create_saml_provider(Name="SAML-test",
                                        SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    role = iam.create_role(RoleName="TestSaml", AssumeRolePolicyDocument=saml_trust(
        provider, actions=["sts:AssumeRoleWithSAML", "sts:TagSession"]))["Role"]["Arn"]
    out = anonymous_sts(account).assume_role_with_saml(
        RoleArn=role, PrincipalArn=provider, DurationSeconds=3600,
        SAMLAssertion=idp.response(roles=[f"{role},{provider}"],
                                   attributes={ATTR + "PrincipalTag:Project": ["Example"]}))
    assert shape(out) == recorded(
        example("sts", "AssumeRoleWithSAML", "to-assume-role-with-saml-14882749597814"))


def test_assume_role_with_web_identity(account, iam, issuer):
    # botocore examples-1.json: AssumeRoleWithWebIdentity
    # (to-assume-a-role-as-an-openid-connect-federated-user-1480533445696). The example's
    # ProviderId names an OAuth 2.0 provider (www.amazon.com), which only tokens of Login
    # with Amazon or Facebook use; the token here is an OpenID Connect ID token of an IAM
    # OIDC provider, which takes no ProviderId, and the answer has the same members.
    iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE],
                                        ThumbprintList=[issuer.thumbprint])
    role = iam.create_role(RoleName="FederatedWebIdentityRole", AssumeRolePolicyDocument=(
        web_trust(account.account_id, issuer.host)))["Role"]["Arn"]
    out = anonymous_sts(account).assume_role_with_web_identity(
        RoleArn=role, RoleSessionName="app1", DurationSeconds=3600, Policy=LIST_BUCKETS,
        WebIdentityToken=issuer.token())
    assert shape(out) == recorded(example(
        "sts", "AssumeRoleWithWebIdentity",
        "to-assume-a-role-as-an-openid-connect-federated-user-1480533445696"))


def test_decode_authorization_message(account, iam):
    # botocore examples-1.json: DecodeAuthorizationMessage
    # (to-decode-information-about-an-authorization-status-of-a-request-1480533854499): an
    # EC2 refusal's encoded message decoded. The example's DecodedMessage is an illustration
    # (it is not valid JSON); the document decoded here has the members it names.
    keys = make_user(iam, "Bob", None)
    with pytest.raises(ClientError) as refused:
        client_for(account, "ec2", keys).stop_instances(InstanceIds=["i-dd01c9bd"])
    encoded = refused.value.response["Error"]["Message"].rsplit(": ", 1)[1]
    out = account.client("sts").decode_authorization_message(EncodedMessage=encoded)
    assert shape(out) == recorded(example(
        "sts", "DecodeAuthorizationMessage",
        "to-decode-information-about-an-authorization-status-of-a-request-1480533854499"))
    decoded = json.loads(out["DecodedMessage"])
    assert {"allowed", "explicitDeny", "matchedStatements", "failures", "context"} <= set(decoded)
    context = decoded["context"]
    assert {"principal", "action", "resource", "conditions"} <= set(context)
    assert set(context["principal"]) == {"id", "name", "arn"}
    assert context["action"] == "ec2:StopInstances"


def test_get_caller_identity_of_a_user(account, iam):
    # botocore examples-1.json: GetCallerIdentity
    # (to-get-details-about-a-calling-iam-user-1480540050376)
    keys = make_user(iam, "Alice", None)
    out = client_for(account, "sts", keys).get_caller_identity()
    assert shape(out) == recorded(example(
        "sts", "GetCallerIdentity", "to-get-details-about-a-calling-iam-user-1480540050376"))


def test_get_caller_identity_of_a_role_session(account, iam):
    # botocore examples-1.json: GetCallerIdentity
    # (to-get-details-about-a-calling-user-federated-with-assumerole-1480540158545)
    keys = make_user(iam, "assumer")
    role = iam.create_role(RoleName="my-role-name", AssumeRolePolicyDocument=trust(
        {"AWS": f"arn:aws:iam::{account.account_id}:root"}))["Role"]["Arn"]
    credentials = client_for(account, "sts", keys).assume_role(
        RoleArn=role, RoleSessionName="my-role-session-name")["Credentials"]
    out = client_for(account, "sts", credentials).get_caller_identity()
    assert shape(out) == recorded(example(
        "sts", "GetCallerIdentity",
        "to-get-details-about-a-calling-user-federated-with-assumerole-1480540158545"))
    assert out["Arn"] == (f"arn:aws:sts::{account.account_id}:assumed-role/my-role-name/"
                          "my-role-session-name")


def test_get_caller_identity_of_a_federated_user(account, iam):
    # botocore examples-1.json: GetCallerIdentity
    # (to-get-details-about-a-calling-user-federated-with-getfederationtoken-1480540231316)
    keys = make_user(iam, "federator", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"}]})
    credentials = client_for(account, "sts", keys).get_federation_token(
        Name="my-federated-user-name", Policy=_policy("sts:GetCallerIdentity"))["Credentials"]
    out = client_for(account, "sts", credentials).get_caller_identity()
    assert shape(out) == recorded(example(
        "sts", "GetCallerIdentity",
        "to-get-details-about-a-calling-user-federated-with-getfederationtoken-1480540231316"))
    assert (out["Arn"], out["UserId"]) == (
        f"arn:aws:sts::{account.account_id}:federated-user/my-federated-user-name",
        f"{account.account_id}:my-federated-user-name")


def test_get_federation_token_with_a_policy_and_tags(account, iam):
    # botocore examples-1.json: GetFederationToken
    # (to-get-temporary-credentials-for-a-role-by-using-getfederationtoken-1480540749900)
    keys = make_user(iam, "Bob", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:GetFederationToken", "sts:TagSession"],
         "Resource": "*"}]})
    out = client_for(account, "sts", keys).get_federation_token(
        Name="testFedUserSession", DurationSeconds=3600, Policy=LIST_BUCKETS,
        Tags=[{"Key": "Project", "Value": "Pegasus"}, {"Key": "Cost-Center", "Value": "98765"}])
    assert shape(out) == recorded(example(
        "sts", "GetFederationToken",
        "to-get-temporary-credentials-for-a-role-by-using-getfederationtoken-1480540749900"))


def test_get_session_token_with_mfa(account, iam):
    # botocore examples-1.json: GetSessionToken
    # (to-get-temporary-credentials-for-an-iam-user-or-an-aws-account-1480540814038)
    keys = make_user(iam, "Bob", None)
    serial, seed = enable_virtual_mfa(iam, "Bob")
    out = client_for(account, "sts", keys).get_session_token(
        DurationSeconds=3600, SerialNumber=serial, TokenCode=pyotp.TOTP(seed).now())
    assert shape(out) == recorded(example(
        "sts", "GetSessionToken",
        "to-get-temporary-credentials-for-an-iam-user-or-an-aws-account-1480540814038"))
