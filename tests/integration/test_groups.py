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
