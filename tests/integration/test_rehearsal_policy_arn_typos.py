"""Page 004's `attach-user-policy` / `attach-role-policy` with a mistyped policy ARN. IAM
validates every element of an ARN it is given (AWS's 2024 notice on strict IAM ARN
validation: partition, service `iam`, empty region, a valid resource type) and answers a
malformed one with InvalidInput "ARN <arn> is not valid." (as observed for
`arn:aws:iam::aws:policy/arn:aws:iam::aws:policy/...` in aws-samples/aws-cdk-examples#335);
a well-formed ARN of no policy stays NoSuchEntity."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("typo", [
    "arn:aws:iam:ACCOUNT:policy/example-policy",       # one colon before the account
    "arn:aws:iam::ACCOUNT:role/example-policy",        # a role's ARN
    "arn:aws:iam:us-east-1:ACCOUNT:policy/example-policy",  # a region
    "arn:aws:iam::aws:policy/arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess",
])
def test_malformed_policy_arn_is_invalid_input(aws, account, typo):
    aws("iam", "create-user", "--user-name", "Bob")
    arn = typo.replace("ACCOUNT", account.account_id)
    result = aws("iam", "attach-user-policy", "--user-name", "Bob", "--policy-arn", arn)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "An error occurred (InvalidInput) when calling the AttachUserPolicy operation: "
        f"ARN {arn} is not valid.")
    assert aws("iam", "list-attached-user-policies", "--user-name", "Bob").json == {
        "AttachedPolicies": []}


def test_misspelled_managed_policy_name_is_no_such_entity(aws):
    aws("iam", "create-role", "--role-name", "example-role", "--assume-role-policy-document",
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":'
        '{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}')
    arn = "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAcess"
    result = aws("iam", "attach-role-policy", "--role-name", "example-role",
                 "--policy-arn", arn)
    assert result.stderr.strip() == (
        "An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: "
        f"Policy {arn} does not exist or is not attachable.")


def test_a_policy_arn_that_is_no_arn_is_a_validation_error(aws):
    aws("iam", "create-user", "--user-name", "Carol")
    result = aws("iam", "attach-user-policy", "--user-name", "Carol",
                 "--policy-arn", "ReadOnlyAccess-not-an-arn")
    assert result.stderr.strip() == (
        "An error occurred (ValidationError) when calling the AttachUserPolicy operation: "
        "ARN ReadOnlyAccess-not-an-arn is not valid.")
