"""Organizations over HTTP with boto3 and the aws CLI: an organization with two OUs and three
accounts, SCPs in every decision (AWS's AccessDenied wording naming the service control
policy), the management account unaffected, aws:PrincipalOrgID in a trust policy, the
simulator's OrganizationsDecisionDetail, and AWS's errors for the quotas."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import Account, AwsCli, new_account

SCP = "SERVICE_CONTROL_POLICY"
DENY_IAM = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "NoIAMUsers", "Effect": "Deny", "Action": ["iam:ListUsers", "iam:CreateUser"],
     "Resource": "*"}]})
ONLY_STS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _client(endpoint: str, service: str, creds: dict[str, str]):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"), config=Config(retries={"max_attempts": 1}),
    )


def _admin_user(iam, name: str = "admin") -> dict[str, str]:
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn=ADMIN)
    return iam.create_access_key(UserName=name)["AccessKey"]


@dataclass
class Org:
    management: Account
    endpoint: str
    management_id: str
    admin: dict[str, str]
    org_id: str
    root_id: str
    prod: str
    dev: str
    prod_account: str
    dev_account: str
    root_account: str

    def client(self, service: str, creds: dict[str, str] | None = None):
        return _client(self.endpoint, service, creds or self.admin)

    def member_session(self, account_id: str, name: str = "ops") -> dict[str, str]:
        """Credentials of OrganizationAccountAccessRole in a member, from the management admin."""
        role = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        return self.client("sts").assume_role(RoleArn=role, RoleSessionName=name)["Credentials"]


@pytest.fixture(scope="module")
def org(server) -> Org:
    management = new_account(server)
    admin = _admin_user(management.client("iam"))
    orgs = _client(server.endpoint, "organizations", admin)
    created = orgs.create_organization(FeatureSet="ALL")["Organization"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType=SCP)
    prod = orgs.create_organizational_unit(ParentId=root_id, Name="Prod")["OrganizationalUnit"]
    dev = orgs.create_organizational_unit(ParentId=root_id, Name="Dev")["OrganizationalUnit"]
    accounts = []
    for name in ("prod-app", "dev-app", "shared"):
        request = orgs.create_account(Email=f"{name}-{uuid.uuid4().hex[:8]}@example.com",
                                      AccountName=name)["CreateAccountStatus"]
        assert request["State"] == "IN_PROGRESS"
        status = orgs.describe_create_account_status(
            CreateAccountRequestId=request["Id"])["CreateAccountStatus"]
        assert status["State"] == "SUCCEEDED"
        accounts.append(status["AccountId"])
    orgs.move_account(AccountId=accounts[0], SourceParentId=root_id,
                      DestinationParentId=prod["Id"])
    orgs.move_account(AccountId=accounts[1], SourceParentId=root_id,
                      DestinationParentId=dev["Id"])
    deny = orgs.create_policy(Content=DENY_IAM, Description="no IAM", Name="DenyIAM",
                              Type=SCP)["Policy"]["PolicySummary"]
    orgs.attach_policy(PolicyId=deny["Id"], TargetId=prod["Id"])
    # Attached to the management account it must change nothing there.
    orgs.attach_policy(PolicyId=deny["Id"], TargetId=management.account_id)
    return Org(management, server.endpoint, management.account_id, admin, created["Id"], root_id,
               prod["Id"], dev["Id"], accounts[0], accounts[1], accounts[2])


def test_the_organization_has_two_ous_and_three_member_accounts(org):
    orgs = org.client("organizations")
    described = orgs.describe_organization()["Organization"]
    assert described["MasterAccountId"] == org.management_id
    assert re.fullmatch(r"o-[a-z0-9]{10}", org.org_id)
    units = orgs.list_organizational_units_for_parent(ParentId=org.root_id)
    assert sorted(u["Name"] for u in units["OrganizationalUnits"]) == ["Dev", "Prod"]
    accounts = orgs.list_accounts()["Accounts"]
    assert {a["Id"] for a in accounts} == {org.management_id, org.prod_account,
                                           org.dev_account, org.root_account}
    children = orgs.list_children(ParentId=org.prod, ChildType="ACCOUNT")["Children"]
    assert children == [{"Id": org.prod_account, "Type": "ACCOUNT"}]
    parents = orgs.list_parents(ChildId=org.dev_account)["Parents"]
    assert parents == [{"Id": org.dev, "Type": "ORGANIZATIONAL_UNIT"}]
    account = orgs.describe_account(AccountId=org.prod_account)["Account"]
    assert account["JoinedMethod"] == "CREATED"
    assert account["Paths"] == [f"{org.org_id}/{org.root_id}/{org.prod}/{org.prod_account}/"]
    assert account["Arn"] == (f"arn:aws:organizations::{org.management_id}:account/"
                              f"{org.org_id}/{org.prod_account}")


def test_every_new_target_gets_full_aws_access(org):
    orgs = org.client("organizations")
    for target in (org.root_id, org.dev, org.dev_account):
        names = [p["Name"] for p in orgs.list_policies_for_target(
            TargetId=target, Filter=SCP)["Policies"]]
        assert names == ["FullAWSAccess"]
    targets = orgs.list_targets_for_policy(PolicyId="p-FullAWSAccess")["Targets"]
    assert {t["Type"] for t in targets} == {"ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"}


def test_an_scp_deny_refuses_what_administrator_access_allows(org):
    iam = org.client("iam", org.member_session(org.prod_account))
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    session = f"arn:aws:sts::{org.prod_account}:assumed-role/OrganizationAccountAccessRole/ops"
    assert error["Message"] == (
        f"User: {session} is not authorized to perform: iam:ListUsers on resource: "
        f"arn:aws:iam::{org.prod_account}:user/ with an explicit deny in a service control "
        f"policy")


def test_an_account_outside_the_denying_ou_is_not_affected(org):
    iam = org.client("iam", org.member_session(org.dev_account))
    assert iam.list_users()["Users"] == []


def test_the_management_account_is_not_affected_by_scps(org):
    assert org.client("iam").list_users()["Users"][0]["UserName"] == "admin"


def test_every_level_must_allow(org):
    orgs = org.client("organizations")
    only_sts = orgs.create_policy(Content=ONLY_STS, Description="sts only", Name="OnlySTS",
                                  Type=SCP)["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=only_sts, TargetId=org.root_account)
    orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.root_account)
    try:
        creds = org.member_session(org.root_account)
        assert org.client("sts", creds).get_caller_identity()["Account"] == org.root_account
        with pytest.raises(ClientError) as caught:
            org.client("iam", creds).list_roles()
        assert caught.value.response["Error"]["Message"].endswith(
            "because no service control policy allows the iam:ListRoles action")
    finally:
        orgs.attach_policy(PolicyId="p-FullAWSAccess", TargetId=org.root_account)
        orgs.detach_policy(PolicyId=only_sts, TargetId=org.root_account)
    org.client("iam", org.member_session(org.root_account)).list_roles()


def test_the_last_scp_cannot_be_detached(org):
    orgs = org.client("organizations")
    with pytest.raises(ClientError) as caught:
        orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.dev)
    response = caught.value.response
    assert response["Error"]["Code"] == "ConstraintViolationException"
    assert response["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"


def test_policy_errors_as_aws_answers_them(org):
    orgs = org.client("organizations")
    with pytest.raises(ClientError) as caught:
        orgs.create_policy(Content=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Sid": "x" * 5200}]}),
            Description="", Name="TooBig", Type=SCP)
    assert caught.value.response["Error"]["Code"] == "ConstraintViolationException"
    assert caught.value.response["Reason"] == "POLICY_CONTENT_LIMIT_EXCEEDED"
    with pytest.raises(ClientError) as caught:
        orgs.create_policy(Content='{"Statement": []', Description="", Name="Bad", Type=SCP)
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as caught:
        orgs.attach_policy(PolicyId="p-FullAWSAccess", TargetId=org.dev)
    assert caught.value.response["Error"]["Code"] == "DuplicatePolicyAttachmentException"
    with pytest.raises(ClientError) as caught:
        orgs.update_policy(PolicyId="p-FullAWSAccess", Name="Mine")
    assert caught.value.response["Reason"] == "IMMUTABLE_POLICY"
    with pytest.raises(ClientError) as caught:
        orgs.describe_account(AccountId="12")
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"


def test_member_accounts_cannot_manage_the_organization(org):
    orgs = org.client("organizations", org.member_session(org.dev_account))
    assert orgs.describe_organization()["Organization"]["Id"] == org.org_id
    with pytest.raises(ClientError) as caught:
        orgs.list_accounts()
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_principal_org_id_in_a_trust_policy(org, server):
    member = org.member_session(org.dev_account)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org.org_id}}}]})
    role = org.client("iam", member).create_role(
        RoleName="OrgOnly", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    inside = org.member_session(org.root_account)
    assumed = org.client("sts", inside).assume_role(RoleArn=role, RoleSessionName="in")
    assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/OrgOnly/in")
    outsider = new_account(server)
    keys = _admin_user(outsider.client("iam"), "outsider")
    with pytest.raises(ClientError) as caught:
        org.client("sts", keys).assume_role(RoleArn=role, RoleSessionName="out")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_simulator_reports_organizations_decision_detail(org):
    for account, decision, allowed in ((org.prod_account, "explicitDeny", False),
                                       (org.dev_account, "allowed", True)):
        iam = org.client("iam", org.member_session(account))
        result = iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            ActionNames=["iam:CreateUser"])["EvaluationResults"][0]
        assert result["EvalDecision"] == decision
        assert result["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": allowed}


def test_the_aws_cli_manages_the_organization(org, tmp_path):
    aws = AwsCli(tmp_path / "home", org.management)
    described = aws("organizations", "describe-organization")
    assert described.returncode == 0, described.stderr
    assert described.json["Organization"]["Id"] == org.org_id
    listed = aws("organizations", "list-accounts-for-parent", "--parent-id", org.prod)
    assert [a["Id"] for a in listed.json["Accounts"]] == [org.prod_account]
    refused = aws("organizations", "detach-policy", "--policy-id", "p-FullAWSAccess",
                  "--target-id", org.dev)
    assert refused.returncode != 0
    assert "ConstraintViolationException" in refused.stderr


RCP = "RESOURCE_CONTROL_POLICY"


def test_an_rcp_keeps_principals_outside_the_organization_out(server):
    management = new_account(server)
    admin = _admin_user(management.client("iam"))
    orgs = _client(server.endpoint, "organizations", admin)
    org_id = orgs.create_organization()["Organization"]["Id"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    root = orgs.enable_policy_type(RootId=root_id, PolicyType=RCP)["Root"]
    assert root["PolicyTypes"] == [{"Type": RCP, "Status": "ENABLED"}]
    request = orgs.create_account(Email=f"m-{uuid.uuid4().hex[:8]}@example.com",
                                  AccountName="member")["CreateAccountStatus"]
    member = orgs.describe_create_account_status(
        CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]
    with pytest.raises(ClientError) as caught:
        orgs.detach_policy(PolicyId="p-RCPFullAWSAccess", TargetId=member)
    assert caught.value.response["Reason"] == "NON_DETACHABLE_POLICY"
    with pytest.raises(ClientError) as caught:
        orgs.create_policy(Content=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}),
            Description="", Name="AllowIsNotAllowed", Type=RCP)
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocumentException"
    perimeter = orgs.create_policy(Content=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id}}}]}),
        Description="identity perimeter", Name="Perimeter", Type=RCP)["Policy"]
    orgs.attach_policy(PolicyId=perimeter["PolicySummary"]["Id"], TargetId=member)

    sts = _client(server.endpoint, "sts", admin)
    ops = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                          RoleSessionName="ops")["Credentials"]
    outsider = new_account(server)
    outsider_keys = _admin_user(outsider.client("iam"), "partner")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{outsider.account_id}:root"},
        "Action": "sts:AssumeRole"}]})
    role = _client(server.endpoint, "iam", ops).create_role(
        RoleName="Partner", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    with pytest.raises(ClientError) as caught:
        _client(server.endpoint, "sts", outsider_keys).assume_role(
            RoleArn=role, RoleSessionName="partner")
    # STS words every AssumeRole refusal alike, whatever refused it.
    assert caught.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{outsider.account_id}:user/partner is not authorized to perform: "
        f"sts:AssumeRole on resource: {role}")
    orgs.detach_policy(PolicyId=perimeter["PolicySummary"]["Id"], TargetId=member)
    assumed = _client(server.endpoint, "sts", outsider_keys).assume_role(
        RoleArn=role, RoleSessionName="partner")
    assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Partner/partner")


def test_organizations_access_report_from_the_audit_trail(org):
    iam = org.client("iam")
    org.client("iam", org.member_session(org.dev_account)).list_roles()
    path = f"{org.org_id}/{org.root_id}/{org.dev}/"
    deadline = time.monotonic() + 10
    while True:
        job = iam.generate_organizations_access_report(EntityPath=path)["JobId"]
        report = iam.get_organizations_access_report(JobId=job, MaxItems=1000)
        details = {d["ServiceNamespace"]: d for d in report["AccessDetails"]}
        if "LastAuthenticatedTime" in details["iam"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # audit records are written in batches
    assert report["JobStatus"] == "COMPLETED"
    assert report["NumberOfServicesAccessible"] == len(report["AccessDetails"]) > 100
    iam_detail = details["iam"]
    assert iam_detail["ServiceName"] == "AWS Identity and Access Management (IAM)"
    assert iam_detail["EntityPath"] == f"{path}{org.dev_account}"
    assert iam_detail["TotalAuthenticatedEntities"] == 1
    assert "LastAuthenticatedTime" not in details["ec2"]
    accessed = sum(1 for d in report["AccessDetails"] if "LastAuthenticatedTime" in d)
    assert report["NumberOfServicesNotAccessed"] == report["NumberOfServicesAccessible"] - accessed

    deny_only = org.client("organizations").list_policies(Filter=SCP)["Policies"]
    deny_id = next(p["Id"] for p in deny_only if p["Name"] == "DenyIAM")
    job = iam.generate_organizations_access_report(EntityPath=path,
                                                   OrganizationsPolicyId=deny_id)["JobId"]
    assert iam.get_organizations_access_report(JobId=job)["NumberOfServicesAccessible"] == 0
    with pytest.raises(ClientError) as caught:
        iam.generate_organizations_access_report(EntityPath=f"{org.org_id}/r-zzzz/")
    assert caught.value.response["Error"]["Code"] == "InvalidInput"


def test_an_unsigned_call_is_refused_in_the_json_protocol(server):
    request = urllib.request.Request(server.endpoint + "/", data=b"{}", method="POST", headers={
        "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts",
        "Content-Type": "application/x-amz-json-1.1"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(caught.value.read())["__type"] == "MissingAuthenticationTokenException"


def test_an_existing_account_joins_by_invitation(server):
    management = new_account(server)
    orgs = management.client("organizations")
    org_id = orgs.create_organization()["Organization"]["Id"]
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType=SCP)
    invited, declining = new_account(server), new_account(server)
    handshake = orgs.invite_account_to_organization(
        Target={"Type": "ACCOUNT", "Id": invited.account_id}, Notes="welcome")["Handshake"]
    assert handshake["State"] == "OPEN" and handshake["Action"] == "INVITE"
    assert {"Type": "ACCOUNT", "Id": invited.account_id} in handshake["Parties"]
    with pytest.raises(ClientError) as caught:
        orgs.invite_account_to_organization(Target={"Type": "ACCOUNT",
                                                    "Id": invited.account_id})
    assert caught.value.response["Error"]["Code"] == "DuplicateHandshakeException"
    mine = invited.client("organizations").list_handshakes_for_account()["Handshakes"]
    assert [h["Id"] for h in mine] == [handshake["Id"]]
    accepted = invited.client("organizations").accept_handshake(
        HandshakeId=handshake["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED"
    account = orgs.describe_account(AccountId=invited.account_id)["Account"]
    assert account["JoinedMethod"] == "INVITED"
    assert [p["Id"] for p in orgs.list_policies_for_target(
        TargetId=invited.account_id, Filter=SCP)["Policies"]] == ["p-FullAWSAccess"]
    assert invited.client("organizations").describe_organization()["Organization"]["Id"] == (
        org_id)
    with pytest.raises(ClientError) as caught:
        invited.client("organizations").accept_handshake(HandshakeId=handshake["Id"])
    assert caught.value.response["Error"]["Code"] == "HandshakeAlreadyInStateException"

    second = orgs.invite_account_to_organization(
        Target={"Type": "ACCOUNT", "Id": declining.account_id})["Handshake"]
    assert declining.client("organizations").decline_handshake(
        HandshakeId=second["Id"])["Handshake"]["State"] == "DECLINED"
    with pytest.raises(ClientError) as caught:
        orgs.cancel_handshake(HandshakeId=second["Id"])
    assert caught.value.response["Error"]["Code"] == "InvalidHandshakeTransitionException"
    invited.client("organizations").leave_organization()
    assert {a["Id"] for a in orgs.list_accounts()["Accounts"]} == {management.account_id}


def test_organizations_calls_are_authorized_on_their_resources(org):
    iam = org.client("iam")
    iam.create_user(UserName="auditor")
    prod_arn = (f"arn:aws:organizations::{org.management_id}:account/{org.org_id}/"
                f"{org.prod_account}")
    iam.put_user_policy(UserName="auditor", PolicyName="one-account", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "organizations:DescribeAccount", "Resource": prod_arn},
            {"Effect": "Allow", "Action": "organizations:DetachPolicy", "Resource": [
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"]}]}))
    keys = iam.create_access_key(UserName="auditor")["AccessKey"]
    orgs = org.client("organizations", keys)
    assert orgs.describe_account(AccountId=org.prod_account)["Account"]["Name"] == "prod-app"
    with pytest.raises(ClientError) as caught:
        orgs.describe_account(AccountId=org.dev_account)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    dev_arn = f"arn:aws:organizations::{org.management_id}:ou/{org.org_id}/{org.dev}"
    assert dev_arn in caught.value.response["Error"]["Message"].replace(
        f"account/{org.org_id}/{org.dev_account}", f"ou/{org.org_id}/{org.dev}")
    with pytest.raises(ClientError) as caught:
        # Allowed on the policy, not on the target OU.
        orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=org.dev)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert dev_arn in caught.value.response["Error"]["Message"]
