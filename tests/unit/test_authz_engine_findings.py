"""Behaviour enforcement relies on from the policy engine (rolecall.policy)."""

from __future__ import annotations

import json

from rolecall.policy import (
    PolicyRef,
    PolicySet,
    PolicyType,
    Request,
    RequestPrincipal,
    evaluate,
    parse_policy,
)

ACCOUNT = "111111111111"
BOB = RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/bob", ACCOUNT, "User")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/r"


def trust(principal: str) -> PolicyRef:
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
    return PolicyRef("TrustPolicy", "resource", parse_policy(text, PolicyType.TRUST))


def identity(*actions: str) -> list[PolicyRef]:
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": list(actions), "Resource": "*"}]})
    return [PolicyRef("p", "user", parse_policy(text, PolicyType.IDENTITY))]


def test_trust_policy_naming_the_account_delegates_to_identity_policies():
    policies = PolicySet(identity=identity("sts:AssumeRole"), resource=trust(ACCOUNT))
    assert evaluate(Request(BOB, "sts:AssumeRole", ROLE), policies).allowed


def test_trust_policy_that_does_not_trust_the_caller_refuses_assume_role():
    policies = PolicySet(identity=identity("sts:AssumeRole"),
                         resource=trust(f"arn:aws:iam::{ACCOUNT}:user/alice"))
    assert not evaluate(Request(BOB, "sts:AssumeRole", ROLE), policies).allowed
