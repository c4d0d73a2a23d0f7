"""Roles, managed policies and instance profiles compared with responses recorded from AWS.

Source: LocalStack's AWS-validated snapshot suites in github.com/localstack/localstack,
``tests/aws/services/iam/``: test_iam_roles, test_iam_policies, test_iam_managed_policies and
test_iam_instance_profiles (``*.snapshot.json``, recorded against AWS in February 2026). Each
test names the snapshot and the recorded test it follows; what test_recorded_shapes.py already
compares is not repeated here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .recorded import recorded, refusal, shape

TRUST_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
TRUST = json.dumps(TRUST_DOC)
BUCKET = "arn:aws:s3:::example_bucket"
# The roles suite's inline and managed policy: its Statement is one object, not a list.
LIST_ONE_BUCKET_DOC = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET}}
LIST_ONE_BUCKET = json.dumps(LIST_ONE_BUCKET_DOC)


def _sample(action: str) -> str:
    """The policies suite's documents: one statement "Statement1" allowing one action on *."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Statement1", "Effect": "Allow", "Action": [action], "Resource": "*"}]})


LIST_USERS = _sample("iam:ListUsers")

ROLE = {"Arn": "a", "AssumeRolePolicyDocument": TRUST_DOC, "CreateDate": "<datetime>",
        "Path": "/", "RoleId": "r", "RoleName": "n"}
GOT_ROLE = {**ROLE, "MaxSessionDuration": 3600, "RoleLastUsed": {}}
LISTED_ROLE = {**ROLE, "MaxSessionDuration": 3600}
POLICY = {"Arn": "a", "AttachmentCount": 0, "CreateDate": "<datetime>",
          "DefaultVersionId": "v1", "IsAttachable": True, "Path": "/",
          "PermissionsBoundaryUsageCount": 0, "PolicyId": "p", "PolicyName": "n",
          "UpdateDate": "<datetime>"}
PROFILE = {"Arn": "a", "CreateDate": "<datetime>", "InstanceProfileId": "i",
           "InstanceProfileName": "n", "Path": "/", "Roles": []}
EMPTY = recorded({})

TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"
TOO_MANY_TAGS = ("ValidationError", "1 validation error detected: Value at 'tags' failed to "
                 "satisfy constraint: Member must have length less than or equal to 50", 400)
LONG_KEY = ("ValidationError", "1 validation error detected: Value at 'tags.1.member.key' "
            "failed to satisfy constraint: Member must have length less than or equal to 128",
            400)
LONG_VALUE = ("ValidationError", "1 validation error detected: Value at 'tags.1.member.value' "
              "failed to satisfy constraint: Member must have length less than or equal to "
              "256", 400)
BAD_KEY = ("ValidationError", "1 validation error detected: Value at 'tags.1.member.key' "
           "failed to satisfy constraint: Member must satisfy regular expression pattern: "
           + TAG_PATTERN, 400)
TOO_MANY_KEYS = ("ValidationError", "1 validation error detected: Value at 'tagKeys' failed "
                 "to satisfy constraint: Member must have length less than or equal to 50", 400)
BAD_TAG_KEYS = ("ValidationError", "1 validation error detected: Value at 'tagKeys' failed to "
                "satisfy constraint: Member must satisfy constraint: [Member must have length "
                "less than or equal to 128, Member must have length greater than or equal to "
                f"1, Member must satisfy regular expression pattern: {TAG_PATTERN}, Member "
                "must not be null]", 400)
BAD_VERSION_ID = ("ValidationError", "1 validation error detected: Value at 'versionId' failed "
                  "to satisfy constraint: Member must satisfy regular expression pattern: "
                  r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?", 400)


def _missing(noun: str, name: str) -> tuple[str, str, int]:
    return ("NoSuchEntity", f"The {noun} with name {name} cannot be found.", 404)


def _tags(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


# --- roles (test_iam_roles.snapshot.json) ----------------------------------------------


def test_role_errors(iam):
    # TestRoleLifecycle::test_role_errors
    gone = _missing("role", "test-nonexistent-role")
    assert refusal(iam.get_role, RoleName="test-nonexistent-role") == gone
    assert refusal(iam.update_role, RoleName="test-nonexistent-role", Description="test") == gone
    assert refusal(iam.delete_role, RoleName="test-nonexistent-role") == gone
    iam.create_role(RoleName="twice", AssumeRolePolicyDocument=TRUST)
    assert refusal(iam.create_role, RoleName="twice", AssumeRolePolicyDocument=TRUST) == (
        "EntityAlreadyExists", "Role with name twice already exists.", 409)


def test_delete_role_conflicts(iam):
    # TestRoleLifecycle::test_delete_role_with_attached_policy, ..._with_inline_policy and
    # ..._with_instance_profile: each holder refuses the delete until it lets go
    iam.create_role(RoleName="held", AssumeRolePolicyDocument=TRUST)
    arn = iam.create_policy(PolicyName="holding", PolicyDocument=LIST_ONE_BUCKET)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="held", PolicyArn=arn)
    assert refusal(iam.delete_role, RoleName="held") == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_role_policy(RoleName="held", PolicyArn=arn)
    iam.put_role_policy(RoleName="held", PolicyName="inline", PolicyDocument=LIST_ONE_BUCKET)
    assert refusal(iam.delete_role, RoleName="held") == (
        "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_role_policy(RoleName="held", PolicyName="inline")
    created = iam.create_instance_profile(InstanceProfileName="holder")
    assert shape(created) == recorded({"InstanceProfile": PROFILE})
    iam.add_role_to_instance_profile(InstanceProfileName="holder", RoleName="held")
    assert refusal(iam.delete_role, RoleName="held") == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.",
        409)
    iam.remove_role_from_instance_profile(InstanceProfileName="holder", RoleName="held")
    assert shape(iam.delete_role(RoleName="held")) == EMPTY
    assert refusal(iam.get_role, RoleName="held") == _missing("role", "held")


def test_update_role(iam):
    # TestRoleLifecycle::test_update_role: UpdateRole answers nothing, and an UpdateRole
    # without parameters leaves Description and MaxSessionDuration as they were
    iam.create_role(RoleName="updated", AssumeRolePolicyDocument=TRUST,
                    Description="initial description")
    got = iam.get_role(RoleName="updated")
    assert shape(got) == recorded({"Role": {**GOT_ROLE, "Description": "d"}})
    assert shape(iam.update_role(RoleName="updated", Description="updated description",
                                 MaxSessionDuration=7200)) == EMPTY
    role = iam.get_role(RoleName="updated")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("updated description", 7200)
    iam.update_role_description(RoleName="updated", Description="via description")
    assert shape(iam.update_role(RoleName="updated")) == EMPTY
    role = iam.get_role(RoleName="updated")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("via description", 7200)


def test_update_assume_role_policy(iam):
    # TestRoleLifecycle::test_update_assume_role_policy_errors and test_update_assume_role_policy
    # (the document is kept as written: one-element lists stay lists)
    listed = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]},
         "Action": ["sts:AssumeRole"]}]}
    created = iam.create_role(RoleName="trusting", AssumeRolePolicyDocument=json.dumps(listed))
    assert created["Role"]["AssumeRolePolicyDocument"] == listed

    def refused(document: str) -> tuple[str, str, int]:
        return refusal(iam.update_assume_role_policy, RoleName="trusting",
                      PolicyDocument=document)

    assert refused("not valid json") == (
        "MalformedPolicyDocument", "This policy contains invalid Json", 400)
    other_action = {**listed, "Statement": [{**listed["Statement"][0],
                                             "Action": "sts:InvalidAction"}]}
    assert refused(json.dumps(other_action)) == (
        "MalformedPolicyDocument", "AssumeRole policy may only specify STS AssumeRole actions.",
        400)
    with_resource = {**listed, "Statement": [{**listed["Statement"][0], "Resource": BUCKET}]}
    assert refused(json.dumps(with_resource)) == (
        "MalformedPolicyDocument", "Has prohibited field Resource", 400)
    assert iam.get_role(RoleName="trusting")["Role"]["AssumeRolePolicyDocument"] == listed
    assert shape(iam.update_assume_role_policy(RoleName="trusting",
                                               PolicyDocument=json.dumps(listed))) == EMPTY


