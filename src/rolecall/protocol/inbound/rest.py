"""Params of a rest-json or rest-xml request: URI labels, query-string members, header
members (prefixed-header maps such as S3's ``x-amz-meta-*`` included) and the body, each
where botocore's rest serializers put it."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel, Shape

from . import json_body, scalars, xml_body
from .errors import InboundError
from .routes import literal_query_keys


def parse(
    operation: OperationModel,
    protocol: str,
    labels: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, list[str]],
    body: bytes | None,
) -> dict[str, Any]:
    """``headers`` are keyed by lower-cased name."""
    shape = operation.input_shape
    if shape is None:
        return {}
    out: dict[str, Any] = {}
    plan = _plan(operation)
    for name, member, location, wire in plan.bound:
        if location == "uri":
            if wire in labels:
                out[name] = scalars.from_text(member, labels[wire], wire)
        elif location == "querystring":
            found = _query_member(member, wire, query, plan.claimed)
            if found is not None:
                out[name] = found
        elif location == "header":
            values = headers.get(wire)
            if values:
                out[name] = _header(member, ",".join(values), wire)
        else:
            found_map = {
                key[len(wire) :]: ",".join(values)
                for key, values in headers.items()
                if key.startswith(wire) and len(key) > len(wire)
            }
            if found_map:
                out[name] = found_map
    if body is not None:
        out.update(_body(shape, protocol, body))
    return out


@dataclass(frozen=True)
class _Plan:
    """Where each URI, query and header member of an operation's input is found."""

    bound: tuple[tuple[str, Shape, str, str], ...]  # name, shape, location, wire name
    claimed: frozenset[str]  # query keys of the route and of query-string members


@functools.cache
def _plan(operation: OperationModel) -> _Plan:
    bound = []
    claimed = set(literal_query_keys(operation))
    for name, member in operation.input_shape.members.items():
        location = member.serialization.get("location")
        if location not in ("uri", "querystring", "header", "headers"):
            continue
        wire = member.serialization.get("name", name)
        if location == "querystring":
            claimed.add(wire)
        # Header names are matched lower-cased; prefixed maps (x-amz-meta-) too.
        bound.append((name, member, location, wire.lower() if "header" in location else wire))
    return _Plan(tuple(bound), frozenset(claimed))


def _query_member(
    member: Shape, wire: str, query: Mapping[str, list[str]], claimed: frozenset[str]
) -> Any:
    if member.type_name == "map":
        # Every query key no other member (or the route) claims: API Gateway-style maps.
        unclaimed = {key: values for key, values in query.items() if key not in claimed}
        if not unclaimed:
            return None
        if member.value.type_name == "list":
            return {
                key: [scalars.from_text(member.value.member, v, key) for v in values]
                for key, values in unclaimed.items()
            }
        return {
            key: scalars.from_text(member.value, values[0], key)
            for key, values in unclaimed.items()
        }
    values = query.get(wire)
    if not values:
        return None
    if member.type_name == "list":
        return [scalars.from_text(member.member, v, wire) for v in values]
    return scalars.from_text(member, values[0], wire)


def _header(member: Shape, raw: str, wire: str) -> Any:
    if member.type_name == "list":
        return [scalars.from_text(member.member, item, wire) for item in _split_list(raw)]
    if member.type_name == "string" and member.metadata.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError, RecursionError):
            raise InboundError(f"Header '{wire}' is not base64-encoded JSON.") from None
    if member.type_name == "timestamp":
        return scalars.from_text(member, raw.strip(), wire)
    return scalars.from_text(member, raw, wire)


def _split_list(raw: str) -> list[str]:
    """A comma-separated header list; items holding commas or quotes are double-quoted."""
    items, current, quoted, escaped = [], [], False, False
    for char in raw:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item or len(items) == 1]


def _body(shape: Shape, protocol: str, body: bytes) -> dict[str, Any]:
    payload = shape.serialization.get("payload")
    if payload is not None:
        member = shape.members[payload]
        if not body:
            return {}
        if member.type_name == "blob":
            return {payload: body}
        if member.type_name == "string":
            try:
                return {payload: body.decode()}
            except UnicodeDecodeError:
                raise InboundError("The request body is not valid UTF-8.") from None
        return {payload: _document(member, protocol, body, skip_bound=False)}
    if not any("location" not in m.serialization for m in shape.members.values()):
        return {}
    return _document(shape, protocol, body, skip_bound=True)


def _document(shape: Shape, protocol: str, body: bytes, skip_bound: bool) -> dict[str, Any]:
    if protocol == "rest-json":
        document = json_body.load(body)
        if skip_bound:
            return json_body.structure(shape, document)
        return json_body.value(shape, document, "")
    root = xml_body.load(body)
    return {} if root is None else xml_body.structure(shape, root, skip_bound=skip_bound)
