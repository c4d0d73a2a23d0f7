"""Every operation of every botocore service model gets checks; random params never raise."""

import functools
import gzip
import pathlib

import botocore
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from rolecall.authz.services import Check, checks_for

ACCOUNT = "111122223333"


@functools.cache
def _operations() -> list[tuple[str, str, dict]]:
    """(service, operation, params with a placeholder for each top-level string member)."""
    found = []
    for service_dir in sorted((pathlib.Path(botocore.__file__).parent / "data").iterdir()):
        versions = sorted(service_dir.glob("*/service-2.json*"))
        if not versions:
            continue
        raw = versions[-1].read_bytes()
        model = orjson.loads(gzip.decompress(raw) if versions[-1].suffix == ".gz" else raw)
        service = service_dir.name
        shapes = model["shapes"]
        for name, operation in model["operations"].items():
            members = shapes.get(operation.get("input", {}).get("shape", ""), {}).get(
                "members", {})
            params = {member: "x-1" for member, ref in members.items()
                      if shapes.get(ref["shape"], {}).get("type") == "string"}
            found.append((service, name, params))
    return found


def _valid(found: list[Check]) -> bool:
    return bool(found) and all(
        isinstance(c.action, str) and ":" in c.action and isinstance(c.resource, str)
        and all(isinstance(v, (str, list)) for v in c.context.values()) for c in found)


def test_every_operation_of_every_service_gets_checks():
    operations = _operations()
    assert len(operations) > 10000
    for service, operation, params in operations:
        assert _valid(checks_for(service, operation, {}, region="us-east-1",
                                 account_id=ACCOUNT)), (service, operation)
        assert _valid(checks_for(service, operation, params, region="us-east-1",
                                 account_id=ACCOUNT)), (service, operation)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.binary(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=3),
    max_leaves=12)
_MEMBERS = st.sampled_from([
    "Bucket", "Key", "VersionId", "CopySource", "Tagging", "Delete", "TableName",
    "Item", "RequestItems", "TransactItems", "ProjectionExpression", "FunctionName", "Role",
    "QueueUrl", "TopicArn", "KeyId", "CiphertextBlob", "EncryptionContext", "SecretId",
    "Names", "Name", "logGroupName", "repositoryName", "StreamName", "Entries", "Targets",
    "TagSpecifications", "Tags", "tags", "TagKeys", "InstanceIds", "Resources",
    "IamInstanceProfile", "SecurityGroupIds", "stateMachineArn", "roleArn",
    "DBInstanceIdentifier", "AlarmNames", "MaxKeys", "ReplicationConfiguration"])
_CORRECTED = [("s3", op) for op in ("PutObject", "CopyObject", "DeleteObjects", "GetObject",
                                    "ListObjectsV2", "CreateBucket", "PutBucketReplication")] + [
    ("ec2", "RunInstances"), ("ec2", "CreateTags"), ("ec2", "TerminateInstances"),
    ("dynamodb", "BatchWriteItem"), ("dynamodb", "BatchGetItem"),
    ("dynamodb", "TransactWriteItems"), ("dynamodb", "PutItem"), ("lambda", "CreateFunction"),
    ("lambda", "Invoke"), ("lambda", "CreateEventSourceMapping"), ("dynamodb", "Query"),
    ("kms", "Decrypt"), ("kms", "ReEncrypt"), ("kms", "CreateAlias"),
    ("sqs", "SendMessage"), ("sns", "Publish"), ("secretsmanager", "BatchGetSecretValue"),
    ("ssm", "GetParameters"), ("logs", "PutLogEvents"), ("events", "PutEvents"),
    ("events", "PutTargets"), ("stepfunctions", "CreateStateMachine"), ("ecs", "RunTask"),
    ("rds", "DescribeDBInstances"), ("cloudwatch", "DeleteAlarms"), ("iam", "CreateRole")]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_CORRECTED), st.dictionaries(_MEMBERS, _VALUES, max_size=6),
       st.none() | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
def test_random_params_never_raise(target, params, key_schema):
    service, operation = target
    found = checks_for(service, operation, params, region="us-east-1", account_id=ACCOUNT,
                       key_schema=key_schema)
    assert _valid(found)
