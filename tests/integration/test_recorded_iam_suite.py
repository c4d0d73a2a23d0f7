"""Answers compared with the general IAM suite recorded from real AWS.

Source: LocalStack's AWS-validated snapshot suite ``tests/aws/services/iam/test_iam.py`` with
its ``test_iam.snapshot.json`` (github.com/localstack/localstack). Each test names the test of
that suite it follows; where a test asserts without a snapshot, its assertions are AWS's
answer (the suite is validated against AWS).
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote_plus

import pytest

from .recorded import recorded, refusal, shape

GET_USER_DOC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "sgetuser", "Effect": "Allow", "Action": ["iam:GetUser"], "Resource": "*"}]})
LAMBDA_TRUST_DOC = {"Version": "2012-10-17", "Statement": [
    {"Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"},
     "Effect": "Allow"}]}
EC2_TRUST_DOC = {"Version": "2012-10-17", "Statement": [
    {"Action": "sts:AssumeRole", "Effect": "Allow",
     "Principal": {"Service": "ec2.amazonaws.com"}}]}
LIST_FUNCTIONS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["lambda:ListFunctions"], "Resource": ["*"]}]})
CODECOMMIT = "codecommit.amazonaws.com"
KEYSPACES = "cassandra.amazonaws.com"


def _role(trust: dict, path: str = "/", **more) -> dict:
    """A recorded role: what CreateRole answers, plus the members a test adds."""
    return {"Arn": "a", "AssumeRolePolicyDocument": trust, "CreateDate": "<datetime>",
            "Path": path, "RoleId": "<role-id:1>", "RoleName": "<role-name:1>", **more}


def _as_user(account, iam, name: str, service: str, policy: str = GET_USER_DOC):
    """A client of ``service`` signed with a new user's key, the user holding ``policy``."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return account.client(service, access_key_id=key["AccessKeyId"],
                          secret_access_key=key["SecretAccessKey"])


# TestIAMExtensions


def test_get_user_without_user_name_as_a_user(account, iam):
    # test_iam.py: TestIAMExtensions::test_get_user_without_username_as_user
    as_user = _as_user(account, iam, "self-reader", "iam")
    user = as_user.get_user()["User"]
    assert user["UserName"] == "self-reader"
    assert user["Arn"] == f"arn:aws:iam::{account.account_id}:user/self-reader"


