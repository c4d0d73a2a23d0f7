"""Models that share a signing name are told apart as AWS's front ends tell them apart."""

from __future__ import annotations

import json

import pytest

from rolecall.protocol.inbound import InboundError, identify, parse

from .inbound_wire import serialized, service_model


def test_json_models_sharing_a_signing_name_are_told_apart_by_target_prefix():
    streams = identify(
        "dynamodb",
        "POST",
        "/",
        [],
        {"X-Amz-Target": ["DynamoDBStreams_20120810.ListStreams"]},
        None,
    )
    table = identify("dynamodb", "POST", "/", [],
                     {"x-amz-target": ["DynamoDB_20120810.ListTables"]}, None)  # fmt: skip
    assert (streams.service, streams.operation.name) == ("dynamodbstreams", "ListStreams")
    assert (table.service, table.operation.name) == ("dynamodb", "ListTables")


def test_an_unknown_target_or_signing_name_is_not_identified():
    assert identify("dynamodb", "POST", "/", [], {"X-Amz-Target": ["Nope.PutItem"]}, None) is None
    assert identify("nope", "GET", "/", [], {}, None) is None


def test_rds_actions_are_rds_before_their_neptune_and_docdb_look_alikes():
    form = {"Action": "DescribeDBClusters", "Version": "2014-10-31"}
    found = identify("rds", "POST", "/", [], {}, form)
    assert (found.service, found.protocol) == ("rds", "query")


def test_query_version_must_match_the_model():
    assert identify("rds", "POST", "/", [], {}, {"Action": "DescribeDBInstances",
                                                 "Version": "2099-01-01"}) is None  # fmt: skip


def test_cloudwatch_is_accepted_in_json_and_in_query():
    model = service_model("cloudwatch")
    operation = model.operation_model("PutMetricData")
    params = {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": 1.5}]}
    for protocol in ("json", "query"):
        wire = serialized(operation, params, protocol)
        found = wire.identify()
        assert (found.service, found.operation.name, found.protocol) == (
            "cloudwatch", "PutMetricData", protocol,
        )  # fmt: skip
        assert wire.parse(found) == params


def test_a_query_form_body_is_read_when_parsing():
    found = identify("sns", "POST", "/", [], {}, {"Action": "CreateTopic"})
    params = parse(found, "POST", "/", [], {}, b"Action=CreateTopic&Name=t&Tags.member.1.Key=k"
                   b"&Tags.member.1.Value=v")  # fmt: skip
    assert params == {"Name": "t", "Tags": [{"Key": "k", "Value": "v"}]}


@pytest.mark.parametrize("value", [6.7e16, -1e300, "NaN", "9999999999999999999", "tomorrow"])
def test_timestamps_no_datetime_can_hold_are_inbound_errors(value):
    found = identify("kinesis", "POST", "/", [],
                     {"X-Amz-Target": ["Kinesis_20131202.GetShardIterator"]}, None)  # fmt: skip
    body = json.dumps({"StreamName": "s", "Timestamp": value}).encode()
    with pytest.raises(InboundError):
        parse(found, "POST", "/", [], {}, body)
