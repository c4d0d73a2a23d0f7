"""Errors answered by the gateway itself, in the protocol and wording of the service asked.

An authorization refusal is each service's own: S3's XML ``AccessDenied`` (403), EC2's
``UnauthorizedOperation`` (403), SNS's ``AuthorizationError`` (403, modelled), the query
services' ``AccessDenied`` (403), ``AccessDeniedException`` for JSON services (400, as
DynamoDB, KMS and the other JSON services answer it) and for REST-JSON ones (403, Lambda).
Other errors (signatures, an unreachable upstream) keep their code and status.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import botocore.session

from ..protocol.errors import AWSError
from ..protocol.xml import escape

XML = "application/xml"


@dataclass
class Answer:
    """A complete response the gateway sends without asking an upstream."""

    status: int
    body: bytes
    content_type: str
    headers: list[tuple[str, str]] = field(default_factory=list)


@functools.cache
def _model_metadata(service: str) -> dict:
    try:
        return botocore.session.get_session().get_service_model(service).metadata
    except Exception:  # an unknown model name: the protocol given decides alone
        return {}


def protocol_of(service: str | None, signing_name: str, json_target: bool) -> str:
    """The protocol to answer in when the operation may not be known."""
    if service:
        protocol = _model_metadata(service).get("protocol")
        if protocol:
            return protocol
    if signing_name == "s3":
        return "rest-xml"
    if signing_name == "ec2":
        return "ec2"
    return "json" if json_target else "query"


def denied(service: str | None, protocol: str, message: str) -> AWSError:
    """The service's own refusal for ``message``."""
    if protocol == "ec2":
        return AWSError("UnauthorizedOperation", message, status=403)
    if service == "sns":
        return AWSError("AuthorizationError", message, status=403)
    if protocol == "json":
        return AWSError("AccessDeniedException", message, status=400)
    if protocol == "rest-json":
        return AWSError("AccessDeniedException", message, status=403)
    return AWSError("AccessDenied", message, status=403)


def answer(err: AWSError, *, service: str | None, protocol: str, request_id: str) -> Answer:
    code, message, status = err.code, err.message, err.status
    headers = [("x-amzn-requestid", request_id)]
    if protocol in ("json", "rest-json"):
        meta = _model_metadata(service) if service else {}
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = f"application/x-amz-json-{meta.get('jsonVersion', '1.1')}"
        if protocol == "rest-json":
            headers.append(("x-amzn-errortype", code))
            content_type = "application/json"
        elif meta.get("awsQueryCompatible") is not None:
            fault = "Sender" if err.sender_fault else "Receiver"
            headers.append(("x-amzn-query-error", f"{code};{fault}"))
        return Answer(status, body, content_type, headers)
    if protocol == "ec2":
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
                f"</Errors><RequestID>{request_id}</RequestID></Response>")
        return Answer(status, text.encode(), "text/xml;charset=UTF-8", headers)
    if protocol == "rest-xml" and service in (None, "s3", "s3control"):
        headers.append(("x-amz-request-id", request_id))
        text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(code)}</Code>'
                f"<Message>{escape(message)}</Message><RequestId>{request_id}</RequestId>"
                f"</Error>")
        return Answer(status, text.encode(), XML, headers)
    fault = "Sender" if err.sender_fault else "Receiver"
    text = (f"<ErrorResponse><Error><Type>{fault}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")
    return Answer(status, text.encode(), "text/xml", headers)
