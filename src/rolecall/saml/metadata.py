"""SAML 2.0 identity provider metadata: the entity id (the Issuer its responses carry),
the signing certificates they are verified with, and how long the metadata is valid."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt

from cryptography import x509

from .xmltext import MD, NS, NotXml, parse, timestamp


class InvalidMetadata(ValueError):
    """Not SAML 2.0 IdP metadata with at least one signing certificate."""


@dataclasses.dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    valid_until: dt.datetime | None
    certificates: tuple[x509.Certificate, ...]


def parse_metadata(document: str) -> IdpMetadata:
    try:
        root = parse(document)
    except NotXml:
        raise InvalidMetadata("not XML") from None
    if root.tag == f"{{{MD}}}EntitiesDescriptor":
        entities = root.findall("md:EntityDescriptor", NS)
        entity = next((e for e in entities if e.find("md:IDPSSODescriptor", NS) is not None),
                      None)
    elif root.tag == f"{{{MD}}}EntityDescriptor":
        entity = root
    else:
        entity = None
    if entity is None:
        raise InvalidMetadata("no EntityDescriptor")
    entity_id = (entity.get("entityID") or "").strip()
    idp = entity.find("md:IDPSSODescriptor", NS)
    if not entity_id or idp is None:
        raise InvalidMetadata("no IDPSSODescriptor")
    try:
        valid_until = timestamp(entity.get("validUntil") or root.get("validUntil"))
    except ValueError:
        raise InvalidMetadata("validUntil is not a date-time") from None
    certificates = tuple(_signing_certificates(idp))
    if not certificates:
        raise InvalidMetadata("no signing certificate")
    return IdpMetadata(entity_id, valid_until, certificates)


def _signing_certificates(idp) -> list[x509.Certificate]:
    found = []
    for descriptor in idp.findall("md:KeyDescriptor", NS):
        if descriptor.get("use", "signing") != "signing":
            continue
        for node in descriptor.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
            text = "".join((node.text or "").split())
            try:
                found.append(x509.load_der_x509_certificate(base64.b64decode(text,
                                                                             validate=True)))
            except (ValueError, binascii.Error):
                raise InvalidMetadata("unreadable certificate") from None
    return found
