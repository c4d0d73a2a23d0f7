"""Evaluation rules taken from the IAM User Guide's evaluation-logic, principal and boundary
pages; each test names the page it follows."""

from policy_helpers import ACCOUNT, OTHER, allow, decide, deny, identity, ref, session, user

from rolecall.policy import PolicyType, RequestPrincipal

BUCKET = "arn:aws:s3:::reports/q1.csv"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"
DENYALLOW = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_evaluation-logic_policy-eval-denyallow.html"
)


def bucket_policy(*statements: dict) -> object:
    return ref(PolicyType.RESOURCE, *statements, name="bucket")


def grant(principal: object, effect: str = "Allow", **extra: object) -> dict:
    return {
        "Effect": effect,
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": BUCKET,
        **extra,
    }


def federated(name: str = "fed", account: str = ACCOUNT) -> RequestPrincipal:
    return RequestPrincipal(
        arn=f"arn:aws:sts::{account}:federated-user/{name}",
        account=account,
        type="FederatedUser",
        user_id=f"{account}:{name}",
        parent_user_arn=f"arn:aws:iam::{account}:user/Bob",
    )


def boundary_of(*statements: dict) -> list:
    return [ref(PolicyType.BOUNDARY, *statements, name="boundary")]


def session_of(*statements: dict) -> list:
    return [ref(PolicyType.SESSION, *statements, name="session")]


# DENYALLOW, table "Resource-based policies and implicit denies in other policy types
# (same account)": one row per principal type the resource-based policy names.


def test_grant_to_role_arn_needs_no_identity_policy():
    caller = session()
    assert decide(
        caller, "s3:GetObject", BUCKET, resource=bucket_policy(grant({"AWS": caller.role_arn}))
    ).allowed


def test_grant_to_role_arn_is_limited_by_boundary_and_session_policy():
    caller = session()
    policy = bucket_policy(grant({"AWS": caller.role_arn}))
    bounded = decide(
        caller, "s3:GetObject", BUCKET, resource=policy, boundary=boundary_of(allow("iam:*"))
    )
    assert bounded.decision == "implicitDeny" and bounded.denied_by.layer == "boundary"
    scoped = decide(
        caller, "s3:GetObject", BUCKET, resource=policy, session=session_of(allow("iam:*"))
    )
    assert scoped.denied_by.layer == "session"


def test_grant_to_role_session_arn_ignores_every_implicit_deny():
    caller = session()
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource=bucket_policy(grant({"AWS": caller.arn})),
        boundary=boundary_of(allow("iam:*")),
        session=session_of(allow("iam:*")),
    )
    assert decision.allowed


def test_grant_to_user_arn_ignores_identity_and_boundary_implicit_deny():
    decision = decide(
        user(),
        "s3:GetObject",
        BUCKET,
        resource=bucket_policy(grant({"AWS": user().arn})),
        boundary=boundary_of(allow("iam:*")),
    )
    assert decision.allowed


def test_grant_to_federated_user_session_arn_ignores_every_implicit_deny():
    caller = federated()
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource=bucket_policy(grant({"AWS": caller.arn})),
        session=session_of(allow("iam:*")),
    )
    assert decision.allowed


def test_grant_to_user_who_federated_is_limited_by_session_policy():
    caller = federated()
    policy = bucket_policy(grant({"AWS": caller.parent_user_arn}))
    limited = decide(
        caller, "s3:GetObject", BUCKET, resource=policy, session=session_of(allow("iam:*"))
    )
    assert limited.denied_by.layer == "session"
    allowed = decide(
        caller, "s3:GetObject", BUCKET, resource=policy, session=session_of(allow("s3:*"))
    )
    assert allowed.allowed


def test_grant_to_account_delegates_to_identity_policies():
    policy = bucket_policy(grant({"AWS": ACCOUNT}))
    assert decide(user(), "s3:GetObject", BUCKET, resource=policy).denied_by.layer == "identity"


# DENYALLOW, "Session policies" step: with no session policy a role session is allowed,
# another session principal (a federated user) is implicitly denied.


def test_federated_user_without_session_policy_has_no_permissions():
    decision = decide(federated(), "s3:GetObject", BUCKET, identity=identity(allow()))
    assert decision.decision == "implicitDeny"
    assert decision.denied_by.layer == "session"


def test_federated_user_gets_intersection_of_user_and_session_policies():
    decision = decide(
        federated(),
        "s3:GetObject",
        BUCKET,
        identity=identity(allow()),
        session=session_of(allow("s3:GetObject")),
    )
    assert decision.allowed


def test_role_session_without_session_policy_keeps_role_permissions():
    assert decide(session(), "s3:GetObject", BUCKET, identity=identity(allow("s3:*"))).allowed


# DENYALLOW: "IAM role trust policies and KMS key policies are exceptions ... they must
# explicitly allow access for principals".


def test_identity_policy_alone_cannot_assume_role_in_same_account():
    trust = ref(
        PolicyType.TRUST,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/Alice"},
            "Action": "sts:AssumeRole",
        },
    )
    decision = decide(
        user(), "sts:AssumeRole", ROLE, identity=identity(allow("sts:AssumeRole")), resource=trust
    )
    assert decision.decision == "implicitDeny"
    assert decision.denied_by.layer == "resource"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
# "All principals": with "*" and Allow, "For IAM users and role principals within your
# account, no other permissions are required"; boundaries and session policies do not limit
# such grants either; "Principal": "*" and {"AWS": "*"} are equivalent.