def test_list_roles_by_path(iam):
    # TestRoleLifecycle::test_create_describe_role and test_list_roles_path_prefix: a listed
    # role has MaxSessionDuration but no RoleLastUsed
    iam.create_role(RoleName="rootpath", AssumeRolePolicyDocument=TRUST)
    created = iam.create_role(RoleName="deep", AssumeRolePolicyDocument=TRUST, Path="/p-1/")
    assert shape(created) == recorded({"Role": ROLE})
    assert shape(iam.get_role(RoleName="deep")) == recorded({"Role": GOT_ROLE})
    listed = iam.list_roles(PathPrefix="/p-1/")
    assert shape(listed) == recorded({"IsTruncated": False, "Roles": [LISTED_ROLE]})
    assert listed["Roles"][0]["RoleName"] == "deep"
    assert shape(iam.list_roles(PathPrefix="/nonexistent-path/")) == recorded(
        {"IsTruncated": False, "Roles": []})


def test_list_roles_pages(iam):
    # TestRolePagination::test_list_roles_pagination: a listed role shows its Description;
    # MaxItems=2 then the Marker alone gives the other three
    for i in range(5):
        extra = {"Description": f"Role {i}"} if i % 2 == 0 else {}
        iam.create_role(RoleName=f"role-{i:02d}", AssumeRolePolicyDocument=TRUST,
                        Path="/paged/", **extra)
    listed = iam.list_roles(PathPrefix="/paged/")
    described = {**LISTED_ROLE, "Description": "d"}
    assert shape(listed) == recorded({"IsTruncated": False, "Roles": [
        described, LISTED_ROLE, described, LISTED_ROLE, described]})
    first = iam.list_roles(PathPrefix="/paged/", MaxItems=2)
    assert first["IsTruncated"] is True and "Marker" in first
    assert [r["RoleName"] for r in first["Roles"]] == ["role-00", "role-01"]
    rest = iam.list_roles(PathPrefix="/paged/", Marker=first["Marker"])
    assert rest["IsTruncated"] is False and "Marker" not in rest
    assert [r["RoleName"] for r in rest["Roles"]] == ["role-02", "role-03", "role-04"]


def test_role_permissions_boundary_lifecycle(iam):
    # TestRolePermissionsBoundary::test_role_permissions_boundary_lifecycle: CreateRole shows
    # the boundary but not the Description; ListRoles shows neither boundary nor RoleLastUsed
    arn = iam.create_policy(PolicyName="bound", PolicyDocument=LIST_ONE_BUCKET)["Policy"]["Arn"]
    boundary = {"PermissionsBoundaryArn": arn, "PermissionsBoundaryType": "Policy"}
    created = iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST,
                              PermissionsBoundary=arn,
                              Description="Role with permissions boundary")
    assert shape(created) == recorded({"Role": {**ROLE, "PermissionsBoundary": boundary}})
    described = {**GOT_ROLE, "Description": "d"}
    assert shape(iam.get_role(RoleName="bounded")) == recorded(
        {"Role": {**described, "PermissionsBoundary": boundary}})
    iam.delete_role_permissions_boundary(RoleName="bounded")
    assert shape(iam.get_role(RoleName="bounded")) == recorded({"Role": described})
    iam.put_role_permissions_boundary(RoleName="bounded", PermissionsBoundary=arn)
    listed = iam.list_roles()["Roles"]
    assert shape(listed) == recorded([{**LISTED_ROLE, "Description": "d"}])
    assert refusal(iam.put_role_permissions_boundary, RoleName="nonexistent-role",
                  PermissionsBoundary=arn) == _missing("role", "nonexistent-role")


def test_role_inline_policies(iam):
    # TestRoleInlinePolicies::test_role_inline_policy_lifecycle and
    # test_role_inline_policy_errors
    iam.create_role(RoleName="inline", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="inline", PolicyName="policy-1",
                        PolicyDocument=LIST_ONE_BUCKET)
    got = iam.get_role_policy(RoleName="inline", PolicyName="policy-1")
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {
        "PolicyDocument": LIST_ONE_BUCKET_DOC, "PolicyName": "policy-1", "RoleName": "inline"}
    iam.put_role_policy(RoleName="inline", PolicyName="policy-2",
                        PolicyDocument=LIST_ONE_BUCKET)
    names = iam.list_role_policies(RoleName="inline")
    assert shape(names) == recorded({"IsTruncated": False, "PolicyNames": ["a", "b"]})
    assert names["PolicyNames"] == ["policy-1", "policy-2"]
    iam.delete_role_policy(RoleName="inline", PolicyName="policy-1")
    assert iam.list_role_policies(RoleName="inline")["PolicyNames"] == ["policy-2"]
    gone = ("NoSuchEntity", "The role policy with name policy-1 cannot be found.", 404)
    assert refusal(iam.get_role_policy, RoleName="inline", PolicyName="policy-1") == gone
    assert refusal(iam.delete_role_policy, RoleName="inline", PolicyName="policy-1") == gone
    no_role = _missing("role", "nonexistent-role")
    assert refusal(iam.put_role_policy, RoleName="nonexistent-role", PolicyName="p",
                  PolicyDocument=LIST_ONE_BUCKET) == no_role
    assert refusal(iam.get_role_policy, RoleName="nonexistent-role", PolicyName="p") == no_role
    assert refusal(iam.delete_role_policy, RoleName="nonexistent-role", PolicyName="p") == no_role


def test_role_managed_policies(iam, account):
    # TestRoleManagedPolicies::test_role_managed_policy_lifecycle and
    # test_role_managed_policy_errors
    iam.create_role(RoleName="managed", AssumeRolePolicyDocument=TRUST)
    # The recorded name was "test-policy-" and a short id: long enough (20) for the SDK to send
    created = iam.create_policy(PolicyName="test-policy-a1b2c3d4",
                                PolicyDocument=LIST_ONE_BUCKET)
    assert shape(created) == recorded({"Policy": POLICY})
    arn = created["Policy"]["Arn"]
    empty = recorded({"AttachedPolicies": [], "IsTruncated": False})
    assert shape(iam.list_attached_role_policies(RoleName="managed")) == empty
    assert refusal(iam.detach_role_policy, RoleName="managed", PolicyArn=arn) == (
        "NoSuchEntity", f"Policy {arn} was not found.", 404)
    for not_an_arn in ("longpolicynamebutnoarn", "test-policy-a1b2c3d4"):
        assert refusal(iam.attach_role_policy, RoleName="managed", PolicyArn=not_an_arn) == (
            "ValidationError", f"ARN {not_an_arn} is not valid.", 400)
    ghost = f"arn:aws:iam::{account.account_id}:policy/nonexistent-policy"
    assert refusal(iam.attach_role_policy, RoleName="managed", PolicyArn=ghost) == (
        "NoSuchEntity", f"Policy {ghost} does not exist or is not attachable.", 404)
    iam.attach_role_policy(RoleName="managed", PolicyArn=arn)
    assert iam.list_attached_role_policies(RoleName="managed")["AttachedPolicies"] == [
        {"PolicyArn": arn, "PolicyName": "test-policy-a1b2c3d4"}]
    iam.detach_role_policy(RoleName="managed", PolicyArn=arn)
    assert shape(iam.list_attached_role_policies(RoleName="managed")) == empty


