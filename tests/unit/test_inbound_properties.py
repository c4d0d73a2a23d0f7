"""Whatever arrives (paths, query strings, headers, bodies), identify answers an operation or
None and parse answers params or InboundError, never any other exception."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlencode

from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolecall.protocol.inbound import InboundError, identify, parse

from .inbound_wire import service_model

SIGNING_NAMES = ["s3", "ec2", "rds", "dynamodb", "sqs", "sns", "lambda", "kms", "monitoring",
                 "logs", "states", "events", "ecr", "apigateway", "nope"]  # fmt: skip
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]
SEGMENT = st.sampled_from(
    ["b", "k", "2015-03-31", "functions", "f", "invocations", "policy", "tags", "%2F", "%zz",
     "v20180820", "accesspoint", "a%20b", "", "ü"]
)  # fmt: skip
QUERY_KEY = st.sampled_from(
    ["list-type", "tagging", "uploads", "uploadId", "partNumber", "delete", "Action", "Version",
     "max-keys", "Qualifier", "MaxItems", "prefix", "versionId", "x"]
)  # fmt: skip
HEADER = st.sampled_from(
    ["x-amz-target", "x-amz-copy-source", "content-length", "x-amz-meta-a", "x-amz-acl",
     "if-modified-since", "x-amz-object-lock-retain-until-date", "range", "x-amz-tagging",
     "x-amz-expected-bucket-owner", "content-md5", "expires"]
)  # fmt: skip
TEXT = st.text(max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=10,
)  # fmt: skip
TARGETS = st.sampled_from(
    ["DynamoDB_20120810.PutItem", "DynamoDB_20120810.Query", "AmazonSQS.SendMessage",
     "TrentService.Encrypt", "Logs_20140328.PutLogEvents", "AWSStepFunctions.StartExecution",
     "GraniteServiceVersion20100801.GetMetricData", "x.y"]
)  # fmt: skip
FORM_KEY = st.sampled_from(
    ["InstanceId.1", "Filter.1.Name", "Filter.1.Value.1", "MaxResults", "DryRun",
     "TagSpecification.1.Tag.1.Key", "Tags.member.1.Key", "MaxRecords",
     "MessageAttributes.entry.1.Name", "Attributes.entry.1.key",
     "Attributes.entry.1.value", "StartTime", "Period", "x.y.z"]
)  # fmt: skip
FORM_ACTIONS = st.sampled_from(
    ["DescribeInstances", "RunInstances", "DescribeDBInstances", "Publish", "CreateTopic",
     "GetMetricStatistics", "Nope"]
)  # fmt: skip


def _body(kind: str, data: st.DataObject) -> bytes:
    if kind == "json":
        return json.dumps(data.draw(JSON_VALUES)).encode()
    if kind == "xml":
        inner = data.draw(
            st.sampled_from(
                [
                    "<Key>a</Key>",
                    "<Quiet>maybe</Quiet>",
                    "<Object>",
                    "<TagSet><Tag><Key>k</Key></Tag></TagSet>",
                    "&amp;",
                ]
            )
        )
        return f"<Root>{inner}</Root>".encode()
    return data.draw(st.binary(max_size=40))


def _run(signing, method, path, query, headers, form, body):
    found = identify(signing, method, path, query, headers, form)
    if found is None:
        return
    with contextlib.suppress(InboundError):
        parse(found, method, path, query, headers, body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signing=st.sampled_from(SIGNING_NAMES),
    method=st.sampled_from(METHODS),
    segments=st.lists(SEGMENT, max_size=5),
    query=st.lists(st.tuples(QUERY_KEY, TEXT), max_size=4),
    headers=st.dictionaries(HEADER, st.lists(TEXT, min_size=1, max_size=2), max_size=4),
    kind=st.sampled_from(["json", "xml", "bytes"]),
    data=st.data(),
)
def test_rest_requests_never_raise_anything_but_inbound_error(
    signing, method, segments, query, headers, kind, data
):
    path = "/" + "/".join(segments)
    headers.pop("x-amz-target", None)
    _run(signing, method, path, query, headers, None, _body(kind, data))


@settings(max_examples=100, deadline=None)
@given(
    signing=st.sampled_from(["dynamodb", "sqs", "kms", "logs", "states", "monitoring"]),
    target=TARGETS,
    kind=st.sampled_from(["json", "bytes"]),
    data=st.data(),
)
def test_json_requests_never_raise_anything_but_inbound_error(signing, target, kind, data):
    headers = {"X-Amz-Target": [target], "Content-Type": ["application/x-amz-json-1.0"]}
    _run(signing, "POST", "/", [], headers, None, _body(kind, data))


@settings(max_examples=100, deadline=None)
@given(
    signing=st.sampled_from(["ec2", "rds", "sns", "monitoring"]),
    action=FORM_ACTIONS,
    fields=st.dictionaries(FORM_KEY, TEXT, max_size=6),
)
def test_form_requests_never_raise_anything_but_inbound_error(signing, action, fields):
    form = {"Action": action, **fields}
    body = urlencode(form).encode()
    _run(signing, "POST", "/", [], {}, form, body)


def _shaped(shape: Shape, depth: int = 0) -> st.SearchStrategy:
    """Values that follow ``shape`` closely enough to reach deep members, wrong at random."""
    kind = shape.type_name
    wrong = JSON_VALUES
    if depth > 2:
        return wrong
    if kind == "structure" and shape.members:
        optional = {
            m.serialization.get("name", n): _shaped(m, depth + 1) for n, m in shape.members.items()
        }
        return st.one_of(wrong, st.fixed_dictionaries({}, optional=optional))
    if kind == "list":
        return st.one_of(wrong, st.lists(_shaped(shape.member, depth + 1), max_size=2))
    if kind == "map":
        return st.one_of(
            wrong, st.dictionaries(st.text(max_size=4), _shaped(shape.value, depth + 1), max_size=2)
        )
    scalar = {
        "string": st.text(max_size=6),
        "integer": st.integers(),
        "long": st.integers(),
        "boolean": st.booleans(),
        "float": st.floats(),
        "double": st.floats(),
        "timestamp": st.one_of(st.floats(), st.text(max_size=30), st.integers()),
        "blob": st.text(max_size=8),
    }.get(kind, wrong)
    return st.one_of(scalar, wrong)


JSON_OPERATIONS = [
    ("dynamodb", "DynamoDB_20120810", "PutItem"),
    ("dynamodb", "DynamoDB_20120810", "Query"),
    ("kinesis", "Kinesis_20131202", "GetShardIterator"),
    ("events", "AWSEvents", "PutEvents"),
    ("kms", "TrentService", "Encrypt"),
]


_STRATEGIES: dict[tuple[str, str], st.SearchStrategy] = {}


def _strategy(service: str, name: str) -> st.SearchStrategy:
    if (service, name) not in _STRATEGIES:
        shape = service_model(service).operation_model(name).input_shape
        _STRATEGIES[service, name] = _shaped(shape)
    return _STRATEGIES[service, name]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(JSON_OPERATIONS), data=st.data())
def test_json_bodies_shaped_like_the_input_raise_nothing_but_inbound_error(case, data):
    service, prefix, name = case
    document = data.draw(_strategy(service, name))
    headers = {"X-Amz-Target": [f"{prefix}.{name}"]}
    signing = service_model(service).signing_name
    _run(signing, "POST", "/", [], headers, None, json.dumps(document).encode())


def _xml(shape: Shape, name: str, depth: int = 0) -> st.SearchStrategy[str]:
    """XML elements named like ``shape``'s members, nested like it, with random text."""
    kind = shape.type_name
    text = st.sampled_from(["", "1", "-5", "true", "maybe", "2024-01-01T00:00:00Z", "x", "1e400"])
    if depth > 3 or kind not in ("structure", "list", "map"):
        return text.map(lambda t: f"<{name}>{t}</{name}>")
    if kind == "structure":
        children = [
            _xml(m, m.serialization.get("name", n), depth + 1) for n, m in shape.members.items()
        ]
        inner = st.lists(st.one_of(children), max_size=4) if children else st.just([])
    elif kind == "list":
        item = shape.member.serialization.get("name", "member")
        inner = st.lists(_xml(shape.member, item, depth + 1), max_size=3)
    else:
        entry = st.tuples(_xml(shape.key, "key", depth + 1), _xml(shape.value, "value", depth + 1))
        inner = st.lists(entry.map(lambda kv: f"<entry>{kv[0]}{kv[1]}</entry>"), max_size=2)
    return inner.map(lambda parts: f"<{name}>{''.join(parts)}</{name}>")


