"""The form parser every query-protocol call goes through decodes exactly as
``urllib.parse.parse_qsl(keep_blank_values=True)`` does."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from rolecall.protocol.query import form_pairs

_pieces = st.sampled_from(["&", "=", "+", "%", "%2", "%41", "%zz", "%E2%82%AC", "a", "Z", " ",
                           ".", "é", "&&", "==", "member.1"])


@given(st.lists(_pieces, max_size=30).map("".join))
def test_any_text_decodes_as_parse_qsl_does(text):
    assert form_pairs(text) == parse_qsl(text, keep_blank_values=True)


@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=8))
def test_encoded_forms_round_trip(fields):
    text = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in fields.items())
    assert dict(form_pairs(text)) == fields


def test_plain_fields_are_split_without_decoding():
    assert form_pairs("Action=GetRole&Version=2010-05-08&RoleName=r&Flag") == [
        ("Action", "GetRole"), ("Version", "2010-05-08"), ("RoleName", "r"), ("Flag", "")]


def test_long_and_repeated_encoded_fields_decode_alike():
    policy = '{"Statement": [' + ", ".join(['{"Action": "s3:Get*"}'] * 60) + "]}"
    text = f"Action=PutUserPolicy&PolicyDocument={quote_plus(policy)}&Arn=arn%3Aaws%3Aiam"
    for _ in range(2):  # the second time, the short field is a remembered one
        assert form_pairs(text) == parse_qsl(text, keep_blank_values=True)
