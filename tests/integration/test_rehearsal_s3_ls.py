"""Pages 001 and 002 end on `aws s3 ls ... --profile <role profile>`: S3 calls are decided
by the role's permissions and refused in S3's own words, as AWS answers them:
ListObjectsV2 names the bucket ARN in quotes ("is not authorized to perform: s3:ListBucket
on resource: \\"arn:aws:s3:::<bucket>\\" because no identity-based policy allows the
s3:ListBucket action"), ListBuckets names no resource ("... s3:ListAllMyBuckets because no
identity-based policy allows the s3:ListAllMyBuckets action")."""

from __future__ import annotations

import json
import secrets

from .gateway_helpers import client

BUCKET2 = f"amzn-s3-demo-bucket2-{secrets.token_hex(4)}"  # bucket names are global


def _role_profile(aws, account) -> str:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"},
        "Action": "sts:AssumeRole"}]}
    aws("iam", "create-role", "--role-name", "efgh",
        "--assume-role-policy-document", json.dumps(trust))
    aws("iam", "put-role-policy", "--role-name", "efgh", "--policy-name", "read-bucket2",
        "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET2}", f"arn:aws:s3:::{BUCKET2}/*"]}]}))
    aws("iam", "create-user", "--user-name", "app")
    aws("iam", "put-user-policy", "--user-name", "app", "--policy-name", "assume",
        "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{account.account_id}:role/efgh"}]}))
    key = aws("iam", "create-access-key", "--user-name", "app").json["AccessKey"]
    (aws.home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {key['AccessKeyId']}\n"
        f"aws_secret_access_key = {key['SecretAccessKey']}\n")
    (aws.home / ".aws" / "config").write_text(
        "[default]\nregion = us-east-1\n"
        "[profile crossaccount]\n"
        f"role_arn = arn:aws:iam::{account.account_id}:role/efgh\n"
        "source_profile = default\nrole_session_name = app-session\n")
    return f"arn:aws:sts::{account.account_id}:assumed-role/efgh/app-session"


def test_s3_ls_is_decided_by_the_role_profiles_permissions(aws, account):
    session_arn = _role_profile(aws, account)
    root = client(account, "s3")
    root.create_bucket(Bucket=BUCKET2)
    root.put_object(Bucket=BUCKET2, Key="report.csv", Body=b"a,b\n1,2\n")
    files = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    allowed = aws("s3", "ls", BUCKET2, "--profile", "crossaccount", env=files)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.split()[-2:] == ["8", "report.csv"]
    denied = aws("s3", "ls", "amzn-s3-demo-bucket1", "--profile", "crossaccount", env=files)
    assert denied.stderr.strip() == (
        "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: User: "
        f"{session_arn} is not authorized to perform: s3:ListBucket on resource: "
        '"arn:aws:s3:::amzn-s3-demo-bucket1" because no identity-based policy allows the '
        "s3:ListBucket action")
    buckets = aws("s3", "ls", "--profile", "crossaccount", env=files)
    assert buckets.stderr.strip() == (
        "An error occurred (AccessDenied) when calling the ListBuckets operation: User: "
        f"{session_arn} is not authorized to perform: s3:ListAllMyBuckets because no "
        "identity-based policy allows the s3:ListAllMyBuckets action")
    copied = aws("s3", "cp", f"s3://{BUCKET2}/report.csv", "-",
                 "--profile", "crossaccount", env=files)
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout == "a,b\n1,2\n"
