"""OpenID Connect and SAML providers compared with responses recorded from AWS: shapes, the
values AWS echoes, error codes, messages and HTTP statuses word for word.

Sources: LocalStack's AWS-validated snapshot suites in github.com/localstack/localstack,
``tests/aws/services/iam/test_iam_oidc.snapshot.json`` (recorded against AWS in February
2026) and ``tests/aws/services/iam/test_iam_saml_providers.snapshot.json`` (February 2026;
the shapes of its responses are compared in test_recorded_credential_shapes.py, the
metadata document its suite uploads is here). Each test names the recorded test it follows.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization

from .recorded import recorded, recorded_error, sender, shape
from .test_sts_support import Keys, unvalidated_client
from .x509_factory import certificate, rsa_key

A, B, C, D = ("a" * 40, "b" * 40, "c" * 40, "d" * 40)


def raw_iam(account):
    """An IAM client without client-side validation: what reaches the server is checked
    by the server."""
    return unvalidated_client(account, "iam", Keys(account.access_key_id,
                                                   account.secret_access_key))


def oidc_arn(account, host: str) -> str:
    return f"arn:aws:iam::{account.account_id}:oidc-provider/{host}"


# --- OpenID Connect providers (test_iam_oidc.snapshot.json) ----------------------------

def test_create_open_id_connect_provider(iam, account):
    # TestOIDCProviderCreate::test_create_open_id_connect_provider: create-https,
    # create-with-client, create-with-path hold the ARN alone; the ARN names the URL
    # without its scheme, path included
    first = iam.create_open_id_connect_provider(Url="https://oidc-basic.example.com",
                                                ThumbprintList=[A])
    second = iam.create_open_id_connect_provider(Url="https://oidc-client.example.com",
                                                 ThumbprintList=[B],
                                                 ClientIDList=["my-client-id"])
    third = iam.create_open_id_connect_provider(Url="https://oidc-path.example.com/oidc",
                                                ThumbprintList=[A])
    for out in (first, second, third):
        assert shape(out) == recorded({"OpenIDConnectProviderArn": "<arn:1>"})
    assert [first["OpenIDConnectProviderArn"], second["OpenIDConnectProviderArn"],
            third["OpenIDConnectProviderArn"]] == [
        oidc_arn(account, "oidc-basic.example.com"), oidc_arn(account, "oidc-client.example.com"),
        oidc_arn(account, "oidc-path.example.com/oidc")]


def test_create_open_id_connect_provider_invalid_url(iam):
    # TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_invalid_url
    assert recorded_error(iam.create_open_id_connect_provider, Url="example.org",
                          ThumbprintList=[A]) == sender(
        "ValidationError", "Invalid Open ID Connect Provider URL", 400)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_create_open_id_connect_provider_duplicate_error(iam):
    # TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_duplicate_error
    url = "https://oidc-dup.example.com"
    iam.create_open_id_connect_provider(Url=url, ThumbprintList=[A])
    assert recorded_error(iam.create_open_id_connect_provider, Url=url,
                          ThumbprintList=[A]) == sender(
        "EntityAlreadyExists", f"Provider with url {url} already exists.", 409)


def test_create_open_id_connect_provider_too_many_thumbprints(iam):
    # TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_too_many_thumbprints
    # (six thumbprints; the recorded text says "fewer than 5" of a quota of five)
    assert recorded_error(iam.create_open_id_connect_provider,
                          Url="https://oidc-thumbs.example.com",
                          ThumbprintList=[A, B, C, D, "e" * 40, "f" * 40]) == sender(
        "InvalidInput", "Thumbprint list must contain fewer than 5 entries.", 400)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_create_open_id_connect_provider_quota_error(iam):
    # TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_quota_error
    assert recorded_error(iam.create_open_id_connect_provider,
                          Url="https://oidc-clients.example.com", ThumbprintList=[A],
                          ClientIDList=[str(i) for i in range(101)]) == sender(
        "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100", 409)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_create_open_id_connect_provider_validation_errors(account):
    # TestOIDCProviderCreateErrors::test_create_open_id_connect_provider_validation_errors:
    # the three length errors, members in alphabetical order, before the URL's own check
    iam = raw_iam(account)
    assert recorded_error(iam.create_open_id_connect_provider, Url="b" * 256,
                          ThumbprintList=["b" * 41], ClientIDList=["b" * 256]) == sender(
        "ValidationError",
        "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 255, "
        "Member must have length greater than or equal to 1]; Value at 'thumbprintList' "
        "failed to satisfy constraint: Member must satisfy constraint: [Member must have "
        "length less than or equal to 40, Member must have length greater than or equal to "
        "40]; Value at 'url' failed to satisfy constraint: Member must have length less than "
        "or equal to 255", 400)


def test_get_open_id_connect_provider(iam):
    # TestOIDCProviderOperations::test_get_open_id_connect_provider: get-response (Tags
    # present though empty; Url without its scheme)
    arn = iam.create_open_id_connect_provider(Url="https://oidc-get.example.com",
                                              ThumbprintList=[B],
                                              ClientIDList=["client-id-1"])[
        "OpenIDConnectProviderArn"]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert shape(got) == recorded({"ClientIDList": ["client-id-1"], "CreateDate": "<datetime>",
                                   "Tags": [], "ThumbprintList": [B], "Url": "<url:1>"})
    assert (got["ClientIDList"], got["Tags"], got["ThumbprintList"], got["Url"]) == (
        ["client-id-1"], [], [B], "oidc-get.example.com")


def test_get_open_id_connect_provider_not_found(iam, account):
    # TestOIDCProviderOperations::test_get_open_id_connect_provider_not_found
    arn = oidc_arn(account, "non-existent.example.com")
    assert recorded_error(iam.get_open_id_connect_provider,
                          OpenIDConnectProviderArn=arn) == sender(
        "NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}", 404)


def test_update_open_id_connect_provider_thumbprint(iam):
    # TestOIDCProviderOperations::test_update_open_id_connect_provider_thumbprint:
    # after-update (the new list in the order given, an empty ClientIDList present)
    arn = iam.create_open_id_connect_provider(Url="https://oidc-update.example.com",
                                              ThumbprintList=[B])["OpenIDConnectProviderArn"]
    out = iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn,
                                                         ThumbprintList=[C, D])
    assert shape(out) == recorded({})
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert shape(got) == recorded({"ClientIDList": [], "CreateDate": "<datetime>", "Tags": [],
                                   "ThumbprintList": [C, D], "Url": "<url:1>"})
    assert got["ThumbprintList"] == [C, D]


def test_delete_open_id_connect_provider(iam):
    # TestOIDCProviderOperations::test_delete_open_id_connect_provider: delete-response,
    # get-not-found-error, deletion-not-found-error (deleting twice is no success, and the
    # second refusal has its own words)
    arn = iam.create_open_id_connect_provider(Url="https://oidc-delete.example.com",
                                              ThumbprintList=[A])["OpenIDConnectProviderArn"]
    assert shape(iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)) == (
        recorded({}))
    assert recorded_error(iam.get_open_id_connect_provider,
                          OpenIDConnectProviderArn=arn) == sender(
        "NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}", 404)
    assert recorded_error(iam.delete_open_id_connect_provider,
                          OpenIDConnectProviderArn=arn) == sender(
        "NoSuchEntity", f"OpenId connect Provider {arn} cannot be found.", 404)


def test_list_open_id_connect_providers(iam, account):
    # TestOIDCProviderList::test_list_open_id_connect_providers: list-response, entries of
    # an Arn alone, in the order of their domains
    for i in range(3):
        iam.create_open_id_connect_provider(Url=f"https://oidc-list-{i}.example.com",
                                            ThumbprintList=[A])
    listed = iam.list_open_id_connect_providers()
    assert shape(listed) == recorded({"OpenIDConnectProviderList": [{"Arn": "<arn>"}] * 3})
    assert [p["Arn"] for p in listed["OpenIDConnectProviderList"]] == [
        oidc_arn(account, f"oidc-list-{i}.example.com") for i in range(3)]


@pytest.fixture
def oidc(iam) -> str:
    return iam.create_open_id_connect_provider(Url="https://oidc-tag.example.com",
                                               ThumbprintList=[A])["OpenIDConnectProviderArn"]


def test_tag_and_untag_open_id_connect_provider(iam, oidc):
    # TestOIDCProviderTags::test_tag_open_id_connect_provider: after-tagging;
    # test_untag_open_id_connect_provider: after-untagging
    k1, k2 = {"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}
    assert shape(iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=oidc,
                                                  Tags=[k1, k2])) == recorded({})
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)["Tags"] == [k1, k2]
    assert shape(iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=oidc,
                                                    TagKeys=["k2"])) == recorded({})
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)["Tags"] == [k1]


def test_list_open_id_connect_provider_tags(iam):
    # TestOIDCProviderTags::test_list_open_id_connect_provider_tags: list-tags-response
    # (IsTruncated false, no Marker)
    tags = [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}]
    arn = iam.create_open_id_connect_provider(Url="https://oidc-listtags.example.com",
                                              ThumbprintList=[A], Tags=tags)[
        "OpenIDConnectProviderArn"]
    out = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert shape(out) == recorded({"IsTruncated": False, "Tags": tags})
    assert out["Tags"] == tags


def test_list_open_id_connect_provider_tags_max_items(iam):
    # TestOIDCProviderTags::test_list_open_id_connect_provider_tags_max_items: ten tags read
    # four at a time; final-page holds two and no Marker
    tags = [{"Key": f"k{i:02d}", "Value": f"v{i}"} for i in range(10)]
    arn = iam.create_open_id_connect_provider(Url="https://oidc-tagsmax.example.com",
                                              ThumbprintList=[A], Tags=tags)[
        "OpenIDConnectProviderArn"]
    first = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, MaxItems=4)
    second = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, MaxItems=4,
                                                    Marker=first["Marker"])
    final = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn,
                                                   Marker=second["Marker"])
    assert (len(first["Tags"]), first["IsTruncated"]) == (4, True)
    assert (len(second["Tags"]), second["IsTruncated"]) == (4, True)
    assert {"tag_count": len(final["Tags"]), "has_marker": "Marker" in final} == {
        "tag_count": 2, "has_marker": False}
    assert first["Tags"] + second["Tags"] + final["Tags"] == tags


def test_open_id_connect_provider_tags_limit(iam):
    # TestOIDCProviderTags::test_open_id_connect_provider_tags_limit: tags-limit-error (a
    # 51st tag on a provider created with 50)
    arn = iam.create_open_id_connect_provider(
        Url="https://oidc-tagslimit.example.com", ThumbprintList=[A],
        Tags=[{"Key": f"k{i:02d}", "Value": f"v{i}"} for i in range(50)])[
        "OpenIDConnectProviderArn"]
    assert recorded_error(iam.tag_open_id_connect_provider, OpenIDConnectProviderArn=arn,
                          Tags=[{"Key": "string", "Value": "string"}]) == sender(
        "LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    assert len(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"]) == 50


# --- SAML providers (test_iam_saml_providers.snapshot.json) ----------------------------

def recorded_suite_metadata(host: str) -> str:
    """IdP metadata laid out as the recorded suite's is: an XML declaration, on one line, an
    unsigned EntityDescriptor without validUntil, one signing certificate, three NameID
    formats and two SingleSignOn bindings."""
    der = certificate(rsa_key(11), "test-idp.example.com").public_bytes(
        serialization.Encoding.DER)
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    formats = "".join(f"<md:NameIDFormat>urn:oasis:names:tc:SAML:{f}</md:NameIDFormat>" for f in (
        "1.1:nameid-format:emailAddress", "2.0:nameid-format:persistent",
        "2.0:nameid-format:transient"))
    services = "".join(
        f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{b}" '
        f'Location="https://{host}/saml/sso"/>' for b in ("HTTP-Redirect", "HTTP-POST"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<md:EntityDescriptor xmlns:md="{md}" entityID="https://{host}/saml">'
        '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing">'
        '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
        f"<ds:X509Certificate>{base64.b64encode(der).decode()}</ds:X509Certificate>"
        "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f"{formats}{services}</md:IDPSSODescriptor></md:EntityDescriptor>")


def test_saml_provider_from_the_recorded_metadata(iam, account):
    # TestSAMLProviders::test_create_saml_provider: create-response names the provider as
    # given; test_update_saml_provider: the document read back is the one uploaded, before
    # and after the update (the suite checks "updated-idp.example.com" is in it)
    name = "TestSAMLProvider-a1b2c3"
    document = recorded_suite_metadata("test-idp.example.com")
    arn = iam.create_saml_provider(Name=name, SAMLMetadataDocument=document)["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{account.account_id}:saml-provider/{name}"
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == document
    assert got["ValidUntil"] > got["CreateDate"]
    updated = document.replace("test-idp.example.com", "updated-idp.example.com")
    assert iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=updated)[
        "SAMLProviderArn"] == arn
    after = iam.get_saml_provider(SAMLProviderArn=arn)
    assert after["SAMLMetadataDocument"] == updated
    assert (after["SAMLProviderUUID"], after["CreateDate"]) == (got["SAMLProviderUUID"],
                                                                got["CreateDate"])
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [p["Arn"] for p in listed] == [arn]
