"""IAM roles through boto3: create, read, list, update, tags, boundaries and deletion."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import update

from rolecall.store.db import Database
from rolecall.store.tables import Role

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})
BOUNDARY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def trust_naming(principal: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def test_create_role_returns_aws_shape_and_get_role_round_trips(iam, account):
    created = iam.create_role(RoleName="App", Path="/svc/", AssumeRolePolicyDocument=TRUST,
                              Description="app role", MaxSessionDuration=7200,
                              PermissionsBoundary=BOUNDARY,
                              Tags=[{"Key": "team", "Value": "core"}])["Role"]
    assert created["Arn"] == f"arn:aws:iam::{account.account_id}:role/svc/App"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    assert created["AssumeRolePolicyDocument"] == json.loads(TRUST)
    role = iam.get_role(RoleName="app")["Role"]  # names are case-insensitive
    assert role["RoleName"] == "App" and role["Path"] == "/svc/"
    assert role["Description"] == "app role"
    assert role["MaxSessionDuration"] == 7200
    assert role["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy",
                                           "PermissionsBoundaryArn": BOUNDARY}
    assert role["Tags"] == [{"Key": "team", "Value": "core"}]
    assert role["RoleLastUsed"] == {}


def test_default_max_session_duration_is_one_hour(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    assert iam.get_role(RoleName="r")["Role"]["MaxSessionDuration"] == 3600


def test_duplicate_role_name_is_entity_already_exists(iam):
    iam.create_role(RoleName="Dup", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="DUP", AssumeRolePolicyDocument=TRUST)
    assert error_of(err) == ("EntityAlreadyExists", "Role with name DUP already exists.", 409)


def test_get_missing_role_is_no_such_entity(iam):
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName="ghost")
    assert error_of(err) == ("NoSuchEntity", "The role with name ghost cannot be found.", 404)


def test_trust_policy_with_resource_is_malformed(iam):
    bad = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole", "Resource": "*"}]})
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=bad)
    assert error_of(err) == ("MalformedPolicyDocument", "Has prohibited field Resource", 400)


def test_trust_policy_naming_missing_user_of_this_account_is_refused(iam, account):
    arn = f"arn:aws:iam::{account.account_id}:user/nobody"
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust_naming({"AWS": arn}))
    assert error_of(err) == ("MalformedPolicyDocument",
                             f'Invalid principal in policy: "AWS":"{arn}"', 400)
    iam.create_user(UserName="nobody")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust_naming({"AWS": arn}))


def test_trust_policy_naming_existing_role_with_path_is_accepted(iam, account):
    iam.create_role(RoleName="base", Path="/a/b/", AssumeRolePolicyDocument=TRUST)
    good = f"arn:aws:iam::{account.account_id}:role/a/b/base"
    iam.create_role(RoleName="chained", AssumeRolePolicyDocument=trust_naming({"AWS": good}))
    wrong_path = f"arn:aws:iam::{account.account_id}:role/base"
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="other",
                        AssumeRolePolicyDocument=trust_naming({"AWS": wrong_path}))
    assert error_of(err)[0] == "MalformedPolicyDocument"


def test_trust_policy_naming_other_account_root_is_accepted(iam):
    iam.create_role(RoleName="x", AssumeRolePolicyDocument=trust_naming(
        {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]}))


def test_trust_policy_over_2048_characters_without_whitespace_exceeds_quota(iam):
    services = [f"svc{i:04d}.amazonaws.com" for i in range(100)]
    long_doc = trust_naming({"Service": services})
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="big", AssumeRolePolicyDocument=long_doc)
    assert error_of(err) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)


def test_whitespace_does_not_count_toward_trust_policy_size(iam):
    padded = json.dumps(json.loads(TRUST), indent=200)
    assert len(padded) > 2048
    iam.create_role(RoleName="padded", AssumeRolePolicyDocument=padded)


def test_list_roles_filters_by_path_paginates_and_omits_detail(iam):
    for i in range(3):
        iam.create_role(RoleName=f"r{i}", Path="/team/", AssumeRolePolicyDocument=TRUST,
                        Tags=[{"Key": "k", "Value": "v"}], PermissionsBoundary=BOUNDARY)
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=TRUST)
    first = iam.list_roles(PathPrefix="/team/", MaxItems=2)
    assert first["IsTruncated"] and [r["RoleName"] for r in first["Roles"]] == ["r0", "r1"]
    rest = iam.list_roles(PathPrefix="/team/", Marker=first["Marker"])
    assert not rest["IsTruncated"] and [r["RoleName"] for r in rest["Roles"]] == ["r2"]
    for role in first["Roles"]:
        assert "Tags" not in role and "PermissionsBoundary" not in role
        assert "RoleLastUsed" not in role
        assert role["MaxSessionDuration"] == 3600


def test_update_role_sets_description_and_max_session_duration(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.update_role(RoleName="r", Description="new", MaxSessionDuration=43200)
    role = iam.get_role(RoleName="r")["Role"]
    assert role["Description"] == "new" and role["MaxSessionDuration"] == 43200


def test_update_role_out_of_range_duration_is_validation_error(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as err:
        iam.update_role(RoleName="r", MaxSessionDuration=43201)
    # IAM leaves the value out of model validation messages; this test
    # quoted it before AWS recordings showed otherwise (issue 12).
    assert error_of(err) == (
        "ValidationError",
        "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value less than or equal to 43200", 400)


def test_update_role_description_returns_the_role(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    role = iam.update_role_description(RoleName="r", Description="described")["Role"]
    assert role["RoleName"] == "r" and role["Description"] == "described"


def test_permissions_boundary_put_and_delete(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=BOUNDARY)
    assert iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] \
        == BOUNDARY
    iam.delete_role_permissions_boundary(RoleName="r")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="r")["Role"]


def test_missing_boundary_policy_is_refused(iam, account):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    arn = f"arn:aws:iam::{account.account_id}:policy/none"
    with pytest.raises(ClientError) as err:
        iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=arn)
    assert error_of(err)[0] == "NoSuchEntity"


def test_role_tags_add_overwrite_list_and_remove(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST,
                    Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_role(RoleName="r", Tags=[{"Key": "A", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert iam.list_role_tags(RoleName="r")["Tags"] == [
        {"Key": "A", "Value": "2"}, {"Key": "b", "Value": "3"}]
    iam.untag_role(RoleName="r", TagKeys=["a"])
    assert iam.list_role_tags(RoleName="r")["Tags"] == [{"Key": "b", "Value": "3"}]


def test_delete_role_then_it_is_gone(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST,
                    Tags=[{"Key": "a", "Value": "1"}])
    iam.delete_role(RoleName="r")
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName="r")
    assert error_of(err)[0] == "NoSuchEntity"
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    assert "Tags" not in iam.get_role(RoleName="r")["Role"]


def test_delete_role_in_instance_profile_is_delete_conflict(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName="p")
    iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="r")
    with pytest.raises(ClientError) as err:
        iam.delete_role(RoleName="r")
    assert error_of(err) == (
        "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.",
        409)


def test_delete_role_with_attached_policy_is_delete_conflict(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="r", PolicyArn=BOUNDARY)
    with pytest.raises(ClientError) as err:
        iam.delete_role(RoleName="r")
    assert error_of(err) == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)


def test_delete_role_with_inline_policy_is_delete_conflict(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    with pytest.raises(ClientError) as err:
        iam.delete_role(RoleName="r")
    assert error_of(err) == (
        "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)


def test_refused_create_leaves_nothing_behind(iam):
    with pytest.raises(ClientError):
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST,
                        PermissionsBoundary="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName="r")
    assert error_of(err)[0] == "NoSuchEntity"


def test_get_role_shows_when_and_where_the_role_was_last_used(iam, account, server):
    iam.create_role(RoleName="used", AssumeRolePolicyDocument=TRUST)
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    db = Database(server.db_url)
    try:
        with db.transaction() as session:
            session.execute(update(Role).where(Role.account_id == account.account_id,
                                               Role.name_lower == "used")
                            .values(last_used_at=when, last_used_region="eu-west-1"))
    finally:
        db.dispose()
    last_used = iam.get_role(RoleName="used")["Role"]["RoleLastUsed"]
    assert last_used == {"LastUsedDate": when, "Region": "eu-west-1"}
    listed = iam.list_roles()["Roles"]
    assert "RoleLastUsed" not in listed[0]
