"""Values from an XML document, walking the shape as botocore's rest-xml serializer wrote it:
wrapped or flattened lists and maps, ``locationName`` element names, ``xmlAttribute``
members, namespaces ignored."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from botocore.model import Shape

from . import scalars
from .errors import InboundError


def load(body: bytes) -> ElementTree.Element | None:
    """The root element of a body; None for an empty body. A document type declaration,
    the only place entities can be declared, is refused: no AWS input carries one."""
    if not body.strip():
        return None
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise InboundError("The XML you provided was not well-formed.")
    try:
        return ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError, RecursionError):
        raise InboundError("The XML you provided was not well-formed.") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def _children(node: ElementTree.Element) -> dict[str, list[ElementTree.Element]]:
    found: dict[str, list[ElementTree.Element]] = {}
    for child in node:
        if isinstance(child.tag, str):
            found.setdefault(_local(child.tag), []).append(child)
    return found


def structure(shape: Shape, node: ElementTree.Element, skip_bound: bool = False) -> dict:
    """The members of ``shape`` in ``node``; ``skip_bound`` leaves out header/URI members."""
    children = _children(node)
    attributes = {key.rsplit("}", 1)[-1].rsplit(":", 1)[-1]: v for key, v in node.attrib.items()}
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        if skip_bound and "location" in member.serialization:
            continue
        wire = member.serialization.get("name", name)
        if member.serialization.get("xmlAttribute"):
            local = wire.rsplit(":", 1)[-1]
            if local in attributes:
                out[name] = scalars.from_text(member, attributes[local], wire)
            continue
        elements = children.get(wire)
        if not elements:
            continue
        if member.type_name == "list" and _flat(member):
            out[name] = [_value(member.member, element, wire) for element in elements]
        elif member.type_name == "map" and _flat(member):
            out[name] = _map_entries(member, elements, wire)
        else:
            out[name] = _value(member, elements[0], wire)
    return out


def _flat(shape: Shape) -> bool:
    return bool(shape.serialization.get("flattened"))


def _value(shape: Shape, node: ElementTree.Element, where: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return structure(shape, node)
    if kind == "list":
        name = shape.member.serialization.get("name", "member")
        return [_value(shape.member, e, where) for e in _children(node).get(name, [])]
    if kind == "map":
        return _map_entries(shape, _children(node).get("entry", []), where)
    text = node.text or ""
    if kind == "string":
        return text
    return scalars.from_text(shape, text.strip(), where)


def _map_entries(shape: Shape, entries: list[ElementTree.Element], where: str) -> dict:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out: dict[str, Any] = {}
    for entry in entries:
        parts = _children(entry)
        if key_name in parts and value_name in parts:
            key = parts[key_name][0].text or ""
            out[key] = _value(shape.value, parts[value_name][0], where)
    return out
