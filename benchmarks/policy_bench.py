"""Policy engine throughput: decisions per second on one core after compilation.

Workload: an IAM user with 10 attached policies of 5 statements each, using wildcards,
policy variables and conditions (string, IP, Bool, date, tag), decided for a rotating mix of
requests. If ``cedarpy`` is installed, an equivalent Cedar policy set (50 policies) decides the
same requests through it and the ratio is printed.

Run: .venv/bin/python benchmarks/policy_bench.py [--seconds N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from rolecall.policy import (
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

ACCOUNT = "123456789012"
SERVICES = ["s3", "dynamodb", "sqs", "sns", "ec2", "lambda", "kms", "logs", "iam", "ssm"]


def arn_base(service: str) -> str:
    """IAM ARNs carry no region (IAM refuses policies whose IAM resources name one)."""
    return f"arn:aws:{service}:{'' if service == 'iam' else 'us-east-1'}:{ACCOUNT}"


def policy_document(n: int, service: str) -> str:
    base = arn_base(service)
    statements = [
        {
            "Sid": "ReadOwn",
            "Effect": "Allow",
            "Action": [f"{service}:Get*", f"{service}:List*", f"{service}:Describe*"],
            "Resource": f"{base}:home/${{aws:username}}/*",
        },
        {
            "Sid": "TeamWrite",
            "Effect": "Allow",
            "Action": [f"{service}:Put*", f"{service}:Create*"],
            "Resource": f"{base}:team/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]}},
        },
        {
            "Sid": "OfficeOnly",
            "Effect": "Allow",
            "Action": f"{service}:Update*",
            "Resource": "*",
            "Condition": {
                "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
        },
        {
            "Sid": "UntilExpiry",
            "Effect": "Allow",
            "Action": f"{service}:Tag*",
            "Resource": f"{base}:*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        },
        {
            "Sid": "NoDeleteWithoutMfa",
            "Effect": "Deny",
            "Action": f"{service}:Delete*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Id": f"p{n}", "Statement": statements})


def requests() -> list[Request]:
    bob = RequestPrincipal(
        arn=f"arn:aws:iam::{ACCOUNT}:user/bob",
        account=ACCOUNT,
        type="User",
        user_id="AIDABOB",
        username="bob",
        tags={"team": "blue"},
    )
    context = {
        "aws:SourceIp": "10.1.2.3",
        "aws:MultiFactorAuthPresent": "true",
        "aws:CurrentTime": "2026-05-01T12:00:00Z",
    }
    out = []
    for service in SERVICES:
        base = arn_base(service)
        for action, resource in (
            ("GetItem", f"{base}:home/bob/a"),
            ("PutItem", f"{base}:team/x"),
            ("UpdateItem", f"{base}:any"),
            ("TagResource", f"{base}:thing"),
            ("DeleteItem", f"{base}:thing"),
            ("GetItem", f"{base}:home/alice/a"),
        ):
            out.append(Request(bob, f"{service}:{action}", resource, None, context))
    return out


def measure(run: Callable[[int], None], seconds: float) -> float:
    """Decisions per second, over repeated batches for at least ``seconds``."""
    batch = 0
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        run(batch)
        batch += 1
        done += 1
    return done / (time.perf_counter() - start)


def rolecall_runner() -> tuple[Callable[[int], None], list[bool]]:
    refs = [
        PolicyRef(
            f"arn:aws:iam::{ACCOUNT}:policy/p{i}",
            "IAM Policy",
            parse_policy(policy_document(i, s), PolicyType.IDENTITY),
        )
        for i, s in enumerate(SERVICES)
    ]
    policies = PolicySet(identity=refs)
    mix = requests()
    outcomes = [evaluate(r, policies).allowed for r in mix]

    def run(i: int) -> None:
        evaluate(mix[i % len(mix)], policies)

    return run, outcomes


def cedar_source() -> str:
    rules = []
    for service in SERVICES:

        def acts(*names: str, svc: str = service) -> str:
            return ", ".join(f'Action::"{svc}:{n}"' for n in names)

        base = arn_base(service)
        rules.append(
            f"permit(principal, action in [{acts('GetItem', 'ListItems', 'DescribeItem')}], "
            f"resource) when {{ resource.owner == principal.username && "
            f'resource.arn like "{base}:home/*" }};'
        )
        rules.append(
            f"permit(principal, action in [{acts('PutItem', 'CreateItem')}], resource) when "
            f'{{ resource.arn like "{base}:team/*" && '
            f'["blue", "green"].contains(principal.team) }};'
        )
        rules.append(
            f"permit(principal, action in [{acts('UpdateItem')}], resource) when "
            f'{{ (ip(context.source_ip).isInRange(ip("10.0.0.0/8")) || '
            f'ip(context.source_ip).isInRange(ip("192.0.2.0/24"))) && context.mfa }};'
        )
        rules.append(
            f"permit(principal, action in [{acts('TagResource')}], resource) when "
            f'{{ resource.arn like "{base}:*" && context.now < 1893456000 }};'
        )
        rules.append(
            f"forbid(principal, action in [{acts('DeleteItem')}], resource) when "
            f"{{ !context.mfa }};"
        )
    return "\n".join(rules)


def cedar_runner() -> tuple[Callable[[int], None], list[bool]] | None:
    try:
        import cedarpy
    except ImportError:
        return None
    policy_set = cedarpy.PolicySet.from_str(cedar_source())
    entities_list = [
        {
            "uid": {"type": "User", "id": "bob"},
            "attrs": {"username": "bob", "team": "blue"},
            "parents": [],
        },
    ]
    cedar_requests = []
    for request in requests():
        arn = request.resource
        owner = arn.split("home/")[1].split("/")[0] if "home/" in arn else ""
        entities_list.append(
            {
                "uid": {"type": "Resource", "id": arn},
                "attrs": {"arn": arn, "owner": owner},
                "parents": [],
            }
        )
        cedar_requests.append(
            {
                "principal": {"type": "User", "id": "bob"},
                "action": {"type": "Action", "id": request.action},
                "resource": {"type": "Resource", "id": arn},
                "context": {"source_ip": "10.1.2.3", "mfa": True, "now": 1777636800},
            }
        )
    entities = cedarpy.Entities.from_json_str(json.dumps(entities_list))
    outcomes = [
        cedarpy.is_authorized(r, policy_set, entities).decision == cedarpy.Decision.Allow
        for r in cedar_requests
    ]

    def run(i: int) -> None:
        cedarpy.is_authorized(cedar_requests[i % len(cedar_requests)], policy_set, entities)

    return run, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    run, outcomes = rolecall_runner()
    ours = measure(run, args.seconds)
    print(
        f"rolecall.policy: {ours:,.0f} decisions/s "
        f"(10 policies x 5 statements, {sum(outcomes)}/{len(outcomes)} requests allowed)"
    )
    cedar = cedar_runner()
    if cedar is None:
        print("cedarpy not installed: no reference run")
        return
    cedar_run, cedar_outcomes = cedar
    if cedar_outcomes != outcomes:
        print("warning: cedar decisions differ from rolecall's on this workload")
    theirs = measure(cedar_run, args.seconds)
    print(f"cedarpy {theirs:,.0f} decisions/s (same requests, 50 Cedar policies)")
    print(f"ratio rolecall/cedarpy: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
