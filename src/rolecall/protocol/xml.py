"""Serialize results and errors as AWS's query-protocol XML, walking the output shape."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from typing import Any
from urllib.parse import quote

from botocore.model import OperationModel, Shape

from ..timestamps import iso_seconds
from . import models
from .errors import AWSError

# IAM returns policy documents URL-encoded; botocore decodes every member of this shape.
_POLICY_DOCUMENT_SHAPE = "policyDocumentType"


# Characters XML 1.0 cannot carry, not even as references (control characters, U+FFFE/F):
# an echoed input holding one would make the whole answer unreadable to every SDK.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    # Every character _NOT_XML finds is unprintable, and most texts (ids, ARNs, tokens) hold
    # none of the four markup characters: each pass is made only when it changes something.
    if not text.isprintable():
        text = _NOT_XML.sub("\ufffd", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def timestamp(value: dt.datetime) -> str:
    return iso_seconds(value)


def success(service: str, operation: OperationModel, result: dict | None, request_id: str) -> bytes:
    name = operation.name
    parts = [f'<{name}Response xmlns="{models.xml_namespace(service)}">']
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        parts.append(f"<{wrapper}>")
        _structure(shape, result or {}, parts)
        parts.append(f"</{wrapper}>")
    parts.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    parts.append(f"</{name}Response>")
    return "".join(parts).encode()


def error(service: str, err: AWSError, request_id: str) -> bytes:
    fault = "Sender" if err.sender_fault else "Receiver"
    # Some AWS errors carry no message (ReportNotPresent); the element is then left out.
    message = f"<Message>{escape(err.message)}</Message>" if err.message else ""
    return (
        f'<ErrorResponse xmlns="{models.xml_namespace(service)}">'
        f"<Error><Type>{fault}</Type><Code>{escape(err.code)}</Code>"
        f"{message}</Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


@functools.cache
def _members(shape: Shape) -> tuple[tuple[str, str, str, Shape], ...]:
    """(name, opening tag, closing tag, shape) of each member, worked out once per shape."""
    out = []
    for name, member in shape.members.items():
        tag = member.serialization.get("name", name)
        out.append((name, f"<{tag}>", f"</{tag}>", member))
    return tuple(out)


def _structure(shape: Shape, value: dict, parts: list[str]) -> None:
    for name, opening, closing, member in _members(shape):
        item = value.get(name)
        if item is None:
            continue
        parts.append(opening)
        _value(member, item, parts)
        parts.append(closing)


def _value(shape: Shape, value: Any, parts: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        _structure(shape, value, parts)
    elif kind == "list":
        tag = shape.member.serialization.get("name", "member")
        for item in value:
            parts.append(f"<{tag}>")
            _value(shape.member, item, parts)
            parts.append(f"</{tag}>")
    elif kind == "map":
        for key, item in value.items():
            parts.append(f"<entry><key>{escape(str(key))}</key><value>")
            _value(shape.value, item, parts)
            parts.append("</value></entry>")
    elif kind == "boolean":
        parts.append("true" if value else "false")
    elif kind == "timestamp":
        parts.append(timestamp(value))
    elif kind == "blob":
        parts.append(base64.b64encode(value).decode())
    elif kind == "string" and shape.name == _POLICY_DOCUMENT_SHAPE:
        parts.append(escape(quote(value, safe="")))
    else:
        parts.append(escape(str(value)))
