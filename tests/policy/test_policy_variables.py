"""Policy variables, from the IAM User Guide page "IAM policy elements: Variables and tags"."""

from policy_helpers import allow, decide, identity, session, user

HOME = "arn:aws:s3:::bucket/home/Bob/notes.txt"


def test_username_variable_in_resource():
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*"))
    assert decide(user("Bob"), "s3:GetObject", HOME, identity=policies).allowed
    assert not decide(user("Alice"), "s3:GetObject", HOME, identity=policies).allowed


def test_variable_names_are_case_insensitive():
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/home/${AWS:UserName}/*"))
    assert decide(user("Bob"), "s3:GetObject", HOME, identity=policies).allowed


def test_variables_are_plain_text_in_2008_and_unversioned_documents():
    for version in ("2008-10-17", None):
        policies = identity(
            allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}/*"), version=version
        )
        literal = "arn:aws:s3:::bucket/home/${aws:username}/notes.txt"
        assert not decide(user("Bob"), "s3:GetObject", HOME, identity=policies).allowed
        assert decide(user("Bob"), "s3:GetObject", literal, identity=policies).allowed


def test_unresolved_variable_in_resource_matches_nothing():
    # aws:username does not exist for role sessions.
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/home/${aws:username}*"))
    assert not decide(
        session(), "s3:GetObject", "arn:aws:s3:::bucket/home/", identity=policies
    ).allowed


def test_unresolved_variable_in_conditions():
    equals = identity(allow(Condition={"StringEquals": {"s3:prefix": "${aws:username}"}}))
    not_equals = identity(allow(Condition={"StringNotEquals": {"s3:prefix": "${aws:username}"}}))
    context = {"s3:prefix": "x"}
    assert not decide(session(), "s3:ListBucket", context=context, identity=equals).allowed
    assert decide(session(), "s3:ListBucket", context=context, identity=not_equals).allowed


def test_default_value_supplies_fallback():
    policies = identity(
        allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*")
    )
    shared = "arn:aws:s3:::bucket/shared/x"
    assert decide(user(), "s3:GetObject", shared, identity=policies).allowed
    tagged = user(tags={"team": "blue"})
    assert decide(tagged, "s3:GetObject", "arn:aws:s3:::bucket/blue/x", identity=policies).allowed
    assert not decide(tagged, "s3:GetObject", shared, identity=policies).allowed


def test_special_characters_are_literal():
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/${*}${?}${$}"))
    assert decide(user(), "s3:GetObject", "arn:aws:s3:::bucket/*?$", identity=policies).allowed
    assert not decide(user(), "s3:GetObject", "arn:aws:s3:::bucket/ab$", identity=policies).allowed


def test_substituted_values_are_not_wildcards():
    policies = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:PrincipalTag/team}"))
    starred = user(tags={"team": "*"})
    assert not decide(starred, "s3:GetObject", "arn:aws:s3:::bucket/x", identity=policies).allowed
    assert decide(starred, "s3:GetObject", "arn:aws:s3:::bucket/*", identity=policies).allowed


def test_principal_tag_and_userid_and_source_identity_variables():
    policies = identity(
        allow(
            "s3:GetObject",
            "arn:aws:s3:::bucket/${aws:userid}/${aws:SourceIdentity}/*",
            Condition={"StringEquals": {"s3:prefix": "${aws:PrincipalTag/Team}"}},
        )
    )
    caller = session(source_identity="alice", tags={"team": "red"})
    target = f"arn:aws:s3:::bucket/{caller.user_id}/alice/f"
    context = {"s3:prefix": "red"}
    assert decide(caller, "s3:GetObject", target, context=context, identity=policies).allowed
    assert not decide(caller, "s3:GetObject", target, {"s3:prefix": "x"}, identity=policies).allowed


def test_variable_in_string_like_keeps_policy_wildcards():
    policies = identity(allow(Condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}}))
    assert decide(
        user("Bob"), "s3:ListBucket", context={"s3:prefix": "home/Bob/a/b"}, identity=policies
    ).allowed
    assert not decide(
        user("Bob"), "s3:ListBucket", context={"s3:prefix": "home/Al/a"}, identity=policies
    ).allowed
