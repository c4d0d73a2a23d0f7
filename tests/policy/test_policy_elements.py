"""Action, Resource, Principal and their Not forms, from "IAM JSON policy elements
reference" (Action, NotAction, Resource, NotResource, Principal, NotPrincipal)."""

import pytest
from policy_helpers import ACCOUNT, OTHER, allow, decide, deny, identity, ref, root, session, user

from rolecall.policy import PolicyType, RequestPrincipal

BUCKET = "arn:aws:s3:::bucket/key"


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:GetUser", "IAM:getuser", True),
        ("IAM:Get*", "iam:GetUser", True),
        ("iam:*User", "iam:CreateUser", True),
        ("iam:*User", "iam:CreateUserX", False),
        ("iam:Get?ser", "iam:GetUser", True),
        ("iam:Get?ser", "iam:GetUUser", False),
        ("*", "sts:AssumeRole", True),
        ("s3:*", "s3express:CreateSession", False),
    ],
)
def test_action_matching_is_case_insensitive_with_wildcards(pattern, action, expected):
    assert decide(user(), action, identity=identity(allow(pattern))).allowed is expected


def test_not_action_allows_everything_else():
    policies = identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide(user(), "s3:GetObject", identity=policies).allowed
    assert not decide(user(), "iam:CreateUser", identity=policies).allowed


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/", True),
        ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a", False),
        # (IAM refuses "arn:aws:iam::1*" as unreadable by its legacy parser: five fields
        # with an empty one; recorded CreatePolicy answers, recorded_documents.py case 36.)
        ("arn:aws:s3:::b*", "arn:aws:s3:::b:x/y", True),
        ("arn:aws:s3:::bucket/?", "arn:aws:s3:::bucket/ab", False),
        ("arn:aws:s3:::bucket/a?", "arn:aws:s3:::bucket/ab", True),
    ],
)
def test_resource_matching_is_case_sensitive_and_star_crosses_separators(
    pattern, resource, expected
):
    assert (
        decide(user(), "s3:GetObject", resource, identity=identity(allow(resource=pattern))).allowed
        is expected
    )