def test_attach_detach_aws_managed_policies(iam):
    # TestRoleManagedPolicies::test_attach_detach_aws_managed_policy_role and
    # test_iam_managed_policies.snapshot.json: test_list_policies_only_attached (listed in
    # the order attached)
    iam.create_role(RoleName="aws-managed", AssumeRolePolicyDocument=TRUST)
    emr = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole"
    tower = "arn:aws:iam::aws:policy/service-role/AWSControlTowerServiceRolePolicy"
    iam.attach_role_policy(RoleName="aws-managed", PolicyArn=emr)
    iam.attach_role_policy(RoleName="aws-managed", PolicyArn=tower)
    listed = iam.list_attached_role_policies(RoleName="aws-managed")
    assert listed["AttachedPolicies"] == [
        {"PolicyArn": emr, "PolicyName": "AmazonElasticMapReduceRole"},
        {"PolicyArn": tower, "PolicyName": "AWSControlTowerServiceRolePolicy"}]
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert {p["PolicyName"] for p in attached} == {
        "AmazonElasticMapReduceRole", "AWSControlTowerServiceRolePolicy"}
    assert all(p["AttachmentCount"] > 0 for p in attached)
    iam.detach_role_policy(RoleName="aws-managed", PolicyArn=emr)
    assert [p["PolicyName"] for p in iam.list_policies(OnlyAttached=True)["Policies"]] == [
        "AWSControlTowerServiceRolePolicy"]
    assert refusal(iam.detach_role_policy, RoleName="aws-managed", PolicyArn=emr) == (
        "NoSuchEntity", f"Policy {emr} was not found.", 404)
    nothing = "arn:aws:iam::aws:policy/Nonexistent"
    assert refusal(iam.detach_role_policy, RoleName="aws-managed", PolicyArn=nothing) == (
        "NoSuchEntity", f"Policy {nothing} was not found.", 404)


def test_role_tags(iam):
    # TestRoleTags::test_role_with_tags and test_role_tag_operations: CreateRole and GetRole
    # show Tags, ListRoles does not; a retagged key keeps its place
    created = iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=TRUST,
                              Path="/role-with-tags/", Tags=_tags(("test", "value")))
    tagged = {**ROLE, "Tags": [{"Key": "k", "Value": "v"}]}
    assert shape(created) == recorded({"Role": tagged})
    assert shape(iam.get_role(RoleName="tagged")) == recorded(
        {"Role": {**GOT_ROLE, "Tags": [{"Key": "k", "Value": "v"}]}})
    assert shape(iam.list_roles(PathPrefix="/role-with-tags/")) == recorded(
        {"IsTruncated": False, "Roles": [LISTED_ROLE]})
    empty_value = iam.create_role(RoleName="empty-tag", AssumeRolePolicyDocument=TRUST,
                                  Tags=_tags(("emptykey", "")))
    assert empty_value["Role"]["Tags"] == _tags(("emptykey", ""))
    assert shape(iam.list_role_tags(RoleName="empty-tag")) == recorded(
        {"IsTruncated": False, "Tags": [{"Key": "k", "Value": ""}]})

    iam.create_role(RoleName="retagged", AssumeRolePolicyDocument=TRUST)
    assert "Tags" not in iam.get_role(RoleName="retagged")["Role"]
    iam.tag_role(RoleName="retagged", Tags=_tags(("somekey", "somevalue"),
                                                 ("someotherkey", "someothervalue")))
    assert iam.get_role(RoleName="retagged")["Role"]["Tags"] == _tags(
        ("somekey", "somevalue"), ("someotherkey", "someothervalue"))
    iam.tag_role(RoleName="retagged", Tags=_tags(("somekey", "updatedvalue")))
    assert iam.list_role_tags(RoleName="retagged")["Tags"] == _tags(
        ("somekey", "updatedvalue"), ("someotherkey", "someothervalue"))
    iam.tag_role(RoleName="retagged", Tags=_tags(("somekey", "")))
    assert iam.list_role_tags(RoleName="retagged")["Tags"] == _tags(
        ("somekey", ""), ("someotherkey", "someothervalue"))
    iam.untag_role(RoleName="retagged", TagKeys=["somekey"])
    assert iam.list_role_tags(RoleName="retagged")["Tags"] == _tags(
        ("someotherkey", "someothervalue"))
    iam.untag_role(RoleName="retagged", TagKeys=["someotherkey"])
    assert shape(iam.list_role_tags(RoleName="retagged")) == recorded(
        {"IsTruncated": False, "Tags": []})


def test_role_tag_errors(iam):
    # TestRoleTags::test_role_tag_errors: the parameters are checked before the role is
    # looked up; role tag keys are compared without case
    ghost = "test-nonexistent-role"
    gone = _missing("role", ghost)
    assert refusal(iam.tag_role, RoleName=ghost, Tags=_tags(("k", "v"))) == gone
    assert refusal(iam.untag_role, RoleName=ghost, TagKeys=["k"]) == gone
    assert refusal(iam.list_role_tags, RoleName=ghost) == gone
    many = _tags(*((str(i), str(i)) for i in range(51)))
    assert refusal(iam.create_role, RoleName="r", AssumeRolePolicyDocument=TRUST,
                  Tags=many) == TOO_MANY_TAGS
    assert refusal(iam.tag_role, RoleName=ghost, Tags=many) == TOO_MANY_TAGS
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    duplicate = ("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are "
                 "case insensitive.", 400)
    cases = [
        (_tags(("dupkey", "val1"), ("dupkey", "val2")), duplicate),
        (_tags(("mykey", "val1"), ("MyKey", "val2")), duplicate),
        (_tags(("k" * 129, "value")), LONG_KEY),
        (_tags(("key", "v" * 257)), LONG_VALUE),
        (_tags(("invalid!key", "value")), BAD_KEY),
    ]
    for tags, expected in cases:
        assert refusal(iam.create_role, RoleName="other", AssumeRolePolicyDocument=TRUST,
                      Tags=tags) == expected
        assert refusal(iam.tag_role, RoleName="r", Tags=tags) == expected
    assert refusal(iam.untag_role, RoleName="r",
                  TagKeys=[str(i) for i in range(51)]) == TOO_MANY_KEYS
    assert refusal(iam.untag_role, RoleName="r", TagKeys=["k" * 129]) == BAD_TAG_KEYS
    assert refusal(iam.untag_role, RoleName="r", TagKeys=["invalid!key"]) == BAD_TAG_KEYS
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["r"]
    assert iam.list_role_tags(RoleName="r")["Tags"] == []


# --- managed policies (test_iam_policies.snapshot.json) -------------------------------


def test_policy_lifecycle_and_duplicate(iam):
    # TestPolicies::test_policy_lifecycle[/test/path/] (create-policy-response,
    # get-policy-response, delete-policy-response) and test_policy_errors
    created = iam.create_policy(PolicyName="life", PolicyDocument=LIST_USERS, Path="/test/path/")
    assert shape(created) == recorded({"Policy": POLICY})
    assert created["Policy"]["Path"] == "/test/path/"
    arn = created["Policy"]["Arn"]
    assert shape(iam.get_policy(PolicyArn=arn)) == recorded({"Policy": {**POLICY, "Tags": []}})
    assert refusal(iam.create_policy, PolicyName="life", PolicyDocument=LIST_USERS) == (
        "EntityAlreadyExists",
        "A policy called life already exists. Duplicate names are not allowed.", 409)
    assert shape(iam.delete_policy(PolicyArn=arn)) == EMPTY


