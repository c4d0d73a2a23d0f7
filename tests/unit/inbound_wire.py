"""Requests as botocore puts them on the wire, fed back through rolecall.protocol.inbound.

Two sources: a boto3 client whose send is stopped at ``before-send`` (every customization
the SDK applies, e.g. S3's checksums and copy-source quoting), and botocore's bare
serializers (any operation of any model, with no client in the way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
import botocore.session
from botocore.awsrequest import AWSPreparedRequest, create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.model import OperationModel
from botocore.serialize import create_serializer

from rolecall.protocol import inbound

ENDPOINT = "http://127.0.0.1:9"
VIRTUAL_ENDPOINT = "http://s3.localhost:9"


@dataclass
class Wire:
    signing_name: str
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, list[str]]
    body: bytes

    def form(self) -> dict[str, str] | None:
        content_type = self.header("content-type") or ""
        if "x-www-form-urlencoded" not in content_type:
            return None
        fields = dict(self.query)
        fields.update(parse_qsl(self.body.decode(), keep_blank_values=True))
        return fields

    def header(self, name: str) -> str | None:
        for key, values in self.headers.items():
            if key.lower() == name.lower():
                return values[0]
        return None

    def identify(self) -> inbound.Identified | None:
        return inbound.identify(
            self.signing_name, self.method, self.path, self.query, self.headers, self.form()
        )

    def parse(self, found: inbound.Identified) -> dict[str, Any]:
        streamed = inbound.streams_payload(found.operation)
        body = None if streamed else self.body
        return inbound.parse(found, self.method, self.path, self.query, self.headers, body)


def from_prepared(signing_name: str, request: AWSPreparedRequest) -> Wire:
    url = urlsplit(request.url)
    path = url.path or "/"
    host = url.hostname or ""
    suffix = "." + (urlsplit(VIRTUAL_ENDPOINT).hostname or "")
    if host.endswith(suffix):
        # What the gateway does before calling identify: virtual-hosted S3 to path-style.
        path = "/" + host[: -len(suffix)] + (path if path != "/" else "")
    headers: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        text = value.decode() if isinstance(value, bytes) else value
        headers.setdefault(key, []).append(text)
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return Wire(
        signing_name,
        request.method,
        path,
        parse_qsl(url.query, keep_blank_values=True),
        headers,
        body or b"",
    )


class _Stop(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        self.request = request


_CLIENTS: dict[tuple[str, str], Any] = {}


def client(service: str, addressing: str = "path") -> Any:
    key = (service, addressing)
    if key not in _CLIENTS:
        made = boto3.client(
            service,
            region_name="us-east-1",
            # Virtual-hosted S3 needs a host name to put the bucket in front of.
            endpoint_url=ENDPOINT if addressing == "path" else VIRTUAL_ENDPOINT,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            config=Config(s3={"addressing_style": addressing}, retries={"max_attempts": 0}),
        )

        def stop(request: AWSPreparedRequest, **_: Any) -> None:
            raise _Stop(request)

        made.meta.events.register("before-send", stop)
        _CLIENTS[key] = made
    return _CLIENTS[key]


def sent_by_boto3(service: str, method: str, addressing: str = "path", **params: Any) -> Wire:
    """What ``boto3.client(service).method(**params)`` sends."""
    made = client(service, addressing)
    try:
        getattr(made, method)(**params)
    except _Stop as stopped:
        return from_prepared(made.meta.service_model.signing_name, stopped.request)
    raise AssertionError("the request was never sent")


def serialized(operation: OperationModel, params: dict[str, Any], protocol: str) -> Wire:
    """What botocore's own serializer for ``protocol`` makes of ``params``."""
    serializer = create_serializer(protocol, include_validation=False)
    request = serializer.serialize_to_request(params, operation)
    request.pop("host_prefix", None)
    prepare_request_dict(request, ENDPOINT)
    prepared = create_request_object(request).prepare()
    model = operation.service_model
    return from_prepared(model.signing_name, prepared)


def service_model(name: str) -> Any:
    return botocore.session.get_session().get_service_model(name)
