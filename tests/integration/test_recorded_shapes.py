"""Answers compared by shape with responses recorded from real AWS.

Sources: LocalStack's AWS-validated snapshot suites (``tests/aws/services/iam/*.snapshot.json``
in github.com/localstack/localstack, recorded against AWS in 2026) and the sample responses
of the IAM and STS API references. Each test names the recording it follows.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .recorded import recorded, shape

TRUST_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]}
TRUST = json.dumps(TRUST_DOC)
LIST_BUCKET = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})

ROLE_BASE = {
    "Arn": "arn:<partition>:iam::111111111111:role/<role-name:1>",
    "AssumeRolePolicyDocument": TRUST_DOC,
    "CreateDate": "<datetime>",
    "Path": "/",
    "RoleId": "<role-id:1>",
    "RoleName": "<role-name:1>",
}


def test_create_role_then_get_role(iam):
    # test_iam_roles.snapshot.json: test_create_role_defaults
    created = iam.create_role(RoleName="shape-role", AssumeRolePolicyDocument=TRUST)
    assert shape(created) == recorded({"Role": ROLE_BASE})
    got = iam.get_role(RoleName="shape-role")
    assert shape(got) == recorded({"Role": {**ROLE_BASE, "MaxSessionDuration": 3600,
                                            "RoleLastUsed": {}}})


def test_create_role_with_description_does_not_echo_it(iam):
    # test_iam_roles.snapshot.json: test_update_role (create-role carries no Description)
    created = iam.create_role(RoleName="described", AssumeRolePolicyDocument=TRUST,
                              Description="initial description")
    assert "Description" not in created["Role"]
    assert "MaxSessionDuration" not in created["Role"]
    assert iam.get_role(RoleName="described")["Role"]["Description"] == "initial description"


def test_update_role_description_answer(iam):
    # test_iam_roles.snapshot.json: test_update_role, update-role-description-response
    iam.create_role(RoleName="desc-role", AssumeRolePolicyDocument=TRUST)
    out = iam.update_role_description(RoleName="desc-role", Description="via update")
    assert shape(out) == recorded({"Role": {**ROLE_BASE, "Description": "x"}})


def test_instance_profile_roles_and_tags(iam):
    # test_iam_account_authorization_details.snapshot.json: create-instance-profile (no Tags)
    # and the role nested in InstanceProfileList (no MaxSessionDuration, no RoleLastUsed)
    created = iam.create_instance_profile(InstanceProfileName="shape-profile")
    profile = {"Arn": "a", "CreateDate": "<datetime>", "InstanceProfileId": "i",
               "InstanceProfileName": "n", "Path": "/", "Roles": []}
    assert shape(created) == recorded({"InstanceProfile": profile})
    iam.create_role(RoleName="in-profile", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="shape-profile", RoleName="in-profile")
    got = iam.get_instance_profile(InstanceProfileName="shape-profile")
    assert shape(got) == recorded(
        {"InstanceProfile": {**profile, "Roles": [ROLE_BASE], "Tags": []}})


def test_get_account_authorization_details_lists(iam):
    # test_iam_account_authorization_details.snapshot.json: no-filter-result and
    # inline-policies-result (Tags [] on users and roles; empty UserPolicyList left out)
    iam.create_user(UserName="gaad-user")
    iam.create_role(RoleName="gaad-role", AssumeRolePolicyDocument=TRUST)
    iam.create_group(GroupName="gaad-group")
    out = iam.get_account_authorization_details()
    user = {"Arn": "a", "AttachedManagedPolicies": [], "CreateDate": "<datetime>",
            "GroupList": [], "Path": "/", "Tags": [], "UserId": "u", "UserName": "n"}
    role = {**ROLE_BASE, "AttachedManagedPolicies": [], "InstanceProfileList": [],
            "RoleLastUsed": {}, "RolePolicyList": [], "Tags": []}
    group = {"Arn": "a", "AttachedManagedPolicies": [], "CreateDate": "<datetime>",
             "GroupId": "g", "GroupName": "n", "GroupPolicyList": [], "Path": "/"}
    assert shape(out) == recorded({"GroupDetailList": [group], "IsTruncated": False,
                                   "Policies": [], "RoleDetailList": [role],
                                   "UserDetailList": [user]})
    iam.put_user_policy(UserName="gaad-user", PolicyName="p", PolicyDocument=LIST_BUCKET)
    listed = iam.get_account_authorization_details(Filter=["User"])["UserDetailList"][0]
    assert shape(listed["UserPolicyList"]) == recorded(
        [{"PolicyDocument": json.loads(LIST_BUCKET), "PolicyName": "p"}])


def test_get_account_summary_keys(iam):
    # test_iam_account_summary.snapshot.json: test_get_account_summary_format
    keys = {
        "AccessKeysPerUserQuota", "AccountAccessKeysPresent", "AccountMFAEnabled",
        "AccountPasswordPresent", "AccountSigningCertificatesPresent",
        "AssumeRolePolicySizeQuota", "AttachedPoliciesPerGroupQuota",
        "AttachedPoliciesPerRoleQuota", "AttachedPoliciesPerUserQuota",
        "GlobalEndpointTokenVersion", "GroupPolicySizeQuota", "Groups", "GroupsPerUserQuota",
        "GroupsQuota", "InstanceProfiles", "InstanceProfilesQuota", "MFADevices",
        "MFADevicesInUse", "Policies", "PoliciesQuota", "PolicySizeQuota",
        "PolicyVersionsInUse", "PolicyVersionsInUseQuota", "Providers", "RolePolicySizeQuota",
        "Roles", "RolesQuota", "ServerCertificates", "ServerCertificatesQuota",
        "SigningCertificatesPerUserQuota", "UserPolicySizeQuota", "Users", "UsersQuota",
        "VersionsPerPolicyQuota",
    }
    assert set(iam.get_account_summary()["SummaryMap"]) == keys


def test_get_policy_shows_empty_tags_create_policy_does_not(iam):
    # test_iam_account_authorization_details.snapshot.json: create-policy has no Tags;
    # GetPolicy carries Tags even when empty (issue 12, family 3)
    created = iam.create_policy(PolicyName="shape-policy", PolicyDocument=LIST_BUCKET)
    assert "Tags" not in created["Policy"]
    got = iam.get_policy(PolicyArn=created["Policy"]["Arn"])["Policy"]
    assert got["Tags"] == []


def test_permissions_boundary_type(iam):
    # test_iam_roles.snapshot.json: test_role_permissions_boundary_lifecycle records "Policy"
    # (the API reference lists "PermissionsBoundaryPolicy"; the recording is followed), and
    # CreateRole shows the boundary.
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    created = iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST,
                              PermissionsBoundary=arn)["Role"]
    assert created["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
    assert iam.get_role(RoleName="bounded")["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


def test_report_not_present_has_no_message(iam):
    # test_iam_credential_report.snapshot.json: get-credential-report-without-generate-error
    with pytest.raises(ClientError) as err:
        iam.get_credential_report()
    assert err.value.response["Error"] == {"Code": "ReportNotPresent", "Type": "Sender"}
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_policy_tags_are_case_sensitive_and_listed_by_key(iam):
    # test_iam_policies.snapshot.json: create-with-case-sensitive-tags keeps "a" then "A";
    # list-case-sensitive-tags lists "A" first; untagging "a" leaves "A".
    created = iam.create_policy(PolicyName="case-tags", PolicyDocument=LIST_BUCKET,
                                Tags=[{"Key": "a", "Value": "lowercase"},
                                      {"Key": "A", "Value": "uppercase"}])["Policy"]
    assert [t["Key"] for t in created["Tags"]] == ["a", "A"]
    arn = created["Arn"]
    assert [t["Key"] for t in iam.list_policy_tags(PolicyArn=arn)["Tags"]] == ["A", "a"]
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "A", "Value": "uppercase"}]
    with pytest.raises(ClientError) as err:
        iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k", "Value": "1"},
                                            {"Key": "k", "Value": "2"}])
    assert err.value.response["Error"]["Message"] == "Duplicate tag keys found."


def test_user_tag_keys_differing_in_case_are_duplicates(iam):
    iam.create_user(UserName="case-user")
    with pytest.raises(ClientError) as err:
        iam.tag_user(UserName="case-user", Tags=[{"Key": "Dup", "Value": "1"},
                                                  {"Key": "dup", "Value": "2"}])
    assert err.value.response["Error"]["Message"] == (
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    with pytest.raises(ClientError) as err:
        iam.tag_user(UserName="case-user", Tags=[{"Key": "aws:thing", "Value": "v"}])
    assert err.value.response["Error"] == {
        "Code": "InvalidInput", "Type": "Sender",
        "Message": "Tag keys beginning with aws: are reserved for system use."}


def test_remove_unknown_user_from_unknown_group_names_the_user(iam):
    # test_iam_groups.snapshot.json: remove-from-unknown-group
    with pytest.raises(ClientError) as err:
        iam.remove_user_from_group(GroupName="unknown-group", UserName="any-user")
    assert err.value.response["Error"]["Message"] == (
        "The user with name any-user cannot be found.")


def test_get_access_key_last_used_of_an_unused_key(iam):
    # test_iam_users.snapshot.json: get-access-key-last-used-unused
    iam.create_user(UserName="unused-key")
    key = iam.create_access_key(UserName="unused-key")["AccessKey"]["AccessKeyId"]
    out = iam.get_access_key_last_used(AccessKeyId=key)
    assert shape(out) == recorded({"AccessKeyLastUsed": {"Region": "N/A", "ServiceName": "N/A"},
                                   "UserName": "u"})


def test_get_federation_token_reports_packed_policy_size(account, iam):
    # STS API reference, GetFederationToken sample response: PackedPolicySize is present.
    iam.create_user(UserName="federator")
    iam.put_user_policy(UserName="federator", PolicyName="fed", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="federator")["AccessKey"]
    sts = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    out = sts.get_federation_token(Name="bob")
    assert isinstance(out["PackedPolicySize"], int)
    assert set(out) - {"ResponseMetadata"} == {"Credentials", "FederatedUser",
                                                "PackedPolicySize"}


def test_list_policies_lists_the_oldest_first(iam):
    # test_iam_managed_policies.snapshot.json: list-policies-aws-page (Scope=AWS, MaxItems=5)
    # records the versions v1, v12, v178, v7, v14 and a fourth name that is
    # "AWSCloudFormation" + the third: AdministratorAccess, PowerUserAccess, ReadOnlyAccess,
    # AWSCloudFormationReadOnlyAccess, CloudFrontFullAccess, the five created first.
    page = iam.list_policies(Scope="AWS", MaxItems=5)
    assert [p["PolicyName"] for p in page["Policies"]] == [
        "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess",
        "AWSCloudFormationReadOnlyAccess", "CloudFrontFullAccess"]
    assert page["IsTruncated"] and "Marker" in page
    older = iam.create_policy(PolicyName="zz-first", PolicyDocument=LIST_BUCKET)["Policy"]["Arn"]
    newer = iam.create_policy(PolicyName="aa-second", PolicyDocument=LIST_BUCKET)["Policy"]["Arn"]
    assert [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]] == [older, newer]


def _error(call, **params) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as err:
        call(**params)
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_permissions_boundary_errors(iam, account):
    # test_iam_roles.snapshot.json: test_role_permissions_boundary_errors
    iam.create_role(RoleName="boundary-errors", AssumeRolePolicyDocument=TRUST)
    not_a_policy = f"arn:aws:iam::{account.account_id}:not_a_policy/invalid"
    missing = f"arn:aws:iam::{account.account_id}:policy/nonexistent-policy"
    invalid = ("InvalidInput", f"ARN {not_a_policy} is not valid.", 400)
    absent = ("NoSuchEntity", f"Scope ARN: {missing} does not exist or is not attachable.", 404)
    assert _error(iam.put_role_permissions_boundary, RoleName="boundary-errors",
                  PermissionsBoundary=not_a_policy) == invalid
    assert _error(iam.create_role, RoleName="other", AssumeRolePolicyDocument=TRUST,
                  PermissionsBoundary=not_a_policy) == invalid
    assert _error(iam.put_role_permissions_boundary, RoleName="boundary-errors",
                  PermissionsBoundary=missing) == absent
    assert _error(iam.create_role, RoleName="other", AssumeRolePolicyDocument=TRUST,
                  PermissionsBoundary=missing) == absent


def test_policy_version_errors(iam, account):
    # test_iam_policies.snapshot.json: test_policy_version_errors
    arn = iam.create_policy(PolicyName="versioned", PolicyDocument=LIST_BUCKET)["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=LIST_BUCKET)
    ghost = f"arn:aws:iam::{account.account_id}:policy/TestNonExistingPolicy"
    assert _error(iam.get_policy_version, PolicyArn=ghost, VersionId="v1") == (
        "NoSuchEntity", f"Policy {ghost} version v1 does not exist or is not attachable.", 404)
    assert _error(iam.get_policy_version, PolicyArn=arn, VersionId="v9") == (
        "NoSuchEntity", f"Policy {arn} version v9 does not exist or is not attachable.", 404)
    assert _error(iam.delete_policy_version, PolicyArn=arn, VersionId="v1") == (
        "DeleteConflict", "Cannot delete the default version of a policy.", 409)
    assert _error(iam.set_default_policy_version, PolicyArn=ghost, VersionId="v1") == (
        "NoSuchEntity", f"Policy {ghost} version v1 does not exist or is not attachable.", 404)
    assert _error(iam.set_default_policy_version, PolicyArn=arn, VersionId="v4") == (
        "NoSuchEntity", f"Policy {arn} version v4 does not exist or is not attachable.", 404)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert shape(iam.list_policy_versions(PolicyArn=arn)) == recorded({
        "IsTruncated": False,
        "Versions": [{"CreateDate": "<datetime>", "IsDefaultVersion": True, "VersionId": "v1"}]})


def test_list_policies_without_scope_shows_a_new_policy_first(iam):
    # test_iam_policies.snapshot.json: test_policy_lifecycle[/test/path/], filtered-policy-list
    # (the policy just created is on the first page of ListPolicies without a scope)
    created = iam.create_policy(PolicyName="fresh", Path="/test/path/",
                                PolicyDocument=LIST_BUCKET)["Policy"]
    listed = [p for p in iam.list_policies()["Policies"] if p["PolicyName"] == "fresh"]
    assert shape(listed) == recorded([{k: v for k, v in created.items() if k != "Tags"}])
    first_aws = iam.list_policies(MaxItems=2)
    assert [p["PolicyName"] for p in first_aws["Policies"]] == [
        "fresh", "AdministratorAccess"]
    rest = iam.list_policies(Marker=first_aws["Marker"], MaxItems=1)["Policies"]
    assert [p["PolicyName"] for p in rest] == ["PowerUserAccess"]


def test_policy_tag_order(iam):
    # test_iam_policies.snapshot.json: test_policy_tag_order (create keeps the order given,
    # ListPolicyTags lists a, b, z, abc)
    tags = [{"Key": k, "Value": v} for k, v in
            [("abc", "first"), ("b", "second"), ("z", "third"), ("a", "fourth")]]
    created = iam.create_policy(PolicyName="ordered", PolicyDocument=LIST_BUCKET,
                                Tags=tags)["Policy"]
    assert created["Tags"] == tags
    listed = iam.list_policy_tags(PolicyArn=created["Arn"])["Tags"]
    assert [t["Key"] for t in listed] == ["a", "b", "z", "abc"]


def test_list_entities_for_policy(iam, account):
    # test_iam_policies.snapshot.json: test_list_entities_for_policy (filter-role,
    # filter-local-managed-policy) and test_list_entities_for_policy_errors
    arn = iam.create_policy(PolicyName="used", PolicyDocument=LIST_BUCKET)["Policy"]["Arn"]
    iam.create_role(RoleName="user-of", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="user-of", PolicyArn=arn)
    assert shape(iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")) == recorded({
        "IsTruncated": False, "PolicyGroups": [],
        "PolicyRoles": [{"RoleId": "<role-id:1>", "RoleName": "<role-name:1>"}],
        "PolicyUsers": []})
    assert shape(iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="LocalManagedPolicy")
                 ) == recorded({"IsTruncated": False, "PolicyGroups": [], "PolicyRoles": [],
                                "PolicyUsers": []})
    ghost = f"arn:aws:iam::{account.account_id}:policy/NonExistentPolicy"
    assert _error(iam.list_entities_for_policy, PolicyArn=ghost) == (
        "NoSuchEntity", f"Policy {ghost} does not exist or is not attachable.", 404)


def test_get_access_key_last_used_of_an_unknown_key(iam, account):
    # test_iam_users.snapshot.json: test_access_key_errors, get-last-used-nonexistent-key-error
    caller = f"arn:aws:iam::{account.account_id}:root"
    assert _error(iam.get_access_key_last_used, AccessKeyId="AKIAIOSFODNN7EXAMPLE") == (
        "AccessDenied", f"User: {caller} is not authorized to perform "
        "iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE", 403)


def test_remove_a_role_an_instance_profile_does_not_hold(iam):
    # test_iam_instance_profiles.snapshot.json: test_role_instance_profile_operations_errors
    iam.create_instance_profile(InstanceProfileName="holder")
    iam.create_role(RoleName="not-held", AssumeRolePolicyDocument=TRUST)
    assert _error(iam.remove_role_from_instance_profile, InstanceProfileName="holder",
                  RoleName="not-held") == (
        "NoSuchEntity", "Role not-held in Instance Profile holder cannot be found.", 404)
    assert _error(iam.remove_role_from_instance_profile, InstanceProfileName="nonexistent",
                  RoleName="not-held") == (
        "NoSuchEntity", "Instance Profile nonexistent cannot be found.", 404)


def test_mfa_device_errors(iam, account):
    # test_iam_mfa.snapshot.json: test_virtual_mfa_device_errors (create-duplicate-error,
    # delete-nonexistent-error) and test_enable_mfa_device_errors
    # (deactivate-nonexistent-mfa-error)
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName="recorded-mfa")
    assert shape(created) == recorded({"VirtualMFADevice": {
        "Base32StringSeed": b"s", "QRCodePNG": b"p", "SerialNumber": "s"}})
    assert _error(iam.create_virtual_mfa_device, VirtualMFADeviceName="recorded-mfa") == (
        "EntityAlreadyExists", "MFA device already exists.", 409)
    missing = f"arn:aws:iam::{account.account_id}:mfa/nonexistent-device"
    assert _error(iam.delete_virtual_mfa_device, SerialNumber=missing) == (
        "NoSuchEntity", f"MFA Device with serial number {missing} does not exist.", 404)
    iam.create_user(UserName="mfa-user")
    assert _error(iam.deactivate_mfa_device, UserName="mfa-user", SerialNumber=missing) == (
        "NoSuchEntity", f"MFA Device with serial number {missing} does not exist.", 404)
    assert _error(iam.deactivate_mfa_device, UserName="nonexistent-user",
                  SerialNumber=missing) == (
        "NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)


def test_account_password_policy_answers(iam, account):
    # test_iam_account_password_policy.snapshot.json: password-policy-defaults,
    # policy-deleted-not-found and delete-not-found
    iam.update_account_password_policy()
    assert shape(iam.get_account_password_policy()) == recorded({"PasswordPolicy": {
        "AllowUsersToChangePassword": False, "ExpirePasswords": False,
        "MinimumPasswordLength": 6, "RequireLowercaseCharacters": False,
        "RequireNumbers": False, "RequireSymbols": False,
        "RequireUppercaseCharacters": False}})
    iam.delete_account_password_policy()
    assert _error(iam.get_account_password_policy) == (
        "NoSuchEntity",
        f"The Password Policy with domain name {account.account_id} cannot be found.", 404)
    assert _error(iam.delete_account_password_policy) == (
        "NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.", 404)


def test_role_detail_with_a_described_role_in_an_instance_profile(iam):
    # test_iam_account_authorization_details.snapshot.json: role-filter-result (the role has a
    # description, shown neither in RoleDetailList nor in the role its instance profile holds)
    iam.create_role(RoleName="described-role", AssumeRolePolicyDocument=TRUST,
                    Path="/my-path/", Description="testing role")
    iam.put_role_policy(RoleName="described-role", PolicyName="inline-policy",
                        PolicyDocument=LIST_BUCKET)
    iam.create_instance_profile(InstanceProfileName="described-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="described-profile",
                                     RoleName="described-role")
    out = iam.get_account_authorization_details(Filter=["Role"])
    nested = {**ROLE_BASE, "Path": "/my-path/"}
    profile = {"Arn": "a", "CreateDate": "<datetime>", "InstanceProfileId": "i",
               "InstanceProfileName": "n", "Path": "/", "Roles": [nested]}
    assert shape(out) == recorded({
        "GroupDetailList": [], "IsTruncated": False, "Policies": [], "UserDetailList": [],
        "RoleDetailList": [{**nested, "AttachedManagedPolicies": [],
                            "InstanceProfileList": [profile], "RoleLastUsed": {},
                            "RolePolicyList": [{"PolicyDocument": json.loads(LIST_BUCKET),
                                                "PolicyName": "p"}],
                            "Tags": []}]})
    held = iam.get_instance_profile(InstanceProfileName="described-profile")
    assert "Description" not in held["InstanceProfile"]["Roles"][0]
