"""Any AWS request as (operation, params), for every protocol botocore's models describe.

``identify`` finds the operation from what is cheap to read (signing name, method, path,
query, headers, a form body); ``parse`` then reads the params as boto3 would take them.
Both are driven by botocore's models alone: one module per protocol, no per-operation code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel

from . import customizations, json_body, rest, routes
from . import form as form_parser
from .errors import InboundError
from .index import candidates, service_model

__all__ = ["Identified", "InboundError", "identify", "parse", "streams_payload"]

_REST = ("rest-json", "rest-xml")


@dataclass(frozen=True)
class Identified:
    service: str  # botocore service model name ("s3", "dynamodb", "sqs", ...)
    operation: OperationModel  # botocore's
    protocol: str  # "query" | "ec2" | "json" | "rest-json" | "rest-xml"


def identify(
    signing_name: str,
    method: str,
    raw_path: str,
    query_pairs: list[tuple[str, str]],
    headers: dict[str, list[str]],
    form: Mapping[str, str] | None,
) -> Identified | None:
    """The operation a request is, without reading a streamed body. ``form`` is the decoded
    x-www-form-urlencoded body (+ query) for query/ec2-protocol services, None otherwise."""
    found = candidates(signing_name)
    if not found:
        return None
    lowered = _lower(headers)
    target = lowered.get("x-amz-target")
    if target:
        prefix, _, name = target[0].strip().rpartition(".")
        for candidate in found:
            if candidate.protocol == "json" and candidate.target_prefix == prefix:
                model = service_model(candidate.model)
                if name in model.operation_names:
                    return Identified(candidate.model, model.operation_model(name), "json")
        return None
    queried = [c for c in found if c.protocol in ("query", "ec2")]
    if queried and form is not None and form.get("Action"):
        action, version = form["Action"], form.get("Version")
        for candidate in queried:
            if version is not None and version != candidate.api_version:
                continue
            model = service_model(candidate.model)
            if action in model.operation_names:
                return Identified(
                    candidate.model, model.operation_model(action), candidate.protocol
                )
        # Not a known action: a rest model under the same signing name may still route it.
    path = _path(raw_path)
    query = _query(query_pairs)
    names = frozenset(lowered)
    best: tuple[Any, ...] | None = None
    for candidate in found:
        if candidate.protocol not in _REST:
            continue
        model = service_model(candidate.model)
        matched = routes.match(model, method, path, query, names)
        if matched is not None and (best is None or matched.score > best[0].score):
            best = (matched, candidate, model)
    if best is None:
        return None
    matched, candidate, model = best
    return Identified(candidate.model, model.operation_model(matched.operation), candidate.protocol)


def streams_payload(op: OperationModel) -> bool:
    """True when the input's payload is a streaming blob (S3 PutObject, UploadPart, ...): the
    body must be streamed through, never parsed or held."""
    return op.has_streaming_input


def parse(
    found: Identified,
    method: str,
    raw_path: str,
    query_pairs: list[tuple[str, str]],
    headers: dict[str, list[str]],
    body: bytes | None,
) -> dict[str, Any]:
    """The input params keyed by botocore member names, as boto3 would take them (labels
    from the URI, query-string members, header members (incl. prefixed-header maps such as
    S3's x-amz-meta-*), the JSON / XML / form body). ``body`` is None for streamed payloads."""
    operation = found.operation
    if operation.input_shape is None:
        return {}
    if found.protocol == "json":
        return json_body.structure(operation.input_shape, json_body.load(body or b""))
    if found.protocol in ("query", "ec2"):
        fields = _form(query_pairs, body)
        if found.protocol == "ec2":
            return form_parser.parse_ec2(operation.input_shape, fields)
        return form_parser.parse_query(operation.input_shape, fields)
    if streams_payload(operation):
        body = None
    elif body is None:
        body = b""
    labels = routes.labels(operation, _path(raw_path))
    params = rest.parse(
        operation, found.protocol, labels, _query(query_pairs), _lower(headers), body
    )
    return customizations.undo(found.service, operation.name, params)


def _lower(headers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, values in headers.items():
        out.setdefault(name.lower(), []).extend(values)
    return out


def _path(raw_path: str) -> str:
    return raw_path.partition("?")[0] or "/"


def _query(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _form(query_pairs: list[tuple[str, str]], body: bytes | None) -> dict[str, str]:
    fields = dict(query_pairs)
    if body:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise InboundError("The request body is not valid UTF-8.") from None
        fields.update(parse_qsl(text, keep_blank_values=True))
    return fields