XML_OPERATIONS = [
    ("PUT", [("lifecycle", "")], "PutBucketLifecycleConfiguration"),
    ("PUT", [("tagging", "")], "PutBucketTagging"),
    ("PUT", [("cors", "")], "PutBucketCors"),
    ("POST", [("delete", "")], "DeleteObjects"),
    ("PUT", [("notification", "")], "PutBucketNotificationConfiguration"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(XML_OPERATIONS), data=st.data())
def test_xml_bodies_shaped_like_the_input_raise_nothing_but_inbound_error(case, data):
    method, query, name = case
    shape = service_model("s3").operation_model(name).input_shape
    payload = shape.members[shape.serialization["payload"]]
    root = payload.serialization.get("name", payload.name)
    body = data.draw(_strategy_xml(name, payload, root)).encode()
    found = identify("s3", method, "/bucket", query, {}, None)
    assert found is not None and found.operation.name == name
    with contextlib.suppress(InboundError):
        assert isinstance(parse(found, method, "/bucket", query, {}, body), dict)


def _strategy_xml(name: str, shape: Shape, root: str) -> st.SearchStrategy[str]:
    if ("xml", name) not in _STRATEGIES:
        _STRATEGIES["xml", name] = _xml(shape, root)
    return _STRATEGIES["xml", name]
