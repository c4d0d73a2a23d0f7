"""Every operation in botocore's IAM and STS models either has a handler or answers
NotImplemented (HTTP 501) naming it: never a 500, never a silent success."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from rolecall import operations
from rolecall.protocol import models


def _unimplemented():
    for service in models.SERVICES:
        for name in models.service_model(service).operation_names:
            if operations.lookup(service, name) is None:
                yield service, name


def test_most_operations_have_handlers():
    total = sum(len(models.service_model(s).operation_names) for s in models.SERVICES)
    assert len(list(_unimplemented())) < total / 2


@pytest.mark.parametrize(("service", "operation"), list(_unimplemented()))
def test_unimplemented_operation_answers_501_naming_it(account, service, operation):
    client = boto3.client(
        service, endpoint_url=account.endpoint, region_name="us-east-1",
        aws_access_key_id=account.access_key_id, aws_secret_access_key=account.secret_access_key,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as err:
        client._make_api_call(operation, {})
    error = err.value.response["Error"]
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Code"] == "NotImplemented"
    assert operation in error["Message"]
