"""Evaluation flow: explicit/implicit deny, identity vs resource, boundaries, sessions."""

from policy_helpers import (
    ACCOUNT,
    OTHER,
    allow,
    decide,
    deny,
    identity,
    ref,
    root,
    session,
    user,
)

from rolecall.policy import PolicyType, access_denied_message

BUCKET = "arn:aws:s3:::reports/q1.csv"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"


def resource_policy(principal: object, effect: str = "Allow", action: str = "s3:GetObject"):
    statement = {"Effect": effect, "Principal": principal, "Action": action, "Resource": BUCKET}
    return ref(PolicyType.RESOURCE, statement, name="bucket")


# IAM User Guide, "Policy evaluation logic" and "The difference between explicit and
# implicit denies": deny by default, an applicable Deny overrides any Allow.


def test_no_policies_is_implicit_deny():
    decision = decide(user(), "s3:GetObject", BUCKET, identity=[])
    assert decision.decision == "implicitDeny"
    assert not decision.allowed
    assert decision.denied_by.layer == "identity" and not decision.denied_by.explicit


def test_allow_in_identity_policy_allows():
    decision = decide(user(), "s3:GetObject", BUCKET, identity=identity(allow("s3:*")))
    assert decision.allowed
    assert [m.effect for m in decision.matched] == ["Allow"]


def test_deny_overrides_allow_in_same_policy():
    decision = decide(
        user(), "s3:GetObject", BUCKET, identity=identity(allow("s3:*"), deny("s3:Get*"))
    )
    assert decision.decision == "explicitDeny"
    assert [(m.effect, m.index) for m in decision.matched] == [("Deny", 1)]


def test_lone_matching_deny_is_explicit_not_implicit():
    decision = decide(user(), "s3:GetObject", BUCKET, identity=identity(deny("s3:GetObject")))
    assert decision.decision == "explicitDeny"


def test_deny_in_one_policy_beats_allow_in_another():
    policies = identity(allow(), name="a") + identity(deny("s3:GetObject"), name="b")
    decision = decide(user(), "s3:GetObject", BUCKET, identity=policies)
    assert decision.decision == "explicitDeny"
    assert decision.matched[0].policy_id == "b"


def test_root_user_needs_no_identity_policy_in_own_account():
    assert decide(root(), "iam:CreateUser", identity=[]).allowed


def test_root_user_is_still_bound_by_resource_policy_deny():
    policy = resource_policy({"AWS": ACCOUNT}, effect="Deny")
    decision = decide(root(), "s3:GetObject", BUCKET, resource=policy)
    assert decision.decision == "explicitDeny"
    assert decision.denied_by.layer == "resource"


# "Policy evaluation logic" - identity-based and resource-based policies in one account:
# the request is allowed when either grants it.


def test_same_account_resource_policy_naming_user_allows_without_identity_policy():
    policy = resource_policy({"AWS": user().arn})
    assert decide(user(), "s3:GetObject", BUCKET, resource=policy).allowed


def test_resource_policy_granting_the_account_delegates_to_identity_policies():
    policy = resource_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    decision = decide(user(), "s3:GetObject", BUCKET, resource=policy)
    assert decision.decision == "implicitDeny"
    allowed = decide(
        user(), "s3:GetObject", BUCKET, resource=policy, identity=identity(allow("s3:*"))
    )
    assert allowed.allowed


def test_resource_policy_not_naming_caller_does_not_allow():
    policy = resource_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:user/Alice"})
    assert not decide(user(), "s3:GetObject", BUCKET, resource=policy).allowed


# "Cross-account policy evaluation logic": both the identity-based policy in the
# requester's account and the resource-based policy in the owner's account must allow.


def test_cross_account_needs_both_sides():
    caller = user(account=OTHER)
    grant = resource_policy({"AWS": OTHER})
    own = identity(allow("s3:GetObject"))
    assert not decide(
        caller, "s3:GetObject", BUCKET, resource_account=ACCOUNT, resource=grant
    ).allowed
    only_identity = decide(caller, "s3:GetObject", BUCKET, resource_account=ACCOUNT, identity=own)
    assert only_identity.denied_by.layer == "resource"
    both = decide(
        caller, "s3:GetObject", BUCKET, resource_account=ACCOUNT, identity=own, resource=grant
    )
    assert both.allowed


def test_cross_account_deny_in_resource_policy_wins():
    caller = user(account=OTHER)
    grant = ref(
        PolicyType.RESOURCE,
        {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:*", "Resource": BUCKET},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": BUCKET},
    )
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        resource_account=ACCOUNT,
        identity=identity(allow()),
        resource=grant,
    )
    assert decision.decision == "explicitDeny"


def test_resource_account_is_read_from_resource_arn():
    caller = user(account=OTHER)
    target = f"arn:aws:iam::{ACCOUNT}:user/Alice"
    decision = decide(caller, "iam:GetUser", target, identity=identity(allow()))
    assert decision.denied_by.layer == "resource"


