"""Checks that test params use botocore's member names, as boto3 would send them."""

import functools

import botocore.session
from botocore.validate import ParamValidator


@functools.cache
def _model(service: str):
    return botocore.session.get_session().get_service_model(service)


def assert_botocore_members(service: str, operation: str, params: dict) -> None:
    """No member the operation's input does not have (missing required ones are fine)."""
    shape = _model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape).generate_report()
    assert "Unknown parameter" not in report, f"{service}.{operation}: {report}"
