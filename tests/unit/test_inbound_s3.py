"""S3's operations told apart by method, path, query keys and headers, as botocore's model
routes them; virtual-hosted requests after their conversion to path-style."""

from __future__ import annotations

import pytest

from rolecall.protocol.inbound import InboundError, identify, parse, streams_payload

from .inbound_wire import Wire, sent_by_boto3


def _raw(method: str, path: str, query=(), headers=None, body=b"") -> Wire:
    return Wire("s3", method, path, list(query), {k: [v] for k, v in (headers or {}).items()}, body)


def _op(wire: Wire) -> str | None:
    found = wire.identify()
    return None if found is None else found.operation.name


@pytest.mark.parametrize(
    ("wire", "operation"),
    [
        (_raw("GET", "/"), "ListBuckets"),
        (_raw("GET", "/b"), "ListObjects"),
        (_raw("GET", "/b/"), "ListObjects"),
        (_raw("GET", "/b", [("list-type", "2"), ("prefix", "p")]), "ListObjectsV2"),
        (_raw("GET", "/b", [("tagging", "")]), "GetBucketTagging"),
        (_raw("GET", "/b", [("analytics", "")]), "ListBucketAnalyticsConfigurations"),
        (_raw("GET", "/b", [("analytics", ""), ("id", "a")]), "GetBucketAnalyticsConfiguration"),
        (_raw("GET", "/b", [("lifecycle", "")]), "GetBucketLifecycleConfiguration"),
        (_raw("HEAD", "/b"), "HeadBucket"),
        (_raw("PUT", "/b"), "CreateBucket"),
        (_raw("GET", "/b/k"), "GetObject"),
        (_raw("GET", "/b/k", [("tagging", "")]), "GetObjectTagging"),
        (_raw("PUT", "/b/k"), "PutObject"),
        (_raw("PUT", "/b/k", headers={"x-amz-copy-source": "s/k"}), "CopyObject"),
        (_raw("PUT", "/b/k", [("partNumber", "1"), ("uploadId", "u")]), "UploadPart"),
        (
            _raw("PUT", "/b/k", [("partNumber", "1"), ("uploadId", "u")],
                 {"X-Amz-Copy-Source": "s/k"}),
            "UploadPartCopy",
        ),
        (_raw("POST", "/b/k", [("uploads", "")]), "CreateMultipartUpload"),
        (_raw("POST", "/b/k", [("uploadId", "u")]), "CompleteMultipartUpload"),
        (_raw("DELETE", "/b/k", [("uploadId", "u")]), "AbortMultipartUpload"),
        (_raw("GET", "/b/k", [("uploadId", "u")]), "ListParts"),
        (_raw("POST", "/b", [("delete", "")]), "DeleteObjects"),
        (_raw("PATCH", "/b/k"), None),
    ],
)  # fmt: skip
def test_operation_is_chosen_by_method_path_query_and_headers(wire, operation):
    assert _op(wire) == operation


def test_delete_objects_body_gives_the_keys():
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>'
        b"<Object><Key>a</Key></Object><Object><Key>b/c</Key><VersionId>v</VersionId></Object>"
        b"</Delete>"
    )
    wire = _raw("POST", "/b", [("delete", "")], body=body)
    assert wire.parse(wire.identify()) == {
        "Bucket": "b",
        "Delete": {"Quiet": True, "Objects": [{"Key": "a"}, {"Key": "b/c", "VersionId": "v"}]},
    }


def test_put_object_streams_its_body_and_reads_metadata_tagging_and_acl_headers():
    wire = sent_by_boto3(
        "s3", "put_object", Bucket="b", Key="dir/ü é+?.txt", Body=b"data",
        Metadata={"owner": "ann"}, Tagging="a=1", ACL="public-read",
    )  # fmt: skip
    found = wire.identify()
    assert found.operation.name == "PutObject"
    assert streams_payload(found.operation)
    params = wire.parse(found)
    assert params["Key"] == "dir/ü é+?.txt"
    assert params["Metadata"] == {"owner": "ann"}
    assert (params["Tagging"], params["ACL"]) == ("a=1", "public-read")
    assert "Body" not in params


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("src/a b", "src/a%20b"),
        ("src/dir/ü?x", "src/dir/%C3%BC%3Fx"),
        ("src/k 1?versionId=v+1", "src/k%201?versionId=v+1"),
    ],
)
def test_copy_source_reads_as_boto3_takes_it(given, sent):
    wire = sent_by_boto3("s3", "copy_object", Bucket="b", Key="k", CopySource=given)
    assert wire.header("x-amz-copy-source") == sent
    found = wire.identify()
    assert found.operation.name == "CopyObject"
    assert wire.parse(found)["CopySource"] == given


@pytest.mark.parametrize(
    ("method", "params", "operation"),
    [
        ("list_objects_v2", {"Bucket": "bucket-1", "Prefix": "p/"}, "ListObjectsV2"),
        ("list_objects", {"Bucket": "bucket-1"}, "ListObjects"),
        ("get_object", {"Bucket": "bucket-1", "Key": "a/b/c"}, "GetObject"),
        ("put_bucket_tagging",
         {"Bucket": "bucket-1", "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
         "PutBucketTagging"),
        ("delete_objects",
         {"Bucket": "bucket-1", "Delete": {"Objects": [{"Key": "x"}]}}, "DeleteObjects"),
        ("upload_part",
         {"Bucket": "bucket-1", "Key": "k", "PartNumber": 3, "UploadId": "u", "Body": b"x"},
         "UploadPart"),
    ],
)  # fmt: skip
def test_virtual_hosted_requests_converted_to_path_style(method, params, operation):
    wire = sent_by_boto3("s3", method, addressing="virtual", **params)
    assert wire.path.startswith("/bucket-1")
    found = wire.identify()
    assert found.operation.name == operation
    parsed = wire.parse(found)
    expected = {k: v for k, v in params.items() if k != "Body"}
    assert {k: parsed.get(k) for k in expected} == expected


def test_s3control_shares_the_signing_name_and_is_told_apart_by_its_routes():
    wire = sent_by_boto3("s3control", "list_access_points", AccountId="111122223333")
    found = wire.identify()
    assert (found.service, found.operation.name) == ("s3control", "ListAccessPoints")
    assert wire.parse(found)["AccountId"] == "111122223333"


def test_percent_encoded_labels_are_decoded():
    wire = _raw("GET", "/b/a%2Fb%20c%25")
    assert wire.parse(wire.identify())["Key"] == "a/b c%"


def test_malformed_xml_body_is_an_inbound_error():
    wire = _raw("POST", "/b", [("delete", "")], body=b"<Delete><Object>")
    with pytest.raises(InboundError):
        wire.parse(wire.identify())


def test_entity_declarations_are_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><Delete>&e;</Delete>'
    found = identify("s3", "POST", "/b", [("delete", "")], {}, None)
    with pytest.raises(InboundError):
        parse(found, "POST", "/b", [("delete", "")], {}, body)


def test_bad_header_value_is_an_inbound_error():
    wire = _raw("PUT", "/b/k", headers={"Content-Length": "many"})
    with pytest.raises(InboundError):
        wire.parse(wire.identify())
