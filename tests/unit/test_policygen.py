"""The pure parts of policy generation and audit reading: documents from grants, literal
resources, --since parsing, the decisions noted in a record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolecall.audit import events
from rolecall.audit.query import parse_since
from rolecall.policy import (
    PolicyRef,
    PolicySet,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)
from rolecall.policy.validate import PolicyType
from rolecall.policygen.generate import literal_resource, policy_document

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
ARN = "arn:aws:iam::123456789012:user/dev"


def _allowed(document: dict, action: str, resource: str) -> bool:
    policy = parse_policy(json.dumps(document), PolicyType.IDENTITY)
    request = Request(RequestPrincipal(ARN, "123456789012", "IAMUser"), action, resource)
    return evaluate(request, PolicySet(identity=[PolicyRef("p", "user", policy)])).allowed


def test_actions_are_grouped_per_service_and_resource_set():
    document = policy_document({
        "iam:GetUser": {"arn:aws:iam::1:user/a"},
        "iam:DeleteUser": {"arn:aws:iam::1:user/a"},
        "iam:ListRoles": {"*", "arn:aws:iam::1:role/x"},
        "s3:GetObject": {"arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2"},
    })
    assert document == {"Version": "2012-10-17", "Statement": [
        {"Sid": "Iam1", "Effect": "Allow", "Action": ["iam:DeleteUser", "iam:GetUser"],
         "Resource": "arn:aws:iam::1:user/a"},
        {"Sid": "Iam2", "Effect": "Allow", "Action": ["iam:ListRoles"], "Resource": "*"},
        {"Sid": "S3", "Effect": "Allow", "Action": ["s3:GetObject"],
         "Resource": ["arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2"]},
    ]}


@given(st.text(alphabet="ab*?$/{}-", min_size=1, max_size=12))
def test_a_literal_resource_matches_itself_and_nothing_wider(key):
    resource = f"arn:aws:s3:::bucket/{key}"
    document = policy_document({"s3:GetObject": {resource}})
    assert _allowed(document, "s3:GetObject", resource)
    assert not _allowed(document, "s3:GetObject", resource + "x")
    if "*" in key or "?" in key:
        plain = resource.replace("*", "a").replace("?", "a")
        assert plain == resource or not _allowed(document, "s3:GetObject", plain)


def test_literal_resource_keeps_the_wildcard_resource():
    assert literal_resource("*") == "*"
    assert literal_resource("arn:aws:s3:::b/a*b") == "arn:aws:s3:::b/a${*}b"


@given(st.lists(st.tuples(st.integers(0, 999), st.sampled_from("smhdw")), min_size=1,
                max_size=4))
def test_durations_count_back_from_now(parts):
    text = "".join(f"{n}{u}" for n, u in parts)
    seconds = sum(n * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[u]
                  for n, u in parts)
    assert parse_since(text, NOW) == NOW - dt.timedelta(seconds=seconds)


def test_since_takes_iso_times_and_refuses_anything_else():
    assert parse_since("2026-12-01T00:00:00Z", NOW) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert parse_since("2026-12-01", NOW) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert parse_since("P1DT2H", NOW) == NOW - dt.timedelta(days=1, hours=2)
    assert parse_since("PT30M", NOW) == NOW - dt.timedelta(minutes=30)
    for bad in ("", "soon", "7", "d7", "7x", "-1d", "P", "PT"):
        with pytest.raises(ValueError):
            parse_since(bad, NOW)


def test_a_noted_decision_names_the_deciding_statement():
    policy = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Reads", "Effect": "Allow", "Action": "iam:Get*", "Resource": "*"},
        {"Sid": "NoRoles", "Effect": "Deny", "Action": "iam:GetRole", "Resource": "*"}]}),
        PolicyType.IDENTITY)
    policies = PolicySet(identity=[PolicyRef("reads", "user", policy)])
    principal = RequestPrincipal(ARN, "123456789012", "IAMUser")
    audit: dict = {}
    for action in ("iam:GetUser", "iam:GetRole", "iam:ListUsers"):
        decision = evaluate(Request(principal, action, "arn:aws:iam::123456789012:user/x"),
                            policies)
        events.note_decision(audit, action, "arn:aws:iam::123456789012:user/x", decision)
    events.note_decision(audit, "iam:CreateUser", None, None)
    allowed, denied, implicit, root = events.decisions(audit)
    assert (allowed["decision"], allowed["statement"]["sid"]) == ("allowed", "Reads")
    assert (denied["decision"], denied["statement"]["sid"]) == ("explicitDeny", "NoRoles")
    assert (implicit["decision"], implicit["statement"], implicit["deniedBy"]) == (
        "implicitDeny", None, "identity")
    assert (root["basis"], root["resource"]) == ("accountRoot", None)


def test_principal_columns_name_the_role_behind_a_session():
    record = {"userIdentity": {"type": "AssumedRole",
                               "arn": "arn:aws:sts::1:assumed-role/r/s",
                               "sessionContext": {"sessionIssuer": {
                                   "type": "Role", "arn": "arn:aws:iam::1:role/p/r"}}}}
    assert events.principal_columns(record) == ("arn:aws:sts::1:assumed-role/r/s",
                                                "arn:aws:iam::1:role/p/r")
    assert events.principal_columns({"userIdentity": {"type": "IAMUser", "arn": ARN}}) == (
        ARN, ARN)
    assert events.principal_columns({"userIdentity": {"type": "Anonymous"}}) == (None, None)

