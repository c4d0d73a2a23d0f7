"""What IAM refuses to store (MalformedPolicyDocument), per policy type, and helpers that
report on a parsed policy. Texts follow IAM's error messages."""

import json

import pytest

from rolecall.policy import MalformedPolicyError, PolicyType, context_keys, parse_policy

ID = PolicyType.IDENTITY
TRUST = PolicyType.TRUST
RESOURCE = PolicyType.RESOURCE


def statement_doc(**statement):
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def message(text: str, kind: PolicyType = ID) -> str:
    with pytest.raises(MalformedPolicyError) as raised:
        parse_policy(text, kind)
    return raised.value.message


GOOD = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
TRUSTED = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}


def test_syntax_errors():
    assert message("{not json") == "Syntax errors in policy."
    assert message("[]") == "Syntax errors in policy."
    assert message('{"Statement": [], "Version": "2012-10-17"}') == "Syntax errors in policy."
    assert (
        message(json.dumps({"Version": "2012-10-17", "Statement": GOOD}) + "x")
        == "Syntax errors in policy."
    )
    duplicate = '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}'
    assert message(duplicate) == "Syntax errors in policy."


def test_unknown_version_is_a_syntax_error():
    # Recorded: "2013-10-17" is "Syntax errors in policy." (recorded_documents.py, case 3).
    text = json.dumps({"Version": "2012-10-18", "Statement": [GOOD]})
    assert message(text) == "Syntax errors in policy."
    assert message(text, TRUST) == "The policy failed legacy parsing"


def test_unknown_fields():
    # Identity policies: a syntax error (recorded cases 6 and 7); the trust policy grammar
    # names the field.
    assert (
        message(json.dumps({"Version": "2012-10-17", "Statement": [GOOD], "Foo": 1}))
        == "Syntax errors in policy."
    )
    assert message(statement_doc(**GOOD, Bar="x")) == "Syntax errors in policy."
    assert message(statement_doc(**TRUSTED, Bar="x"), TRUST) == "Unknown field Bar"


def test_identity_policy_rules():
    # A missing Effect is a syntax error (recorded case 31).
    assert message(statement_doc(Action="s3:*", Resource="*")) == "Syntax errors in policy."
    assert (
        message(statement_doc(Effect="Allow", Resource="*"))
        == "Policy statement must contain actions."
    )
    assert (
        message(statement_doc(Effect="Allow", Action="s3:*"))
        == "Policy statement must contain resources."
    )
    assert (
        message(statement_doc(**GOOD, Principal="*"))
        == "Policy document should not specify a principal."
    )
    assert message(statement_doc(**{**GOOD, "Action": "GetObject"})) == (
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    )
    assert message(statement_doc(**{**GOOD, "Resource": "bucket"})) == (
        'Resource bucket must be in ARN format or "*".'
    )
    assert message(statement_doc(**GOOD, Sid="has space")).startswith(
        "Statement IDs (SID) must be alpha-numeric"
    )
    assert message(statement_doc(**{**GOOD, "Effect": "allow"})) == (
        "The policy failed legacy parsing"
    )
    for kind in (PolicyType.BOUNDARY, PolicyType.SESSION):
        assert (
            message(statement_doc(**GOOD, Principal="*"), kind)
            == "Policy document should not specify a principal."
        )


def test_condition_rules():
    # Recorded: an unknown operator with keys is a syntax error, an empty one is stored, and
    # condition keys need no vendor prefix (recorded cases 52, valid 19 and 32).
    bad_operator = statement_doc(**GOOD, Condition={"StringEqualz": {"aws:username": "x"}})
    assert message(bad_operator) == "Syntax errors in policy."
    parse_policy(statement_doc(**GOOD, Condition={"StringEqualz": {}}), ID)
    parse_policy(statement_doc(**GOOD, Condition={"StringEquals": {"username": "x"}}), ID)
    nested = statement_doc(**GOOD, Condition={"StringEquals": {"aws:username": {"a": 1}}})
    assert message(nested) == "Syntax errors in policy."


