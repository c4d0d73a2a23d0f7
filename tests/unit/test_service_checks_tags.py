"""Request tags in every shape services use, as aws:RequestTag/<k> and aws:TagKeys."""

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from rolecall.authz.services import tags


def test_tag_shapes():
    expected = {"aws:RequestTag/a": "1", "aws:TagKeys": ["a"]}
    assert tags.tag_context({"Tags": [{"Key": "a", "Value": "1"}]}) == expected
    assert tags.tag_context({"tags": [{"key": "a", "value": "1"}]}) == expected
    assert tags.tag_context({"Tags": [{"TagKey": "a", "TagValue": "1"}]}) == expected
    assert tags.tag_context({"Tags": {"a": "1"}}) == expected
    assert tags.tag_context({"Tagging": {"TagSet": [{"Key": "a", "Value": "1"}]}}) == expected
    assert tags.tag_context({"TagKeys": ["a", "b"]}) == {"aws:TagKeys": ["a", "b"]}
    assert tags.tag_context({}) == {}


def test_ec2_tag_specifications_by_resource_type():
    params = {"TagSpecifications": [
        {"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}]},
        {"ResourceType": "volume", "Tags": [{"Key": "v", "Value": "2"}]}]}
    assert tags.tag_context(params, "volume") == {"aws:RequestTag/v": "2", "aws:TagKeys": ["v"]}
    assert tags.tag_context(params, "network-interface") == {}


_TAG_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10)


@given(st.dictionaries(_TAG_TEXT, st.text(max_size=10), max_size=5))
def test_s3_tagging_string_round_trips(pairs):
    assert dict(tags.pairs(urlencode(pairs))) == pairs


@given(st.text(max_size=60))
def test_any_tagging_string_parses(text):
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in tags.pairs(text))
