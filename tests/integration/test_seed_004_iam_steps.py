"""The IAM steps of "How do I assume an IAM role using the AWS CLI?", with the real aws CLI."""

from __future__ import annotations

import json

EXAMPLE_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "ec2:Describe*",
        "iam:ListRoles",
        "sts:AssumeRole"
      ],
      "Resource": "*"
    }
  ]
}
"""


def _trust_policy(account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": account_id}, "Action": "sts:AssumeRole"}},
        indent=2)


def test_page_004_iam_steps(aws, account, tmp_path):
    acct = account.account_id
    (tmp_path / "example-policy.json").write_text(EXAMPLE_POLICY)
    (tmp_path / "example-role-trust-policy.json").write_text(_trust_policy(acct))

    def run(*args: str):
        result = aws("iam", *args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.json

    user = run("create-user", "--user-name", "Bob")["User"]
    assert user["Arn"] == f"arn:aws:iam::{acct}:user/Bob"

    policy = run("create-policy", "--policy-name", "example-policy",
                 "--policy-document", "file://example-policy.json")["Policy"]
    policy_arn = f"arn:aws:iam::{acct}:policy/example-policy"
    assert policy["Arn"] == policy_arn and policy["DefaultVersionId"] == "v1"

    assert run("attach-user-policy", "--user-name", "Bob", "--policy-arn", policy_arn) is None
    attached = run("list-attached-user-policies", "--user-name", "Bob")
    assert attached == {"AttachedPolicies": [
        {"PolicyName": "example-policy", "PolicyArn": policy_arn}]}

    role = run("create-role", "--role-name", "example-role", "--assume-role-policy-document",
               "file://example-role-trust-policy.json")["Role"]
    assert role["Arn"] == f"arn:aws:iam::{acct}:role/example-role"
    rds = "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess"
    assert run("attach-role-policy", "--role-name", "example-role", "--policy-arn", rds) is None
    role_policies = run("list-attached-role-policies", "--role-name", "example-role")
    assert role_policies == {"AttachedPolicies": [
        {"PolicyName": "AmazonRDSReadOnlyAccess", "PolicyArn": rds}]}

    key = run("create-access-key", "--user-name", "Bob")["AccessKey"]
    assert key["UserName"] == "Bob" and key["Status"] == "Active"
    assert key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40

    stored = run("get-policy-version", "--policy-arn", policy_arn, "--version-id", "v1")
    assert stored["PolicyVersion"]["Document"] == json.loads(EXAMPLE_POLICY)
