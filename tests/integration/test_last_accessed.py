"""IAM's last-accessed reports after a known sequence of calls, from the audit trail."""

from __future__ import annotations

import contextlib
import json

import pytest
from botocore.exceptions import ClientError


def _policy(*actions: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


def _client(account, service, creds):
    return account.client(service, access_key_id=creds["AccessKeyId"],
                          secret_access_key=creds["SecretAccessKey"],
                          session_token=creds.get("SessionToken"))


@pytest.fixture
def history(account, iam):
    """ana (own policy: iam:Get*, iam:ListRoles; group devs: ec2 and s3 listing) and the
    role reader (managed policy Readers, also attached to ben, who makes no call)."""
    acct = account.account_id
    iam.create_user(UserName="ana")
    iam.put_user_policy(UserName="ana", PolicyName="own",
                        PolicyDocument=_policy("iam:Get*", "iam:ListRoles"))
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="ana")
    iam.put_group_policy(GroupName="devs", PolicyName="devs-policy",
                         PolicyDocument=_policy("ec2:DescribeInstances", "s3:ListAllMyBuckets"))
    readers = iam.create_policy(PolicyName="Readers",
                                PolicyDocument=_policy("iam:ListRoles"))["Policy"]["Arn"]
    iam.create_user(UserName="ben")
    iam.attach_user_policy(UserName="ben", PolicyArn=readers)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
         "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="reader", PolicyArn=readers)

    ana = iam.create_access_key(UserName="ana")["AccessKey"]
    ana_iam = _client(account, "iam", ana)
    ana_iam.get_user(UserName="ana")
    ana_iam.list_roles()
    with contextlib.suppress(ClientError):  # allowed, then answered by the gateway
        _client(account, "ec2", ana).describe_instances()
    with pytest.raises(ClientError):
        ana_iam.list_users()  # refused: an attempt all the same
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=_policy("sts:*"))
    ops = _client(account, "sts", iam.create_access_key(UserName="ops")["AccessKey"])
    creds = ops.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/reader",
                            RoleSessionName="nightly")["Credentials"]
    _client(account, "iam", creds).list_roles()
    return {"ana": f"arn:aws:iam::{acct}:user/ana", "ben": f"arn:aws:iam::{acct}:user/ben",
            "reader": f"arn:aws:iam::{acct}:role/reader",
            "devs": f"arn:aws:iam::{acct}:group/devs", "readers": readers}


def _report(iam, arn: str, granularity: str = "SERVICE_LEVEL") -> dict:
    job = iam.generate_service_last_accessed_details(Arn=arn, Granularity=granularity)["JobId"]
    assert len(job) == 36
    report = iam.get_service_last_accessed_details(JobId=job)
    assert report["JobStatus"] == "COMPLETED" and report["JobType"] == granularity
    assert report["JobCompletionDate"] >= report["JobCreationDate"]
    return {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]} | {"_job": job}


def test_user_report_lists_the_services_its_policies_allow(iam, history):
    services = _report(iam, history["ana"])
    job = services.pop("_job")
    assert set(services) == {"iam", "ec2", "s3"}
    assert services["iam"]["LastAuthenticatedEntity"] == history["ana"]
    assert services["iam"]["LastAuthenticatedRegion"] == "us-east-1"
    assert services["iam"]["TotalAuthenticatedEntities"] == 1
    assert services["ec2"]["LastAuthenticatedEntity"] == history["ana"]
    assert "LastAuthenticated" not in services["s3"]
    assert services["s3"]["TotalAuthenticatedEntities"] == 0
    assert services["s3"]["ServiceName"] == "Amazon Simple Storage Service"
    assert services["iam"]["ServiceName"] == "AWS Identity and Access Management"
    assert all("TrackedActionsLastAccessed" not in s for s in services.values())
    page = iam.get_service_last_accessed_details(JobId=job, MaxItems=2)
    assert page["IsTruncated"] is True and len(page["ServicesLastAccessed"]) == 2
    rest = iam.get_service_last_accessed_details(JobId=job, Marker=page["Marker"])
    assert len(rest["ServicesLastAccessed"]) == 1 and rest["IsTruncated"] is False


def test_action_level_report_tracks_actions_of_tracked_services(iam, history):
    services = _report(iam, history["ana"], "ACTION_LEVEL")
    actions = {a["ActionName"]: a for a in services["iam"]["TrackedActionsLastAccessed"]}
    assert actions["GetUser"]["LastAccessedEntity"] == history["ana"]
    assert actions["ListRoles"]["LastAccessedRegion"] == "us-east-1"
    assert set(actions["GetRole"]) == {"ActionName"}  # allowed, never called
    assert "ListUsers" not in actions  # called, refused, not granted by the policies
    assert "CreateUser" not in actions
    ec2 = {a["ActionName"] for a in services["ec2"]["TrackedActionsLastAccessed"]}
    assert ec2 == {"DescribeInstances"}