def test_get_user_without_user_name_as_a_role(account, iam):
    # test_iam.py: TestIAMExtensions::test_get_user_without_username_as_role (the suite's
    # caller is an IAM user; roles may not be assumed by the root user)
    assume = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
    sts = _as_user(account, iam, "assumer", "sts", assume)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:user/assumer"}}]})
    arn = iam.create_role(RoleName="get-user-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="get-user-role", PolicyName="p", PolicyDocument=GET_USER_DOC)
    creds = sts.assume_role(RoleArn=arn, RoleSessionName="session")["Credentials"]
    as_role = account.client("iam", access_key_id=creds["AccessKeyId"],
                             secret_access_key=creds["SecretAccessKey"],
                             session_token=creds["SessionToken"])
    assert refusal(as_role.get_user) == (
        "ValidationError", "Must specify userName when calling with non-User credentials", 400)


def test_user_permissions_boundary_on_create_and_after(iam):
    # test_iam.py: TestIAMExtensions::test_create_user_with_permission_boundary and
    # test_create_user_add_permission_boundary_afterwards
    arn = iam.create_policy(PolicyName="user-boundary", PolicyDocument=GET_USER_DOC
                            )["Policy"]["Arn"]
    boundary = {"PermissionsBoundaryArn": arn, "PermissionsBoundaryType": "Policy"}
    created = iam.create_user(UserName="bounded-user", PermissionsBoundary=arn)["User"]
    assert created["PermissionsBoundary"] == boundary
    assert iam.get_user(UserName="bounded-user")["User"]["PermissionsBoundary"] == boundary
    iam.delete_user_permissions_boundary(UserName="bounded-user")
    assert "PermissionsBoundary" not in iam.get_user(UserName="bounded-user")["User"]

    assert "PermissionsBoundary" not in iam.create_user(UserName="later-bounded")["User"]
    assert "PermissionsBoundary" not in iam.get_user(UserName="later-bounded")["User"]
    iam.put_user_permissions_boundary(UserName="later-bounded", PermissionsBoundary=arn)
    assert iam.get_user(UserName="later-bounded")["User"]["PermissionsBoundary"] == boundary
    iam.delete_user_permissions_boundary(UserName="later-bounded")
    assert "PermissionsBoundary" not in iam.get_user(UserName="later-bounded")["User"]


def test_create_role_with_a_trailing_comma_in_its_trust_policy(iam):
    # test_iam.snapshot.json: TestIAMExtensions::
    # test_create_role_with_malformed_assume_role_policy_document, invalid-json
    document = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Action": "sts:AssumeRole",
              "Principal": "*",
              "Effect": "Allow",
            }
          ]
        }
        """
    assert refusal(iam.create_role, RoleName="trailing-comma",
                  AssumeRolePolicyDocument=document) == (
        "MalformedPolicyDocument", "This policy contains invalid Json", 400)
    assert iam.list_roles()["Roles"] == []


def test_role_with_path_lifecycle(iam, account):
    # test_iam.snapshot.json: TestIAMExtensions::test_role_with_path_lifecycle (CreateRole
    # carries no MaxSessionDuration, RoleLastUsed or Tags; GetRole adds the first two)
    path = "/path-lifecycle/"
    created = iam.create_role(RoleName="with-path", Path=path,
                              AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_DOC))
    assert shape(created) == recorded({"Role": _role(LAMBDA_TRUST_DOC, path)})
    assert created["Role"]["Arn"] == f"arn:aws:iam::{account.account_id}:role{path}with-path"
    got = iam.get_role(RoleName="with-path")
    assert shape(got) == recorded({"Role": _role(LAMBDA_TRUST_DOC, path, MaxSessionDuration=3600,
                                                 RoleLastUsed={})})
    assert got["Role"]["AssumeRolePolicyDocument"] == LAMBDA_TRUST_DOC
    deleted = iam.delete_role(RoleName="with-path")
    assert shape(deleted) == {}
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 200


# TestIAMIntegrations


def test_attach_a_policy_to_a_new_user_then_delete_both(iam, account):
    # test_iam.py: TestIAMIntegrations::test_attach_iam_role_to_new_iam_user
    document = json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}})
    iam.create_user(UserName="attached-user")
    arn = iam.create_policy(PolicyName="attached", PolicyDocument=document)["Policy"]["Arn"]
    assert account.account_id in arn
    iam.attach_user_policy(UserName="attached-user", PolicyArn=arn)
    attached = iam.list_attached_user_policies(UserName="attached-user")
    assert attached["AttachedPolicies"] == [{"PolicyName": "attached", "PolicyArn": arn}]
    iam.detach_user_policy(UserName="attached-user", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    iam.delete_user(UserName="attached-user")
    assert refusal(iam.get_user, UserName="attached-user") == (
        "NoSuchEntity", "The user with name attached-user cannot be found.", 404)


def test_delete_a_policy_that_does_not_exist(iam, account):
    # test_iam.py: TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity
    # (NoSuchEntity; IAM words a missing policy that is not being attached "was not found",
    # as recorded for TagPolicy and DetachRolePolicy in test_iam_policies.snapshot.json and
    # test_iam_roles.snapshot.json)
    arn = f"arn:aws:iam::{account.account_id}:policy/non-existent-policy"
    assert refusal(iam.delete_policy, PolicyArn=arn) == (
        "NoSuchEntity", f"Policy {arn} was not found.", 404)


def test_recreate_a_role(iam):
    # test_iam.py: TestIAMIntegrations::test_recreate_iam_role
    trust = json.dumps(LAMBDA_TRUST_DOC)
    assert iam.create_role(RoleName="twice", AssumeRolePolicyDocument=trust
                           )["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert refusal(iam.create_role, RoleName="twice", AssumeRolePolicyDocument=trust) == (
        "EntityAlreadyExists", "Role with name twice already exists.", 409)


def test_instance_profile_tags(iam):
    # test_iam.py: TestIAMIntegrations::test_instance_profile_tags (tagging again with known
    # keys keeps one tag each; untagging an absent key is no error)
    iam.create_instance_profile(InstanceProfileName="tagged-profile")
    assert iam.list_instance_profile_tags(InstanceProfileName="tagged-profile")["Tags"] == []
    first = [{"Key": "key-1", "Value": "value-1"}]
    more = [{"Key": f"key-{n}", "Value": f"value-{n}"} for n in range(2, 7)]
    for tags in (first, first + more, first + more):
        out = iam.tag_instance_profile(InstanceProfileName="tagged-profile", Tags=tags)
        assert out["ResponseMetadata"]["HTTPStatusCode"] == 200

    def keys() -> list[str]:
        listed = iam.list_instance_profile_tags(InstanceProfileName="tagged-profile")["Tags"]
        return sorted(t["Key"] for t in listed)

    assert keys() == [f"key-{n}" for n in range(1, 7)]
    iam.tag_instance_profile(InstanceProfileName="tagged-profile",
                             Tags=[*first, {"Key": "key-7", "Value": "value-7"}])
    assert keys() == [f"key-{n}" for n in range(1, 8)]
    iam.untag_instance_profile(InstanceProfileName="tagged-profile", TagKeys=["key-1"])
    iam.untag_instance_profile(InstanceProfileName="tagged-profile", TagKeys=["key-absent"])
    assert keys() == [f"key-{n}" for n in range(2, 8)]
    iam.untag_instance_profile(InstanceProfileName="tagged-profile",
                               TagKeys=[f"key-{n}" for n in range(2, 8)])
    assert keys() == []


def test_create_user_with_tags(iam):
    # test_iam.py: TestIAMIntegrations::test_create_user_with_tags
    tags = [{"Key": "env", "Value": "production"}]
    assert iam.create_user(UserName="tagged-user", Tags=tags)["User"]["Tags"] == tags
    assert iam.get_user(UserName="tagged-user")["User"]["Tags"] == tags


def test_a_role_with_attached_policies_cannot_be_deleted(iam):
    # test_iam.py: TestIAMIntegrations::test_attach_detach_role_policy
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Principal": {"Service": "s3.amazonaws.com"},
         "Effect": "Allow"}]})
    iam.create_role(RoleName="s3-role", AssumeRolePolicyDocument=trust)
    document = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Action": ["s3:GetReplicationConfiguration", "s3:GetObjectVersion", "s3:ListBucket"],
        "Effect": "Allow", "Resource": ["arn:aws:s3:::bucket_name"]}]})
    arns = ["arn:aws:iam::aws:policy/AWSLambdaExecute",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            iam.create_policy(PolicyName="s3-role-policy", Path="/",
                              PolicyDocument=document)["Policy"]["Arn"]]
    for arn in arns:
        iam.attach_role_policy(RoleName="s3-role", PolicyArn=arn)
    assert refusal(iam.delete_role, RoleName="s3-role") == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    for arn in arns:
        iam.detach_role_policy(RoleName="s3-role", PolicyArn=arn)
    assert iam.delete_role(RoleName="s3-role")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_list_roles_shows_trust_policies_and_filters_by_path(iam, account):
    # test_iam.py: TestIAMIntegrations::test_create_role_with_assume_role_policy
    trust = {"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}]}
    iam.create_role(Path="/", RoleName="trusting-1", AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_role(Path="/", RoleName="trusting-2", AssumeRolePolicyDocument=json.dumps(trust),
                    Description="string")
    listed = iam.list_roles()["Roles"]
    assert [r["AssumeRolePolicyDocument"] for r in listed] == [trust, trust]
    for role in listed:
        iam.delete_role(RoleName=role["RoleName"])
    iam.create_role(Path="/myPath/", RoleName="trusting-2",
                    AssumeRolePolicyDocument=json.dumps(trust), Description="string")
    mine = iam.list_roles(PathPrefix="/my")["Roles"]
    assert [(r["Path"], r["RoleName"]) for r in mine] == [("/myPath/", "trusting-2")]


def test_update_assume_role_policy_keeps_lists_as_given(iam):
    # test_iam.snapshot.json: TestIAMIntegrations::test_update_assume_role_policy
    # (created_role keeps one-element lists; updated_policy is an empty answer)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Action": ["sts:AssumeRole"], "Effect": "Allow",
         "Principal": {"Service": ["ec2.amazonaws.com"]}}]}
    created = iam.create_role(RoleName="listed-trust", AssumeRolePolicyDocument=json.dumps(trust))
    assert created["Role"]["AssumeRolePolicyDocument"] == trust
    assert shape(created) == recorded({"Role": _role(trust)})
    updated = iam.update_assume_role_policy(RoleName="listed-trust",
                                            PolicyDocument=json.dumps(trust))
    assert shape(updated) == {}
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_list_roles_leaves_the_boundary_out(iam):
    # test_iam.snapshot.json: TestIAMIntegrations::test_list_roles_with_permission_boundary
    # (list_roles_result: MaxSessionDuration, no PermissionsBoundary, RoleLastUsed or Tags;
    # the ListRoles reference says the same)
    path = "/bounded-prefix/"
    iam.create_role(RoleName="bounded-listed", Path=path,
                    AssumeRolePolicyDocument=json.dumps(EC2_TRUST_DOC))
    boundary = iam.create_policy(PolicyName="listed-boundary", PolicyDocument=LIST_FUNCTIONS)
    iam.put_role_permissions_boundary(RoleName="bounded-listed",
                                      PermissionsBoundary=boundary["Policy"]["Arn"])
    listed = iam.list_roles(PathPrefix=path)
    assert shape(listed) == recorded({"IsTruncated": False, "Roles": [
        _role(EC2_TRUST_DOC, path, MaxSessionDuration=3600)]})


def test_create_describe_and_list_a_role(iam, account):
    # test_iam.snapshot.json: TestIAMIntegrations::test_create_describe_role
    path = "/describe-prefix/"
    created = iam.create_role(RoleName="described", Path=path,
                              AssumeRolePolicyDocument=json.dumps(EC2_TRUST_DOC))
    assert shape(created) == recorded({"Role": _role(EC2_TRUST_DOC, path)})
    assert created["Role"]["Arn"] == f"arn:aws:iam::{account.account_id}:role{path}described"
    got = iam.get_role(RoleName="described")
    assert shape(got) == recorded({"Role": _role(EC2_TRUST_DOC, path, MaxSessionDuration=3600,
                                                 RoleLastUsed={})})
    listed = iam.list_roles(PathPrefix=path)
    assert shape(listed) == recorded({"IsTruncated": False, "Roles": [
        _role(EC2_TRUST_DOC, path, MaxSessionDuration=3600)]})


CREATED_POLICY = {"Policy": {
    "Arn": "a", "AttachmentCount": 0, "CreateDate": "<datetime>", "DefaultVersionId": "v1",
    "IsAttachable": True, "Path": "/", "PermissionsBoundaryUsageCount": 0,
    "PolicyId": "<policy-id:1>", "PolicyName": "<policy-name:1>", "UpdateDate": "<datetime>"}}


@pytest.mark.parametrize("kind", ["user", "role"])
def test_attach_policy_arn_errors(iam, kind):
    # test_iam.snapshot.json: TestIAMIntegrations::test_user_attach_policy and
    # test_role_attach_policy. A value that is no ARN was recorded there in 2023 as
    # InvalidInput; the later recording of the same two values in test_iam_roles.snapshot.json
    # (TestRoleManagedPolicies, the managed policy errors) answers ValidationError with the
    # same text, and that later answer is followed.
    if kind == "user":
        iam.create_user(UserName="attacher")
        attach, target = iam.attach_user_policy, {"UserName": "attacher"}
    else:
        iam.create_role(RoleName="attacher", AssumeRolePolicyDocument=json.dumps(EC2_TRUST_DOC))
        attach, target = iam.attach_role_policy, {"RoleName": "attacher"}
    created = iam.create_policy(PolicyName="attachable-policy-name", PolicyDocument=LIST_FUNCTIONS)
    assert shape(created) == recorded(CREATED_POLICY)
    arn = created["Policy"]["Arn"]
    assert refusal(attach, PolicyArn="longpolicynamebutnoarn", **target) == (
        "ValidationError", "ARN longpolicynamebutnoarn is not valid.", 400)
    assert refusal(attach, PolicyArn="attachable-policy-name", **target) == (
        "ValidationError", "ARN attachable-policy-name is not valid.", 400)
    assert refusal(attach, PolicyArn=f"{arn}123", **target) == (
        "NoSuchEntity", f"Policy {arn}123 does not exist or is not attachable.", 404)
    attached = attach(PolicyArn=arn, **target)
    assert shape(attached) == {}
    assert attached["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("kind", ["role", "group", "user"])
def test_simulate_principal_policy_of_each_kind_of_principal(iam, kind):
    # test_iam.py: TestIAMIntegrations::test_simulate_principle_policy[role|group|user]
    # (the suite records one result per action, for the bucket ARN, IsTruncated false; the
    # policy is named in SourcePolicyId)
    arn = iam.create_policy(PolicyName="put-object", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow",
                                               "Action": "s3:PutObject", "Resource": "*"}}))[
        "Policy"]["Arn"]
    if kind == "role":
        trust = {"Version": "2012-10-17", "Statement": {
            "Sid": "", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole"}}
        source = iam.create_role(RoleName="simulated",
                                 AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.attach_role_policy(RoleName="simulated", PolicyArn=arn)
    elif kind == "group":
        source = iam.create_group(GroupName="simulated")["Group"]["Arn"]
        iam.attach_group_policy(GroupName="simulated", PolicyArn=arn)
    else:
        source = iam.create_user(UserName="simulated")["User"]["Arn"]
        iam.attach_user_policy(UserName="simulated", PolicyArn=arn)
    out = iam.simulate_principal_policy(PolicySourceArn=source,
                                        ActionNames=["s3:PutObject", "s3:GetObjectVersion"],
                                        ResourceArns=["arn:aws:s3:::bucket"])
    assert out["IsTruncated"] is False
    results = out["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in results] == [
        ("s3:PutObject", "arn:aws:s3:::bucket", "allowed"),
        ("s3:GetObjectVersion", "arn:aws:s3:::bucket", "implicitDeny")]
    assert [s["SourcePolicyId"] for s in results[0]["MatchedStatements"]] == ["put-object"]
    assert results[1]["MatchedStatements"] == []


# TestIAMPolicyEncoding

TARGET = quote_plus("arn:aws:apigateway:us-east-1::/restapis/aaeeieije")
ENCODED_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["apigatway:PUT"],
     "Resource": [f"arn:aws:apigateway:us-east-1::/tags/{TARGET}"]}]}


def test_inline_policies_keep_percent_encoded_resources(iam):
    # test_iam.snapshot.json: TestIAMPolicyEncoding::test_put_user_policy_encoding,
    # test_put_role_policy_encoding and test_put_group_policy_encoding (get-policy-response:
    # the "%3A" of the resource comes back as written)
    document = json.dumps(ENCODED_DOC)
    iam.create_user(UserName="encoded")
    iam.put_user_policy(UserName="encoded", PolicyName="p", PolicyDocument=document)
    got = iam.get_user_policy(UserName="encoded", PolicyName="p")
    assert shape(got) == recorded({"PolicyDocument": ENCODED_DOC, "PolicyName": "p",
                                   "UserName": "u"})
    assert got["PolicyDocument"] == ENCODED_DOC
    iam.create_group(GroupName="encoded")
    iam.put_group_policy(GroupName="encoded", PolicyName="p", PolicyDocument=document)
    got = iam.get_group_policy(GroupName="encoded", PolicyName="p")
    assert shape(got) == recorded({"GroupName": "g", "PolicyDocument": ENCODED_DOC,
                                   "PolicyName": "p"})
    assert got["PolicyDocument"] == ENCODED_DOC


def test_role_trust_and_inline_policy_keep_percent_encoded_values(iam):
    # test_iam.snapshot.json: TestIAMPolicyEncoding::test_put_role_policy_encoding
    # (create-role-response, get-policy-response, get-role-response, list-roles-response)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"},
         "Effect": "Allow", "Condition": {"StringEquals": {"aws:SourceArn": TARGET}}}]}
    path = "/encoded/"
    created = iam.create_role(RoleName="encoded", Path=path,
                              AssumeRolePolicyDocument=json.dumps(trust))
    assert shape(created) == recorded({"Role": _role(trust, path)})
    assert created["Role"]["AssumeRolePolicyDocument"] == trust
    iam.put_role_policy(RoleName="encoded", PolicyName="p", PolicyDocument=json.dumps(ENCODED_DOC))
    got = iam.get_role_policy(RoleName="encoded", PolicyName="p")
    assert shape(got) == recorded({"PolicyDocument": ENCODED_DOC, "PolicyName": "p",
                                   "RoleName": "r"})
    assert got["PolicyDocument"] == ENCODED_DOC
    role = iam.get_role(RoleName="encoded")
    assert shape(role) == recorded({"Role": _role(trust, path, MaxSessionDuration=3600,
                                                  RoleLastUsed={})})
    assert role["Role"]["AssumeRolePolicyDocument"] == trust
    listed = iam.list_roles(PathPrefix=path)
    assert listed["Roles"][0]["AssumeRolePolicyDocument"] == trust
    assert shape(listed) == recorded({"IsTruncated": False, "Roles": [
        _role(trust, path, MaxSessionDuration=3600)]})


# TestIAMServiceSpecificCredentials

CREDENTIAL = {"CreateDate": "<datetime>", "ServiceName": "s", "ServiceUserName": "u",
              "ServiceSpecificCredentialId": "i", "UserName": "u", "Status": "Active"}


@pytest.mark.parametrize("service", [CODECOMMIT, KEYSPACES])
def test_service_specific_credential_lifecycle(iam, account, service):
    # test_iam.py: TestIAMServiceSpecificCredentials::test_service_specific_credential_lifecycle
    iam.create_user(UserName="ssc-user")
    created = iam.create_service_specific_credential(UserName="ssc-user", ServiceName=service)
    assert shape(created) == recorded({"ServiceSpecificCredential": {
        **CREDENTIAL, "ServicePassword": "p"}})
    cred = created["ServiceSpecificCredential"]
    assert len(cred["ServicePassword"]) == 60 and cred["ServicePassword"].endswith("=")
    assert len(cred["ServiceSpecificCredentialId"]) == 21
    assert cred["ServiceSpecificCredentialId"].startswith("ACCA")
    assert cred["ServiceUserName"] == f"ssc-user-at-{account.account_id}"
    assert cred["ServiceName"] == service and cred["UserName"] == "ssc-user"
    cred_id = cred["ServiceSpecificCredentialId"]
    listed = iam.list_service_specific_credentials(UserName="ssc-user", ServiceName=service)
    assert shape(listed) == recorded({"ServiceSpecificCredentials": [CREDENTIAL]})
    updated = iam.update_service_specific_credential(
        UserName="ssc-user", ServiceSpecificCredentialId=cred_id, Status="Inactive")
    assert shape(updated) == {}
    listed = iam.list_service_specific_credentials(UserName="ssc-user", ServiceName=service)
    assert listed["ServiceSpecificCredentials"][0]["Status"] == "Inactive"
    reset = iam.reset_service_specific_credential(UserName="ssc-user",
                                                  ServiceSpecificCredentialId=cred_id)
    assert shape(reset) == recorded({"ServiceSpecificCredential": {
        **CREDENTIAL, "ServicePassword": "p"}})
    assert reset["ServiceSpecificCredential"]["Status"] == "Inactive"
    deleted = iam.delete_service_specific_credential(UserName="ssc-user",
                                                     ServiceSpecificCredentialId=cred_id)
    assert shape(deleted) == {}


def _no_such_service(service: str) -> tuple[str, str, int]:
    return ("NoSuchEntity",
            f"No such service {service} is supported for Service Specific Credentials", 404)


def test_service_specific_credential_for_an_unknown_user(iam):
    # test_iam.py: TestIAMServiceSpecificCredentials::
    # test_create_service_specific_credential_invalid_user (the user is looked up first)
    missing = ("NoSuchEntity", "The user with name non-existent-user cannot be found.", 404)
    assert refusal(iam.create_service_specific_credential, UserName="non-existent-user",
                  ServiceName=CODECOMMIT) == missing
    assert refusal(iam.create_service_specific_credential, UserName="non-existent-user",
                  ServiceName="nonexistentservice.amazonaws.com") == missing


@pytest.mark.parametrize("service", ["nonexistentservice.amazonaws.com", "o3on3n3onosneo",
                                     "lambda.amazonaws.com"])
def test_service_specific_credential_for_an_unsupported_service(iam, service):
    # test_iam.py: TestIAMServiceSpecificCredentials::
    # test_create_service_specific_credential_invalid_service
    iam.create_user(UserName="ssc-user")
    assert refusal(iam.create_service_specific_credential, UserName="ssc-user",
                  ServiceName=service) == _no_such_service(service)
    assert iam.list_service_specific_credentials(UserName="ssc-user")[
        "ServiceSpecificCredentials"] == []


def test_list_service_specific_credentials_of_another_service(iam):
    # test_iam.py: TestIAMServiceSpecificCredentials::
    # test_list_service_specific_credential_different_service
    iam.create_user(UserName="ssc-user")
    assert refusal(iam.list_service_specific_credentials, UserName="ssc-user",
                  ServiceName="nonexistentservice.amazonaws.com") == _no_such_service(
        "nonexistentservice.amazonaws.com")
    iam.create_service_specific_credential(UserName="ssc-user", ServiceName=CODECOMMIT)
    listed = iam.list_service_specific_credentials(UserName="ssc-user", ServiceName=KEYSPACES)
    assert shape(listed) == recorded({"ServiceSpecificCredentials": []})


def test_delete_a_user_holding_a_service_specific_credential(iam):
    # test_iam.py: TestIAMServiceSpecificCredentials::
    # test_delete_user_after_service_credential_created
    iam.create_user(UserName="ssc-user")
    iam.create_service_specific_credential(UserName="ssc-user", ServiceName=CODECOMMIT)
    assert refusal(iam.delete_user, UserName="ssc-user") == (
        "DeleteConflict", "Cannot delete entity, must remove referenced objects first.", 409)


def _credential(iam) -> str:
    iam.create_user(UserName="ssc-user")
    return iam.create_service_specific_credential(UserName="ssc-user", ServiceName=CODECOMMIT)[
        "ServiceSpecificCredential"]["ServiceSpecificCredentialId"]


def test_service_specific_credential_of_an_unknown_user(iam):
    # test_iam.py: TestIAMServiceSpecificCredentials::test_id_match_user_mismatch
    cred_id = _credential(iam)
    missing = ("NoSuchEntity", "The user with name wrong-user-name cannot be found.", 404)
    assert refusal(iam.update_service_specific_credential, UserName="wrong-user-name",
                  ServiceSpecificCredentialId=cred_id, Status="Inactive") == missing
    assert refusal(iam.reset_service_specific_credential, UserName="wrong-user-name",
                  ServiceSpecificCredentialId=cred_id) == missing
    assert refusal(iam.delete_service_specific_credential, UserName="wrong-user-name",
                  ServiceSpecificCredentialId=cred_id) == missing


@pytest.mark.parametrize("wrong_id", ["totally-wrong-credential-id-with-hyphens",
                                      "satisfiesregexbutstillinvalid"])
def test_service_specific_credential_of_an_unknown_id(iam, wrong_id):
    # test_iam.py: TestIAMServiceSpecificCredentials::test_user_match_id_mismatch (an id
    # outside [\w]+ is a validation error, another unknown id is not found)
    _credential(iam)
    if "-" in wrong_id:
        expected = ("ValidationError", "1 validation error detected: Value at "
                    "'serviceSpecificCredentialId' failed to satisfy constraint: Member must "
                    "satisfy regular expression pattern: [\\w]+", 400)
    else:
        expected = ("NoSuchEntity", f"No such credential {wrong_id} exists", 404)
    assert refusal(iam.update_service_specific_credential, UserName="ssc-user",
                  ServiceSpecificCredentialId=wrong_id, Status="Inactive") == expected
    assert refusal(iam.reset_service_specific_credential, UserName="ssc-user",
                  ServiceSpecificCredentialId=wrong_id) == expected
    assert refusal(iam.delete_service_specific_credential, UserName="ssc-user",
                  ServiceSpecificCredentialId=wrong_id) == expected


def test_update_service_specific_credential_with_an_invalid_status(iam):
    # test_iam.py: TestIAMServiceSpecificCredentials::test_invalid_update_parameters (the
    # status is checked before the credential is looked up, and nothing changes)
    cred_id = _credential(iam)
    assert refusal(iam.update_service_specific_credential, ServiceSpecificCredentialId=cred_id,
                  Status="Invalid") == (
        "ValidationError", "1 validation error detected: Value at 'status' failed to satisfy "
        "constraint: Member must satisfy enum value set", 400)
    listed = iam.list_service_specific_credentials(UserName="ssc-user")
    assert listed["ServiceSpecificCredentials"][0]["Status"] == "Active"


# TestIAMServiceRoles

# The services test_iam.py's TestIAMServiceRoles creates a service-linked role for on AWS;
# the first three take a CustomSuffix, the others refuse one.
SUFFIX_TAKEN = ["autoscaling.amazonaws.com", "connect.amazonaws.com", "lexv2.amazonaws.com"]
SUFFIX_REFUSED = [
    "accountdiscovery.ssm.amazonaws.com", "acm.amazonaws.com", "appmesh.amazonaws.com",
    "autoscaling-plans.amazonaws.com", "backup.amazonaws.com", "batch.amazonaws.com",
    "cassandra.application-autoscaling.amazonaws.com", "cks.kms.amazonaws.com",
    "cloudtrail.amazonaws.com", "codestar-notifications.amazonaws.com", "config.amazonaws.com",
    "dms-fleet-advisor.amazonaws.com", "dms.amazonaws.com", "docdb-elastic.amazonaws.com",
    "ec2-instance-connect.amazonaws.com", "ec2.application-autoscaling.amazonaws.com",
    "ecr.amazonaws.com", "ecs.amazonaws.com", "eks-connector.amazonaws.com",
    "eks-fargate.amazonaws.com", "eks-nodegroup.amazonaws.com", "eks.amazonaws.com",
    "elasticache.amazonaws.com", "elasticbeanstalk.amazonaws.com",
    "elasticfilesystem.amazonaws.com", "elasticloadbalancing.amazonaws.com",
    "email.cognito-idp.amazonaws.com", "emr-containers.amazonaws.com", "emrwal.amazonaws.com",
    "fis.amazonaws.com", "grafana.amazonaws.com", "imagebuilder.amazonaws.com",
    "iotmanagedintegrations.amazonaws.com", "kafka.amazonaws.com",
    "kafkaconnect.amazonaws.com", "lakeformation.amazonaws.com", "lex.amazonaws.com",
    "lightsail.amazonaws.com", "m2.amazonaws.com", "memorydb.amazonaws.com",
    "mq.amazonaws.com", "mrk.kms.amazonaws.com", "notifications.amazonaws.com",
    "observability.aoss.amazonaws.com", "opensearchservice.amazonaws.com",
    "ops.apigateway.amazonaws.com", "ops.emr-serverless.amazonaws.com",
    "opsdatasync.ssm.amazonaws.com", "opsinsights.ssm.amazonaws.com",
    "pullthroughcache.ecr.amazonaws.com", "ram.amazonaws.com", "rds.amazonaws.com",
    "redshift.amazonaws.com", "replication.cassandra.amazonaws.com",
    "replication.ecr.amazonaws.com", "repository.sync.codeconnections.amazonaws.com",
    "resource-explorer-2.amazonaws.com", "rolesanywhere.amazonaws.com",
    "s3-outposts.amazonaws.com", "ses.amazonaws.com", "shield.amazonaws.com",
    "ssm-incidents.amazonaws.com", "ssm-quicksetup.amazonaws.com", "ssm.amazonaws.com",
    "sso.amazonaws.com", "vpcorigin.cloudfront.amazonaws.com", "waf.amazonaws.com",
    "wafv2.amazonaws.com"]


@pytest.mark.parametrize("service", SUFFIX_TAKEN + SUFFIX_REFUSED)
def test_service_linked_role_of_each_recorded_service(iam, account, service):
    # test_iam.py: TestIAMServiceRoles::test_service_role_lifecycle (describe-response,
    # inline-role-policies, attached-role-policies for each service)
    name = iam.create_service_linked_role(AWSServiceName=service)["Role"]["RoleName"]
    assert name.startswith("AWSServiceRoleFor")
    got = iam.get_role(RoleName=name)["Role"]
    assert got["Path"] == f"/aws-service-role/{service}/"
    assert got["Arn"] == f"arn:aws:iam::{account.account_id}:role/aws-service-role/{service}/{name}"
    assert got["MaxSessionDuration"] == 3600
    assert [s["Principal"] for s in got["AssumeRolePolicyDocument"]["Statement"]] == [
        {"Service": service}]
    assert shape(iam.list_role_policies(RoleName=name)) == recorded(
        {"IsTruncated": False, "PolicyNames": []})
    attached = iam.list_attached_role_policies(RoleName=name)
    assert attached["IsTruncated"] is False
    assert len(attached["AttachedPolicies"]) == 1
    assert attached["AttachedPolicies"][0]["PolicyArn"].startswith("arn:aws:iam::aws:policy/")


@pytest.mark.parametrize("service", SUFFIX_TAKEN)
def test_service_linked_role_with_a_custom_suffix(iam, service):
    # test_iam.py: TestIAMServiceRoles::test_service_role_lifecycle_custom_suffix
    name = iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="suffix1")[
        "Role"]["RoleName"]
    assert name.startswith("AWSServiceRoleFor") and name.endswith("_suffix1")
    assert iam.get_role(RoleName=name)["Role"]["Path"] == f"/aws-service-role/{service}/"
    assert len(iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]) == 1


@pytest.mark.parametrize("service", SUFFIX_REFUSED)
def test_service_linked_role_refuses_a_custom_suffix(iam, service):
    # test_iam.py: TestIAMServiceRoles::test_service_role_lifecycle_custom_suffix_not_allowed
    assert refusal(iam.create_service_linked_role, AWSServiceName=service,
                  CustomSuffix="testsuffix") == (
        "InvalidInput", f"Custom suffix is not allowed for {service}", 400)
    assert iam.list_roles(PathPrefix="/aws-service-role/")["Roles"] == []


def test_service_linked_role_lifecycle(iam, account):
    # test_iam.py: TestIAMServiceRoles::test_service_role_lifecycle[batch.amazonaws.com]
    # (describe-response, inline-role-policies, attached-role-policies)
    name = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["RoleName"]
    assert name == "AWSServiceRoleForBatch"
    got = iam.get_role(RoleName=name)["Role"]
    assert got["Path"] == "/aws-service-role/batch.amazonaws.com/"
    assert got["Arn"] == (f"arn:aws:iam::{account.account_id}:role/aws-service-role/"
                          f"batch.amazonaws.com/{name}")
    assert got["MaxSessionDuration"] == 3600 and got["RoleLastUsed"] == {}
    assert got["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "batch.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}
    assert shape(iam.list_role_policies(RoleName=name)) == recorded(
        {"IsTruncated": False, "PolicyNames": []})
    assert iam.list_attached_role_policies(RoleName=name) | {"ResponseMetadata": None} == {
        "IsTruncated": False, "ResponseMetadata": None, "AttachedPolicies": [
            {"PolicyName": "BatchServiceRolePolicy",
             "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/BatchServiceRolePolicy"}]}


def test_service_linked_role_deletion_and_its_status(iam):
    # test_iam.py: TestIAMServiceRoles::test_service_role_deletion
    name = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["RoleName"]
    deleted = iam.delete_service_linked_role(RoleName=name)
    assert shape(deleted) == recorded({"DeletionTaskId": "t"})
    assert deleted["DeletionTaskId"].startswith(
        f"task/aws-service-role/batch.amazonaws.com/{name}/")
    deadline = time.monotonic() + 10
    while True:
        status = iam.get_service_linked_role_deletion_status(
            DeletionTaskId=deleted["DeletionTaskId"])
        if status["Status"] == "SUCCEEDED" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert shape(status) == recorded({"Status": "SUCCEEDED"})
    assert status["Status"] == "SUCCEEDED"


def test_service_linked_role_that_already_exists(iam):
    # test_iam.py: TestIAMServiceRoles::test_service_role_already_exists (the suite reads the
    # role name as the fourth word of the message)
    iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")
    code, message, status = refusal(iam.create_service_linked_role,
                                   AWSServiceName="batch.amazonaws.com")
    assert (code, status) == ("InvalidInput", 400)
    assert message.split()[3] == "AWSServiceRoleForBatch"
