"""One object per wire protocol: how a service's calls are named, parsed and answered.

The pipeline asks ``for_service(service)`` once and then never branches on the protocol:
IAM and STS speak the query protocol (XML answers), Organizations speaks awsJson1.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import OperationModel, Shape

from . import json as json_protocol
from . import models, query, xml
from .errors import AWSError


class QueryProtocol:
    """``Action=...`` in the form or query string; XML answers."""

    content_type = "text/xml"

    def __init__(self, service: str) -> None:
        self.service = service

    def operation_name(self, form: Mapping[str, str], headers: dict[str, list[str]]) -> str:
        return form.get("Action", "")

    def missing_operation(self) -> AWSError:
        return AWSError("MissingAction", "Missing Action")

    def unknown_operation(self, name: str) -> AWSError:
        return AWSError("InvalidAction", f"Could not find operation {name} for version "
                        f"{models.api_version(self.service)}")

    def parse(self, shape: Shape | None, form: Mapping[str, str], body: bytes) -> dict[str, Any]:
        return query.parse_params(shape, form)

    def success(self, operation: OperationModel, result: dict | None, request_id: str) -> bytes:
        return xml.success(self.service, operation, result, request_id)

    def error(self, err: AWSError, request_id: str) -> tuple[AWSError, bytes]:
        return err, xml.error(self.service, err, request_id)


# Errors the query protocol names one way and awsJson services another.
_JSON_CODES = {
    "AccessDenied": "AccessDeniedException",
    "ExpiredToken": "ExpiredTokenException",
    "IncompleteSignature": "IncompleteSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "ConcurrentModification": "ConcurrentModificationException",
    "InternalFailure": "ServiceException",
}


class JsonProtocol:
    """``X-Amz-Target: <prefix>.<Operation>`` and a JSON body; JSON answers."""

    content_type = json_protocol.CONTENT_TYPE

    def __init__(self, service: str) -> None:
        self.service = service
        self.target_prefix = models.service_model(service).metadata["targetPrefix"]

    def operation_name(self, form: Mapping[str, str], headers: dict[str, list[str]]) -> str:
        values = headers.get("x-amz-target")
        return json_protocol.operation_name(values[0] if values else None, self.target_prefix)

    def missing_operation(self) -> AWSError:
        return AWSError("UnknownOperationException", "Missing X-Amz-Target", 400)

    def unknown_operation(self, name: str) -> AWSError:
        return AWSError("UnknownOperationException", f"Unknown operation {name}", 400)

    def parse(self, shape: Shape | None, form: Mapping[str, str], body: bytes) -> dict[str, Any]:
        return json_protocol.parse_params(shape, body)

    def success(self, operation: OperationModel, result: dict | None, request_id: str) -> bytes:
        return json_protocol.success(operation, result)

    def error(self, err: AWSError, request_id: str) -> tuple[AWSError, bytes]:
        """The error as this service names it: the front end's ValidationError is
        Organizations' InvalidInputException, the query protocol's codes gain their JSON
        names."""
        if err.code == "ValidationError":
            err = _renamed(err, "InvalidInputException", Reason=_reason(err.message))
        elif err.code in _JSON_CODES:
            err = _renamed(err, _JSON_CODES[err.code])
        return err, json_protocol.error(err)


def _renamed(err: AWSError, code: str, **fields: str) -> AWSError:
    renamed = AWSError(code, err.message, err.status, **{**err.fields, **fields})
    renamed.decision = err.decision
    return renamed


def _reason(message: str) -> str:
    """InvalidInputException's Reason for a model constraint the request broke."""
    for needle, reason in (("must not be null", "INPUT_REQUIRED"),
                           ("regular expression pattern", "INVALID_PATTERN"),
                           ("enum value set", "INVALID_ENUM"),
                           ("length less than", "MAX_LENGTH_EXCEEDED"),
                           ("length greater than", "MIN_LENGTH_EXCEEDED"),
                           ("value less than", "MAX_VALUE_EXCEEDED"),
                           ("value greater than", "MIN_VALUE_EXCEEDED")):
        if needle in message:
            return reason
    return "INVALID_PATTERN"


_PROTOCOLS: dict[str, QueryProtocol | JsonProtocol] = {}


def for_service(service: str) -> QueryProtocol | JsonProtocol:
    found = _PROTOCOLS.get(service)
    if found is None:
        kind = models.service_model(service).metadata["protocol"]
        found = JsonProtocol(service) if kind == "json" else QueryProtocol(service)
        _PROTOCOLS[service] = found
    return found
