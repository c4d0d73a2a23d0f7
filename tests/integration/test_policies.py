"""Managed policies, their versions and attachments, through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

DOC = json.dumps({"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
DOC2 = json.dumps({"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
RDS_READ = "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess"


def _error(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    r = err.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_create_policy_returns_arn_id_and_v1(iam, account):
    policy = iam.create_policy(PolicyName="p1", Path="/team/", PolicyDocument=DOC,
                               Description="d", Tags=[{"Key": "k", "Value": "v"}])["Policy"]
    assert policy["Arn"] == f"arn:aws:iam::{account.account_id}:policy/team/p1"
    assert policy["PolicyId"].startswith("ANPA") and len(policy["PolicyId"]) == 21
    assert policy["DefaultVersionId"] == "v1"
    assert policy["AttachmentCount"] == 0 and policy["IsAttachable"] is True
    fetched = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
    assert fetched["Description"] == "d"
    assert fetched["Tags"] == [{"Key": "k", "Value": "v"}]


def test_duplicate_policy_name_is_refused_with_aws_message(iam):
    iam.create_policy(PolicyName="dup", PolicyDocument=DOC)
    with pytest.raises(ClientError) as err:
        iam.create_policy(PolicyName="DUP", PolicyDocument=DOC)
    assert _error(err) == ("EntityAlreadyExists",
                           "A policy called DUP already exists. Duplicate names are not allowed.",
                           409)


def test_malformed_policy_document_is_refused(iam):
    with pytest.raises(ClientError) as err:
        iam.create_policy(PolicyName="bad", PolicyDocument='{"Version": "2012-10-17"}')
    assert _error(err)[0] == "MalformedPolicyDocument"
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_oversized_managed_policy_exceeds_quota(iam):
    actions = [f"s3:GetObject{i:05d}" for i in range(400)]
    doc = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}]})
    with pytest.raises(ClientError) as err:
        iam.create_policy(PolicyName="big", PolicyDocument=doc)
    assert _error(err)[:2] == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")


def test_get_policy_version_returns_the_stored_document(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(DOC)
    assert version["IsDefaultVersion"] is True


def test_versions_up_to_five_then_limit_exceeded(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC2)
    with pytest.raises(ClientError) as err:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC2)
    assert _error(err) == (
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, "
        "you must delete an existing version.",
        409,
    )
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False] * 4 + [True]


def test_set_as_default_and_delete_versions(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC2, SetAsDefault=True)
    assert v2["PolicyVersion"] == {**v2["PolicyVersion"], "VersionId": "v2",
                                   "IsDefaultVersion": True}
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    with pytest.raises(ClientError) as err:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert _error(err) == ("DeleteConflict", "Cannot delete the default version of a policy.", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC2)
    ids = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert ids == ["v3", "v1"]  # version numbers are never reused
    with pytest.raises(ClientError) as err:
        iam.get_policy_version(PolicyArn=arn, VersionId="v2")
    assert _error(err)[0] == "NoSuchEntity"


def test_delete_policy_with_extra_versions_or_attachments_conflicts(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    with pytest.raises(ClientError) as err:
        iam.delete_policy(PolicyArn=arn)
    assert _error(err) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    iam.detach_user_policy(UserName="u", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC2)
    with pytest.raises(ClientError) as err:
        iam.delete_policy(PolicyArn=arn)
    assert _error(err)[1].startswith("This policy has more than one version.")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as err:
        iam.get_policy(PolicyArn=arn)
    # GetPolicy's wording for a missing policy, as AWS answers it (attaching one is worded
    # "does not exist or is not attachable" instead).
    assert _error(err) == ("NoSuchEntity", f"Policy {arn} was not found.", 404)


def test_aws_managed_policy_is_readable_and_counts_attachments_per_account(iam):
    iam.create_user(UserName="u")
    iam.create_group(GroupName="g")
    iam.attach_user_policy(UserName="u", PolicyArn=RDS_READ)
    iam.attach_group_policy(GroupName="g", PolicyArn=RDS_READ)
    policy = iam.get_policy(PolicyArn=RDS_READ)["Policy"]
    assert policy["PolicyName"] == "AmazonRDSReadOnlyAccess"
    assert policy["AttachmentCount"] == 2
    version = iam.get_policy_version(PolicyArn=RDS_READ,
                                     VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert "Statement" in version["Document"]
    listed = iam.list_policy_versions(PolicyArn=RDS_READ)["Versions"]
    assert [v["VersionId"] for v in listed] == [policy["DefaultVersionId"]]


def test_aws_managed_policy_cannot_be_changed(iam):
    with pytest.raises(ClientError) as err:
        iam.create_policy_version(PolicyArn=RDS_READ, PolicyDocument=DOC)
    assert _error(err)[0] == "AccessDenied"
    with pytest.raises(ClientError) as err:
        iam.delete_policy(PolicyArn=RDS_READ)
    assert _error(err)[0] == "AccessDenied"


def test_list_policies_scopes_and_only_attached(iam):
    arn = iam.create_policy(PolicyName="mine", PolicyDocument=DOC)["Policy"]["Arn"]
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["Arn"] for p in local] == [arn]
    aws_page = iam.list_policies(Scope="AWS", MaxItems=50)
    assert aws_page["IsTruncated"] and len(aws_page["Policies"]) == 50
    names = []
    paginator = iam.get_paginator("list_policies")
    for page in paginator.paginate(Scope="AWS", PaginationConfig={"PageSize": 1000}):
        names += [p["PolicyName"] for p in page["Policies"]]
    assert len(names) == 1485 and "AmazonRDSReadOnlyAccess" in names
    iam.create_user(UserName="u")
    iam.attach_user_policy(UserName="u", PolicyArn=RDS_READ)
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in attached] == [RDS_READ]
    boundary_only = iam.list_policies(OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
    assert boundary_only["Policies"] == []
    iam.put_user_permissions_boundary(UserName="u", PermissionsBoundary=arn)
    boundary_only = iam.list_policies(OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary")
    assert [p["Arn"] for p in boundary_only["Policies"]] == [arn]
    assert boundary_only["Policies"][0]["PermissionsBoundaryUsageCount"] == 1


def test_policy_tags(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    # Only users and roles compare tag keys ignoring case (recorded ListPolicyTags answers).
    iam.untag_policy(PolicyArn=arn, TagKeys=["A", "a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_attach_unknown_policy_is_no_such_entity(iam, account):
    iam.create_user(UserName="u")
    arn = f"arn:aws:iam::{account.account_id}:policy/ghost"
    with pytest.raises(ClientError) as err:
        iam.attach_user_policy(UserName="u", PolicyArn=arn)
    assert _error(err) == ("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.",
                           404)
    with pytest.raises(ClientError) as err:
        iam.detach_user_policy(UserName="u", PolicyArn=RDS_READ)
    assert _error(err) == ("NoSuchEntity", f"Policy {RDS_READ} was not found.", 404)


def test_eleventh_managed_policy_exceeds_quota_and_reattach_is_noop(iam):
    iam.create_group(GroupName="g")
    arns = [iam.create_policy(PolicyName=f"p{i}", PolicyDocument=DOC)["Policy"]["Arn"]
            for i in range(11)]
    for arn in arns[:10]:
        iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=arns[0])
    with pytest.raises(ClientError) as err:
        iam.attach_group_policy(GroupName="g", PolicyArn=arns[10])
    assert _error(err) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10", 409)
    listed = iam.list_attached_group_policies(GroupName="g", MaxItems=4)
    assert listed["IsTruncated"] and [p["PolicyName"] for p in listed["AttachedPolicies"]] == [
        "p0", "p1", "p2", "p3"]


def test_list_entities_for_policy_covers_attachments_and_boundaries(iam):
    arn = iam.create_policy(PolicyName="p", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.create_user(UserName="u1")
    iam.create_user(UserName="u2", Path="/x/", PermissionsBoundary=arn)
    iam.create_group(GroupName="g")
    iam.attach_user_policy(UserName="u1", PolicyArn=arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    every = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in every["PolicyUsers"]] == ["u1", "u2"]
    assert [g["GroupName"] for g in every["PolicyGroups"]] == ["g"]
    assert every["PolicyRoles"] == []
    boundary = iam.list_entities_for_policy(PolicyArn=arn,
                                            PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in boundary["PolicyUsers"]] == ["u2"]
    assert boundary["PolicyGroups"] == []
    users = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User", PathPrefix="/x/")
    assert [u["UserName"] for u in users["PolicyUsers"]] == ["u2"]
    assert users["PolicyGroups"] == []


def test_reads_and_changes_of_a_missing_policy_say_it_was_not_found(iam, account):
    arn = f"arn:aws:iam::{account.account_id}:policy/ghost"
    calls = [
        lambda: iam.delete_policy(PolicyArn=arn),
        lambda: iam.list_policy_versions(PolicyArn=arn),
        lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=DOC),
        lambda: iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k", "Value": "v"}]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as err:
            call()
        assert _error(err) == ("NoSuchEntity", f"Policy {arn} was not found.", 404)
    # ListEntitiesForPolicy and the version reads word it as when attaching (recorded:
    # LocalStack's AWS-validated test_iam_policies snapshot).
    with pytest.raises(ClientError) as err:
        iam.list_entities_for_policy(PolicyArn=arn)
    assert _error(err) == (
        "NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)
    with pytest.raises(ClientError) as err:
        iam.get_policy_version(PolicyArn=arn, VersionId="v1")
    assert _error(err) == (
        "NoSuchEntity", f"Policy {arn} version v1 does not exist or is not attachable.", 404)


def test_policy_arn_that_is_not_an_arn_is_a_validation_error(iam):
    # Something that is no ARN at all is a ValidationError, as AWS's recordings show it
    # (a malformed ARN is InvalidInput: test_rehearsal_policy_arn_typos.py).
    iam.create_user(UserName="u")
    with pytest.raises(ClientError) as err:
        iam.attach_user_policy(UserName="u", PolicyArn="not-an-arn-but-long-enough")
    assert _error(err) == ("ValidationError", "ARN not-an-arn-but-long-enough is not valid.",
                           400)


@pytest.mark.parametrize(("document", "message"), [
    # Recorded CreatePolicy answers (tests/policy/recorded_documents.py, cases 1, 21 and 64).
    ({"Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example_bucket"}},
     "Policy document must be version 2012-10-17 or greater."),
    ({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3s:ListBucket",
                                             "Resource": "a:bsdfdsafsad"}},
     'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'),
    ({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket",
        "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}},
     "The policy failed legacy parsing"),
])
def test_create_policy_refuses_in_iams_words(iam, document, message):
    with pytest.raises(ClientError) as err:
        iam.create_policy(PolicyName="refused", PolicyDocument=json.dumps(document))
    assert _error(err) == ("MalformedPolicyDocument", message, 400)
