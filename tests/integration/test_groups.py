"""IAM groups and membership, through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

DOC = json.dumps({"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def _error(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    r = err.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_create_get_group_with_members(iam, account):
    group = iam.create_group(GroupName="Devs", Path="/eng/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{account.account_id}:group/eng/Devs"
    assert group["GroupId"].startswith("AGPA")
    for name in ("b", "a", "c"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="devs", UserName=name)
    iam.add_user_to_group(GroupName="Devs", UserName="a")  # already a member: no-op
    first = iam.get_group(GroupName="Devs", MaxItems=2)
    assert first["Group"]["GroupName"] == "Devs"
    assert [u["UserName"] for u in first["Users"]] == ["a", "b"] and first["IsTruncated"]
    rest = iam.get_group(GroupName="Devs", Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["c"] and not rest["IsTruncated"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="a")["Groups"]] == ["Devs"]


def test_duplicate_group_and_missing_group(iam):
    iam.create_group(GroupName="g")
    with pytest.raises(ClientError) as err:
        iam.create_group(GroupName="G")
    assert _error(err) == ("EntityAlreadyExists", "Group with name G already exists.", 409)
    with pytest.raises(ClientError) as err:
        iam.get_group(GroupName="ghost")
    assert _error(err) == ("NoSuchEntity", "The group with name ghost cannot be found.", 404)


def test_list_groups_path_prefix_and_update(iam):
    iam.create_group(GroupName="a", Path="/x/")
    iam.create_group(GroupName="b")
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/x/")["Groups"]] == ["a"]
    iam.update_group(GroupName="a", NewGroupName="a2", NewPath="/y/")
    assert iam.get_group(GroupName="a2")["Group"]["Path"] == "/y/"
    with pytest.raises(ClientError) as err:
        iam.update_group(GroupName="a2", NewGroupName="B")
    assert _error(err)[0] == "EntityAlreadyExists"


def test_delete_group_conflicts_until_empty(iam):
    iam.create_group(GroupName="g")
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="g", UserName="u")
    iam.put_group_policy(GroupName="g", PolicyName="p", PolicyDocument=DOC)
    with pytest.raises(ClientError) as err:
        iam.delete_group(GroupName="g")
    assert _error(err) == ("DeleteConflict",
                           "Cannot delete entity, must remove users from group first.", 409)
    iam.remove_user_from_group(GroupName="g", UserName="u")
    with pytest.raises(ClientError) as err:
        iam.delete_group(GroupName="g")
    assert _error(err)[1] == "Cannot delete entity, must delete policies first."
    iam.delete_group_policy(GroupName="g", PolicyName="p")
    iam.delete_group(GroupName="g")
    assert iam.list_groups()["Groups"] == []


def test_eleventh_group_for_a_user_exceeds_quota(iam):
    iam.create_user(UserName="u")
    for i in range(11):
        iam.create_group(GroupName=f"g{i}")
    for i in range(10):
        iam.add_user_to_group(GroupName=f"g{i}", UserName="u")
    with pytest.raises(ClientError) as err:
        iam.add_user_to_group(GroupName="g10", UserName="u")
    assert _error(err) == ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409)
    assert len(iam.list_groups_for_user(UserName="u")["Groups"]) == 10


def test_renamed_group_keeps_members_and_policies_and_names_stay_unique(iam, account):
    iam.create_group(GroupName="devs")
    iam.create_group(GroupName="Ops")
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="devs", UserName="u")
    iam.attach_group_policy(GroupName="devs", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.put_group_policy(GroupName="devs", PolicyName="inline", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    with pytest.raises(ClientError) as err:
        iam.update_group(GroupName="devs", NewGroupName="OPS")
    assert err.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert err.value.response["Error"]["Message"] == "Group with name OPS already exists."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    iam.update_group(GroupName="DEVS", NewGroupName="Builders", NewPath="/eng/")
    group = iam.get_group(GroupName="builders")
    assert group["Group"]["GroupName"] == "Builders"
    assert group["Group"]["Arn"] == f"arn:aws:iam::{account.account_id}:group/eng/Builders"
    assert [u["UserName"] for u in group["Users"]] == ["u"]
    assert iam.list_group_policies(GroupName="Builders")["PolicyNames"] == ["inline"]
    attached = iam.list_attached_group_policies(GroupName="Builders")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["ReadOnlyAccess"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="u")["Groups"]] == [
        "Builders"]
    with pytest.raises(ClientError) as err:
        iam.get_group(GroupName="devs")
    assert err.value.response["Error"]["Message"] == "The group with name devs cannot be found."


def test_delete_group_conflicts_use_aws_texts(iam):
    iam.create_group(GroupName="g")
    iam.create_user(UserName="u")
    iam.add_user_to_group(GroupName="g", UserName="u")
    with pytest.raises(ClientError) as err:
        iam.delete_group(GroupName="g")
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must remove users from group first.")
    iam.remove_user_from_group(GroupName="g", UserName="u")
    iam.attach_group_policy(GroupName="g", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as err:
        iam.delete_group(GroupName="g")
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must detach all policies first.")
    iam.detach_group_policy(GroupName="g", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.delete_group(GroupName="g")
