"""rolecall's query-protocol parser reads back exactly what botocore's serializer writes,
for every IAM and STS operation's input shape."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

import botocore.session
from botocore.model import Shape
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolecall.protocol import models, query

from .harness import examples

SERIALIZER = create_serializer("query", include_validation=False)
OPERATIONS = [(service, name) for service in ("iam", "sts")
              for name in botocore.session.get_session().get_service_model(service)
              .operation_names]


def valid(shape: Shape, nested: bool = False) -> st.SearchStrategy:
    """Values botocore can serialize for ``shape`` (types right, constraints ignored)."""
    kind = shape.type_name
    if kind == "structure":
        built = st.fixed_dictionaries(
            {}, optional={n: valid(m, True) for n, m in shape.members.items()})
        # An empty nested structure is not written at all, so it cannot come back.
        return built.filter(bool) if nested else built
    if kind == "list":
        return st.lists(valid(shape.member, True), max_size=3)
    if kind == "map":
        return st.dictionaries(st.text(max_size=10), valid(shape.value, True), max_size=3)
    if kind == "string":
        return st.text(max_size=20)
    if kind in ("integer", "long"):
        return st.integers(-(2**63), 2**63 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(min_value=dt.datetime(1900, 1, 1), timezones=st.just(dt.UTC))
    if kind == "blob":
        return st.binary(max_size=30)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    raise AssertionError(f"no strategy for {kind}")


@st.composite
def operation_inputs(draw):
    service, name = draw(st.sampled_from(OPERATIONS))
    model = models.operation_model(service, name)
    shape = model.input_shape
    params = draw(valid(shape)) if shape is not None else {}
    return model, params


@settings(max_examples=examples(400), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(case=operation_inputs())
def test_parser_reads_back_what_botocore_serializes(case):
    model, params = case
    body = SERIALIZER.serialize_to_request(params, model)["body"]
    # Through the wire encoding too, as the pipeline receives it.
    form = dict(parse_qsl(urlencode(body), keep_blank_values=True))
    parsed = query.parse_params(model.input_shape, form)
    parsed.pop("Action", None)
    assert parsed == params