def test_aws_managed_policies_are_read_with_identity_policies_alone():
    # arn:aws:iam::aws:policy/... belongs to no account: not a cross-account resource.
    target = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert decide(user(), "iam:GetPolicy", target, identity=identity(allow("iam:Get*"))).allowed
    assert not decide(user(), "iam:GetPolicy", target, identity=[]).allowed


# "Permissions boundaries": effective permissions are the intersection of identity policies
# and the boundary; a same-account resource-based policy naming the user ARN is not limited
# by the boundary's implicit deny, but one naming the role ARN is; an explicit deny in a
# boundary applies in every case.


def test_boundary_limits_identity_policy():
    decision = decide(
        user(),
        "iam:CreateUser",
        identity=identity(allow("iam:*")),
        boundary=[ref(PolicyType.BOUNDARY, allow("s3:*"), name="boundary")],
    )
    assert decision.decision == "implicitDeny"
    assert decision.denied_by.layer == "boundary"


def test_boundary_and_identity_both_allowing_allows():
    decision = decide(
        user(),
        "s3:GetObject",
        BUCKET,
        identity=identity(allow("s3:*")),
        boundary=[ref(PolicyType.BOUNDARY, allow("s3:Get*"))],
    )
    assert decision.allowed


def test_boundary_alone_grants_nothing():
    decision = decide(
        user(), "s3:GetObject", BUCKET, boundary=[ref(PolicyType.BOUNDARY, allow("s3:*"))]
    )
    assert decision.denied_by.layer == "identity"


def test_resource_policy_naming_user_is_not_limited_by_boundary():
    decision = decide(
        user(),
        "s3:GetObject",
        BUCKET,
        boundary=[ref(PolicyType.BOUNDARY, allow("iam:*"))],
        resource=resource_policy({"AWS": user().arn}),
    )
    assert decision.allowed


def test_resource_policy_naming_role_is_limited_by_boundary():
    caller = session(role="Dev")
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        boundary=[ref(PolicyType.BOUNDARY, allow("iam:*"))],
        resource=resource_policy({"AWS": caller.role_arn}),
    )
    assert decision.denied_by.layer == "boundary"


def test_resource_policy_naming_role_session_is_not_limited_by_boundary():
    caller = session(role="Dev")
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        boundary=[ref(PolicyType.BOUNDARY, allow("iam:*"))],
        resource=resource_policy({"AWS": caller.arn}),
    )
    assert decision.allowed


def test_explicit_deny_in_boundary_beats_resource_policy_naming_user():
    decision = decide(
        user(),
        "s3:GetObject",
        BUCKET,
        boundary=[ref(PolicyType.BOUNDARY, allow(), deny("s3:GetObject"))],
        resource=resource_policy({"AWS": user().arn}),
    )
    assert decision.decision == "explicitDeny"
    assert decision.denied_by.layer == "boundary"


# "Session policies": a session's permissions are the intersection of the role's identity
# policies and the session policies; a resource-based policy naming the session ARN is not
# limited by them, one naming the role ARN is.


def test_session_policy_limits_role_permissions():
    decision = decide(
        session(),
        "s3:PutObject",
        BUCKET,
        identity=identity(allow("s3:*")),
        session=[ref(PolicyType.SESSION, allow("s3:GetObject"), name="session")],
    )
    assert decision.denied_by.layer == "session"
    assert decide(
        session(),
        "s3:GetObject",
        BUCKET,
        identity=identity(allow("s3:*")),
        session=[ref(PolicyType.SESSION, allow("s3:GetObject"))],
    ).allowed


def test_session_policy_cannot_grant_more_than_identity():
    decision = decide(
        session(),
        "s3:GetObject",
        BUCKET,
        identity=identity(allow("iam:*")),
        session=[ref(PolicyType.SESSION, allow())],
    )
    assert decision.denied_by.layer == "identity"


def test_resource_policy_naming_session_skips_session_policy():
    caller = session()
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        session=[ref(PolicyType.SESSION, allow("iam:*"))],
        resource=resource_policy({"AWS": caller.arn}),
    )
    assert decision.allowed


def test_resource_policy_naming_role_is_limited_by_session_policy():
    caller = session()
    decision = decide(
        caller,
        "s3:GetObject",
        BUCKET,
        session=[ref(PolicyType.SESSION, allow("iam:*"))],
        resource=resource_policy({"AWS": caller.role_arn}),
    )
    assert decision.denied_by.layer == "session"


def test_explicit_deny_in_session_policy():
    decision = decide(
        session(),
        "s3:GetObject",
        BUCKET,
        identity=identity(allow()),
        session=[ref(PolicyType.SESSION, allow(), deny("s3:GetObject"))],
    )
    assert decision.denied_by.layer == "session" and decision.denied_by.explicit