def test_group_and_policy_reports_name_the_entities(iam, history):
    group = _report(iam, history["devs"])
    job = group.pop("_job")
    assert set(group) == {"ec2", "s3"}
    entities = iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace="ec2")["EntityDetailsList"]
    assert [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"]) for e in entities] == [
        ("ana", "USER")]
    assert "LastAuthenticated" in entities[0]

    policy = _report(iam, history["readers"])
    job = policy.pop("_job")
    assert set(policy) == {"iam"}
    assert policy["iam"]["LastAuthenticatedEntity"] == history["reader"]
    assert policy["iam"]["TotalAuthenticatedEntities"] == 1
    result = iam.get_service_last_accessed_details_with_entities(JobId=job,
                                                                  ServiceNamespace="iam")
    entities = result["EntityDetailsList"]
    assert [e["EntityInfo"]["Arn"] for e in entities] == [history["reader"], history["ben"]]
    assert "LastAuthenticated" in entities[0] and "LastAuthenticated" not in entities[1]
    assert entities[0]["EntityInfo"]["Path"] == "/"


def test_role_last_used_agrees_with_the_report(iam, history):
    services = _report(iam, history["reader"])
    last_used = iam.get_role(RoleName="reader")["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "us-east-1"
    reported = services["iam"]["LastAuthenticated"]
    assert abs((last_used["LastUsedDate"] - reported).total_seconds()) < 2


def test_policies_granting_service_access(iam, history):
    result = iam.list_policies_granting_service_access(
        Arn=history["ana"], ServiceNamespaces=["iam", "ec2", "dynamodb"])
    found = {e["ServiceNamespace"]: e["Policies"] for e in result["PoliciesGrantingServiceAccess"]}
    assert found["iam"] == [{"PolicyName": "own", "PolicyType": "INLINE",
                             "EntityType": "USER", "EntityName": "ana"}]
    assert found["ec2"] == [{"PolicyName": "devs-policy", "PolicyType": "INLINE",
                             "EntityType": "GROUP", "EntityName": "devs"}]
    assert found["dynamodb"] == []
    role = iam.list_policies_granting_service_access(Arn=history["reader"],
                                                     ServiceNamespaces=["iam"])
    assert role["PoliciesGrantingServiceAccess"][0]["Policies"] == [
        {"PolicyName": "Readers", "PolicyType": "MANAGED", "PolicyArn": history["readers"]}]


def test_errors(iam, account, history):
    def code(call, **kwargs):
        with pytest.raises(ClientError) as caught:
            call(**kwargs)
        return caught.value.response["Error"]["Code"]

    acct = account.account_id
    assert code(iam.generate_service_last_accessed_details,
                Arn=f"arn:aws:iam::{acct}:user/nobody") == "NoSuchEntity"
    assert code(iam.generate_service_last_accessed_details,
                Arn=f"arn:aws:iam::{acct}:instance-profile/x") == "InvalidInput"
    assert code(iam.get_service_last_accessed_details,
                JobId="00000000-0000-0000-0000-000000000000") == "NoSuchEntity"
    assert code(iam.list_policies_granting_service_access, Arn=history["readers"],
                ServiceNamespaces=["iam"]) == "InvalidInput"
    job = iam.generate_service_last_accessed_details(Arn=history["ana"])["JobId"]
    key = iam.create_access_key(UserName="ben")["AccessKey"]
    other = _client(account, "iam", key)
    assert code(other.get_service_last_accessed_details, JobId=job) in ("AccessDenied",
                                                                        "NoSuchEntity")


def test_the_cli_reads_the_report(aws, iam, history):
    made = aws("iam", "generate-service-last-accessed-details", "--arn", history["reader"])
    assert made.returncode == 0, made.stderr
    got = aws("iam", "get-service-last-accessed-details", "--job-id", made.json["JobId"])
    assert got.returncode == 0, got.stderr
    services = got.json["ServicesLastAccessed"]
    assert [s["ServiceNamespace"] for s in services] == ["iam"]
    assert services[0]["LastAuthenticatedEntity"] == history["reader"]


def test_a_report_on_a_deleted_entity_failed(iam):
    iam.create_user(UserName="gone")
    arn = iam.get_user(UserName="gone")["User"]["Arn"]
    job = iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
    iam.delete_user(UserName="gone")
    report = iam.get_service_last_accessed_details(JobId=job)
    assert report["JobStatus"] == "FAILED" and report["ServicesLastAccessed"] == []
    assert report["Error"]["Code"] == "NoSuchEntity"
