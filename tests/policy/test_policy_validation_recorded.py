"""IAM's verdict on every CreatePolicy document AWS was recorded answering (see
recorded_documents.py for the source): the same first error, or acceptance."""

from __future__ import annotations

import json

import pytest
from recorded_documents import INVALID, VALID

from rolecall.policy import MalformedPolicyError, PolicyType, parse_policy


def _text(document) -> str:
    return document if isinstance(document, str) else json.dumps(document)


@pytest.mark.parametrize(("document", "expected"), INVALID,
                         ids=[f"invalid-{i}" for i in range(len(INVALID))])
def test_refused_with_aws_words(document, expected):
    with pytest.raises(MalformedPolicyError) as raised:
        parse_policy(_text(document), PolicyType.MANAGED)
    assert raised.value.message == expected


@pytest.mark.parametrize("document", VALID, ids=[f"valid-{i}" for i in range(len(VALID))])
def test_accepted(document):
    parse_policy(_text(document), PolicyType.MANAGED)
