"""Page 004's last step with real answers: the EC2 and RDS calls are decided by rolecall and
served by the embedded moto. Bob (ec2:Describe*) sees the instance the root started and is
refused RDS; with example-role's session (AmazonRDSReadOnlyAccess) it is the reverse."""

from __future__ import annotations

from .gateway_helpers import client
from .test_rehearsal_page004_other_services import EC2_QUERY, _walk_to_role

MOTO_AMI = "ami-03cf127a"  # one of the images moto ships
REGION = "eu-west-1"  # as the walk-through's profile sets it


def test_bob_lists_the_instance_the_root_started_and_is_refused_rds(aws, account, tmp_path):
    bob = _walk_to_role(aws, account, tmp_path)
    started = client(account, "ec2", region=REGION).run_instances(
        ImageId=MOTO_AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    instance_id = started["Instances"][0]["InstanceId"]
    listed = aws("ec2", "describe-instances", "--query", EC2_QUERY, env=bob)
    assert listed.returncode == 0, listed.stderr
    rows = [row for reservation in listed.json for row in reservation]
    assert [row[1] for row in rows] == [instance_id]
    assert rows[0][2:] == [MOTO_AMI, "t3.micro"]
    rds = aws("rds", "describe-db-instances", env=bob)
    assert rds.returncode != 0
    assert rds.stderr.strip() == (
        "An error occurred (AccessDenied) when calling the DescribeDBInstances operation: "
        f"User: arn:aws:iam::{account.account_id}:user/Bob is not authorized to perform: "
        f"rds:DescribeDBInstances on resource: arn:aws:rds:{REGION}:{account.account_id}:db:* "
        "because no identity-based policy allows the rds:DescribeDBInstances action")


def test_the_role_session_lists_databases_and_is_refused_ec2(aws, account, tmp_path):
    bob = _walk_to_role(aws, account, tmp_path)
    creds = aws("sts", "assume-role", "--role-arn",
                f"arn:aws:iam::{account.account_id}:role/example-role",
                "--role-session-name", "AWSCLI-Session", env=bob).json["Credentials"]
    role = {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"], "AWS_DEFAULT_REGION": REGION}
    client(account, "rds", region=REGION).create_db_instance(
        DBInstanceIdentifier="database-1", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="admin1", MasterUserPassword="password-1234", AllocatedStorage=20)
    ec2 = aws("ec2", "describe-instances", env=role)
    assert ec2.returncode != 0
    assert ec2.stderr.strip() == (
        "An error occurred (UnauthorizedOperation) when calling the DescribeInstances "
        "operation: You are not authorized to perform this operation. User: "
        f"arn:aws:sts::{account.account_id}:assumed-role/example-role/AWSCLI-Session is not "
        "authorized to perform: ec2:DescribeInstances because no identity-based policy "
        "allows the ec2:DescribeInstances action")
    rds = aws("rds", "describe-db-instances", "--query", "DBInstances[*].DBInstanceIdentifier",
              env=role)
    assert rds.returncode == 0, rds.stderr
    assert rds.json == ["database-1"]


def test_accounts_see_only_their_own_resources(server):
    from ..conftest import new_account

    first, second = new_account(server), new_account(server)
    client(first, "ec2").run_instances(ImageId=MOTO_AMI, MinCount=1, MaxCount=1)
    seen = client(second, "ec2").describe_instances()["Reservations"]
    assert seen == []
    owner = client(first, "ec2").describe_instances()["Reservations"][0]["OwnerId"]
    assert owner == first.account_id
