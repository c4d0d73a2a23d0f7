"""Signed SAML authentication responses: verify the XML signature against the provider's
certificates, then read only what the signature covers (a Response signature covers its
Assertion; otherwise the Assertion must carry its own)."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt

from cryptography import x509
from lxml import etree
from signxml import InvalidInput, InvalidSignature, XMLVerifier

from .xmltext import NS, SAML, SAMLP, NotXml, parse, timestamp

SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
UNSPECIFIED_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"


class Unreadable(ValueError):
    """Not base64-encoded XML holding a SAML Response or Assertion."""


class BadSignature(ValueError):
    """No signature over the Response or Assertion verifies with the given certificates."""


class Malformed(ValueError):
    """A verified assertion that lacks, or garbles, an element SAML requires."""


@dataclasses.dataclass(frozen=True)
class Confirmation:
    recipient: str | None
    not_on_or_after: dt.datetime | None
    not_before: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class Assertion:
    """What a verified assertion says, as IAM reads it."""

    issuer: str
    issue_instant: dt.datetime | None
    status: str | None  # the Response's StatusCode; None for a bare Assertion
    subject: str
    subject_format: str
    confirmations: tuple[Confirmation, ...]
    not_before: dt.datetime | None
    not_on_or_after: dt.datetime | None
    audiences: tuple[str, ...]
    session_not_on_or_after: dt.datetime | None
    attributes: dict[str, list[str]]


def decode(encoded: str) -> etree._Element:
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
        root = parse(raw)
    except (binascii.Error, ValueError, NotXml):
        raise Unreadable from None
    if root.tag not in (f"{{{SAMLP}}}Response", f"{{{SAML}}}Assertion"):
        raise Unreadable
    return root


def verified(root: etree._Element, certificates: tuple[x509.Certificate, ...]
             ) -> etree._Element:
    """The Assertion element the signature covers; BadSignature when none verifies."""
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(root, x509_cert=certificate)
        except (InvalidSignature, InvalidInput):
            continue
        signed = result.signed_xml
        if signed is None:
            continue
        if signed.tag == f"{{{SAML}}}Assertion":
            return signed
        if signed.tag == f"{{{SAMLP}}}Response":
            assertions = signed.findall("saml:Assertion", NS)
            if len(assertions) != 1:
                raise Unreadable  # IAM reads exactly one plain Assertion
            return assertions[0]
    raise BadSignature


def read(assertion: etree._Element, response: etree._Element | None) -> Assertion:
    try:
        return _read(assertion, response)
    except ValueError as exc:
        if isinstance(exc, Malformed):
            raise
        raise Malformed(str(exc)) from None


def _read(assertion: etree._Element, response: etree._Element | None) -> Assertion:
    issuer = _text(assertion.find("saml:Issuer", NS))
    if not issuer:
        raise Malformed("Issuer")
    status = None
    if response is not None and response.tag == f"{{{SAMLP}}}Response":
        code = response.find("samlp:Status/samlp:StatusCode", NS)
        status = code.get("Value") if code is not None else None
    subject_el = assertion.find("saml:Subject", NS)
    name_id = subject_el.find("saml:NameID", NS) if subject_el is not None else None
    if name_id is None or not _text(name_id):
        raise Malformed("Subject")
    confirmations = tuple(
        Confirmation(data.get("Recipient"), timestamp(data.get("NotOnOrAfter")),
                     timestamp(data.get("NotBefore")))
        for data in subject_el.findall("saml:SubjectConfirmation/saml:SubjectConfirmationData",
                                       NS))
    conditions = assertion.find("saml:Conditions", NS)
    audiences: tuple[str, ...] = ()
    not_before = not_on_or_after = None
    if conditions is not None:
        not_before = timestamp(conditions.get("NotBefore"))
        not_on_or_after = timestamp(conditions.get("NotOnOrAfter"))
        audiences = tuple(_text(a) for a in conditions.findall(
            "saml:AudienceRestriction/saml:Audience", NS))
    session_end = None
    for statement in assertion.findall("saml:AuthnStatement", NS):
        session_end = timestamp(statement.get("SessionNotOnOrAfter")) or session_end
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.findall("saml:AttributeStatement/saml:Attribute", NS):
        name = attribute.get("Name")
        if name:
            values = attributes.setdefault(name, [])
            values.extend(_text(v) for v in attribute.findall("saml:AttributeValue", NS))
    return Assertion(
        issuer=issuer,
        issue_instant=timestamp(assertion.get("IssueInstant")),
        status=status,
        subject=_text(name_id),
        subject_format=name_id.get("Format") or UNSPECIFIED_FORMAT,
        confirmations=confirmations,
        not_before=not_before,
        not_on_or_after=not_on_or_after,
        audiences=audiences,
        session_not_on_or_after=session_end,
        attributes=attributes,
    )


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""
