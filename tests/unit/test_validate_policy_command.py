"""`rolecall validate-policy`: IAM's refusal for malformed documents, findings for valid ones."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rolecall.cli import main

GOOD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:DescribeInstancez", "iam:ListRoles"], "Resource": "*"}]})


def test_unknown_action_is_an_error_finding():
    result = CliRunner().invoke(main, ["validate-policy", "-", "--json"], input=GOOD)
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["valid"] is True
    codes = {(f["issue_code"], f["statement_index"]) for f in report["findings"]}
    assert ("INVALID_ACTION", 0) in codes
    assert "ec2:DescribeInstancez" in report["findings"][0]["message"]


def test_principal_in_an_identity_policy_is_malformed_and_exits_1():
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
    result = CliRunner().invoke(main, ["validate-policy", "-", "--json"], input=document)
    assert result.exit_code == 1
    assert json.loads(result.output)["error"] == "Policy document should not specify a principal."


def test_trust_policy_type_is_checked_as_a_trust_policy():
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}]})
    result = CliRunner().invoke(main, ["validate-policy", "-", "--type", "trust"], input=trust)
    assert result.exit_code == 0
    assert "Valid" in result.output


def test_the_first_error_is_the_one_createpolicy_gives():
    # Recorded CreatePolicy answers (tests/policy/recorded_documents.py): a missing Version is
    # reported before the duplicate statement ids of the same document (case 60).
    document = json.dumps({"Statement": [
        {"Sid": "sdf", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::example_bucket"},
        {"Sid": "sdf", "Effect": "Allow"}]})
    result = CliRunner().invoke(main, ["validate-policy", "-", "--type", "managed", "--json"],
                                input=document)
    assert result.exit_code == 1
    assert json.loads(result.output)["error"] == (
        "Policy document must be version 2012-10-17 or greater.")
    inline = CliRunner().invoke(main, ["validate-policy", "-", "--json"], input=document)
    assert json.loads(inline.output)["error"] == (
        "Statement IDs (SID) in a single policy must be unique.")