def test_wildcard_principal_grant_needs_nothing_else_in_same_account():
    for principal in ("*", {"AWS": "*"}):
        policy = bucket_policy(grant(principal))
        assert decide(user(), "s3:GetObject", BUCKET, resource=policy).allowed
        caller = session()
        assert decide(
            caller,
            "s3:GetObject",
            BUCKET,
            resource=policy,
            boundary=boundary_of(allow("iam:*")),
            session=session_of(allow("iam:*")),
        ).allowed


def test_wildcard_principal_grant_across_accounts_still_needs_identity_policy():
    caller = user(account=OTHER)
    policy = bucket_policy(grant("*"))
    denied = decide(caller, "s3:GetObject", BUCKET, resource_account=ACCOUNT, resource=policy)
    assert denied.denied_by.layer == "identity"
    assert decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource_account=ACCOUNT,
        resource=policy,
        identity=identity(allow("s3:GetObject")),
    ).allowed


def test_wildcard_next_to_account_grants_as_wildcard():
    policy = bucket_policy(grant({"AWS": [ACCOUNT, "*"]}))
    assert decide(user(), "s3:GetObject", BUCKET, resource=policy).allowed


# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
# "Important": NotPrincipal with Deny "will always deny any IAM principal that has a
# permissions boundary policy attached".


def test_not_principal_deny_always_denies_callers_with_a_boundary():
    caller = user()
    spared = {"AWS": [caller.arn, f"arn:aws:iam::{ACCOUNT}:root"]}
    guard = {"Effect": "Deny", "NotPrincipal": spared, "Action": "s3:*", "Resource": BUCKET}
    policy = bucket_policy(grant({"AWS": caller.arn}), guard)
    free = decide(caller, "s3:GetObject", BUCKET, resource=policy)
    assert free.allowed
    bounded = decide(caller, "s3:GetObject", BUCKET, resource=policy, boundary=boundary_of(allow()))
    assert bounded.decision == "explicitDeny"
    assert bounded.denied_by.layer == "resource"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
# NotPrincipal with Deny: list the user and its account, or the session, the role and the
# account, so that the named caller is not denied.


def test_not_principal_deny_spares_a_session_named_with_role_and_account():
    caller = session(role="audit", name="app")
    names = [caller.arn, caller.role_arn, f"arn:aws:iam::{ACCOUNT}:root"]
    statement = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": names},
        "Action": "s3:*",
        "Resource": BUCKET,
    }
    policy = bucket_policy(statement, grant("*"))
    assert decide(caller, "s3:GetObject", BUCKET, resource=policy).allowed
    partial = {**statement, "NotPrincipal": {"AWS": [caller.arn]}}
    assert (
        decide(caller, "s3:GetObject", BUCKET, resource=bucket_policy(partial, grant("*"))).decision
        == "explicitDeny"
    )
    other = session(role="audit", name="other")
    assert decide(other, "s3:GetObject", BUCKET, resource=policy).decision == "explicitDeny"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
# A deny in either account's policies wins; both sides must allow.


def test_cross_account_deny_in_identity_policy_wins_over_resource_grant():
    caller = user(account=OTHER)
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource_account=ACCOUNT,
        identity=identity(allow(), deny("s3:GetObject")),
        resource=bucket_policy(grant({"AWS": caller.arn})),
    )
    assert decision.decision == "explicitDeny" and decision.denied_by.layer == "identity"


def test_cross_account_grant_to_user_arn_still_needs_identity_policy():
    caller = user(account=OTHER)
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource_account=ACCOUNT,
        resource=bucket_policy(grant({"AWS": caller.arn})),
    )
    assert decision.denied_by.layer == "identity"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
# NotAction with Allow grants everything but the listed actions; with Deny it denies
# everything but them. NotResource likewise for resources.


def test_not_action_with_allow_and_deny():
    policy = identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide(user(), "s3:GetObject", BUCKET, identity=policy).allowed
    assert not decide(user(), "iam:CreateUser", identity=policy).allowed
    guard = identity(
        allow(),
        {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"},
    )
    assert decide(user(), "iam:GetUser", identity=guard).allowed
    assert decide(user(), "s3:GetObject", BUCKET, identity=guard).decision == "explicitDeny"


def test_not_resource_with_allow_and_deny():
    keep = "arn:aws:s3:::keep/*"
    policy = identity({"Effect": "Allow", "Action": "s3:*", "NotResource": keep})
    assert decide(user(), "s3:GetObject", BUCKET, identity=policy).allowed
    assert not decide(user(), "s3:GetObject", "arn:aws:s3:::keep/a", identity=policy).allowed
    guard = identity(allow(), {"Effect": "Deny", "Action": "s3:*", "NotResource": keep})
    assert decide(user(), "s3:GetObject", "arn:aws:s3:::keep/a", identity=guard).allowed
    assert decide(user(), "s3:GetObject", BUCKET, identity=guard).decision == "explicitDeny"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
# "AWS account principals": the account ARN and the bare ID "behave the same way".


def test_account_id_and_root_arn_are_the_same_principal():
    for principal in ({"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}):
        policy = bucket_policy(grant(principal))
        assert decide(
            user(), "s3:GetObject", BUCKET, resource=policy, identity=identity(allow("s3:*"))
        ).allowed
        assert list(policy.policy.canonical_principals()) == [
            ("AWS", f"arn:aws:iam::{ACCOUNT}:root")
        ]
    mixed = bucket_policy(grant({"AWS": [ACCOUNT, user().arn], "Service": "ec2.amazonaws.com"}))
    assert next(iter(mixed.policy.principals())) == ("AWS", ACCOUNT)
    assert sorted(mixed.policy.canonical_principals()) == [
        ("AWS", f"arn:aws:iam::{ACCOUNT}:root"),
        ("AWS", user().arn),
        ("Service", "ec2.amazonaws.com"),
    ]
