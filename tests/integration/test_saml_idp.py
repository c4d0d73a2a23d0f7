"""A SAML 2.0 identity provider made at test time: a key, a self-signed certificate, its
metadata, and signed authentication responses for AssumeRoleWithSAML."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import XMLSigner

from tests.integration import x509_factory

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
AWS_SAML = "https://signin.aws.amazon.com/saml"
ATTR = "https://aws.amazon.com/SAML/Attributes/"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def _time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Idp:
    entity_id: str = "https://idp.example.com/saml"
    key_index: int = 10
    key: object = field(init=False)
    cert: object = field(init=False)

    def __post_init__(self) -> None:
        self.key = x509_factory.rsa_key(self.key_index)
        self.cert = x509_factory.certificate(self.key, "idp.example.com")

    def metadata(self, valid_until: dt.datetime | None = None, *, cert=None,
                 use: str | None = "signing") -> str:
        der = (cert or self.cert).public_bytes(serialization.Encoding.DER)
        until = f' validUntil="{_time(valid_until)}"' if valid_until else ""
        use_attr = f' use="{use}"' if use else ""
        return (
            f'<md:EntityDescriptor xmlns:md="{MD}" entityID="{self.entity_id}"{until}>'
            f'<md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}">'
            f'<md:KeyDescriptor{use_attr}><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data>'
            f"<ds:X509Certificate>{base64.b64encode(der).decode()}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            f"<md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:'
            'HTTP-Redirect" Location="https://idp.example.com/sso"/>'
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def response_xml(self, *, roles: list[str], session_name: str | None = "alice",
                     subject: str = "user-1234", name_format: str = PERSISTENT,
                     issuer: str | None = None, audience: str = AWS_SAML,
                     recipient: str = AWS_SAML, issued: dt.datetime | None = None,
                     lifetime: int = 300, attributes: dict[str, list[str]] | None = None,
                     sign: str = "response", key=None, cert=None,
                     status: str = "urn:oasis:names:tc:SAML:2.0:status:Success") -> bytes:
        """A Response, signed at the response or the assertion level (or not at all)."""
        issued = issued or dt.datetime.now(dt.UTC)
        until = _time(issued + dt.timedelta(seconds=lifetime))
        values: dict[str, list[str]] = {ATTR + "Role": roles}
        if session_name is not None:
            values[ATTR + "RoleSessionName"] = [session_name]
        values.update(attributes or {})
        attrs = "".join(
            f'<saml:Attribute Name="{name}">'
            + "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in vals)
            + "</saml:Attribute>"
            for name, vals in values.items())
        assertion_id = "_" + secrets.token_hex(16)
        assertion = etree.fromstring(
            f'<saml:Assertion xmlns:saml="{SAML}" ID="{assertion_id}" Version="2.0" '
            f'IssueInstant="{_time(issued)}">'
            f"<saml:Issuer>{issuer or self.entity_id}</saml:Issuer>"
            f'<ds:Signature xmlns:ds="{DS}" Id="placeholder"/>'
            f'<saml:Subject><saml:NameID Format="{name_format}">{subject}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{recipient}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_time(issued)}" NotOnOrAfter="{until}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_time(issued)}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:"
            "classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>"
            "</saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attrs}</saml:AttributeStatement>"
            "</saml:Assertion>".encode())
        if sign == "assertion":
            assertion = self._sign(assertion, key, cert)
        else:
            assertion.remove(assertion.find(f"{{{DS}}}Signature"))
        response = etree.fromstring(
            f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" '
            f'ID="_{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_time(issued)}" '
            f'Destination="{recipient}"><saml:Issuer>{issuer or self.entity_id}</saml:Issuer>'
            f'<ds:Signature xmlns:ds="{DS}" Id="placeholder"/>'
            f'<samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>'
            "</samlp:Response>".encode())
        response.append(assertion)
        if sign == "response":
            response = self._sign(response, key, cert)
        else:
            response.remove(response.find(f"{{{DS}}}Signature"))
        return etree.tostring(response)

    def response(self, **kwargs) -> str:
        return base64.b64encode(self.response_xml(**kwargs)).decode()

    def _sign(self, element, key, cert):
        signer = XMLSigner(signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                           c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
        return signer.sign(element, key=x509_factory.key_pem(key or self.key),
                           cert=x509_factory.cert_pem(cert or self.cert),
                           reference_uri=element.get("ID"))
