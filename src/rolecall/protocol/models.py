"""botocore's IAM, STS and Organizations service models: the single source of the wire contract."""

from __future__ import annotations

import functools

import botocore.session
from botocore.model import OperationModel, ServiceModel

SERVICES = ("iam", "sts", "organizations")


@functools.cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


@functools.cache
def operation_model(service: str, name: str) -> OperationModel | None:
    model = service_model(service)
    if name not in model.operation_names:
        return None
    return model.operation_model(name)


def api_version(service: str) -> str:
    return service_model(service).api_version


def xml_namespace(service: str) -> str:
    return service_model(service).metadata["xmlNamespace"]


@functools.cache
def target_prefixes() -> dict[str, str]:
    """The ``X-Amz-Target`` prefix of each JSON-protocol service, to its name."""
    return {service_model(s).metadata["targetPrefix"]: s for s in SERVICES
            if "targetPrefix" in service_model(s).metadata}


@functools.cache
def sts_operation_names() -> frozenset[str]:
    return frozenset(service_model("sts").operation_names)
