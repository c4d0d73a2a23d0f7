"""`rolecall policy generate` and POST /_rolecall/policy/generate: the policy built from the
calls a principal made allows exactly those calls, as the simulator decides them."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.conftest import BIN

TRUST_ACCOUNT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{account}:root"},
     "Action": "sts:AssumeRole"}]}
DEV_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:GetUser", "iam:ListUsers",
                                   "iam:AddRoleToInstanceProfile", "iam:PassRole",
                                   "iam:GetRole"],
     "Resource": "*"}]})


def _generate(db_url: str, *args: str) -> dict:
    time.sleep(0.3)  # the server writes audit events in batches every 50 ms
    done = subprocess.run([str(BIN / "rolecall"), "policy", "generate", "--db", db_url,
                           "--json", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _trust(account_id: str) -> str:
    return json.dumps(TRUST_ACCOUNT).replace("{account}", account_id)


def _decisions(iam, role_arn: str, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    found = {}
    for action, resource in pairs:
        result = iam.simulate_principal_policy(PolicySourceArn=role_arn, ActionNames=[action],
                                               ResourceArns=[resource])
        found[(action, resource)] = result["EvaluationResults"][0]["EvalDecision"]
    return found


def _user_with_calls(iam, account):
    """User dev makes a known sequence of calls, one of them refused."""
    acct = account.account_id
    iam.create_user(UserName="dev")
    iam.put_user_policy(UserName="dev", PolicyName="work", PolicyDocument=DEV_POLICY)
    iam.create_role(RoleName="app", Path="/svc/", AssumeRolePolicyDocument=_trust(acct))
    iam.create_instance_profile(InstanceProfileName="app-profile")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    dev = account.client("iam", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    dev.create_user(UserName="svc-a")
    dev.get_user(UserName="svc-a")
    dev.list_users()
    dev.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    try:
        dev.delete_role(RoleName="app")
    except ClientError as err:
        assert err.response["Error"]["Code"] == "AccessDenied"
    else:
        raise AssertionError("delete_role should have been refused")
    account.client("sts", access_key_id=key["AccessKeyId"],
                   secret_access_key=key["SecretAccessKey"]).get_caller_identity()
    return key


def test_generated_policy_allows_exactly_the_recorded_calls(server, account, iam):
    _user_with_calls(iam, account)
    acct = account.account_id
    report = _generate(server.db_url, "--principal", f"arn:aws:iam::{acct}:user/dev")
    assert report["Validation"]["valid"] is True
    assert report["CallsConsidered"] == 5  # GetCallerIdentity needs no permission
    document = report["PolicyDocument"]
    statements = document["Statement"]
    assert all(s["Effect"] == "Allow" and s["Sid"].startswith("Iam") for s in statements)
    granted = {(a, r) for s in statements for a in s["Action"]
               for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    user_a = f"arn:aws:iam::{acct}:user/svc-a"
    role = f"arn:aws:iam::{acct}:role/svc/app"
    profile = f"arn:aws:iam::{acct}:instance-profile/app-profile"
    assert granted == {
        ("iam:CreateUser", user_a), ("iam:GetUser", user_a),
        ("iam:ListUsers", f"arn:aws:iam::{acct}:user/"),
        ("iam:AddRoleToInstanceProfile", profile), ("iam:PassRole", role),
        ("iam:DeleteRole", role),
    }

    iam.create_role(RoleName="probe", AssumeRolePolicyDocument=_trust(acct))
    iam.put_role_policy(RoleName="probe", PolicyName="generated",
                        PolicyDocument=json.dumps(document))
    probe = f"arn:aws:iam::{acct}:role/probe"
    recorded = _decisions(iam, probe, sorted(granted))
    assert set(recorded.values()) == {"allowed"}, recorded
    others = _decisions(iam, probe, [
        ("iam:GetUser", f"arn:aws:iam::{acct}:user/svc-b"),
        ("iam:DeleteUser", user_a),
        ("iam:PassRole", f"arn:aws:iam::{acct}:role/other"),
        ("iam:CreateRole", role),
        ("s3:GetObject", "arn:aws:s3:::bucket/key"),
    ])
    assert set(others.values()) == {"implicitDeny"}, others


def test_denied_only_lists_the_refused_calls(server, account, iam):
    _user_with_calls(iam, account)
    acct = account.account_id
    report = _generate(server.db_url, "--principal", f"arn:aws:iam::{acct}:user/dev",
                       "--denied")
    assert report["CallsConsidered"] == 1
    assert report["PolicyDocument"]["Statement"] == [
        {"Sid": "Iam", "Effect": "Allow", "Action": ["iam:DeleteRole"],
         "Resource": f"arn:aws:iam::{acct}:role/svc/app"}]


def test_a_role_covers_all_its_sessions_and_a_session_only_its_own(server, account, iam):
    acct = account.account_id
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=_trust(acct))
    iam.put_role_policy(RoleName="worker", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}]}))
    iam.create_user(UserName="caller")
    iam.put_user_policy(UserName="caller", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="caller")["AccessKey"]
    sts = account.client("sts", access_key_id=key["AccessKeyId"],
                         secret_access_key=key["SecretAccessKey"])
    role_arn = f"arn:aws:iam::{acct}:role/worker"
    for name, call in (("one", lambda c: c.get_role(RoleName="worker")),
                       ("two", lambda c: c.list_roles())):
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=name)["Credentials"]
        session = account.client("iam", access_key_id=creds["AccessKeyId"],
                                 secret_access_key=creds["SecretAccessKey"],
                                 session_token=creds["SessionToken"])
        call(session)
    whole = _generate(server.db_url, "--principal", role_arn)
    actions = {a for s in whole["PolicyDocument"]["Statement"] for a in s["Action"]}
    assert actions == {"iam:GetRole", "iam:ListRoles"}
    one = _generate(server.db_url, "--principal",
                    f"arn:aws:sts::{acct}:assumed-role/worker/one")
    assert one["PolicyDocument"]["Statement"] == [
        {"Sid": "Iam", "Effect": "Allow", "Action": ["iam:GetRole"], "Resource": role_arn}]
    caller = _generate(server.db_url, "--principal", f"arn:aws:iam::{acct}:user/caller")
    assert caller["PolicyDocument"]["Statement"] == [
        {"Sid": "Sts", "Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": role_arn}]


def _post(endpoint: str, body: dict, key: tuple[str, str]):
    data = json.dumps(body).encode()
    request = AWSRequest("POST", endpoint + "/_rolecall/policy/generate", data=data,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(*key), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    http = urllib.request.Request(prepared.url, data=data, method="POST",
                                  headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(http, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_http_api_answers_the_same_report_and_is_authorized(server, account, iam):
    key = _user_with_calls(iam, account)
    acct = account.account_id
    root = (account.access_key_id, account.secret_access_key)
    dev_arn = f"arn:aws:iam::{acct}:user/dev"
    status, report = _post(account.endpoint, {"PrincipalArn": dev_arn, "Denied": True}, root)
    assert status == 200, report
    assert report["PolicyDocument"]["Statement"][0]["Action"] == ["iam:DeleteRole"]
    status, report = _post(account.endpoint, {"PrincipalArn": dev_arn, "Since": "1h"}, root)
    assert status == 200 and report["CallsConsidered"] == 5
    status, report = _post(account.endpoint, {"PrincipalArn": dev_arn, "Since": "soon"}, root)
    assert (status, report["Error"]["Code"]) == (400, "InvalidInput")
    status, report = _post(account.endpoint, {"PrincipalArn": dev_arn},
                           (key["AccessKeyId"], key["SecretAccessKey"]))
    assert (status, report["Error"]["Code"]) == (403, "AccessDenied")
    status, report = _post(account.endpoint,
                           {"PrincipalArn": "arn:aws:iam::000000000000:user/x"}, root)
    assert (status, report["Error"]["Code"]) == (400, "InvalidInput")


def test_a_refused_call_brings_its_dependent_pass_role(server, account, iam):
    _user_with_calls(iam, account)
    acct = account.account_id
    iam.create_user(UserName="intern")
    key = iam.create_access_key(UserName="intern")["AccessKey"]
    intern = account.client("iam", access_key_id=key["AccessKeyId"],
                            secret_access_key=key["SecretAccessKey"])
    try:
        intern.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    except ClientError as err:
        assert err.response["Error"]["Code"] == "AccessDenied"
    report = _generate(server.db_url, "--principal", f"arn:aws:iam::{acct}:user/intern",
                       "--denied")
    granted = {(a, s["Resource"]) for s in report["PolicyDocument"]["Statement"]
               for a in s["Action"]}
    assert granted == {
        ("iam:AddRoleToInstanceProfile", f"arn:aws:iam::{acct}:instance-profile/app-profile"),
        ("iam:PassRole", f"arn:aws:iam::{acct}:role/svc/app")}
