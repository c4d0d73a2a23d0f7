"""SAML metadata and response verification as pure functions: what the signature covers is
all that is read."""

from __future__ import annotations

import base64
import copy
import datetime as dt

import pytest
from lxml import etree

from rolecall.saml import assertions
from rolecall.saml.metadata import InvalidMetadata, parse_metadata
from rolecall.sts.saml import name_qualifier, subject_type
from tests.integration.test_saml_idp import SAML, Idp

ROLES = ["arn:aws:iam::111122223333:role/r,arn:aws:iam::111122223333:saml-provider/p"]


@pytest.fixture(scope="module")
def idp() -> Idp:
    return Idp()


def test_metadata_gives_entity_id_validity_and_certificates(idp):
    until = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    parsed = parse_metadata(idp.metadata(valid_until=until))
    assert parsed.entity_id == idp.entity_id
    assert parsed.valid_until == until
    assert parsed.certificates == (idp.cert,)
    # A KeyDescriptor without use is for signing and encryption alike.
    assert parse_metadata(idp.metadata(use=None)).certificates == (idp.cert,)


@pytest.mark.parametrize("text", [
    "<x/>",
    '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
    "<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='e'/>",
])
def test_metadata_refusals(text):
    with pytest.raises(InvalidMetadata):
        parse_metadata(text)


def test_response_and_assertion_signatures_verify(idp):
    certs = parse_metadata(idp.metadata()).certificates
    for mode in ("response", "assertion"):
        root = assertions.decode(idp.response(roles=ROLES, sign=mode))
        read = assertions.read(assertions.verified(root, certs), root)
        assert read.subject == "user-1234"
        assert read.attributes["https://aws.amazon.com/SAML/Attributes/Role"] == ROLES


def test_a_wrapped_unsigned_assertion_is_never_read(idp):
    """Signature wrapping: an attacker's assertion placed before the signed one."""
    certs = parse_metadata(idp.metadata()).certificates
    root = etree.fromstring(idp.response_xml(roles=ROLES, sign="assertion"))
    signed = root.find(f"{{{SAML}}}Assertion")
    evil = copy.deepcopy(signed)
    evil.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID").text = "admin"
    evil.remove(evil.find("{http://www.w3.org/2000/09/xmldsig#}Signature"))
    signed.addprevious(evil)
    # Two elements with the signed ID make the reference ambiguous: refused outright.
    twins = assertions.decode(base64.b64encode(etree.tostring(root)).decode())
    with pytest.raises(assertions.BadSignature):
        assertions.verified(twins, certs)
    evil.set("ID", "_evil")
    wrapped = assertions.decode(base64.b64encode(etree.tostring(root)).decode())
    assert assertions.read(assertions.verified(wrapped, certs), wrapped).subject == "user-1234"


def test_an_assertion_added_to_a_signed_response_breaks_its_signature(idp):
    certs = parse_metadata(idp.metadata()).certificates
    root = etree.fromstring(idp.response_xml(roles=ROLES))
    root.append(copy.deepcopy(root.find(f"{{{SAML}}}Assertion")))
    with pytest.raises(assertions.BadSignature):
        assertions.verified(assertions.decode(base64.b64encode(etree.tostring(root)).decode()),
                            certs)


@pytest.mark.parametrize("encoded", ["!!!!", base64.b64encode(b"<a/>").decode(),
                                     base64.b64encode(b"not xml").decode()])
def test_undecodable_responses(encoded):
    with pytest.raises(assertions.Unreadable):
        assertions.decode(encoded)


def test_name_qualifier_is_base64_sha1_of_issuer_account_and_provider_name():
    # STS API reference: BASE64 ( SHA1 ( "https://example.com/saml" + "123456789012" +
    # "/MySAMLIdP" ) )
    import hashlib
    expected = base64.b64encode(hashlib.sha1(
        b"https://example.com/saml123456789012/MySAMLIdP").digest()).decode()
    assert name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP") == expected


def test_subject_types():
    assert subject_type("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent") == "persistent"
    assert subject_type("urn:oasis:names:tc:SAML:2.0:nameid-format:transient") == "transient"
    email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert subject_type(email) == email
