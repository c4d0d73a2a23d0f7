"""The authorizer's decision memo answers exactly what the engine answers, whatever the
request context holds, because it keys decisions by every condition key a policy reads."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.authz.decisions import DecisionMemo
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
IDENTITY = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/${aws:username}/*"},
    {"Effect": "Allow", "Action": "iam:Get*", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
    {"Effect": "Allow", "Action": "sqs:*", "Resource": "*",
     "Condition": {"Null": {"aws:RequestTag/team": "false"}}},
]}), PolicyType.IDENTITY)
BOUNDARY = parse_policy(json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "NotAction": "iam:GetUser", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
]}), PolicyType.BOUNDARY)
POLICY_SETS = [
    PolicySet(identity=[PolicyRef("Identity", "inline", IDENTITY)]),
    PolicySet(identity=[PolicyRef("Identity", "inline", IDENTITY)],
              boundary=[PolicyRef("Boundary", "managed", BOUNDARY)]),
]
PRINCIPALS = [
    RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/{name}", ACCOUNT, "User",
                     user_id=f"AIDA{name.upper()}", username=name)
    for name in ("ana", "bob")
]

_context = st.fixed_dictionaries({}, optional={
    "aws:SourceIp": st.sampled_from(["10.1.2.3", "192.168.0.1"]),
    "aws:CurrentTime": st.sampled_from(["2024-05-01T00:00:00Z", "2031-05-01T00:00:00Z"]),
    "aws:RequestedRegion": st.sampled_from(["us-east-1", "eu-west-1"]),
    "aws:RequestTag/team": st.sampled_from(["core", "edge"]),
    "aws:UserAgent": st.text(max_size=3),
})
_question = st.tuples(
    st.integers(0, len(PRINCIPALS) - 1),
    st.sampled_from(["s3:GetObject", "iam:GetRole", "iam:GetUser", "sqs:SendMessage"]),
    st.sampled_from(["arn:aws:s3:::bucket/ana/x", "arn:aws:s3:::bucket/bob/x", "*"]),
    st.integers(0, len(POLICY_SETS) - 1),
    _context,
)


@settings(max_examples=60)
@given(st.lists(_question, min_size=1, max_size=25))
def test_a_remembered_decision_is_the_engines(questions):
    memo = DecisionMemo()
    for principal, action, resource, policies, context in questions:
        request = Request(PRINCIPALS[principal], action, resource, ACCOUNT, context)
        remembered = memo.decide(request, POLICY_SETS[policies], evaluate)
        assert remembered == evaluate(request, POLICY_SETS[policies])


def test_keys_no_policy_reads_share_one_decision():
    memo = DecisionMemo()
    calls = []

    def counting(request, policies):
        calls.append(request)
        return evaluate(request, policies)

    for agent in ("a", "b", "c"):
        request = Request(PRINCIPALS[0], "s3:GetObject", "arn:aws:s3:::bucket/ana/x", ACCOUNT,
                          {"aws:UserAgent": agent})
        assert memo.decide(request, POLICY_SETS[0], counting).allowed
    assert len(calls) == 1
