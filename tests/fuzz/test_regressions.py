"""Inputs that once made rolecall answer 500, each kept as a plain example."""

from __future__ import annotations

from .harness import VERSIONS, assert_answered


def test_a_control_character_echoed_in_an_error_keeps_the_answer_readable(rolecall):
    response = rolecall.call("iam", {"Action": "GetUser", "Version": VERSIONS["iam"],
                                     "UserName": "a\x1bb\x00c"})
    parsed = assert_answered("iam", "GetUser", response)
    assert parsed["Error"]["Code"] == "ValidationError"
    assert "a\ufffdb\ufffdc" in parsed["Error"]["Message"]


def test_a_list_item_named_as_if_it_had_members_is_ignored(rolecall):
    response = rolecall.call("iam", [
        ("Action", "CreateOpenIDConnectProvider"), ("Version", VERSIONS["iam"]),
        ("Url", "https://regression.example.com"),
        ("ClientIDList.member.1.x", "client"), ("ThumbprintList.member.1.x", "0" * 40)])
    parsed = assert_answered("iam", "CreateOpenIDConnectProvider", response)
    assert response.status == 200, parsed
