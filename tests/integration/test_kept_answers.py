"""Reads answered from kept serialized answers (response_cache.py) show every change made
before them: IAM changes, a role's use, another caller's identity; and each answer carries
its own request id."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
DENY_GET_ROLE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "iam:GetRole", "Resource": "*"}]})


def _trust(account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": "sts:AssumeRole"}]})


def _user(iam, account, name: str, policy: str = ALLOW_ALL):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key


def _client(account, service: str, key: dict):
    return account.client(service, access_key_id=key["AccessKeyId"],
                          secret_access_key=key["SecretAccessKey"],
                          session_token=key.get("SessionToken"))


def test_each_kept_answer_has_its_own_request_id(iam):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=_trust("123456789012"))
    ids = {iam.get_role(RoleName="r")["ResponseMetadata"]["RequestId"] for _ in range(3)}
    assert len(ids) == 3


def test_iam_changes_show_in_the_next_read(iam, account):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=_trust(account.account_id))
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"] == []
    assert "Description" not in iam.get_role(RoleName="r")["Role"]
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.update_role(RoleName="r", Description="changed")
    attached = iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["ReadOnlyAccess"]
    assert iam.get_role(RoleName="r")["Role"]["Description"] == "changed"


def test_a_role_assumed_shows_as_used_in_the_next_get_role(iam, account):
    iam.create_role(RoleName="used", AssumeRolePolicyDocument=_trust(account.account_id))
    key = _user(iam, account, "assumer")
    assert iam.get_role(RoleName="used")["Role"]["RoleLastUsed"] == {}
    _client(account, "sts", key).assume_role(
        RoleArn=f"arn:aws:iam::{account.account_id}:role/used", RoleSessionName="session")
    last_used = iam.get_role(RoleName="used")["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "us-east-1" and "LastUsedDate" in last_used


def test_a_role_assumed_shows_as_used_when_get_role_reads_it_afresh(iam, account):
    # An IAM change between the use and the read: GetRole reads the role itself again
    # (nothing kept), in a transaction that must see the use written for it.
    sts = _client(account, "sts", _user(iam, account, "changer"))
    for i in range(8):
        iam.create_role(RoleName=f"fresh-{i}", AssumeRolePolicyDocument=_trust(account.account_id))
        sts.assume_role(RoleArn=f"arn:aws:iam::{account.account_id}:role/fresh-{i}",
                        RoleSessionName="session")
        iam.tag_role(RoleName=f"fresh-{i}", Tags=[{"Key": "k", "Value": "v"}])
        assert "LastUsedDate" in iam.get_role(RoleName=f"fresh-{i}")["Role"]["RoleLastUsed"]


def test_the_same_read_by_another_caller_is_its_own(iam, account):
    first = _client(account, "iam", _user(iam, account, "first")).get_user()["User"]
    second = _client(account, "iam", _user(iam, account, "second")).get_user()["User"]
    assert (first["UserName"], second["UserName"]) == ("first", "second")
    sts_first = _client(account, "sts", iam.create_access_key(UserName="first")["AccessKey"])
    assert sts_first.get_caller_identity()["Arn"].endswith(":user/first")


def test_a_kept_read_is_still_authorized(iam, account):
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=_trust(account.account_id))
    key = _user(iam, account, "reader")
    reader = _client(account, "iam", key)
    assert reader.get_role(RoleName="r")["Role"]["RoleName"] == "r"
    iam.put_user_policy(UserName="reader", PolicyName="deny", PolicyDocument=DENY_GET_ROLE)
    with pytest.raises(ClientError) as err:
        reader.get_role(RoleName="r")
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_the_simulator_decides_with_the_policies_of_now(iam, account):
    _user(iam, account, "simulated")
    arn = f"arn:aws:iam::{account.account_id}:user/simulated"

    def decision() -> str:
        results = iam.simulate_principal_policy(PolicySourceArn=arn,
                                                ActionNames=["iam:GetRole"])
        return results["EvaluationResults"][0]["EvalDecision"]

    assert decision() == "allowed"
    iam.put_user_policy(UserName="simulated", PolicyName="deny", PolicyDocument=DENY_GET_ROLE)
    assert decision() == "explicitDeny"
