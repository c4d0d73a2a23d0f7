"""Secrets never reach logs, audit records or error messages."""

from __future__ import annotations

import json
import urllib.request

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from rolecall.audit.show import recent
from rolecall.store.db import Database
from tests.conftest import new_account, start_server, stop_server


def test_no_secret_in_server_log_or_audit_records(server, tmp_path):
    running = start_server(server.db_url, tmp_path / "debug.log", "--log-level", "debug")
    try:
        account = new_account(server)
        account.endpoint = running.endpoint
        iam = account.client("iam")
        iam.create_user(UserName="Bob")
        key = iam.create_access_key(UserName="Bob")["AccessKey"]
        iam.create_login_profile(UserName="Bob", Password="Correct-Horse-9-Battery")
        bob_arn = f"arn:aws:iam::{account.account_id}:user/Bob"
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": bob_arn}}]}))
        bob_sts = account.client("sts", access_key_id=key["AccessKeyId"],
                                 secret_access_key=key["SecretAccessKey"])
        creds = bob_sts.assume_role(RoleArn=f"arn:aws:iam::{account.account_id}:role/r",
                                    RoleSessionName="ss")["Credentials"]
        # A presigned GetCallerIdentity URL carries the session token in its query string.
        request = AWSRequest("GET", running.endpoint +
                             "/?Action=GetCallerIdentity&Version=2011-06-15")
        SigV4QueryAuth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"],
                                   creds["SessionToken"]), "sts", "us-east-1").add_auth(request)
        with urllib.request.urlopen(request.prepare().url, timeout=10) as response:
            assert response.status == 200
        secrets = [account.secret_access_key, key["SecretAccessKey"], "Correct-Horse-9-Battery",
                   creds["SecretAccessKey"], creds["SessionToken"]]
    finally:
        stop_server(running)
    log = (tmp_path / "debug.log").read_text()
    assert "GetCallerIdentity" in log or "POST" in log or "GET" in log  # the log is not empty
    records = json.dumps(recent(Database(server.db_url), 500, account.account_id))
    assert "CreateAccessKey" in records and "AssumeRole" in records
    for secret in secrets:
        assert secret not in log
        assert secret not in records
