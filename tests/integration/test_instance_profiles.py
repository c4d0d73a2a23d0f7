"""Instance profiles: create, read, list, one role at most, tags and deletion."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_create_and_get_instance_profile_with_its_role(iam, account):
    created = iam.create_instance_profile(InstanceProfileName="Web", Path="/ec2/",
                                          Tags=[{"Key": "env", "Value": "prod"}])
    profile = created["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{account.account_id}:instance-profile/ec2/Web"
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Roles"] == []
    iam.create_role(RoleName="WebRole", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="webrole")
    fetched = iam.get_instance_profile(InstanceProfileName="Web")["InstanceProfile"]
    assert fetched["Tags"] == [{"Key": "env", "Value": "prod"}]
    [role] = fetched["Roles"]
    assert role["RoleName"] == "WebRole"
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST)


def test_duplicate_and_missing_instance_profiles(iam):
    iam.create_instance_profile(InstanceProfileName="p")
    with pytest.raises(ClientError) as err:
        iam.create_instance_profile(InstanceProfileName="P")
    assert error_of(err) == ("EntityAlreadyExists", "Instance Profile P already exists.", 409)
    with pytest.raises(ClientError) as err:
        iam.get_instance_profile(InstanceProfileName="ghost")
    assert error_of(err) == ("NoSuchEntity", "Instance Profile ghost cannot be found.", 404)


def test_an_instance_profile_holds_one_role(iam):
    iam.create_instance_profile(InstanceProfileName="p")
    for name in ("a", "b"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="a")
    with pytest.raises(ClientError) as err:
        iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="b")
    assert error_of(err) == (
        "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)


def test_add_missing_role_is_no_such_entity(iam):
    iam.create_instance_profile(InstanceProfileName="p")
    with pytest.raises(ClientError) as err:
        iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="ghost")
    assert error_of(err) == ("NoSuchEntity", "The role with name ghost cannot be found.", 404)


def test_delete_profile_with_role_is_conflict_until_role_removed(iam):
    iam.create_instance_profile(InstanceProfileName="p", Tags=[{"Key": "a", "Value": "b"}])
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="r")
    with pytest.raises(ClientError) as err:
        iam.delete_instance_profile(InstanceProfileName="p")
    assert error_of(err) == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.",
        409)
    iam.remove_role_from_instance_profile(InstanceProfileName="p", RoleName="r")
    iam.delete_instance_profile(InstanceProfileName="p")
    iam.delete_role(RoleName="r")
    with pytest.raises(ClientError):
        iam.get_instance_profile(InstanceProfileName="p")


def test_remove_role_not_in_profile_is_no_such_entity(iam):
    iam.create_instance_profile(InstanceProfileName="p")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as err:
        iam.remove_role_from_instance_profile(InstanceProfileName="p", RoleName="r")
    assert error_of(err)[0::2] == ("NoSuchEntity", 404)


def test_list_instance_profiles_and_for_role(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    for name in ("p1", "p2", "p3"):
        iam.create_instance_profile(InstanceProfileName=name, Path="/x/",
                                    Tags=[{"Key": "k", "Value": "v"}])
    iam.create_instance_profile(InstanceProfileName="other")
    iam.add_role_to_instance_profile(InstanceProfileName="p1", RoleName="r")
    iam.add_role_to_instance_profile(InstanceProfileName="p3", RoleName="r")
    page = iam.list_instance_profiles(PathPrefix="/x/", MaxItems=2)
    assert page["IsTruncated"]
    assert [p["InstanceProfileName"] for p in page["InstanceProfiles"]] == ["p1", "p2"]
    assert all("Tags" not in p for p in page["InstanceProfiles"])
    for_role = iam.list_instance_profiles_for_role(RoleName="r")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["p1", "p3"]
    assert for_role[0]["Roles"][0]["RoleName"] == "r"


def test_instance_profile_tags(iam):
    iam.create_instance_profile(InstanceProfileName="p")
    iam.tag_instance_profile(InstanceProfileName="p", Tags=[{"Key": "a", "Value": "1"},
                                                            {"Key": "b", "Value": "2"}])
    # Only users and roles compare tag keys ignoring case (recorded ListPolicyTags answers).
    iam.untag_instance_profile(InstanceProfileName="p", TagKeys=["A", "a"])
    assert iam.list_instance_profile_tags(InstanceProfileName="p")["Tags"] == [
        {"Key": "b", "Value": "2"}]


def test_instance_profile_through_the_cli(aws, tmp_path):
    trust = tmp_path / "trust.json"
    trust.write_text(TRUST)
    assert aws("iam", "create-role", "--role-name", "r",
               "--assume-role-policy-document", f"file://{trust}").returncode == 0
    assert aws("iam", "create-instance-profile",
               "--instance-profile-name", "p").returncode == 0
    assert aws("iam", "add-role-to-instance-profile", "--instance-profile-name", "p",
               "--role-name", "r").returncode == 0
    got = aws("iam", "get-instance-profile", "--instance-profile-name", "p")
    assert got.json["InstanceProfile"]["Roles"][0]["AssumeRolePolicyDocument"] == \
        json.loads(TRUST)
