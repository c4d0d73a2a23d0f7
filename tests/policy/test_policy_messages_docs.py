"""MalformedPolicyDocument texts as IAM returns them, and AccessDenied wording.

Sources: texts seen from IAM in public bug reports (cited per test), and the IAM User
Guide's troubleshooting pages."""

import json

import pytest
from policy_helpers import ACCOUNT, allow, decide, deny, identity, ref, user

from rolecall.policy import (
    MalformedPolicyError,
    PolicyRef,
    PolicyType,
    access_denied_message,
    denying_policy_arn,
    parse_policy,
)

GOOD = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def message(statement: dict, kind: PolicyType = PolicyType.IDENTITY) -> str:
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    with pytest.raises(MalformedPolicyError) as raised:
        parse_policy(text, kind)
    return raised.value.message


def test_wildcard_in_action_vendor():
    # github.com/theserverlessway/aws-baseline/issues/1 (CloudFormation, IAM role).
    for action in ("*:Untag*", "s3*:GetObject", "?3:GetObject"):
        assert message({**GOOD, "Action": action}) == (
            "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards."
        )


def test_action_with_two_colons():
    # github.com/garnaat/kappa/issues/111 (CreatePolicy).
    assert message({**GOOD, "Action": "codebuild:Start:Build"}) == (
        "Actions/Condition can contain only one colon."
    )


def test_effect_is_case_sensitive_and_fails_legacy_parsing():
    # github.com/hashicorp/terraform/issues/10057: "Effect": "allow".
    assert message({**GOOD, "Effect": "allow"}) == "The policy failed legacy parsing"


def test_resource_not_an_arn():
    # github.com/trussworks/terraform-aws-s3-anti-virus/issues/21 and an empty resource
    # (github.com/terraform-aws-modules/terraform-aws-notify-slack/pull/20).
    assert message({**GOOD, "Resource": "sns-topic-name"}) == (
        'Resource sns-topic-name must be in ARN format or "*".'
    )
    assert message({**GOOD, "Resource": ""}) == 'Resource  must be in ARN format or "*".'


def test_iam_resource_with_region():
    # github.com/cloud-gov/terraform-provision/pull/1838.
    arn = f"arn:aws:iam:us-east-1:{ACCOUNT}:role/x"
    assert message({**GOOD, "Resource": arn}) == (
        f"IAM resource {arn} cannot contain region information."
    )
    assert parse_policy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{**GOOD, "Resource": f"arn:aws:iam::{ACCOUNT}:role/x"}],
            }
        ),
        PolicyType.IDENTITY,
    )


def test_condition_keys_may_hold_colons_in_tag_names():
    statement = {
        **GOOD,
        "Condition": {"StringEquals": {"aws:ResourceTag/aws:cloudformation:stack-name": "s"}},
    }
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    assert parse_policy(text, PolicyType.IDENTITY)


# https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html and
# troubleshoot_access-denied-authorization-id.html: "because no <type> allows the <action>
# action", "with an explicit deny in <type>", and the policy ARN after a colon.


def test_explicit_deny_message_can_name_the_managed_policy():
    arn = f"arn:aws:iam::{ACCOUNT}:policy/ExampleDenyPolicy"
    policy = ref(PolicyType.IDENTITY, deny("iam:CreateInstanceProfile"), name=arn)
    decision = decide(user("janedoe"), "iam:CreateInstanceProfile", "*", identity=[policy])
    target = f"arn:aws:iam::{ACCOUNT}:instance-profile/my-instance-profile"
    text = access_denied_message(
        user("janedoe").arn,
        "iam:CreateInstanceProfile",
        target,
        decision,
        policy_arn=denying_policy_arn(decision),
    )
    assert text == (
        f"User: arn:aws:iam::{ACCOUNT}:user/janedoe is not authorized to perform: "
        f"iam:CreateInstanceProfile on resource: {target} with an explicit deny in an "
        f"identity-based policy: {arn}"
    )


def test_denying_policy_arn_is_none_for_inline_policies_and_implicit_denies():
    inline = PolicyRef("inline", "IAM Policy", identity(deny())[0].policy)
    explicit = decide(user(), "s3:GetObject", "*", identity=[inline])
    assert denying_policy_arn(explicit) is None
    assert access_denied_message(user().arn, "s3:GetObject", "*", explicit).endswith(
        "with an explicit deny in an identity-based policy"
    )
    implicit = decide(user(), "s3:GetObject", "*", identity=identity(allow("iam:*")))
    assert denying_policy_arn(implicit) is None
    assert access_denied_message(user().arn, "s3:GetObject", "*", implicit).endswith(
        "because no identity-based policy allows the s3:GetObject action"
    )


def test_explicit_deny_wording_per_policy_type():
    expected = {
        PolicyType.BOUNDARY: ("boundary", "with an explicit deny in a permissions boundary"),
        PolicyType.SESSION: ("session", "with an explicit deny in a session policy"),
    }
    for kind, (layer, ending) in expected.items():
        decision = decide(
            user(), "s3:GetObject", "*", identity=identity(allow()), **{layer: [ref(kind, deny())]}
        )
        assert access_denied_message(user().arn, "s3:GetObject", "*", decision).endswith(ending)
    resource = ref(
        PolicyType.RESOURCE,
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
    )
    decision = decide(user(), "s3:GetObject", "*", identity=identity(allow()), resource=resource)
    assert access_denied_message(user().arn, "s3:GetObject", "*", decision).endswith(
        "with an explicit deny in a resource-based policy"
    )
