"""Every operation of the fifteen main services (and a sample of every other model),
serialized by botocore with its minimal required params, is identified and parsed back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationModel, Shape

from rolecall.protocol.inbound import routes, streams_payload

from .inbound_wire import serialized, service_model

MAIN = (
    "s3", "ec2", "rds", "dynamodb", "sqs", "sns", "lambda", "kms", "secretsmanager", "ssm",
    "logs", "ecr", "kinesis", "events", "stepfunctions",
)  # fmt: skip
WHEN = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
_NESTED = ("structure", "list", "map")
PARSED = ("query", "ec2", "json", "rest-json", "rest-xml")


def _sample() -> list[str]:
    names = botocore.session.get_session().get_available_services()
    # cloudwatch is sent in json and query; sdb has SimpleDB's renamed flattened lists.
    return sorted({*names[::12], "cloudwatch", "sdb", "elbv2", "route53"} - set(MAIN))


def minimal(shape: Shape, depth: int = 0) -> Any:
    """The smallest value botocore accepts for ``shape``: required members only."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if shape.is_document_type:
            return {"a": 1}
        required = shape.required_members
        if not required and shape.members:
            # An empty structure would not be sent at all: give it one member, a scalar
            # if there is one.
            scalar = [n for n, m in shape.members.items() if m.type_name not in _NESTED]
            required = scalar[:1] or ([] if depth > 8 else [next(iter(shape.members))])
        return {name: minimal(shape.members[name], depth + 1) for name in required}
    if kind == "list":
        return [minimal(shape.member, depth + 1)]
    if kind == "map":
        return {minimal(shape.key, depth + 1): minimal(shape.value, depth + 1)}
    if kind == "string":
        if meta.get("jsonvalue"):
            return {"a": 1}
        if shape.enum:
            return shape.enum[0]
        return "x" * max(1, meta.get("min", 1))
    if kind in ("integer", "long"):
        return int(meta.get("min", 1)) or 1
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return b"x"
    raise AssertionError(kind)


def _route_key(operation: OperationModel) -> tuple:
    route = routes._route_of(operation)
    return (operation.http.get("method"), route.pattern.pattern, route.query,
            set(route.required_query), set(route.required_headers))  # fmt: skip


def _roundtrip(model_name: str) -> list[str]:
    model = service_model(model_name)
    protocols = [p for p in model.metadata.get("protocols", [model.protocol]) if p in PARSED]
    problems = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        shape = operation.input_shape
        params = minimal(shape) if shape is not None else {}
        for protocol in protocols:
            wire = serialized(operation, params, protocol)
            found = wire.identify()
            if found is None:
                problems.append(f"{protocol} {name}: not identified")
                continue
            if found.operation.name != name:
                if protocol in ("rest-json", "rest-xml") and _route_key(
                    found.operation
                ) == _route_key(operation):
                    continue  # twins: the same route for two operations (a deprecated alias)
                problems.append(f"{protocol} {name}: identified as {found.operation.name}")
                continue
            parsed = wire.parse(found)
            expected = dict(params)
            if streams_payload(operation):
                expected.pop(shape.serialization["payload"], None)
            got = {key: parsed.get(key) for key in expected}
            if got != expected:
                problems.append(f"{protocol} {name}: {got} != {expected}")
    return problems


@pytest.mark.parametrize("model_name", MAIN)
def test_every_operation_of_the_main_services_round_trips(model_name):
    assert _roundtrip(model_name) == []


@pytest.mark.parametrize("model_name", _sample())
def test_every_operation_of_a_sample_of_all_models_round_trips(model_name):
    assert _roundtrip(model_name) == []
