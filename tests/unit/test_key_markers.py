"""Key markers: opaque, naming a page's last sort key, and IAM's "Invalid Marker." for
anything a key-paged list did not hand out."""

from __future__ import annotations

import base64

import pytest

from rolecall.iam.common import decode_key_marker, key_marker, paginate
from rolecall.protocol.errors import AWSError


def test_a_key_marker_names_its_key_and_nothing_readable():
    marker = key_marker(["User", "alice.smith00001"])
    assert "alice" not in marker
    assert decode_key_marker(marker, 2) == ["User", "alice.smith00001"]
    assert decode_key_marker(None, 2) is None and decode_key_marker("", 1) is None


@pytest.mark.parametrize("marker", [
    "not base64 at all!",
    base64.urlsafe_b64encode(b"k:not json").decode(),
    base64.urlsafe_b64encode(b'k:["one"]').decode(),  # wrong length
    base64.urlsafe_b64encode(b"k:[1, 2]").decode(),  # not strings
    base64.urlsafe_b64encode(b"o:5").decode(),  # an offset marker of another list
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
])
def test_anything_else_is_invalid_marker(marker):
    with pytest.raises(AWSError) as err:
        decode_key_marker(marker, 2)
    assert (err.value.code, err.value.message) == ("ValidationError", "Invalid Marker.")


def test_offset_pages_refuse_key_markers():
    first = paginate(list(range(5)), {"MaxItems": 2}, "Items")
    assert paginate(list(range(5)), {"Marker": first["Marker"]}, "Items")["Items"] == [2, 3, 4]
    with pytest.raises(AWSError):
        paginate(list(range(5)), {"Marker": key_marker(["a"])}, "Items")