def test_duplicate_sids_rejected():
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [{**GOOD, "Sid": "A"}, {**GOOD, "Sid": "A"}]}
    )
    assert message(text) == "Statement IDs (SID) in a single policy must be unique."


def test_trust_policy_rules():
    assert parse_policy(statement_doc(**TRUSTED), TRUST).statements[0].effect == "Allow"
    assert (
        message(statement_doc(**{**TRUSTED, "Resource": "*"}), TRUST)
        == "Has prohibited field Resource"
    )
    no_principal = {k: v for k, v in TRUSTED.items() if k != "Principal"}
    assert message(statement_doc(**no_principal), TRUST) == "Missing required field Principal"
    assert message(statement_doc(**{**TRUSTED, "Action": "s3:GetObject"}), TRUST) == (
        "AssumeRole policy may only specify STS AssumeRole actions."
    )
    for action in (
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
        "sts:AssumeRole*",
    ):
        parse_policy(statement_doc(**{**TRUSTED, "Action": action}), TRUST)


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "arn:aws:iam::123456789012:user/*"},
        {"AWS": "bob"},
        {"AWS": "arn:aws:iam::123456789012:group/admins"},
        {"Service": "*"},
        {"Weird": "x"},
        "anyone",
    ],
)
def test_invalid_principals(principal):
    text = statement_doc(**{**TRUSTED, "Principal": principal})
    assert message(text, TRUST).startswith("Invalid principal in policy")


def test_invalid_principal_message_names_the_value():
    text = statement_doc(**{**TRUSTED, "Principal": {"AWS": "bob"}})
    assert message(text, TRUST) == 'Invalid principal in policy: "AWS":"bob"'


def test_resource_policy_needs_principal_but_not_resource():
    parse_policy(statement_doc(Effect="Allow", Principal="*", Action="sqs:SendMessage"), RESOURCE)
    assert message(statement_doc(**GOOD), RESOURCE) == "Missing required field Principal"


def test_principals_lists_every_named_principal():
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    **TRUSTED,
                    "Principal": {
                        "AWS": ["arn:aws:iam::123456789012:role/R", "111122223333"],
                        "Service": "ec2.amazonaws.com",
                    },
                },
                {**TRUSTED, "Effect": "Deny", "Principal": None}
                | {"Principal": {"Federated": "accounts.google.com"}},
            ],
        }
    )
    policy = parse_policy(text, TRUST)
    assert sorted(policy.principals()) == [
        ("AWS", "111122223333"),
        ("AWS", "arn:aws:iam::123456789012:role/R"),
        ("Federated", "accounts.google.com"),
        ("Service", "ec2.amazonaws.com"),
    ]


def test_statement_as_single_object_and_metadata():
    text = json.dumps({"Version": "2012-10-17", "Id": "x", "Statement": {**GOOD, "Sid": "One"}})
    policy = parse_policy(text, ID)
    assert (policy.version, policy.text, [s.sid for s in policy.statements]) == (
        "2012-10-17",
        text,
        ["One"],
    )
    assert parse_policy(text, ID) is policy


def test_context_keys_include_conditions_and_variables():
    text = statement_doc(
        Effect="Allow",
        Action="s3:*",
        Resource="arn:aws:s3:::b/${aws:username}/${aws:PrincipalTag/team, 'x'}/${*}",
        Condition={
            "StringEquals": {"s3:prefix": "${aws:userid}", "AWS:SourceVpc": "v"},
            "Bool": {"aws:SecureTransport": True},
        },
    )
    assert context_keys(parse_policy(text, ID)) == [
        "aws:username",
        "aws:PrincipalTag/team",
        "s3:prefix",
        "aws:userid",
        "AWS:SourceVpc",
        "aws:SecureTransport",
    ]
