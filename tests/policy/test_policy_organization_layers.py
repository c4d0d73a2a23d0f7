"""SCPs and RCPs as evaluation layers (IAM User Guide, "Policy evaluation logic";
Organizations User Guide, "SCP evaluation" and "RCP evaluation"): every level from the root
down to the account must allow, a Deny at any level is an explicit deny, neither layer
grants anything, and AccessDenied names the layer as AWS does."""

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

from rolecall.policy import (
    PolicyRef,
    PolicyType,
    RequestPrincipal,
    access_denied_message,
    explain,
)

FULL = ref(PolicyType.IDENTITY, allow(), name="p-FullAWSAccess")
RCP_FULL = ref(PolicyType.RESOURCE, allow(Principal="*"), name="p-RCPFullAWSAccess")
ADMIN = identity(allow())
BUCKET = "arn:aws:s3:::reports/q1.csv"


def at(target: str, *refs: PolicyRef) -> tuple[PolicyRef, ...]:
    return tuple(PolicyRef(r.id, target, r.policy) for r in refs)


def scp(*statements, name: str = "p-custom") -> PolicyRef:
    return ref(PolicyType.IDENTITY, *statements, name=name)


def rcp(*statements, name: str = "p-rcp") -> PolicyRef:
    return ref(PolicyType.RESOURCE, *statements, name=name)


def three_levels(account_level: tuple[PolicyRef, ...]):
    return (at("r-ab12", FULL), at("ou-ab12-11111111", FULL), account_level)


def test_full_aws_access_at_every_level_leaves_identity_policies_in_charge():
    levels = three_levels(at(ACCOUNT, FULL))
    assert decide(user(), "s3:GetObject", BUCKET, identity=ADMIN, scp=levels).allowed
    assert decide(user(), "s3:GetObject", BUCKET, identity=[], scp=levels).decision == (
        "implicitDeny")


def test_a_level_without_an_allow_denies_implicitly():
    levels = (at("r-ab12", FULL), at("ou-ab12-11111111", scp(allow("ec2:*"))), at(ACCOUNT, FULL))
    decision = decide(user(), "s3:GetObject", BUCKET, identity=ADMIN, scp=levels)
    assert decision.decision == "implicitDeny"
    assert decision.denied_by.layer == "scp"
    message = access_denied_message(user().arn, "s3:GetObject", BUCKET, decision)
    assert message.endswith("because no service control policy allows the s3:GetObject action")


def test_an_allow_at_one_level_does_not_make_up_for_another():
    levels = (at("r-ab12", scp(allow("s3:*"))), at(ACCOUNT, scp(allow("ec2:*"))))
    assert not decide(user(), "s3:GetObject", BUCKET, identity=ADMIN, scp=levels).allowed
    assert not decide(user(), "ec2:RunInstances", identity=ADMIN, scp=levels).allowed


def test_a_deny_at_any_level_is_an_explicit_deny_naming_the_scp():
    levels = three_levels(at(ACCOUNT, FULL, scp(deny("s3:*"))))
    decision = decide(user(), "s3:GetObject", BUCKET, identity=ADMIN, scp=levels)
    assert decision.decision == "explicitDeny"
    assert decision.matched[0].layer == "scp"
    message = access_denied_message(user().arn, "s3:GetObject", BUCKET, decision)
    assert message == (f"User: {user().arn} is not authorized to perform: s3:GetObject on "
                       f"resource: {BUCKET} with an explicit deny in a service control policy")


def test_scp_deny_with_a_condition_applies_only_when_it_holds():
    region_lock = scp(deny("*", Condition={"StringNotEquals": {
        "aws:RequestedRegion": ["eu-west-1"]}}))
    levels = three_levels(at(ACCOUNT, FULL, region_lock))
    refused = decide(user(), "ec2:RunInstances", identity=ADMIN, scp=levels,
                     context={"aws:RequestedRegion": "us-east-1"})
    assert refused.decision == "explicitDeny"
    assert decide(user(), "ec2:RunInstances", identity=ADMIN, scp=levels,
                  context={"aws:RequestedRegion": "eu-west-1"}).allowed


def test_scps_limit_the_member_accounts_root_user_too():
    levels = three_levels(at(ACCOUNT, FULL, scp(deny("iam:*"))))
    assert decide(root(), "iam:CreateUser", scp=levels).decision == "explicitDeny"
    assert decide(root(), "s3:ListBucket", scp=levels).allowed


def test_an_explicit_deny_in_an_identity_policy_still_wins_over_an_scp_implicit_deny():
    levels = (at("r-ab12", scp(allow("ec2:*"))),)
    decision = decide(user(), "s3:GetObject", BUCKET, scp=levels,
                      identity=identity(allow(), deny("s3:*")))
    assert decision.decision == "explicitDeny"
    assert decision.denied_by.layer == "identity"


def test_an_rcp_deny_protects_resources_from_principals_outside_the_organization():
    perimeter = rcp(deny("s3:*", Principal="*", Condition={"StringNotEqualsIfExists": {
        "aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
    levels = (at("r-ab12", RCP_FULL), at(ACCOUNT, RCP_FULL, perimeter))
    bucket_policy = ref(PolicyType.RESOURCE, allow("s3:GetObject", BUCKET, Principal="*"),
                        name="BucketPolicy")
    outsider = user("Eve", OTHER)
    decision = decide(outsider, "s3:GetObject", BUCKET, resource_account=ACCOUNT,
                      identity=ADMIN, resource=bucket_policy, rcp=levels)
    assert decision.decision == "explicitDeny"
    message = access_denied_message(outsider.arn, "s3:GetObject", BUCKET, decision)
    assert message.endswith("with an explicit deny in a resource control policy")
    insider = user("Ann", OTHER, org_id="o-a1b2c3d4e5")
    assert decide(insider, "s3:GetObject", BUCKET, resource_account=ACCOUNT, identity=ADMIN,
                  resource=bucket_policy, rcp=levels).allowed


def test_rcps_apply_to_anonymous_callers_too():
    levels = (at(ACCOUNT, RCP_FULL, rcp(deny("s3:*", Principal="*", Condition={
        "Bool": {"aws:SecureTransport": "false"}}))),)
    public = ref(PolicyType.RESOURCE, allow("s3:GetObject", BUCKET, Principal="*"),
                 name="BucketPolicy")
    anonymous = RequestPrincipal("*", "", "Anonymous")
    assert decide(anonymous, "s3:GetObject", BUCKET, resource_account=ACCOUNT,
                  resource=public, rcp=levels,
                  context={"aws:SecureTransport": "false"}).decision == "explicitDeny"
    assert decide(anonymous, "s3:GetObject", BUCKET, resource_account=ACCOUNT,
                  resource=public, rcp=levels, context={"aws:SecureTransport": "true"}).allowed


def test_principal_org_keys_come_from_the_caller():
    trust_like = identity(allow("s3:*", Condition={
        "StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}))
    inside = session(org_id="o-a1b2c3d4e5", org_paths="o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/")
    assert decide(inside, "s3:GetObject", BUCKET, identity=trust_like).allowed
    assert not decide(session(), "s3:GetObject", BUCKET, identity=trust_like).allowed


def test_explain_shows_each_level_with_its_target():
    levels = three_levels(at(ACCOUNT, FULL, scp(deny("s3:*"), name="p-nos3")))
    text = explain(decide(user(), "s3:GetObject", BUCKET, identity=ADMIN, scp=levels))
    assert "decided by: explicit deny in the scp layer" in text
    assert f"[scp] p-nos3 ({ACCOUNT})" in text
    assert "[scp] p-FullAWSAccess (ou-ab12-11111111)" in text