def test_policy_version_lifecycle(iam):
    # TestPolicies::test_policy_version_lifecycle and test_policy_version_set_default:
    # CreatePolicyVersion has no Document; versions are listed newest first
    arn = iam.create_policy(PolicyName="versions", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_sample("s3:ListBucket"),
                                   SetAsDefault=True)
    version = {"CreateDate": "<datetime>", "IsDefaultVersion": True, "VersionId": "v"}
    assert shape(v2) == recorded({"PolicyVersion": version})
    assert (v2["PolicyVersion"]["VersionId"], v2["PolicyVersion"]["IsDefaultVersion"]) == (
        "v2", True)
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert got["Document"] == json.loads(_sample("s3:ListBucket"))
    assert shape(got) == recorded({**version, "Document": got["Document"]})
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_sample("ec2:DescribeInstances"))
    assert (v3["PolicyVersion"]["VersionId"], v3["PolicyVersion"]["IsDefaultVersion"]) == (
        "v3", False)
    listed = iam.list_policy_versions(PolicyArn=arn)
    assert shape(listed) == recorded({"IsTruncated": False, "Versions": [version, version]})
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in listed["Versions"]] == [
        ("v3", False), ("v2", True)]

    other = iam.create_policy(PolicyName="defaults", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    for action in ("s3:ListBucket", "ec2:DescribeInstances"):
        iam.create_policy_version(PolicyArn=other, PolicyDocument=_sample(action),
                                  SetAsDefault=True)
    assert [(v["VersionId"], v["IsDefaultVersion"])
            for v in iam.list_policy_versions(PolicyArn=other)["Versions"]] == [
        ("v3", True), ("v2", False), ("v1", False)]
    assert shape(iam.set_default_policy_version(PolicyArn=other, VersionId="v1")) == EMPTY
    assert [(v["VersionId"], v["IsDefaultVersion"])
            for v in iam.list_policy_versions(PolicyArn=other)["Versions"]] == [
        ("v3", False), ("v2", False), ("v1", True)]


def test_policy_version_limit(iam):
    # TestPolicies::test_policy_version_limit: the sixth version is refused; after deleting
    # v5 the next version is v6
    arn = iam.create_policy(PolicyName="limited", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_USERS)
    assert refusal(iam.create_policy_version, PolicyArn=arn, PolicyDocument=LIST_USERS) == (
        "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new "
        "version, you must delete an existing version.", 409)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == [
        "v5", "v4", "v3", "v2", "v1"]
    iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
    again = iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_USERS)
    assert (again["PolicyVersion"]["VersionId"], again["PolicyVersion"]["IsDefaultVersion"]) == (
        "v6", False)