def test_not_resource_with_deny():
    policies = identity(
        allow(), {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::ok/*"}
    )
    assert decide(user(), "s3:GetObject", "arn:aws:s3:::ok/x", identity=policies).allowed
    assert decide(user(), "s3:GetObject", BUCKET, identity=policies).decision == "explicitDeny"


def bucket_policy(element: str, principal: object, effect: str = "Allow"):
    return ref(
        PolicyType.RESOURCE,
        {"Effect": effect, element: principal, "Action": "s3:GetObject", "Resource": BUCKET},
    )


@pytest.mark.parametrize(
    "principal",
    [
        "*",
        {"AWS": "*"},
        {"AWS": ACCOUNT},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/Alice", f"arn:aws:iam::{ACCOUNT}:user/Bob"]},
    ],
)
def test_principal_forms_naming_a_user(principal):
    caller = user(account=OTHER)
    policies = identity(allow())
    policy = bucket_policy("Principal", principal)
    principal_ok = decide(
        caller, "s3:GetObject", BUCKET, resource_account=ACCOUNT, resource=policy, identity=policies
    )
    assert principal_ok.allowed is (principal in ("*", {"AWS": "*"}))
    same = user()
    assert decide(
        same, "s3:GetObject", BUCKET, resource_account=ACCOUNT, resource=policy, identity=policies
    ).allowed


def test_role_arn_principal_matches_its_sessions_and_session_arn_only_that_session():
    by_role = bucket_policy("Principal", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Dev"})
    by_session = bucket_policy("Principal", {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/s1"})
    assert decide(session("Dev", "s2"), "s3:GetObject", BUCKET, resource=by_role).allowed
    assert decide(session("Dev", "s1"), "s3:GetObject", BUCKET, resource=by_session).allowed
    assert not decide(session("Dev", "s2"), "s3:GetObject", BUCKET, resource=by_session).allowed
    assert not decide(session("Ops", "s1"), "s3:GetObject", BUCKET, resource=by_role).allowed


def test_federated_user_principal():
    caller = RequestPrincipal(
        arn=f"arn:aws:sts::{ACCOUNT}:federated-user/carol",
        account=ACCOUNT,
        type="FederatedUser",
        parent_user_arn=f"arn:aws:iam::{ACCOUNT}:user/Bob",
    )
    direct = bucket_policy("Principal", {"AWS": caller.arn})
    assert decide(caller, "s3:GetObject", BUCKET, resource=direct, session=[]).allowed
    parent = bucket_policy("Principal", {"AWS": caller.parent_user_arn})
    limited = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource=parent,
        session=[ref(PolicyType.SESSION, allow("iam:*"))],
    )
    assert limited.denied_by.layer == "session"


def test_not_principal_deny_spares_only_fully_listed_identities():
    bob = user()
    only_user = bucket_policy("NotPrincipal", {"AWS": bob.arn}, effect="Deny")
    with_account = bucket_policy("NotPrincipal", {"AWS": [bob.arn, ACCOUNT]}, effect="Deny")
    policies = identity(allow())
    assert (
        decide(bob, "s3:GetObject", BUCKET, identity=policies, resource=only_user).decision
        == "explicitDeny"
    )
    assert decide(bob, "s3:GetObject", BUCKET, identity=policies, resource=with_account).allowed
    assert (
        decide(
            user("Eve"), "s3:GetObject", BUCKET, identity=policies, resource=with_account
        ).decision
        == "explicitDeny"
    )


def test_not_principal_for_role_session_needs_session_arn():
    caller = session("Dev", "s1")
    role_only = bucket_policy("NotPrincipal", {"AWS": [caller.role_arn, ACCOUNT]}, effect="Deny")
    everything = bucket_policy(
        "NotPrincipal", {"AWS": [caller.role_arn, caller.arn, ACCOUNT]}, effect="Deny"
    )
    policies = identity(allow())
    assert (
        decide(caller, "s3:GetObject", BUCKET, identity=policies, resource=role_only).decision
        == "explicitDeny"
    )
    assert decide(caller, "s3:GetObject", BUCKET, identity=policies, resource=everything).allowed


def test_anonymous_caller_only_through_wildcard_principal():
    anonymous = RequestPrincipal(arn="anonymous", account="", type="Anonymous")
    assert decide(
        anonymous, "s3:GetObject", BUCKET, resource=bucket_policy("Principal", "*")
    ).allowed
    assert not decide(
        anonymous, "s3:GetObject", BUCKET, resource=bucket_policy("Principal", {"AWS": ACCOUNT})
    ).allowed


def test_canonical_user_principal():
    canonical = "a" * 64
    caller = user(account=OTHER, canonical_user_id=canonical)
    policy = bucket_policy("Principal", {"CanonicalUser": canonical})
    assert decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource_account=ACCOUNT,
        resource=policy,
        identity=identity(allow()),
    ).allowed


def test_root_cross_account_needs_resource_grant():
    other_root = root(OTHER)
    assert not decide(other_root, "s3:GetObject", BUCKET, resource_account=ACCOUNT).allowed
    policy = bucket_policy("Principal", {"AWS": OTHER})
    assert decide(
        other_root, "s3:GetObject", BUCKET, resource_account=ACCOUNT, resource=policy
    ).allowed


def test_matched_statement_positions_point_into_the_document():
    policies = identity(allow("s3:List*"), deny("s3:GetObject", Sid="NoGet"))
    decision = decide(user(), "s3:GetObject", identity=policies)
    matched = decision.matched[0]
    assert (matched.sid, matched.index) == ("NoGet", 1)
    lines = policies[0].policy.text.splitlines()
    assert lines[matched.start.line - 1][matched.start.column - 1] == "{"
    assert lines[matched.end.line - 1][matched.end.column - 1] == "}"
    assert matched.start.line > 2 and matched.end.line > matched.start.line
