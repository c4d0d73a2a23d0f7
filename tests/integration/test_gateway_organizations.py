"""Organizations through the gateway: a resource control policy keeps a member's bucket
inside the organization although its bucket policy grants an outsider, and a bucket policy
that grants the whole organization by aws:PrincipalOrgID."""

from __future__ import annotations

import json
import secrets
import time

import httpx
import pytest
from botocore.exceptions import ClientError

from ..conftest import new_account
from .gateway_helpers import client, user_with_policy

RCP = "RESOURCE_CONTROL_POLICY"


def _member(management, admin: dict, orgs) -> dict:
    """A new member account; OrganizationAccountAccessRole's credentials in it."""
    request = orgs.create_account(AccountName="data", Email=f"{secrets.token_hex(4)}@x.test")
    request_id = request["CreateAccountStatus"]["Id"]
    for _ in range(100):
        status = orgs.describe_create_account_status(CreateAccountRequestId=request_id)
        if status["CreateAccountStatus"]["State"] == "SUCCEEDED":
            break
        time.sleep(0.1)
    member = status["CreateAccountStatus"]["AccountId"]
    creds = client(management, "sts", admin).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
        RoleSessionName="ops")["Credentials"]
    return {"AccountId": member, "AccessKeyId": creds["AccessKeyId"],
            "SecretAccessKey": creds["SecretAccessKey"], "SessionToken": creds["SessionToken"]}


@pytest.fixture(scope="module")
def organization(server):
    management = new_account(server)
    admin = user_with_policy(management, [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    orgs = client(management, "organizations", admin)
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    member = _member(management, admin, orgs)
    return management, orgs, org_id, root_id, member


def _shared_bucket(management, member: dict, policy_statement: dict) -> str:
    s3 = client(management, "s3", member)
    bucket = f"org-{secrets.token_hex(5)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="data.csv", Body=b"1,2")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {**policy_statement, "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    return bucket


def test_a_resource_control_policy_refuses_outsiders_a_bucket_policy_allows(server,
                                                                           organization):
    management, orgs, org_id, root_id, member = organization
    outsider = new_account(server)
    reader = user_with_policy(outsider, [{"Effect": "Allow", "Action": "s3:GetObject",
                                          "Resource": "*"}])
    bucket = _shared_bucket(management, member, {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{outsider.account_id}:root"}})
    got = client(outsider, "s3", reader).get_object(Bucket=bucket, Key="data.csv")
    assert got["Body"].read() == b"1,2"
    orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)
    perimeter = orgs.create_policy(
        Name="perimeter", Type=RCP, Description="only the organization",
        Content=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id}}}]}),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=perimeter, TargetId=root_id)
    try:
        with pytest.raises(ClientError) as denied:
            client(outsider, "s3", reader).get_object(Bucket=bucket, Key="data.csv")
        assert denied.value.response["Error"]["Message"] == (
            f"User: {reader['arn']} is not authorized to perform: s3:GetObject on resource: "
            f'"arn:aws:s3:::{bucket}/data.csv" with an explicit deny in a resource control '
            "policy")
        inside = client(management, "s3", member).get_object(Bucket=bucket, Key="data.csv")
        assert inside["Body"].read() == b"1,2"
    finally:
        orgs.detach_policy(PolicyId=perimeter, TargetId=root_id)


def test_a_bucket_policy_granting_the_organization_by_principal_org_id(server, organization):
    management, _orgs, org_id, _root, member = organization
    bucket = _shared_bucket(management, member, {
        "Effect": "Allow", "Principal": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}}})
    inside = user_with_policy(management, [{"Effect": "Allow", "Action": "s3:GetObject",
                                            "Resource": "*"}])
    got = client(management, "s3", inside).get_object(Bucket=bucket, Key="data.csv")
    assert got["Body"].read() == b"1,2"
    outsider = new_account(server)
    reader = user_with_policy(outsider, [{"Effect": "Allow", "Action": "s3:GetObject",
                                          "Resource": "*"}])
    with pytest.raises(ClientError) as denied:
        client(outsider, "s3", reader).get_object(Bucket=bucket, Key="data.csv")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_a_resource_control_policy_applies_to_anonymous_callers_too(server, organization):
    management, orgs, _org_id, root_id, member = organization
    bucket = _shared_bucket(management, member, {"Effect": "Allow", "Principal": "*"})
    url = f"{management.endpoint}/{bucket}/data.csv"
    assert httpx.get(url, timeout=30).content == b"1,2"
    if not _enabled(orgs, root_id):  # the other RCP test may have enabled them
        orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)
    only_tls = orgs.create_policy(
        Name=f"tls-{secrets.token_hex(3)}", Type=RCP, Description="TLS only",
        Content=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=only_tls, TargetId=root_id)
    try:
        refused = httpx.get(url, timeout=30)
        assert refused.status_code == 403
        assert "<Code>AccessDenied</Code>" in refused.text
    finally:
        orgs.detach_policy(PolicyId=only_tls, TargetId=root_id)
    assert httpx.get(url, timeout=30).content == b"1,2"


def _enabled(orgs, root_id: str) -> bool:
    root = next(r for r in orgs.list_roots()["Roots"] if r["Id"] == root_id)
    return any(t["Type"] == RCP and t["Status"] == "ENABLED" for t in root["PolicyTypes"])
