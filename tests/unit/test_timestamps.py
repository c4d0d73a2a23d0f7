"""AWS's second-precision timestamps: the kept text of a second never leaks into another."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rolecall.timestamps import iso_seconds

_zones = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=2)),
                          dt.timezone(dt.timedelta(hours=-5, minutes=-30))])


@given(st.lists(st.datetimes(min_value=dt.datetime(1900, 1, 2),
                             max_value=dt.datetime(2200, 1, 1), timezones=_zones),
                min_size=1, max_size=20))
def test_each_time_is_written_in_utc_to_the_second(times):
    for value in times:
        assert iso_seconds(value) == value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_second_before_the_epoch_is_not_the_epoch():
    before = dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=dt.UTC)
    assert iso_seconds(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == "1970-01-01T00:00:00Z"
    assert iso_seconds(before) == "1969-12-31T23:59:59Z"
