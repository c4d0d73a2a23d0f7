"""`rolecall accounts load` and `rolecall quotas`: loaded entities read back through a real
server exactly as entities created through the API do, lists and
GetAccountAuthorizationDetails page through a loaded account in order, and raised quotas
are honoured."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import subprocess

import pytest
from botocore.exceptions import ClientError

from rolecall.accounts import create_account
from rolecall.store.db import Database
from tests.conftest import BIN, Account, new_account

ID_FORMATS = {"UserId": "AIDA", "RoleId": "AROA", "GroupId": "AGPA", "PolicyId": "ANPA",
              "AccessKeyId": "AKIA"}


def rolecall(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "rolecall"), *args], capture_output=True, text=True,
                          timeout=300)


def load(db_url: str, account_id: str, **counts: int) -> subprocess.CompletedProcess:
    options = [f"--{name}={n}" for name, n in counts.items()]
    return rolecall("accounts", "load", "--account-id", account_id, "--db", db_url, *options)


def root_of(server, account_id: str) -> Account:
    key = create_account(Database(server.db_url), account_id)
    return Account(account_id, key["AccessKeyId"], key["SecretAccessKey"], server.endpoint)


def fresh_id() -> str:
    return "9" + "".join(secrets.choice("0123456789") for _ in range(11))


@pytest.fixture(scope="module")
def loaded(server) -> Account:
    account_id = fresh_id()
    done = load(server.db_url, account_id, users=25, roles=25, policies=12, groups=3)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["Rows"]["users"] == 25 and summary["Rows"]["roles"] == 25
    return root_of(server, account_id)


def normalized(value, account_id: str):
    """``value`` with the account id, generated ids (checked for AWS's format first) and
    dates replaced, so two accounts' answers compare equal when only those differ."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ID_FORMATS:
                assert re.fullmatch(ID_FORMATS[key] + r"[A-Z2-7]{16,17}", item), (key, item)
                out[key] = ID_FORMATS[key]
            else:
                out[key] = normalized(item, account_id)
        return out
    if isinstance(value, list):
        return [normalized(v, account_id) for v in value]
    if isinstance(value, str):
        return value.replace(account_id, "ACCOUNT")
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None
        return "DATE"
    return value


def all_details(iam) -> dict[str, list]:
    out: dict[str, list] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [],
                            "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate():
        for key in out:
            out[key] += page[key]
    return out


def mirror(source, source_id: str, target, target_id: str) -> None:
    """Create in the target account, through the API, what the source account holds."""
    def arn(value: str) -> str:
        return value.replace(source_id, target_id)

    details = all_details(source)
    # Created in the source's listing order (oldest first), so both list alike.
    listed = [p["Arn"] for page in source.get_paginator("list_policies").paginate(Scope="Local")
              for p in page["Policies"]]
    local = [p for p in details["Policies"] if ":aws:policy/" not in p["Arn"]]
    for policy in sorted(local, key=lambda p: listed.index(p["Arn"])):
        (version,) = policy["PolicyVersionList"]
        target.create_policy(PolicyName=policy["PolicyName"], Path=policy["Path"],
                             PolicyDocument=arn(json.dumps(version["Document"])),
                             Description=policy["Description"])
    for group in details["GroupDetailList"]:
        target.create_group(GroupName=group["GroupName"], Path=group["Path"])
        for attached in group["AttachedManagedPolicies"]:
            target.attach_group_policy(GroupName=group["GroupName"],
                                       PolicyArn=arn(attached["PolicyArn"]))
    for user in details["UserDetailList"]:
        name = user["UserName"]
        target.create_user(UserName=name, Path=user["Path"], **(
            {"Tags": user["Tags"]} if user["Tags"] else {}))
        for group in user["GroupList"]:
            target.add_user_to_group(GroupName=group, UserName=name)
        for attached in user["AttachedManagedPolicies"]:
            target.attach_user_policy(UserName=name, PolicyArn=arn(attached["PolicyArn"]))
        for _ in source.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            target.create_access_key(UserName=name)
    for role in details["RoleDetailList"]:
        name = role["RoleName"]
        description = source.get_role(RoleName=name)["Role"].get("Description")
        target.create_role(
            RoleName=name, Path=role["Path"],
            AssumeRolePolicyDocument=arn(json.dumps(role["AssumeRolePolicyDocument"])),
            Tags=role["Tags"], **({"Description": description} if description else {}))
        for inline in role["RolePolicyList"]:
            target.put_role_policy(RoleName=name, PolicyName=inline["PolicyName"],
                                   PolicyDocument=json.dumps(inline["PolicyDocument"]))
        for attached in role["AttachedManagedPolicies"]:
            target.attach_role_policy(RoleName=name, PolicyArn=arn(attached["PolicyArn"]))


def test_loaded_entities_read_back_like_entities_created_through_the_api(server):
    source = root_of(server, fresh_id())
    done = load(server.db_url, source.account_id, users=6, roles=6, policies=4, groups=2)
    assert done.returncode == 0, done.stderr
    target = new_account(server)
    loaded, created = source.client("iam"), target.client("iam")
    mirror(loaded, source.account_id, created, target.account_id)

    def same(call, **params):
        got = normalized(getattr(loaded, call)(**params), source.account_id)
        want = normalized(getattr(created, call)(**params), target.account_id)
        for answer in (got, want):
            answer.pop("ResponseMetadata")
        assert got == want, call

    loaded_details = normalized(all_details(loaded), source.account_id)
    assert loaded_details == normalized(all_details(created), target.account_id)
    assert len(loaded_details["UserDetailList"]) == 6
    assert any(p["AttachmentCount"] > 1 for p in loaded_details["Policies"])
    same("list_users")
    same("list_roles")
    same("list_groups")
    same("list_policies", Scope="Local")
    for user in loaded.list_users()["Users"]:
        same("get_user", UserName=user["UserName"])
        same("list_access_keys", UserName=user["UserName"])
        same("list_groups_for_user", UserName=user["UserName"])
    for role in loaded.list_roles()["Roles"]:
        same("get_role", RoleName=role["RoleName"])
        same("list_role_tags", RoleName=role["RoleName"])
    summary = loaded.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 6 and summary["Roles"] == 6 and summary["Policies"] == 4
    assert summary == {**created.get_account_summary()["SummaryMap"],
                       "AccountAccessKeysPresent": 1}


def _oldest_first(policies: list[dict]) -> bool:
    """ListPolicies' order: by creation date (see iam/policies.py)."""
    dates = [p["CreateDate"] for p in policies]
    return dates == sorted(dates)


def test_lists_page_through_a_loaded_account_in_order(loaded):
    iam = loaded.client("iam")
    names, marker = [], None
    while True:
        page = iam.list_users(MaxItems=7, **({"Marker": marker} if marker else {}))
        names += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert len(names) == 25 and names == sorted(names, key=str.lower)

    everything = iam.list_roles(MaxItems=1000)["Roles"]
    prefixed = [r["RoleName"] for r in everything if r["Path"].startswith("/service-role/")]
    paged = [r["RoleName"] for page in iam.get_paginator("list_roles").paginate(
        PathPrefix="/service-role/", PaginationConfig={"PageSize": 4}) for r in page["Roles"]]
    assert paged == prefixed and 0 < len(prefixed) < len(everything)

    local = [p for page in iam.get_paginator("list_policies").paginate(
        Scope="Local", PaginationConfig={"PageSize": 5}) for p in page["Policies"]]
    assert len(local) == 12 and _oldest_first(local)
    # The account's policies, then AWS managed ones, each oldest first, in one order across
    # pages.
    attached = iam.list_policies(OnlyAttached=True, MaxItems=1000)["Policies"]
    owners = [p["Arn"].split(":")[4] for p in attached]
    assert set(owners) == {"aws", loaded.account_id}
    assert owners == sorted(owners, key=lambda owner: owner == "aws")
    merged = [p["Arn"] for page in iam.get_paginator("list_policies").paginate(
        OnlyAttached=True, PaginationConfig={"PageSize": 3}) for p in page["Policies"]]
    assert merged == [p["Arn"] for p in attached]
    assert all(_oldest_first([p for p in attached if p["Arn"].split(":")[4] == owner])
               for owner in set(owners))

    with pytest.raises(ClientError) as err:
        iam.list_users(Marker="bm90IGEgbWFya2Vy")
    assert err.value.response["Error"] == {**err.value.response["Error"],
                                           "Code": "ValidationError",
                                           "Message": "Invalid Marker."}


def test_authorization_details_pages_join_up_to_the_whole_account(loaded):
    iam = loaded.client("iam")
    whole = iam.get_account_authorization_details(MaxItems=1000)
    assert not whole["IsTruncated"]
    assert len(whole["UserDetailList"]) == 25 and len(whole["GroupDetailList"]) == 3
    pages = list(iam.get_paginator("get_account_authorization_details").paginate(
        PaginationConfig={"PageSize": 7}))
    assert len(pages) > 5
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"):
        assert [item for page in pages for item in page[key]] == whole[key], key
    roles_only = [r["RoleName"] for page in iam.get_paginator(
        "get_account_authorization_details").paginate(
        Filter=["Role"], PaginationConfig={"PageSize": 10}) for r in page["RoleDetailList"]]
    assert roles_only == [r["RoleName"] for r in whole["RoleDetailList"]]


def test_raised_quotas_are_honoured_and_fixed_ones_refused(server):
    account = root_of(server, fresh_id())
    iam = account.client("iam")
    done = load(server.db_url, account.account_id, users=0, roles=1000, policies=0, groups=0)
    assert done.returncode == 0, done.stderr
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="one-too-many", AssumeRolePolicyDocument=trust)
    assert err.value.response["Error"]["Code"] == "LimitExceeded"
    assert err.value.response["Error"]["Message"] == \
        "Cannot exceed quota for RolesPerAccount: 1000"
    refused = load(server.db_url, account.account_id, users=0, roles=1, policies=0, groups=0)
    assert refused.returncode != 0 and "RolesPerAccount (1000)" in refused.stderr

    def quotas(*args: str) -> subprocess.CompletedProcess:
        return rolecall("quotas", *args, "--account-id", account.account_id,
                        "--db", server.db_url)

    raised = quotas("set", "--quota", "RolesPerAccount", "--value", "1001")
    assert raised.returncode == 0, raised.stderr
    assert json.loads(raised.stdout)["Value"] == 1001
    iam.create_role(RoleName="one-more", AssumeRolePolicyDocument=trust)
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Roles"] == 1001 and summary["RolesQuota"] == 1001

    too_far = quotas("set", "--quota", "RolesPerAccount", "--value", "5001")
    assert too_far.returncode != 0 and "maximum, 5000" in too_far.stderr
    fixed = quotas("set", "--quota", "UsersPerAccount", "--value", "6000")
    assert fixed.returncode != 0 and "fixed at 5000" in fixed.stderr
    listed = {q["QuotaName"]: q for q in json.loads(quotas("list").stdout)}
    assert listed["RolesPerAccount"]["Value"] == 1001
    assert listed["UsersPerAccount"] == {**listed["UsersPerAccount"], "Value": 5000,
                                         "Adjustable": False}

    long_trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "x" * 2500, "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName="one-more", PolicyDocument=long_trust)
    assert err.value.response["Error"]["Message"] == \
        "Cannot exceed quota for ACLSizePerRole: 2048"
    assert quotas("set", "--quota", "ACLSizePerRole", "--value", "4096").returncode == 0
    iam.update_assume_role_policy(RoleName="one-more", PolicyDocument=long_trust)
    assert iam.get_account_summary()["SummaryMap"]["AssumeRolePolicySizeQuota"] == 4096
    # Only the account it was raised for.
    other = new_account(server).client("iam").get_account_summary()["SummaryMap"]
    assert other["RolesQuota"] == 1000 and other["AssumeRolePolicySizeQuota"] == 2048