def test_policy_version_errors_not_compared_elsewhere(iam):
    # TestPolicies::test_policy_version_errors: err-delete-nonexistent-version and
    # err-set-default-invalid-version-format
    arn = iam.create_policy(PolicyName="erring", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    assert refusal(iam.delete_policy_version, PolicyArn=arn, VersionId="v9") == (
        "NoSuchEntity", f"Policy {arn} version v9 does not exist or is not attachable.", 404)
    assert refusal(iam.set_default_policy_version, PolicyArn=arn,
                  VersionId="wrong_version_id") == BAD_VERSION_ID


def test_policy_tag_lifecycle(iam):
    # TestPolicyTags::test_policy_tag_lifecycle: CreatePolicy shows the Tags given but not the
    # Description; GetPolicy shows both
    tags = _tags(("somekey", "somevalue"), ("someotherkey", "someothervalue"))
    created = iam.create_policy(PolicyName="tagged", PolicyDocument=LIST_USERS, Tags=tags,
                                Description="testing")
    assert shape(created) == recorded({"Policy": {**POLICY, "Tags": tags}})
    assert created["Policy"]["Tags"] == tags
    arn = created["Policy"]["Arn"]
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert shape(got) == recorded({**POLICY, "Description": "d", "Tags": tags})
    assert (got["Description"], got["Tags"]) == ("testing", tags)
    assert shape(iam.list_policy_tags(PolicyArn=arn)) == recorded(
        {"IsTruncated": False, "Tags": tags})
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == tags
    empty = iam.create_policy(PolicyName="empty-value", PolicyDocument=LIST_USERS,
                              Tags=_tags(("somekey", "")))["Policy"]
    assert empty["Tags"] == _tags(("somekey", ""))
    assert iam.list_policy_tags(PolicyArn=empty["Arn"])["Tags"] == _tags(("somekey", ""))


def test_policy_tag_operations(iam):
    # TestPolicyTags::test_policy_tag_operations: pages of one tag; a retagged key keeps its
    # place
    arn = iam.create_policy(PolicyName="retag", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    tags = _tags(("somekey", "somevalue"), ("someotherkey", "someothervalue"))
    assert shape(iam.tag_policy(PolicyArn=arn, Tags=tags)) == EMPTY
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == tags
    first = iam.list_policy_tags(PolicyArn=arn, MaxItems=1)
    assert shape(first) == recorded({"IsTruncated": True, "Marker": "m", "Tags": tags[:1]})
    assert first["Tags"] == tags[:1]
    second = iam.list_policy_tags(PolicyArn=arn, Marker=first["Marker"])
    assert shape(second) == recorded({"IsTruncated": False, "Tags": tags[1:]})
    assert second["Tags"] == tags[1:]
    iam.tag_policy(PolicyArn=arn, Tags=_tags(("somekey", "somenewvalue")))
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == _tags(
        ("somekey", "somenewvalue"), ("someotherkey", "someothervalue"))
    iam.tag_policy(PolicyArn=arn, Tags=_tags(("somekey", "")))
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == _tags(
        ("somekey", ""), ("someotherkey", "someothervalue"))
    assert shape(iam.untag_policy(PolicyArn=arn, TagKeys=["somekey"])) == EMPTY
    iam.untag_policy(PolicyArn=arn, TagKeys=["someotherkey"])
    assert shape(iam.list_policy_tags(PolicyArn=arn)) == recorded(
        {"IsTruncated": False, "Tags": []})


def test_policy_tag_errors(iam, account):
    # TestPolicyTags::test_policy_tag_create_errors and test_policy_tag_update_errors (policy
    # tag keys are compared with case, so the duplicate message has no case note)
    many = _tags(*((str(i), str(i)) for i in range(51)))
    duplicate = ("InvalidInput", "Duplicate tag keys found.", 400)
    cases = [
        (many, TOO_MANY_TAGS),
        (_tags(("0", ""), ("0", "")), duplicate),
        (_tags(("0" * 129, "")), LONG_KEY),
        (_tags(("0", "0" * 257)), LONG_VALUE),
        (_tags(("NOWAY!", "")), BAD_KEY),
    ]
    arn = iam.create_policy(PolicyName="tag-errors", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    for tags, expected in cases:
        assert refusal(iam.create_policy, PolicyName="refused", PolicyDocument=LIST_USERS,
                      Tags=tags) == expected
        assert refusal(iam.tag_policy, PolicyArn=arn, Tags=tags) == expected
    ghost = f"arn:aws:iam::{account.account_id}:policy/NotAPolicy"
    not_found = ("NoSuchEntity", f"Policy {ghost} was not found.", 404)
    assert refusal(iam.tag_policy, PolicyArn=ghost, Tags=_tags(("some", "value"))) == not_found
    assert refusal(iam.untag_policy, PolicyArn=arn,
                  TagKeys=[str(i) for i in range(51)]) == TOO_MANY_KEYS
    assert refusal(iam.untag_policy, PolicyArn=arn, TagKeys=["0" * 129]) == BAD_TAG_KEYS
    assert refusal(iam.untag_policy, PolicyArn=arn, TagKeys=["NOWAY!"]) == BAD_TAG_KEYS
    assert refusal(iam.untag_policy, PolicyArn=ghost, TagKeys=["somevalue"]) == not_found
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == [
        "tag-errors"]


def test_list_entities_for_policy_filters(iam):
    # test_iam_policies.snapshot.json: TestListEntitiesForPolicy::test_list_entities_for_policy
    # (empty-entities, filter-user, filter-group, no-filter)
    arn = iam.create_policy(PolicyName="shared", PolicyDocument=LIST_USERS)["Policy"]["Arn"]
    none = {"IsTruncated": False, "PolicyGroups": [], "PolicyRoles": [], "PolicyUsers": []}
    assert shape(iam.list_entities_for_policy(PolicyArn=arn)) == recorded(none)
    assert shape(iam.create_user(UserName="u")) == recorded({"User": {
        "Arn": "a", "CreateDate": "<datetime>", "Path": "/", "UserId": "i", "UserName": "n"}})
    assert shape(iam.create_group(GroupName="g")) == recorded({"Group": {
        "Arn": "a", "CreateDate": "<datetime>", "GroupId": "i", "GroupName": "n", "Path": "/"}})
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.attach_user_policy(UserName="u", PolicyArn=arn)
    iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    user = [{"UserId": "i", "UserName": "n"}]
    group = [{"GroupId": "i", "GroupName": "n"}]
    role = [{"RoleId": "i", "RoleName": "n"}]
    assert shape(iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")) == recorded(
        {**none, "PolicyUsers": user})
    assert shape(iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Group")) == recorded(
        {**none, "PolicyGroups": group})
    assert shape(iam.list_entities_for_policy(PolicyArn=arn)) == recorded(
        {**none, "PolicyGroups": group, "PolicyRoles": role, "PolicyUsers": user})


# Documents CreatePolicy refuses, each with AWS's message (MalformedPolicyDocument, 400), in
# the order of TestPolicyDocumentValidity::test_create_policy_invalid_document[invalid-N].
B = BUCKET
V = "2012-10-17"
SYNTAX = "Syntax errors in policy."
OLD = "Policy document must be version 2012-10-17 or greater."
VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
COLON = "Actions/Condition can contain only one colon."
NO_RESOURCES = "Policy statement must contain resources."
NO_ACTIONS = "Policy statement must contain actions."
LEGACY = "The policy failed legacy parsing"


def _one(**statement: Any) -> dict[str, Any]:
    """A 2012-10-17 document whose Statement is the one object given."""
    return {"Version": V, "Statement": statement}


def _arn_format(resource: str) -> str:
    return f'Resource {resource} must be in ARN format or "*".'


def _partition(partition: str, resource: str) -> str:
    return f'Partition "{partition}" is not valid for resource "{resource}".'


LIST = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": B}
SID_TWICE = [{"Sid": "sdf", **LIST}, {"Sid": "sdf", "Effect": "Allow"}]
INVALID_DOCUMENTS: list[tuple[Any, str]] = [
    ("This is not a json document", SYNTAX),
    ({"Statement": LIST}, OLD),
    ({"Version": "2008-10-17", "Statement": LIST}, OLD),
    ({"Version": "2013-10-17", "Statement": LIST}, SYNTAX),
    ({"Version": V}, SYNTAX),
    ({"Version": V, "Statement": ["afd"]}, SYNTAX),
    ({"Version": V, "Statement": LIST, "Extra field": "value"}, SYNTAX),
    (_one(**LIST, **{"Extra field": "value"}), SYNTAX),
    ({"Version": V, "Id": ["cd3a324d2343d942772346-34234234423404-4c2242343242349d1642ee"],
      "Statement": LIST}, SYNTAX),
    ({"Version": V, "Id": {}, "Statement": LIST}, SYNTAX),
    (_one(**{**LIST, "Effect": "invalid"}), SYNTAX),  # 10
    (_one(**{**LIST, "Action": "invalid"}), VENDOR),
    (_one(Effect="Allow", NotAction="", Resource=B), VENDOR),
    (_one(**{**LIST, "Action": "a a:ListBucket"}), "Vendor a a is not valid"),
    (_one(**{**LIST, "Action": "s3:List:Bucket"}), COLON),
    ({"Version": V, "Statement": [{**LIST, "Action": "s3s:ListBucket"},
                                  {**LIST, "Action": "s:3s:ListBucket"}]}, COLON),
    (_one(**{**LIST, "Resource": "invalid resource"}), _arn_format("invalid resource")),
    ({"Version": V, "Statement": [
        {"Sid": "EnableDisableHongKong", "Effect": "Allow",
         "Action": ["account:EnableRegion", "account:DisableRegion"], "Resource": "",
         "Condition": {"StringEquals": {"account:TargetRegion": "ap-east-1"}}},
        {"Sid": "ViewConsole", "Effect": "Allow",
         "Action": ["aws-portal:ViewAccount", "account:ListRegions"], "Resource": ""}]},
     _arn_format("")),
    (_one(Effect="Allow", Action="s:3:ListBucket", Resource="sdfsadf"), _arn_format("sdfsadf")),
    (_one(**{**LIST, "Resource": ["adf"]}), _arn_format("adf")),
    (_one(**{**LIST, "Resource": ""}), _arn_format("")),  # 20
    (_one(Effect="Allow", NotAction="s3s:ListBucket", Resource="a:bsdfdsafsad"),
     _partition("bsdfdsafsad", "arn:bsdfdsafsad:*:*:*:*")),
    (_one(Effect="Allow", NotAction="s3s:ListBucket", Resource="a:b:cadfsdf"),
     _partition("b", "arn:b:cadfsdf:*:*:*")),
    (_one(Effect="Allow", NotAction="s3s:ListBucket", Resource="a:b:c:d:e:f:g:h"),
     _partition("b", "arn:b:c:d:e:f:g:h")),
    (_one(**{**LIST, "Resource": "aws:s3:::example_bucket"}),
     _partition("s3", "arn:s3:::example_bucket:*")),
    (_one(**{**LIST, "Resource": ["arn:error:s3:::example_bucket",
                                  "arn:error:s3::example_bucket"]}),
     _partition("error", "arn:error:s3:::example_bucket")),
    ({"Version": V, "Statement": []}, SYNTAX),
    (_one(Effect="Allow", Action="s3:ListBucket"), NO_RESOURCES),
    (_one(**{**LIST, "Resource": []}), NO_RESOURCES),
    (_one(Effect="Allow", Action="invalid"), NO_RESOURCES),
    (_one(Effect="Allow", Resource=B), NO_ACTIONS),  # 30
    (_one(Action="s3:ListBucket", Resource=B), SYNTAX),
    (_one(Effect="Allow"), NO_ACTIONS),
    (_one(**{**LIST, "Action": []}), NO_ACTIONS),
    ({"Version": V, "Statement": [{"Effect": "Deny"}, LIST]}, NO_ACTIONS),
    (_one(**{**LIST, "Resource": "arn:aws:iam:::example_bucket"}),
     'IAM resource path must either be "*", root, or start with user/, federated-user/, '
     "role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
     "saml-provider/, oidc-provider/, report/, access-report/."),
    (_one(**{**LIST, "Resource": "arn:aws:s3::example_bucket"}), LEGACY),
    (_one(Effect="Allow", Resource="arn:aws:s3::example_bucket"), LEGACY),
    (_one(**{**LIST, "Resource": "arn:aws"}),
     "Resource vendor must be fully qualified and cannot contain regexes."),
    (_one(**{**LIST, "Resource": {"a": B}}), SYNTAX),
    (_one(Effect="Deny", Action="s3:ListBucket", Resource=["adfdf", {}]), SYNTAX),  # 40
    (_one(Effect="Allow", NotAction="s3:ListBucket", Resource=B, NotResource=[]), SYNTAX),
    (_one(Effect="Deny", Action=[[]], Resource=B), SYNTAX),
    (_one(Effect="Allow", NotAction="s3s:ListBucket", Action=[], Resource=B), SYNTAX),
    (_one(Effect="Allow", Action={}, Resource=B), SYNTAX),
    (_one(**LIST, Condition=[]), SYNTAX),
    (_one(**LIST, Condition="a"), SYNTAX),
    (_one(**LIST, Condition={"a": "b"}), SYNTAX),
    (_one(**LIST, Condition={"DateGreaterThan": "b"}), SYNTAX),
    (_one(**LIST, Condition={"DateGreaterThan": []}), SYNTAX),
    (_one(**LIST, Condition={"DateGreaterThan": {"a": {}}}), SYNTAX),  # 50
    (_one(Effect="Allow", Resource=B, Condition={"DateGreaterThan": {"a": {}}}), SYNTAX),
    (_one(**LIST, Condition={"x": {"a": "1"}}), SYNTAX),
    (_one(**LIST, Condition={"ForAnyValue::StringEqualsIfExists": {"a": "asf"}}), SYNTAX),
    (_one(**LIST, Condition=[{"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}]),
     SYNTAX),
    # The recording shows <region> and <partition>: us-east-1 and aws were sent.
    (_one(**{**LIST, "Resource": "arn:aws:iam:us-east-1::example_bucket"}),
     "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
    (_one(**{**LIST, "Resource": "arn:aws:s3:us-east-1::example_bucket"}),
     "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
    (_one(Sid={}, **LIST), SYNTAX),
    (_one(Sid=[], **LIST), SYNTAX),
    ({"Version": V, "Statement": SID_TWICE},
     "Statement IDs (SID) in a single policy must be unique."),
    ({"Statement": SID_TWICE}, OLD),  # 60
    (_one(Effect="Allow", NotAction="s3:ListBucket", Action="iam:dsf", Resource=B), SYNTAX),
    (_one(**LIST, NotResource="*"), SYNTAX),
    (_one(**{**LIST, "Effect": "denY"}), LEGACY),
    (_one(**LIST, Condition={"DateGreaterThan": {"a": "sdfdsf"}}), LEGACY),
    ({"Statement": {**LIST, "Condition": {"DateGreaterThan": {"a": "sdfdsf"}}}}, OLD),
    ({"Statement": {**LIST, "Effect": "denY"}}, OLD),
    (_one(Effect="Allow", Condition={"DateGreaterThan": {"a": "sdfdsf"}}), LEGACY),
    (_one(Effect="Allow", NotAction="s3:ListBucket", Resource="arn:aws::::example_bucket"),
     LEGACY),
    (_one(Effect="allow", Resource="arn:aws:s3:us-east-1::example_bucket"), LEGACY),
    ({"Version": V, "Statement": [{"Sid": "sdf", **{**LIST, "Effect": "aLLow"}},
                                  {"Sid": "sdf", "Effect": "Allow"}]}, LEGACY),  # 70
    (_one(Effect="Allow", Action="s3:ListBucket", NotResource="arn:aws:s3::example_bucket"),
     LEGACY),
    (_one(**LIST, Condition={"DateLessThanEquals": {"a": "234-13"}}), LEGACY),
    (_one(**LIST, Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+1"}}),
     LEGACY),
    (_one(**LIST, Condition={"DateLessThanEquals": {
        "a": "2016-12-13t2:00:00.1999999999+10:59"}}), LEGACY),
    (_one(**LIST, Condition={"DateLessThan": {"a": "9223372036854775808"}}), LEGACY),
    (_one(**{**LIST, "Resource": "arn:error:s3:::example_bucket"},
          Condition={"DateGreaterThan": {"a": "sdfdsf"}}), LEGACY),
    (_one(**{**LIST, "Resource": "arn:aws::fdsasf"}), LEGACY),
]


@pytest.mark.parametrize(("document", "message"), INVALID_DOCUMENTS,
                         ids=[f"invalid-{i}" for i in range(len(INVALID_DOCUMENTS))])
def test_create_policy_invalid_document(iam, document, message):
    # TestPolicyDocumentValidity::test_create_policy_invalid_document[invalid-N]
    text = document if isinstance(document, str) else json.dumps(document)
    assert refusal(iam.create_policy, PolicyName="refused", PolicyDocument=text) == (
        "MalformedPolicyDocument", message, 400)
    assert iam.list_policies(Scope="Local")["Policies"] == []


def _self_service(statements: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Statements allowing the caller to manage their own credentials."""
    return {"Version": V, "Statement": [
        {"Sid": sid, "Effect": "Allow", "Action": actions,
         "Resource": "*" if sid == "AllowViewAccountInfo" else
         "arn:aws:iam::*:user/${aws:username}"} for sid, actions in statements]}


VALID_DOCUMENTS: list[dict[str, Any]] = [
    _one(**{**LIST, "Resource": [B]}),
    _one(**{**LIST, "Action": "iam: asdf safdsf af "}),
    _one(**{**LIST, "Resource": [B, "*"]}),
    _one(**{**LIST, "Action": "*"}),
    {"Version": V, "Statement": [LIST]},
    _one(Effect="Allow", Action="service-prefix:action-name", Resource="*", Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}),
    _one(**{**LIST, "Action": "fsx:ListBucket"}),
    _one(**{**LIST, "Resource": "arn:aws:iam:::user/example_bucket"}),
    _one(**{**LIST, "Resource": "arn:aws:s33:::example_bucket"}),
    _one(**{**LIST, "Resource": "arn:aws:fdsasf"}),
    _one(**LIST, Condition={}),  # 10
    _one(**LIST, Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "Department"}}),
    _one(**{**LIST, "Resource": "arn:aws:cloudwatch:us-east-1::example_bucket"}),
    _one(**{**LIST, "Resource": "arn:aws:ec2:us-east-1::example_bucket"}),
    _one(**{**LIST, "Resource": "arn:aws:invalid-service:::example_bucket"}),
    _one(**{**LIST, "Resource": "arn:aws:invalid-service:us-east-1::example_bucket"}),
    _one(**LIST, Condition={
        "DateGreaterThan": {"aws:CurrentTime": "2017-07-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2017-12-31T23:59:59Z"}}),
    _one(**LIST, Condition={"DateGreaterThan": {}}),
    _one(**LIST, Condition={"DateGreaterThan": {"a": []}}),
    _one(**LIST, Condition={"a": {}}),
    _one(Sid="dsfsdfsdfsdfsdfsadfsd", **LIST),  # 20
    {"Version": V, "Statement": [
        {"Sid": "ConsoleDisplay", "Effect": "Allow", "Resource": "*", "Action": [
            "iam:GetRole", "iam:GetUser", "iam:ListRoles", "iam:ListRoleTags",
            "iam:ListUsers", "iam:ListUserTags"]},
        {"Sid": "AddTag", "Effect": "Allow", "Action": ["iam:TagUser", "iam:TagRole"],
         "Resource": "*", "Condition": {
             "StringEquals": {"aws:RequestTag/CostCenter": ["A-123", "B-456"]},
             "ForAllValues:StringEquals": {"aws:TagKeys": "CostCenter"}}}]},
    _one(Effect="Allow", NotAction="s3:ListBucket", Resource=B),
    _one(Effect="Deny", Action="s3:*", NotResource=["arn:aws:s3:::HRBucket/Payroll",
                                                    "arn:aws:s3:::HRBucket/Payroll/*"]),
    {"Version": V, "Id": "sdfsdfsdf", "Statement": {
        "Effect": "Allow", "NotAction": "s3:ListBucket", "Resource": B}},
    _one(**{**LIST, "Action": "aaaaaadsfdsafsadfsadfaaaaa:ListBucket"}),
    _one(**{**LIST, "Action": "s3-s:ListBucket"}),
    _one(**{**LIST, "Action": "s3.s:ListBucket"}),
    _one(Effect="Allow", NotAction="s3:ListBucket", NotResource="*"),
    {"Version": V, "Statement": [{"Sid": "sdf", **LIST}, LIST]},
    _one(**LIST, Condition={"DateGreaterThan": {"a": "01T"}}),  # 30
    _one(**LIST, Condition={"x": {}, "y": {}}),
    _one(**LIST, Condition={"StringEqualsIfExists": {"a": "asf"}}),
    _one(**LIST, Condition={"ForAnyValue:StringEqualsIfExists": {"a": "asf"}}),
    _one(**LIST, Condition={"DateLessThanEquals": {"a": "2019-07-01T13:20:15Z"}}),
    _one(**LIST, Condition={"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}}),
    _one(**LIST, Condition={"DateLessThanEquals": {"a": "2016-12-13t2:00:00.593194+23"}}),
    _one(**LIST, Condition={"DateLessThan": {"a": "-292275054"}}),
    _self_service([
        ("AllowViewAccountInfo", ["iam:GetAccountPasswordPolicy", "iam:GetAccountSummary"]),
        ("AllowManageOwnPasswords", ["iam:ChangePassword", "iam:GetUser"]),
        ("AllowManageOwnAccessKeys", ["iam:CreateAccessKey", "iam:DeleteAccessKey",
                                      "iam:ListAccessKeys", "iam:UpdateAccessKey"])]),
    {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"],
         "Resource": ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:instance/*"],
         "Condition": {"ArnEquals": {
             "ec2:SourceInstanceARN": "arn:aws:ec2:*:*:instance/instance-id"}}}]},
    {"Version": V, "Statement": [
        {"Sid": "StartStopIfTags", "Effect": "Allow",
         "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:DescribeTags"],
         "Resource": "arn:aws:ec2:region:account-id:instance/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/Project": "DataAnalytics",
                                        "aws:PrincipalTag/Department": "Data"}}}]},
    {"Version": V, "Statement": [
        {"Sid": "ListYourObjects", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": ["arn:aws:s3:::bucket-name"], "Condition": {"StringLike": {
             "s3:prefix": ["cognito/application-name/${cognito-identity.amazonaws.com:sub}"]}}},
        {"Sid": "ReadWriteDeleteYourObjects", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": [
             "arn:aws:s3:::bucket-name/cognito/application-name/"
             "${cognito-identity.amazonaws.com:sub}",
             "arn:aws:s3:::bucket-name/cognito/application-name/"
             "${cognito-identity.amazonaws.com:sub}/*"]}]},
    {"Version": V, "Statement": [
        {"Sid": "AllowManageOwnVirtualMFADevice", "Effect": "Allow",
         "Action": ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
         "Resource": "arn:aws:iam::*:mfa/${aws:username}"},
        {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": [
            "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
            "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
            "sts:GetSessionToken"], "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]},
    {"Version": V, "Statement": [
        {"Sid": "ListAndDescribe", "Effect": "Allow", "Resource": "*", "Action": [
            "dynamodb:List*", "dynamodb:DescribeReservedCapacity*", "dynamodb:DescribeLimits",
            "dynamodb:DescribeTimeToLive"]},
        {"Sid": "SpecificTable", "Effect": "Allow",
         "Resource": "arn:aws:dynamodb:*:*:table/MyTable", "Action": [
             "dynamodb:BatchGet*", "dynamodb:DescribeStream", "dynamodb:DescribeTable",
             "dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchWrite*",
             "dynamodb:CreateTable", "dynamodb:Delete*", "dynamodb:Update*",
             "dynamodb:PutItem"]}]},
    {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"],
         "Resource": "arn:aws:ec2:*:*:instance/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/Department": "Development"}}},
        {"Effect": "Allow", "Action": ["ec2:AttachVolume", "ec2:DetachVolume"],
         "Resource": "arn:aws:ec2:*:*:volume/*",
         "Condition": {"StringEquals": {"ec2:ResourceTag/VolumeUser": "${aws:username}"}}}]},
    {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket-name",
         "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:userid}/*"]}}},
        {"Effect": "Allow", "Action": "s3:*", "Resource": [
            "arn:aws:s3:::bucket-name/home/${aws:userid}",
            "arn:aws:s3:::bucket-name/home/${aws:userid}/*"]}]},
    {"Version": V, "Statement": [
        {"Sid": "ListObjectsInBucket", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": ["arn:aws:s3:::bucket-name"]},
        {"Sid": "AllObjectActions", "Effect": "Allow", "Action": "s3:*Object",
         "Resource": ["arn:aws:s3:::bucket-name/*"]}]},
    {"Version": V, "Statement": [
        {"Action": "ec2:*", "Resource": "*", "Effect": "Allow",
         "Condition": {"StringEquals": {"ec2:Region": "region"}}}]},
    # Two statements with the same empty Sid are accepted.
    {"Version": V, "Statement": [
        {"Sid": "", "Effect": "Allow", "Action": "rds:*", "Resource": ["arn:aws:rds:region:*:*"]},
        {"Sid": "", "Effect": "Allow", "Action": ["rds:Describe*"], "Resource": ["*"]}]},
    {"Version": V, "Statement": [
        {"Sid": "", "Effect": "Allow", "Action": ["s3:*"], "Resource": [
            "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point",
            "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*"]}]},
]


def test_create_policy_valid_documents(iam):
    # TestPolicyDocumentValidity::test_create_policy_valid_document[valid-N] (0-37 in order,
    # then 38-50, some shortened to the statements that differ from the ones before)
    for number, document in enumerate(VALID_DOCUMENTS):
        created = iam.create_policy(PolicyName=f"valid-{number}",
                                    PolicyDocument=json.dumps(document))
        assert shape(created) == recorded({"Policy": POLICY}), number


# --- AWS managed policies (test_iam_managed_policies.snapshot.json) -------------------


def test_get_aws_managed_policies(iam):
    # TestGetAwsManagedPolicy::test_get_aws_managed_policy, ..._version and
    # ..._higher_version
    arn = "arn:aws:iam::aws:policy/IAMUserChangePassword"
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert shape(got) == recorded({**POLICY, "Description": "d", "Tags": []})
    assert (got["DefaultVersionId"], got["Description"]) == (
        "v5", "Provides the ability for an IAM user to change their own password.")
    lambda_basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert refusal(iam.get_policy_version, PolicyArn=lambda_basic,
                  VersionId="v2-does-not-exist") == BAD_VERSION_ID
    v1 = iam.get_policy_version(PolicyArn=lambda_basic, VersionId="v1")["PolicyVersion"]
    assert (v1["VersionId"], v1["IsDefaultVersion"]) == ("v1", True)
    assert v1["Document"] == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Resource": "*",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]}]}
    sysadmin = "arn:aws:iam::aws:policy/job-function/SystemAdministrator"
    assert refusal(iam.get_policy_version, PolicyArn=sysadmin,
                  VersionId="v2-does-not-exist") == BAD_VERSION_ID
    got = iam.get_policy(PolicyArn=sysadmin)["Policy"]
    assert (got["DefaultVersionId"], got["Path"], got["Description"]) == (
        "v12", "/job-function/", "Grants full access permissions necessary for resources "
        "required for application and development operations.")
    default = iam.get_policy_version(PolicyArn=sysadmin, VersionId="v12")["PolicyVersion"]
    assert default["IsDefaultVersion"] is True
    statements = default["Document"]["Statement"]
    assert [len(s["Action"]) if isinstance(s["Action"], list) else s["Action"]
            for s in statements] == [168, 28, "s3:*", 25, 3]
    assert (statements[0]["Action"][0], statements[0]["Action"][-1]) == (
        "acm:Describe*", "trustedadvisor:*")
    assert [s["Resource"] for s in statements[:4]] == ["*", ["*"], ["*"], ["*"]]
    assert statements[4]["Resource"] == [
        "arn:aws:iam::*:role/rds-monitoring-role", "arn:aws:iam::*:role/ec2-sysadmin-*",
        "arn:aws:iam::*:role/ecr-sysadmin-*", "arn:aws:iam::*:role/lambda-sysadmin-*"]


def test_list_policies_by_scope(iam):
    # TestListPoliciesScope::test_list_policies_scope_local and test_list_policies_scope_all
    iam.create_policy(PolicyName="local-one", PolicyDocument=LIST_ONE_BUCKET)
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == [
        "local-one"]
    aws_names = {p["PolicyName"] for p in iam.list_policies(Scope="AWS", MaxItems=500)["Policies"]}
    assert "local-one" not in aws_names
    everything = iam.get_paginator("list_policies").paginate().build_full_result()["Policies"]
    names = {p["PolicyName"] for p in everything}
    assert {"local-one", "IAMUserChangePassword"} <= names


def test_attach_detach_aws_managed_policy_to_group(iam):
    # TestAttachAwsManagedPolicyToGroup::test_attach_detach_aws_managed_policy_group
    iam.create_group(GroupName="managed-group")
    arn = "arn:aws:iam::aws:policy/service-role/AmazonElasticMapReduceRole"
    empty = recorded({"AttachedPolicies": [], "IsTruncated": False})
    assert shape(iam.list_attached_group_policies(GroupName="managed-group")) == empty
    iam.attach_group_policy(GroupName="managed-group", PolicyArn=arn)
    assert iam.list_attached_group_policies(GroupName="managed-group")["AttachedPolicies"] == [
        {"PolicyArn": arn, "PolicyName": "AmazonElasticMapReduceRole"}]
    iam.detach_group_policy(GroupName="managed-group", PolicyArn=arn)
    assert shape(iam.list_attached_group_policies(GroupName="managed-group")) == empty


# --- instance profiles (test_iam_instance_profiles.snapshot.json) ---------------------


def test_instance_profile_lifecycle_and_errors(iam):
    # TestInstanceProfileLifecycle::test_instance_profile_lifecycle and
    # test_instance_profile_errors
    created = iam.create_instance_profile(InstanceProfileName="pathed", Path="/test-path/")
    assert shape(created) == recorded({"InstanceProfile": PROFILE})
    assert created["InstanceProfile"]["Path"] == "/test-path/"
    assert shape(iam.get_instance_profile(InstanceProfileName="pathed")) == recorded(
        {"InstanceProfile": {**PROFILE, "Tags": []}})
    assert iam.create_instance_profile(InstanceProfileName="plain")["InstanceProfile"][
        "Path"] == "/"
    assert refusal(iam.create_instance_profile, InstanceProfileName="plain") == (
        "EntityAlreadyExists", "Instance Profile plain already exists.", 409)
    assert shape(iam.delete_instance_profile(InstanceProfileName="pathed")) == EMPTY
    assert refusal(iam.get_instance_profile, InstanceProfileName="pathed") == (
        "NoSuchEntity", "Instance Profile pathed cannot be found.", 404)
    gone = ("NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
    assert refusal(iam.get_instance_profile, InstanceProfileName="nonexistent-profile") == gone
    assert refusal(iam.delete_instance_profile, InstanceProfileName="nonexistent-profile") == gone


def _by_name(listed: dict[str, Any]) -> dict[str, Any]:
    """The recording sorted InstanceProfiles by name before it was stored, so the order AWS
    sent is not known: compare in name order."""
    profiles = sorted(listed["InstanceProfiles"], key=lambda p: p["InstanceProfileName"])
    return {**listed, "InstanceProfiles": profiles}


def test_list_instance_profiles(iam):
    # TestInstanceProfileLifecycle::test_list_instance_profiles,
    # test_list_instance_profiles_for_role and test_list_instance_profiles_path_prefix: listed
    # profiles have no Tags; the roles they hold have no MaxSessionDuration or RoleLastUsed
    iam.create_instance_profile(InstanceProfileName="profile-1", Path="/path-a/")
    iam.create_instance_profile(InstanceProfileName="profile-2", Path="/path-b/")
    iam.create_role(RoleName="held", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="free", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="profile-1", RoleName="held")
    held = {**PROFILE, "Roles": [ROLE]}
    assert shape(_by_name(iam.list_instance_profiles())) == recorded(
        {"InstanceProfiles": [held, PROFILE], "IsTruncated": False})
    iam.add_role_to_instance_profile(InstanceProfileName="profile-2", RoleName="held")
    for_role = _by_name(iam.list_instance_profiles_for_role(RoleName="held"))
    assert shape(for_role) == recorded({"InstanceProfiles": [held, held], "IsTruncated": False})
    assert [p["InstanceProfileName"] for p in for_role["InstanceProfiles"]] == [
        "profile-1", "profile-2"]
    nothing = recorded({"InstanceProfiles": [], "IsTruncated": False})
    assert shape(iam.list_instance_profiles_for_role(RoleName="free")) == nothing
    by_path = iam.list_instance_profiles(PathPrefix="/path-a/")
    assert [p["InstanceProfileName"] for p in by_path["InstanceProfiles"]] == ["profile-1"]
    assert shape(iam.list_instance_profiles(PathPrefix="/nonexistent-path/")) == nothing


def test_instance_profile_roles(iam):
    # TestInstanceProfileRoles::test_add_remove_role_from_instance_profile,
    # test_add_second_role_to_instance_profile_error,
    # test_delete_instance_profile_with_role_error and
    # test_role_instance_profile_operations_errors
    iam.create_instance_profile(InstanceProfileName="one-seat")
    iam.create_role(RoleName="first", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="second", AssumeRolePolicyDocument=TRUST)
    assert shape(iam.add_role_to_instance_profile(InstanceProfileName="one-seat",
                                                  RoleName="first")) == EMPTY
    assert shape(iam.get_instance_profile(InstanceProfileName="one-seat")) == recorded(
        {"InstanceProfile": {**PROFILE, "Roles": [ROLE], "Tags": []}})
    assert refusal(iam.add_role_to_instance_profile, InstanceProfileName="one-seat",
                  RoleName="second") == (
        "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)
    assert refusal(iam.delete_instance_profile, InstanceProfileName="one-seat") == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.",
        409)
    no_profile = ("NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
    no_role = _missing("role", "nonexistent-role")
    assert refusal(iam.add_role_to_instance_profile, InstanceProfileName="nonexistent-profile",
                  RoleName="second") == no_profile
    assert refusal(iam.add_role_to_instance_profile, InstanceProfileName="one-seat",
                  RoleName="nonexistent-role") == no_role
    assert refusal(iam.remove_role_from_instance_profile, InstanceProfileName="one-seat",
                  RoleName="nonexistent-role") == no_role
    assert shape(iam.remove_role_from_instance_profile(InstanceProfileName="one-seat",
                                                       RoleName="first")) == EMPTY
    assert shape(iam.get_instance_profile(InstanceProfileName="one-seat")) == recorded(
        {"InstanceProfile": {**PROFILE, "Tags": []}})


def test_instance_profile_tags(iam):
    # TestInstanceProfileTags::test_instance_profile_tag_lifecycle,
    # test_instance_profile_create_with_tags and test_instance_profile_tag_errors
    iam.create_instance_profile(InstanceProfileName="tagged")
    nothing = recorded({"IsTruncated": False, "Tags": []})
    assert shape(iam.list_instance_profile_tags(InstanceProfileName="tagged")) == nothing
    assert shape(iam.tag_instance_profile(InstanceProfileName="tagged",
                                          Tags=_tags(("MyKey", "myValue")))) == EMPTY
    assert iam.list_instance_profile_tags(InstanceProfileName="tagged")["Tags"] == _tags(
        ("MyKey", "myValue"))
    assert shape(iam.get_instance_profile(InstanceProfileName="tagged")) == recorded(
        {"InstanceProfile": {**PROFILE, "Tags": _tags(("k", "v"))}})
    iam.tag_instance_profile(InstanceProfileName="tagged", Tags=_tags(("MyKey2", "myValue2")))
    listed = iam.list_instance_profile_tags(InstanceProfileName="tagged")
    # recorded after sorting by key, as the profile lists above
    assert sorted(listed["Tags"], key=lambda t: t["Key"]) == _tags(
        ("MyKey", "myValue"), ("MyKey2", "myValue2"))
    assert shape(iam.untag_instance_profile(InstanceProfileName="tagged",
                                            TagKeys=["MyKey"])) == EMPTY
    assert iam.list_instance_profile_tags(InstanceProfileName="tagged")["Tags"] == _tags(
        ("MyKey2", "myValue2"))
    iam.untag_instance_profile(InstanceProfileName="tagged", TagKeys=["MyKey2"])
    assert shape(iam.list_instance_profile_tags(InstanceProfileName="tagged")) == nothing

    created = iam.create_instance_profile(InstanceProfileName="born-tagged",
                                          Tags=_tags(("InitialKey", "InitialValue")))
    initial = {**PROFILE, "Tags": _tags(("k", "v"))}
    assert shape(created) == recorded({"InstanceProfile": initial})
    assert created["InstanceProfile"]["Tags"] == _tags(("InitialKey", "InitialValue"))
    assert shape(iam.get_instance_profile(InstanceProfileName="born-tagged")) == recorded(
        {"InstanceProfile": initial})

    gone = ("NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
    assert refusal(iam.tag_instance_profile, InstanceProfileName="nonexistent-profile",
                  Tags=_tags(("Key", "Value"))) == gone
    assert refusal(iam.untag_instance_profile, InstanceProfileName="nonexistent-profile",
                  TagKeys=["Key"]) == gone
    assert refusal(iam.list_instance_profile_tags,
                  InstanceProfileName="nonexistent-profile") == gone