# Role trust policies ("Granting a user permissions to switch roles"): in the same account
# the trust policy naming the caller is enough, a permissions boundary must still allow
# sts:AssumeRole; naming the account delegates to identity policies; across accounts both.


def trust(principal: object, **extra: object):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}
    return ref(PolicyType.TRUST, statement, name="trust")


def test_trust_policy_naming_user_allows_assume_role():
    decision = decide(user(), "sts:AssumeRole", ROLE, resource=trust({"AWS": user().arn}))
    assert decision.allowed


def test_trust_policy_does_not_bypass_callers_boundary():
    decision = decide(
        user(),
        "sts:AssumeRole",
        ROLE,
        resource=trust({"AWS": user().arn}),
        boundary=[ref(PolicyType.BOUNDARY, allow("s3:*"))],
    )
    assert decision.denied_by.layer == "boundary"


def test_trust_policy_naming_account_needs_identity_permission():
    policy = trust({"AWS": ACCOUNT})
    assert not decide(user(), "sts:AssumeRole", ROLE, resource=policy).allowed
    assert decide(
        user(), "sts:AssumeRole", ROLE, resource=policy, identity=identity(allow("sts:AssumeRole"))
    ).allowed


def test_cross_account_assume_role_needs_identity_permission():
    caller = user(account=OTHER)
    policy = trust({"AWS": caller.arn})
    assert decide(caller, "sts:AssumeRole", ROLE, resource=policy).denied_by.layer == "identity"
    assert decide(
        caller, "sts:AssumeRole", ROLE, resource=policy, identity=identity(allow("sts:*"))
    ).allowed


def test_service_principal_assumes_role_through_trust_policy():
    ec2 = RequestPrincipalFactory.service("ec2.amazonaws.com")
    assert decide(
        ec2, "sts:AssumeRole", ROLE, resource=trust({"Service": "ec2.amazonaws.com"})
    ).allowed
    assert not decide(
        ec2, "sts:AssumeRole", ROLE, resource=trust({"Service": "lambda.amazonaws.com"})
    ).allowed


def test_web_identity_caller_matches_federated_principal():
    caller = RequestPrincipalFactory.web("accounts.google.com")
    policy = ref(
        PolicyType.TRUST,
        {
            "Effect": "Allow",
            "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"accounts.google.com:aud": "app-1"}},
        },
    )
    ok = decide(
        caller,
        "sts:AssumeRoleWithWebIdentity",
        ROLE,
        {"accounts.google.com:aud": "app-1"},
        resource=policy,
    )
    assert ok.allowed
    bad = decide(
        caller,
        "sts:AssumeRoleWithWebIdentity",
        ROLE,
        {"accounts.google.com:aud": "x"},
        resource=policy,
    )
    assert bad.decision == "implicitDeny"


class RequestPrincipalFactory:
    @staticmethod
    def service(name: str):
        from rolecall.policy import RequestPrincipal

        return RequestPrincipal(arn=name, account="", type="Service")

    @staticmethod
    def web(provider: str):
        from rolecall.policy import RequestPrincipal

        return RequestPrincipal(arn=provider, account="", type="WebIdentityUser")


# "Troubleshoot access denied error messages": the message names the policy type.


def test_access_denied_messages_name_the_policy_type():
    arn = user().arn
    implicit = decide(user(), "iam:CreateRole", ROLE)
    assert access_denied_message(arn, "iam:CreateRole", ROLE, implicit) == (
        f"User: {arn} is not authorized to perform: iam:CreateRole on resource: {ROLE} "
        "because no identity-based policy allows the iam:CreateRole action"
    )
    explicit = decide(user(), "iam:CreateRole", ROLE, identity=identity(deny()))
    assert access_denied_message(arn, "iam:CreateRole", ROLE, explicit).endswith(
        "with an explicit deny in an identity-based policy"
    )
    bounded = decide(
        user(),
        "iam:CreateRole",
        ROLE,
        identity=identity(allow()),
        boundary=[ref(PolicyType.BOUNDARY, allow("s3:*"))],
    )
    assert access_denied_message(arn, "iam:CreateRole", ROLE, bounded).endswith(
        "because no permissions boundary allows the iam:CreateRole action"
    )
    scoped = decide(
        session(),
        "iam:CreateRole",
        ROLE,
        identity=identity(allow()),
        session=[ref(PolicyType.SESSION, allow("s3:*"))],
    )
    assert access_denied_message(arn, "iam:CreateRole", ROLE, scoped).endswith(
        "because no session policy allows the iam:CreateRole action"
    )
    caller = user(account=OTHER)
    cross = decide(caller, "iam:GetRole", ROLE, identity=identity(allow()))
    assert access_denied_message(caller.arn, "iam:GetRole", ROLE, cross).endswith(
        "because no resource-based policy allows the iam:GetRole action"
    )
