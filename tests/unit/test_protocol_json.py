"""The JSON protocol (awsJson1.1): every Organizations operation's input as botocore's
serializer writes it parses back to the same parameters, every output we write botocore's
parser reads back without loss, and errors carry botocore's code, message and Reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.model import Shape
from botocore.parsers import JSONParser
from botocore.serialize import JSONSerializer
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.protocol import json as json_protocol
from rolecall.protocol import models, wire
from rolecall.protocol.errors import AWSError

# botocore's serializer sends whole epoch seconds.
WHEN = dt.datetime(2024, 2, 29, 12, 30, 45, tzinfo=dt.UTC)
SPECIAL = "<a & 'b' \"c\">/é\u2028"


def sample(shape: Shape, depth: int = 0):
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        return {name: sample(member, depth + 1) for name, member in shape.members.items()}
    if kind == "list":
        return [sample(shape.member, depth + 1) for _ in range(2)]
    if kind == "map":
        return {f"k{i}": sample(shape.value, depth + 1) for i in range(2)}
    if kind == "string":
        return shape.enum[0] if shape.enum else SPECIAL
    if kind in ("integer", "long"):
        return 42
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return b"\x00\xffblob"
    if kind in ("float", "double"):
        return 1.5
    raise AssertionError(kind)


def _operations(with_shape: str):
    model = models.service_model("organizations")
    for name in model.operation_names:
        if getattr(model.operation_model(name), with_shape) is not None:
            yield name


@pytest.mark.parametrize("operation", list(_operations("input_shape")))
def test_botocore_requests_parse_back_to_their_parameters(operation):
    model = models.operation_model("organizations", operation)
    params = sample(model.input_shape)
    request = JSONSerializer().serialize_to_request(params, model)
    assert request["headers"]["X-Amz-Target"] == f"AWSOrganizationsV20161128.{operation}"
    protocol = wire.for_service("organizations")
    headers = {"x-amz-target": [request["headers"]["X-Amz-Target"]]}
    assert protocol.operation_name({}, headers) == operation
    assert protocol.parse(model.input_shape, {}, request["body"]) == params


@pytest.mark.parametrize("operation", list(_operations("output_shape")))
def test_botocore_parses_every_output_without_loss(operation):
    model = models.operation_model("organizations", operation)
    value = sample(model.output_shape)
    body = wire.for_service("organizations").success(model, value, "req-1")
    parsed = JSONParser().parse({"body": body, "headers": {}, "status_code": 200},
                                model.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert parsed == value


def test_output_timestamps_keep_milliseconds():
    model = models.operation_model("organizations", "DescribeCreateAccountStatus")
    when = dt.datetime(2024, 2, 29, 12, 30, 45, 250000, tzinfo=dt.UTC)
    body = json_protocol.success(model, {"CreateAccountStatus": {"RequestedTimestamp": when}})
    parsed = JSONParser().parse({"body": body, "headers": {}, "status_code": 200},
                                model.output_shape)
    assert parsed["CreateAccountStatus"]["RequestedTimestamp"] == when


def test_errors_carry_code_message_and_reason():
    err = AWSError("ConstraintViolationException", "You have exceeded the maximum policy size.",
                   400, Reason="POLICY_CONTENT_LIMIT_EXCEEDED")
    _, body = wire.for_service("organizations").error(err, "req-2")
    parsed = JSONParser().parse({"body": body, "headers": {}, "status_code": 400}, None)
    assert parsed["Error"] == {"Code": "ConstraintViolationException",
                               "Message": "You have exceeded the maximum policy size."}
    assert json.loads(body)["Reason"] == "POLICY_CONTENT_LIMIT_EXCEEDED"


@pytest.mark.parametrize(("query_code", "json_code"), [
    ("AccessDenied", "AccessDeniedException"),
    ("InvalidClientTokenId", "UnrecognizedClientException"),
    ("SignatureDoesNotMatch", "InvalidSignatureException"),
    ("ValidationError", "InvalidInputException"),
])
def test_front_end_errors_take_their_json_names(query_code, json_code):
    renamed, body = wire.for_service("organizations").error(AWSError(query_code, "m"), "r")
    assert renamed.code == json_code
    assert json.loads(body)["__type"] == json_code


def test_model_constraint_errors_name_their_reason():
    renamed, _ = wire.for_service("organizations").error(AWSError(
        "ValidationError", "1 validation error detected: Value '12' at 'accountId' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$"), "r")
    assert renamed.fields["Reason"] == "INVALID_PATTERN"


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"AccountId": 12}', b'{"MaxResults": "x"}',
                                  b'{"Tags": {"Key": "a"}}'])
def test_malformed_bodies_are_serialization_errors(body):
    shape = models.operation_model("organizations", "ListAccounts").input_shape
    tags = models.operation_model("organizations", "TagResource").input_shape
    with pytest.raises(AWSError) as caught:
        json_protocol.parse_params(shape, body)
        json_protocol.parse_params(tags, body)
        json_protocol.parse_params(
            models.operation_model("organizations", "DescribeAccount").input_shape, body)
    assert caught.value.code == "SerializationException"


def test_an_empty_body_is_no_parameters():
    shape = models.operation_model("organizations", "ListAccounts").input_shape
    assert json_protocol.parse_params(shape, b"") == {}


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["Email", "AccountName", "Tags", "RoleName",
                                        "IamUserAccessToBilling", "x"]), _JSON, max_size=5))
def test_any_json_body_parses_or_is_refused_as_aws_refuses_it(document):
    shape = models.operation_model("organizations", "CreateAccount").input_shape
    try:
        params = json_protocol.parse_params(shape, json.dumps(document).encode())
    except AWSError as err:
        assert err.code == "SerializationException"
        return
    assert set(params) <= set(shape.members)
