"""Parsing untrusted XML and reading SAML's date-times."""

from __future__ import annotations

import datetime as dt

from lxml import etree

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS = {"md": MD, "ds": DS, "saml": SAML, "samlp": SAMLP}


class NotXml(ValueError):
    """The text is not well-formed XML (or uses features refused for safety)."""


def parse(data: bytes | str) -> etree._Element:
    """An element tree from untrusted input: no DTDs, entities or network access."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise NotXml(str(exc)) from None
    if root is None or root.getroottree().docinfo.doctype:
        raise NotXml("document type declarations are not accepted")
    return root


def timestamp(value: str | None) -> dt.datetime | None:
    """An xs:dateTime (SAML's are UTC); None when absent, ValueError when malformed."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)
