"""Page 004 as its reader runs it: Bob's `aws ec2 describe-instances` and
`aws rds describe-db-instances`, then the same as example-role, with AWS's refusal texts
(the allowed calls are answered by the gateway's upstream).

EC2's Describe* refusals carry no encoded authorization message (AWS's own output, e.g.
"You are not authorized to perform this operation. User: arn:aws:iam::583554811645:user/louise
is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows
the ec2:DescribeInstances action"); RDS names the instances' ARN `db:*` (awslabs/pireporter#8,
aws-well-architected-labs#854)."""

from __future__ import annotations

import json

EXAMPLE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:Describe*", "iam:ListRoles", "sts:AssumeRole"],
     "Resource": "*"}]}
TRUST = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Principal": {"AWS": "ACCOUNT"}, "Action": "sts:AssumeRole"}}
EC2_QUERY = "Reservations[*].Instances[*].[VpcId, InstanceId, ImageId, InstanceType]"
RDS_QUERY = ("DBInstances[*].[DBInstanceIdentifier, DBName, DBInstanceStatus, "
             "AvailabilityZone, DBInstanceClass]")


def _walk_to_role(aws, account, tmp_path):
    home = tmp_path / "home"
    (home / "example-policy.json").write_text(json.dumps(EXAMPLE_POLICY))
    trust = json.dumps(TRUST).replace("ACCOUNT", account.account_id)
    (home / "example-role-trust-policy.json").write_text(trust)
    aws("iam", "create-user", "--user-name", "Bob")
    arn = aws("iam", "create-policy", "--policy-name", "example-policy", "--policy-document",
              "file://example-policy.json").json["Policy"]["Arn"]
    aws("iam", "attach-user-policy", "--user-name", "Bob", "--policy-arn", arn)
    aws("iam", "create-role", "--role-name", "example-role",
        "--assume-role-policy-document", "file://example-role-trust-policy.json")
    aws("iam", "attach-role-policy", "--role-name", "example-role",
        "--policy-arn", "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
    key = aws("iam", "create-access-key", "--user-name", "Bob").json["AccessKey"]
    bob = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
           "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"], "AWS_DEFAULT_REGION": "eu-west-1"}
    return bob


def test_bob_is_refused_rds_for_every_instance_arn(aws, account, tmp_path):
    bob = _walk_to_role(aws, account, tmp_path)
    ec2 = aws("ec2", "describe-instances", "--query", EC2_QUERY, env=bob)
    assert ec2.returncode == 0, ec2.stderr
    rds = aws("rds", "describe-db-instances", "--query", RDS_QUERY, env=bob)
    assert rds.returncode != 0
    assert rds.stderr.strip() == (
        "An error occurred (AccessDenied) when calling the DescribeDBInstances operation: "
        f"User: arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"rds:DescribeDBInstances on resource: arn:aws:rds:eu-west-1:{account.account_id}:db:* "
        "because no identity-based policy allows the rds:DescribeDBInstances action")


def test_example_role_is_refused_ec2_describe_without_an_encoded_message(aws, account,
                                                                         tmp_path):
    bob = _walk_to_role(aws, account, tmp_path)
    creds = aws("sts", "assume-role", "--role-arn",
                f"arn:aws:iam::{account.account_id}:role/example-role",
                "--role-session-name", "AWSCLI-Session", env=bob).json["Credentials"]
    role = {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"], "AWS_DEFAULT_REGION": "eu-west-1"}
    ec2 = aws("ec2", "describe-instances", "--query", EC2_QUERY, env=role)
    assert ec2.returncode != 0
    assert ec2.stderr.strip() == (
        "An error occurred (UnauthorizedOperation) when calling the DescribeInstances "
        "operation: You are not authorized to perform this operation. User: "
        f"arn:aws:sts::{account.account_id}:assumed-role/example-role/AWSCLI-Session is not "
        "authorized to perform: ec2:DescribeInstances because no identity-based policy "
        "allows the ec2:DescribeInstances action")
    rds = aws("rds", "describe-db-instances", "--query", RDS_QUERY, env=role)
    assert rds.returncode == 0, rds.stderr
    one = aws("rds", "describe-db-instances", "--db-instance-identifier", "database-1",
              env=bob)
    assert (f"rds:DescribeDBInstances on resource: arn:aws:rds:eu-west-1:"
            f"{account.account_id}:db:database-1 because") in one.stderr
