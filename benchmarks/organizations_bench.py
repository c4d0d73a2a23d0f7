"""What an organization costs a signed call: server time of the same IAM call by an IAM
user with AdministratorAccess, alone in its account and in a member account two OUs deep
with three SCPs on its path (a Deny at the root, at each OU, FullAWSAccess at every level).

The calls run in-process through ``pipeline.handle`` (SigV4 verification, parsing,
validation, authorization with the SCP layer, the handler, serialization, the audit record),
so the figure is server time without the HTTP stack, measured as this process's CPU time
(the machine is shared: wall time mostly measures the neighbours). Short rounds alternate
between the two set-ups to share what noise remains; the medians are compared.

Run: .venv/bin/python benchmarks/organizations_bench.py [--calls N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from rolecall import pipeline
from rolecall.accounts import create_account
from rolecall.protocol import models
from rolecall.server import Server

ENDPOINT = "http://127.0.0.1:8080"


def _request(creds: dict[str, str], service: str, operation: str,
             params: dict) -> pipeline.HttpRequest:
    """A request signed as botocore signs it, in the pipeline's form."""
    from botocore.serialize import create_serializer

    model = models.operation_model(service, operation)
    protocol = models.service_model(service).metadata["protocol"]
    serialized = create_serializer(protocol).serialize_to_request(params, model)
    body = serialized["body"]
    if isinstance(body, dict):
        from urllib.parse import urlencode

        body = urlencode(body)
    body = body.encode() if isinstance(body, str) else body
    aws = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                     headers=dict(serialized["headers"]))
    if protocol == "query":
        aws.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    SigV4Auth(Credentials(creds["AccessKeyId"], creds["SecretAccessKey"]), service,
              "us-east-1").add_auth(aws)
    headers: dict[str, list[str]] = {}
    for name, value in aws.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    headers["host"] = ["127.0.0.1:8080"]
    return pipeline.HttpRequest("POST", "/", "", headers, body, "127.0.0.1", False)


def call(server: Server, creds: dict[str, str], service: str, operation: str,
         params: dict | None = None) -> dict:
    response = pipeline.handle(server, _request(creds, service, operation, params or {}))
    if response.status != 200:
        raise RuntimeError(f"{operation}: {response.status} {response.body[:300]!r}")
    return json.loads(response.body) if service == "organizations" else {}


def admin_user(server: Server, root: dict[str, str]) -> dict[str, str]:
    call(server, root, "iam", "CreateUser", {"UserName": "bench"})
    call(server, root, "iam", "AttachUserPolicy", {
        "UserName": "bench", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    key = pipeline.handle(server, _request(root, "iam", "CreateAccessKey",
                                           {"UserName": "bench"}))
    text = key.body.decode()
    return {"AccessKeyId": text.split("<AccessKeyId>")[1].split("<")[0],
            "SecretAccessKey": text.split("<SecretAccessKey>")[1].split("<")[0]}


def organization(server: Server) -> dict[str, str]:
    """A member account two OUs deep, three deny SCPs on its path; its admin user's key."""
    management = create_account(server.db, "111111111111")
    call(server, management, "organizations", "CreateOrganization", {})
    root_id = call(server, management, "organizations", "ListRoots")["Roots"][0]["Id"]
    call(server, management, "organizations", "EnablePolicyType",
         {"RootId": root_id, "PolicyType": "SERVICE_CONTROL_POLICY"})
    outer = call(server, management, "organizations", "CreateOrganizationalUnit",
                 {"ParentId": root_id, "Name": "outer"})["OrganizationalUnit"]["Id"]
    inner = call(server, management, "organizations", "CreateOrganizationalUnit",
                 {"ParentId": outer, "Name": "inner"})["OrganizationalUnit"]["Id"]
    request = call(server, management, "organizations", "CreateAccount",
                   {"Email": "bench@example.com", "AccountName": "bench"})
    status = call(server, management, "organizations", "DescribeCreateAccountStatus",
                  {"CreateAccountRequestId": request["CreateAccountStatus"]["Id"]})
    member = status["CreateAccountStatus"]["AccountId"]
    call(server, management, "organizations", "MoveAccount",
         {"AccountId": member, "SourceParentId": root_id, "DestinationParentId": inner})
    for n, target in enumerate((root_id, outer, inner)):
        content = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Action": [f"ec2:Delete{n}*", "s3:DeleteBucket"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]})
        policy = call(server, management, "organizations", "CreatePolicy", {
            "Content": content, "Description": "", "Name": f"deny{n}",
            "Type": "SERVICE_CONTROL_POLICY"})["Policy"]["PolicySummary"]["Id"]
        call(server, management, "organizations", "AttachPolicy",
             {"PolicyId": policy, "TargetId": target})
    member_root = create_account(server.db, member)
    return admin_user(server, member_root)


def timed(server: Server, requests: list[pipeline.HttpRequest]) -> float:
    start = time.process_time()
    for request in requests:
        if pipeline.handle(server, request).status != 200:
            raise RuntimeError("call refused")
    return (time.process_time() - start) / len(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        server = Server(f"sqlite:///{scratch}/bench.db")
        alone = admin_user(server, create_account(server.db, "222222222222"))
        member = organization(server)
        plain = [_request(alone, "iam", "GetUser", {}) for _ in range(args.calls)]
        in_org = [_request(member, "iam", "GetUser", {}) for _ in range(args.calls)]
        timed(server, plain[:200]), timed(server, in_org[:200])
        without, with_org = [], []
        for _ in range(args.rounds):
            without.append(timed(server, plain))
            with_org.append(timed(server, in_org))
        server.close()
    base, org = statistics.median(without), statistics.median(with_org)
    print(f"without an organization: {base * 1e6:8.1f} us per call (median of {args.rounds})")
    print(f"member, 2 OUs, 3 SCPs:   {org * 1e6:8.1f} us per call")
    print(f"overhead: {100 * (org - base) / base:+.1f}%")


if __name__ == "__main__":
    main()
