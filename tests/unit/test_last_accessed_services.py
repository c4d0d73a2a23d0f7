"""Which services and actions a last-accessed report lists for a set of policies."""

from __future__ import annotations

import json

from rolecall.data.action_last_accessed import tracked
from rolecall.iam.last_accessed import _allowed, _service_name, _services
from rolecall.policy import parse_policy
from rolecall.policy.validate import PolicyType


def _policy(statement: dict) -> list:
    document = {"Version": "2012-10-17", "Statement": [{"Resource": "*", **statement}]}
    return [parse_policy(json.dumps(document), PolicyType.IDENTITY)]


def _granted(policies, namespace: str) -> list[str]:
    return _allowed(policies, namespace, _services()[namespace][1], True)


def test_service_names_are_the_reports_not_the_references():
    assert _service_name("iam", "AWS Identity and Access Management (IAM)") == (
        "AWS Identity and Access Management")
    assert _service_name("s3", "Amazon S3") == "Amazon Simple Storage Service"
    assert _services()["iam"][0] == "AWS Identity and Access Management"


def test_wildcards_and_not_action_grant_what_they_match():
    reads = _policy({"Effect": "Allow", "Action": "iam:Get*"})
    assert "GetUser" in _granted(reads, "iam") and "CreateUser" not in _granted(reads, "iam")
    assert _granted(reads, "s3") == []
    everything_but_iam = _policy({"Effect": "Allow", "NotAction": "iam:*"})
    assert _granted(everything_but_iam, "iam") == []
    assert "GetObject" in _granted(everything_but_iam, "s3")


def test_a_deny_grants_nothing():
    assert _granted(_policy({"Effect": "Deny", "Action": "*"}), "ec2") == []


def test_s3_object_actions_are_data_events_not_tracked():
    actions = _services()["s3"][1]
    assert tracked("s3", actions["CreateBucket"]) and not tracked("s3", actions["GetObject"])
    assert tracked("iam", actions.get("x", [])) and not tracked("dynamodb", [])
