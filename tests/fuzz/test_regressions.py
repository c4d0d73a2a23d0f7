"""Inputs that once made rolecall answer 500, each kept as a plain example."""

from __future__ import annotations

from .harness import VERSIONS, Signer, assert_answered, signed_request


def test_a_control_character_echoed_in_an_error_keeps_the_answer_readable(rolecall):
    # STS quotes the offending value in validation messages (IAM does not).
    response = rolecall.call("sts", {"Action": "AssumeRole", "Version": VERSIONS["sts"],
                                     "RoleArn": "arn:aws:iam::123456789012:role/r",
                                     "RoleSessionName": "a\x1bb\x00c"})
    parsed = assert_answered("sts", "AssumeRole", response)
    assert parsed["Error"]["Code"] == "ValidationError"
    assert "a\ufffdb\ufffdc" in parsed["Error"]["Message"]


def test_a_list_item_named_as_if_it_had_members_is_ignored(rolecall):
    response = rolecall.call("iam", [
        ("Action", "CreateOpenIDConnectProvider"), ("Version", VERSIONS["iam"]),
        ("Url", "https://regression.example.com"),
        ("ClientIDList.member.1.x", "client"), ("ThumbprintList.member.1.x", "0" * 40)])
    parsed = assert_answered("iam", "CreateOpenIDConnectProvider", response)
    assert response.status == 200, parsed


def test_tag_keys_and_values_are_held_to_the_models_unicode_pattern(rolecall):
    """The pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ uses Java's Unicode classes."""
    refused = rolecall.call("iam", [
        ("Action", "TagUser"), ("Version", VERSIONS["iam"]), ("UserName", "alice"),
        ("Tags.member.1.Key", "a\x00b"), ("Tags.member.1.Value", "v!")])
    error = assert_answered("iam", "TagUser", refused)["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith("2 validation errors detected: ")
    assert "at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy " \
           "regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+" in error["Message"]
    accepted = rolecall.call("iam", [
        ("Action", "TagUser"), ("Version", VERSIONS["iam"]), ("UserName", "alice"),
        ("Tags.member.1.Key", "Équipe 团队 ١٢ _.:/=+-@"), ("Tags.member.1.Value", "")])
    assert accepted.status == 200, accepted.body


def test_a_value_the_database_cannot_hold_is_refused_and_stores_nothing(rolecall):
    """PostgreSQL text cannot hold U+0000; SQLite can. Either way, no 500."""
    response = rolecall.call("iam", {
        "Action": "CreatePolicy", "Version": VERSIONS["iam"], "PolicyName": "nul-description",
        "Description": "a\x00b", "PolicyDocument": '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'})
    parsed = assert_answered("iam", "CreatePolicy", response)
    if response.status != 200:
        assert parsed["Error"]["Code"] == "ValidationError"
        listed = rolecall.ok("iam", "ListPolicies", {"Scope": "Local"})["Policies"]
        assert "nul-description" not in [p["PolicyName"] for p in listed]


def test_an_access_key_id_no_key_could_have_is_an_invalid_client_token(rolecall):
    request = signed_request("sts", b"Action=GetCallerIdentity&Version=2011-06-15",
                             Signer("odd", "AKIA\x00\u00e9", "secret"))
    response = rolecall.send(request)
    assert assert_answered("sts", None, response)["Error"]["Code"] == "InvalidClientTokenId"


def test_audit_record_of_an_integer_beyond_64_bits_is_written():
    """orjson refuses such integers; the record still reaches the audit log."""
    from rolecall.audit.log import _json

    assert '"MaxItems":18446744073709551616' in _json({"MaxItems": 2**64})
