"""Extreme documents: numbers of thousands of digits, deep nesting, long strings and any
unicode give a Policy or MalformedPolicyError with AWS's text, never another exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.policy import MalformedPolicyError, PolicyType, parse_policy
from rolecall.policy.date_values import valid_date_value

KINDS = list(PolicyType)


def _wrap(value: str) -> str:
    return ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",'
            '"Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":' + value + '}}}}')


def _parse(text: str, kind: PolicyType) -> None:
    try:
        parse_policy(text, kind)
    except MalformedPolicyError as err:
        assert err.message


@settings(max_examples=40, deadline=None)
@given(digits=st.integers(min_value=4000, max_value=20000), kind=st.sampled_from(KINDS),
       form=st.sampled_from(["{d}", "-{d}", "{d}.5", "1e{d}", "0.{d}", '"{d}"']))
def test_numbers_of_thousands_of_digits(digits, kind, form):
    _parse(_wrap(form.format(d="7" * digits)), kind)


@settings(max_examples=30, deadline=None)
@given(depth=st.integers(min_value=1, max_value=3000), kind=st.sampled_from(KINDS))
def test_deep_nesting(depth, kind):
    _parse(_wrap("[" * depth + "1" + "]" * depth), kind)
    _parse('{"a":' * depth + "1" + "}" * depth, kind)


@settings(max_examples=100, deadline=None)
@given(text=st.text(), kind=st.sampled_from(KINDS))
def test_any_unicode_text(text, kind):
    _parse(text, kind)
    _parse(json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": text, "Resource": text,
        "Condition": {"DateGreaterThan": {text: text}}}}), kind)


@given(st.text())
def test_date_values_are_judged_without_errors(text):
    assert valid_date_value(text) in (True, False)


def test_date_value_of_thousands_of_digits_is_refused_not_raised():
    assert valid_date_value("9" * 10000) is False
    assert valid_date_value("1" * 5000 + "-01-01") is False
