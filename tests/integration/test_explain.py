"""`rolecall explain` reports every policy considered and why each statement applied or not."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import BIN


def explain(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "rolecall"), "explain", "--db", server.db_url, *args],
                          capture_output=True, text=True, timeout=120)


def setup_user(iam) -> None:
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="net", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject",
             "Resource": "*"}]}))


def test_explain_json_names_the_failing_condition(server, account, iam):
    setup_user(iam)
    arn = f"arn:aws:iam::{account.account_id}:user/bob"
    done = explain(server, "--principal", arn, "--action", "s3:GetObject", "--resource",
                   "arn:aws:s3:::b/k", "--context", "aws:SourceIp=192.168.1.1", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["Decision"] == "implicitDeny"
    assert report["DeniedBy"] == {"Layer": "identity", "Explicit": False}
    statements = report["Policies"][0]["Statements"]
    office = statements[0]
    assert office["Sid"] == "FromOffice" and office["FailedElement"] == "Condition"
    assert office["Conditions"] == [{"Operator": "IpAddress", "Key": "aws:SourceIp",
                                     "RequestValues": ["192.168.1.1"],
                                     "PolicyValues": ["10.0.0.0/8"], "Result": False}]
    assert statements[1]["FailedElement"] == "Action"


def test_explain_allowed_and_explicit_deny(server, account, iam):
    setup_user(iam)
    arn = f"arn:aws:iam::{account.account_id}:user/bob"
    allowed = json.loads(explain(server, "--principal", arn, "--action", "s3:GetObject",
                                 "--context", "aws:SourceIp=10.1.1.1", "--json").stdout)
    assert allowed["Decision"] == "allowed"
    assert allowed["MatchedStatements"][0]["Sid"] == "FromOffice"
    denied = json.loads(explain(server, "--principal", arn, "--action", "s3:DeleteObject",
                                "--json").stdout)
    assert denied["Decision"] == "explicitDeny"
    assert denied["DeniedBy"] == {"Layer": "identity", "Explicit": True}


def test_explain_table_for_a_role(server, account, iam):
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "AWS": account.account_id}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="reader",
                           PolicyArn="arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
    done = explain(server, "--principal", f"arn:aws:iam::{account.account_id}:role/reader",
                   "--action", "rds:DescribeDBInstances")
    assert done.returncode == 0, done.stderr
    assert "AmazonRDSReadOnlyAccess" in done.stdout
    assert "Decision: allowed" in done.stdout


def test_explain_unknown_principal_fails_clearly(server, account):
    done = explain(server, "--principal", f"arn:aws:iam::{account.account_id}:user/ghost",
                   "--action", "s3:GetObject")
    assert done.returncode != 0
    assert "no such user" in done.stderr
