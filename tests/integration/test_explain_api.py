"""POST /_rolecall/explain: the explain report over HTTP, signed like any IAM call."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "ListOnly", "Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})


def _post(endpoint: str, body: dict, key: tuple[str, str] | None):
    data = json.dumps(body).encode()
    request = AWSRequest("POST", endpoint + "/_rolecall/explain", data=data,
                         headers={"Content-Type": "application/json"})
    if key is not None:
        SigV4Auth(Credentials(*key), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    http = urllib.request.Request(prepared.url, data=data, method="POST",
                                  headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(http, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_explain_reports_the_failed_condition_with_the_values_compared(iam, account):
    iam.create_user(UserName="Bob")
    iam.put_user_policy(UserName="Bob", PolicyName="list", PolicyDocument=POLICY)
    root = (account.access_key_id, account.secret_access_key)
    bob_arn = f"arn:aws:iam::{account.account_id}:user/Bob"
    status, report = _post(account.endpoint, {
        "PrincipalArn": bob_arn, "Action": "iam:ListRoles", "Resource": "*",
        "Context": {"aws:SourceIp": "192.0.2.7"}}, root)
    assert status == 200
    assert report["Decision"] == "implicitDeny"
    statement = report["Policies"][0]["Statements"][0]
    assert statement["Sid"] == "ListOnly" and statement["FailedElement"] == "Condition"
    condition = statement["Conditions"][0]
    assert condition["RequestValues"] == ["192.0.2.7"]
    assert condition["PolicyValues"] == ["10.0.0.0/8"] and condition["Result"] is False

    status, report = _post(account.endpoint, {
        "PrincipalArn": bob_arn, "Action": "iam:ListRoles", "Resource": "*",
        "Context": {"aws:SourceIp": "10.1.2.3"}}, root)
    assert (status, report["Decision"]) == (200, "allowed")


def test_explain_needs_a_signature_and_permission(iam, account):
    iam.create_user(UserName="Eve")
    key = iam.create_access_key(UserName="Eve")["AccessKey"]
    body = {"PrincipalArn": f"arn:aws:iam::{account.account_id}:user/Eve",
            "Action": "iam:ListRoles", "Resource": "*"}
    status, report = _post(account.endpoint, body, None)
    assert (status, report["Error"]["Code"]) == (403, "MissingAuthenticationToken")
    status, report = _post(account.endpoint, body,
                           (key["AccessKeyId"], key["SecretAccessKey"]))
    assert (status, report["Error"]["Code"]) == (403, "AccessDenied")
    assert "iam:SimulatePrincipalPolicy" in report["Error"]["Message"]


def test_explain_refuses_principals_of_other_accounts(account):
    status, report = _post(account.endpoint, {
        "PrincipalArn": "arn:aws:iam::000000000000:user/x", "Action": "iam:ListRoles",
        "Resource": "*"}, (account.access_key_id, account.secret_access_key))
    assert (status, report["Error"]["Code"]) == (400, "InvalidInput")
