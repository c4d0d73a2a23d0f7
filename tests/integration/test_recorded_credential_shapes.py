"""SAML providers, SSH public keys, signing and server certificates and login profiles
compared by shape with responses recorded from AWS, one recording per operation.

Sources: LocalStack's AWS-validated snapshot suites in github.com/localstack/localstack,
``tests/aws/services/iam/test_iam_saml_providers.snapshot.json``,
``test_iam_users.snapshot.json`` (TestUserLoginProfile),
``test_iam_ssh_public_keys.snapshot.json``, ``test_iam_signing_certificates.snapshot.json``
and ``test_iam_server_certificates.snapshot.json`` (recorded against AWS in February and
March 2026). Each test names the recorded response it follows.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .recorded import recorded, recorded_error, sender, shape
from .test_saml_idp import Idp
from .test_ssh_public_keys import openssh
from .test_ssh_public_keys import rsa_key as ssh_key
from .x509_factory import cert_pem, certificate, key_pem, rsa_key

NO_SUCH_KEY = "APKAXXXXXXXXXXXXXXXXX"
NO_SUCH_CERT = "NONEXISTENTCERTID12345678901"


# --- SAML providers (test_iam_saml_providers.snapshot.json) ---------------------------

SAML_PROVIDER = {"AssertionEncryptionMode": "Allowed", "CreateDate": "<datetime>",
                 "PrivateKeyList": [], "SAMLMetadataDocument": "<saml-metadata-document:1>",
                 "SAMLProviderUUID": "<saml-provider-uuid:1>", "Tags": [],
                 "ValidUntil": "<datetime>"}


@pytest.fixture
def saml_arn(iam) -> str:
    return iam.create_saml_provider(Name="Recorded",
                                    SAMLMetadataDocument=Idp().metadata())["SAMLProviderArn"]


def test_create_saml_provider(iam):
    # test_create_saml_provider: create-response
    out = iam.create_saml_provider(Name="Created", SAMLMetadataDocument=Idp().metadata())
    assert shape(out) == recorded({"SAMLProviderArn": "arn:<partition>:iam::1:saml-provider/n"})


def test_get_saml_provider(iam, saml_arn):
    # test_get_saml_provider: get-response (Tags, PrivateKeyList and the encryption mode
    # are present although the provider has none)
    got = iam.get_saml_provider(SAMLProviderArn=saml_arn)
    assert shape(got) == recorded(SAML_PROVIDER)
    assert (got["AssertionEncryptionMode"], got["PrivateKeyList"], got["Tags"]) == (
        "Allowed", [], [])


def test_update_saml_provider(iam, saml_arn):
    # test_update_saml_provider: update-response, get-after-update
    out = iam.update_saml_provider(SAMLProviderArn=saml_arn,
                                   SAMLMetadataDocument=Idp(entity_id="https://other").metadata())
    assert shape(out) == recorded({"SAMLProviderArn": "arn"})
    assert shape(iam.get_saml_provider(SAMLProviderArn=saml_arn)) == recorded(SAML_PROVIDER)


def test_list_saml_providers(iam, saml_arn):
    # test_list_saml_providers: list-response
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert shape(listed) == recorded(
        [{"Arn": saml_arn, "ValidUntil": "<datetime>", "CreateDate": "<datetime>"}])


def test_delete_saml_provider_and_unknown_providers(iam, account, saml_arn):
    # test_delete_saml_provider: delete-response; get-not-found and delete-not-found
    assert shape(iam.delete_saml_provider(SAMLProviderArn=saml_arn)) == recorded({})
    unknown = f"arn:aws:iam::{account.account_id}:saml-provider/NonExistentProvider"
    missing = sender("NoSuchEntity", f"Manifest not found for arn {unknown}", 404)
    assert recorded_error(iam.get_saml_provider, SAMLProviderArn=unknown) == missing
    assert recorded_error(iam.delete_saml_provider, SAMLProviderArn=unknown) == missing


# --- SSH public keys (test_iam_ssh_public_keys.snapshot.json) -------------------------

SSH_KEY = {"Fingerprint": "<fingerprint:1>", "SSHPublicKeyBody": "<ssh-public-key:1>",
           "SSHPublicKeyId": "<ssh-public-key-id:1>", "Status": "Active",
           "UploadDate": "<datetime>", "UserName": "<user-name:1>"}


@pytest.fixture
def ssh_user(iam) -> str:
    iam.create_user(UserName="ssh-user")
    return "ssh-user"


def _upload_key(iam, user: str) -> str:
    return iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(ssh_key()))[
        "SSHPublicKey"]["SSHPublicKeyId"]


def test_upload_ssh_public_key(iam, ssh_user):
    # test_upload_ssh_public_key: upload-response
    out = iam.upload_ssh_public_key(UserName=ssh_user, SSHPublicKeyBody=openssh(ssh_key()))
    assert shape(out) == recorded({"SSHPublicKey": SSH_KEY})


def test_get_ssh_public_key(iam, ssh_user):
    # test_get_ssh_public_key: get-response; get-not-found
    key_id = _upload_key(iam, ssh_user)
    got = iam.get_ssh_public_key(UserName=ssh_user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert shape(got) == recorded({"SSHPublicKey": SSH_KEY})
    assert recorded_error(iam.get_ssh_public_key, UserName=ssh_user, SSHPublicKeyId=NO_SUCH_KEY,
                          Encoding="SSH") == sender(
        "NoSuchEntity", f"The Public Key with id {NO_SUCH_KEY} cannot be found.", 404)


def test_list_ssh_public_keys(iam, ssh_user):
    # test_list_ssh_public_keys: list-empty, list-with-key (no body, no fingerprint)
    assert shape(iam.list_ssh_public_keys(UserName=ssh_user)) == recorded(
        {"IsTruncated": False, "SSHPublicKeys": []})
    _upload_key(iam, ssh_user)
    listed = iam.list_ssh_public_keys(UserName=ssh_user)
    assert shape(listed) == recorded({"IsTruncated": False, "SSHPublicKeys": [
        {"SSHPublicKeyId": "k", "Status": "Active", "UploadDate": "<datetime>",
         "UserName": "u"}]})


def test_update_ssh_public_key(iam, ssh_user):
    # test_update_ssh_public_key: update-response, get-after-update; update-not-found
    key_id = _upload_key(iam, ssh_user)
    out = iam.update_ssh_public_key(UserName=ssh_user, SSHPublicKeyId=key_id, Status="Inactive")
    assert shape(out) == recorded({})
    got = iam.get_ssh_public_key(UserName=ssh_user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert got["SSHPublicKey"]["Status"] == "Inactive"
    assert recorded_error(iam.update_ssh_public_key, UserName=ssh_user,
                          SSHPublicKeyId=NO_SUCH_KEY, Status="Inactive") == sender(
        "NoSuchEntity", f"The Public Key with id {NO_SUCH_KEY} cannot be found.", 404)


def test_delete_ssh_public_key(iam, ssh_user):
    # test_delete_ssh_public_key: delete-response, list-after-delete; delete-not-found
    key_id = _upload_key(iam, ssh_user)
    assert shape(iam.delete_ssh_public_key(UserName=ssh_user, SSHPublicKeyId=key_id)) == {}
    assert iam.list_ssh_public_keys(UserName=ssh_user)["SSHPublicKeys"] == []
    assert recorded_error(iam.delete_ssh_public_key, UserName=ssh_user,
                          SSHPublicKeyId=NO_SUCH_KEY) == sender(
        "NoSuchEntity", f"The Public Key with id {NO_SUCH_KEY} cannot be found.", 404)


# --- signing certificates (test_iam_signing_certificates.snapshot.json) ---------------

SIGNING_CERT = {"CertificateBody": "<certificate-body>", "CertificateId": "<certificate-id:1>",
                "Status": "Active", "UploadDate": "<datetime>", "UserName": "<user-name:1>"}
NO_SUCH_USER = sender("NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)


def _signing_pem(n: int) -> str:
    return cert_pem(certificate(rsa_key(n), f"signer-{n}"))


def test_signing_certificate_lifecycle(iam):
    # test_signing_certificate_lifecycle: upload-certificate, list-certificates,
    # update-certificate-inactive, delete-certificate, list-certificates-after-delete
    iam.create_user(UserName="signer")
    uploaded = iam.upload_signing_certificate(UserName="signer", CertificateBody=_signing_pem(0))
    assert shape(uploaded) == recorded({"Certificate": SIGNING_CERT})
    cert_id = uploaded["Certificate"]["CertificateId"]
    assert shape(iam.list_signing_certificates(UserName="signer")) == recorded(
        {"Certificates": [SIGNING_CERT], "IsTruncated": False})
    assert shape(iam.update_signing_certificate(UserName="signer", CertificateId=cert_id,
                                                Status="Inactive")) == {}
    listed = iam.list_signing_certificates(UserName="signer")["Certificates"]
    assert [c["Status"] for c in listed] == ["Inactive"]
    assert shape(iam.delete_signing_certificate(UserName="signer", CertificateId=cert_id)) == {}
    assert shape(iam.list_signing_certificates(UserName="signer")) == recorded(
        {"Certificates": [], "IsTruncated": False})


def test_signing_certificate_errors(iam):
    # test_signing_certificate_errors: every error of the recording, in its order
    iam.create_user(UserName="signer")
    body = _signing_pem(1)
    assert recorded_error(iam.upload_signing_certificate, UserName="nonexistent-user",
                          CertificateBody=body) == NO_SUCH_USER
    assert recorded_error(iam.list_signing_certificates,
                          UserName="nonexistent-user") == NO_SUCH_USER
    assert recorded_error(iam.delete_signing_certificate, UserName="nonexistent-user",
                          CertificateId=NO_SUCH_CERT) == NO_SUCH_USER
    assert recorded_error(iam.update_signing_certificate, UserName="nonexistent-user",
                          CertificateId=NO_SUCH_CERT, Status="Inactive") == NO_SUCH_USER
    assert recorded_error(iam.upload_signing_certificate, UserName="signer",
                          CertificateBody="invalid-certificate-body") == sender(
        "MalformedCertificate", "Certificate invalid-certificate-body is malformed.", 400)
    missing = sender("NoSuchEntity", f"The Certificate with id {NO_SUCH_CERT} cannot be found.",
                     404)
    assert recorded_error(iam.update_signing_certificate, UserName="signer",
                          CertificateId=NO_SUCH_CERT, Status="Inactive") == missing
    assert recorded_error(iam.delete_signing_certificate, UserName="signer",
                          CertificateId=NO_SUCH_CERT) == missing
    iam.upload_signing_certificate(UserName="signer", CertificateBody=body)
    iam.upload_signing_certificate(UserName="signer", CertificateBody=_signing_pem(2))
    assert recorded_error(iam.upload_signing_certificate, UserName="signer",
                          CertificateBody=_signing_pem(3)) == sender(
        "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)


# --- server certificates (test_iam_server_certificates.snapshot.json) -----------------

SERVER_METADATA = {"Arn": "arn:<partition>:iam::1:server-certificate/n",
                   "Expiration": "<datetime>", "Path": "/",
                   "ServerCertificateId": "<server-certificate-id:1>",
                   "ServerCertificateName": "<server-certificate-name:1>",
                   "UploadDate": "<datetime>"}


def _upload_server(iam, name: str, *, chain: bool = False, **extra):
    key, ca_key = rsa_key(4), rsa_key(5)
    ca = certificate(ca_key, "Recorded CA", ca=True)
    leaf = certificate(key, name, issuer_key=ca_key, issuer_name="Recorded CA")
    if chain:
        extra["CertificateChain"] = cert_pem(ca)
    return iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=cert_pem(leaf),
                                         PrivateKey=key_pem(key), **extra)


@pytest.mark.parametrize("path", [None, "/", "/test-path/"])
def test_server_certificate_lifecycle(iam, path):
    # test_server_certificate_lifecycle[None], [/], [/test-path/]: upload-certificate,
    # list-certificates, get-certificate (Tags [] present), delete-certificate,
    # get-deleted-certificate-error
    extra = {"Path": path} if path else {}
    uploaded = _upload_server(iam, "recorded", **extra)
    assert shape(uploaded) == recorded({"ServerCertificateMetadata": SERVER_METADATA})
    assert uploaded["ServerCertificateMetadata"]["Path"] == (path or "/")
    assert shape(iam.list_server_certificates()) == recorded(
        {"IsTruncated": False, "ServerCertificateMetadataList": [SERVER_METADATA]})
    if path:
        assert shape(iam.list_server_certificates(PathPrefix=path)) == recorded(
            {"IsTruncated": False, "ServerCertificateMetadataList": [SERVER_METADATA]})
    got = iam.get_server_certificate(ServerCertificateName="recorded")
    assert shape(got) == recorded({"ServerCertificate": {
        "CertificateBody": "certificate-body", "ServerCertificateMetadata": SERVER_METADATA,
        "Tags": []}})
    assert shape(iam.delete_server_certificate(ServerCertificateName="recorded")) == {}
    assert recorded_error(iam.get_server_certificate, ServerCertificateName="recorded") == sender(
        "NoSuchEntity", "The Server Certificate with name recorded cannot be found.", 404)


def test_server_certificate_with_chain(iam):
    # test_server_certificate_with_chain: get-certificate-with-chain
    _upload_server(iam, "chained", chain=True)
    got = iam.get_server_certificate(ServerCertificateName="chained")
    assert shape(got) == recorded({"ServerCertificate": {
        "CertificateBody": "certificate-body", "CertificateChain": "certificate-chain",
        "ServerCertificateMetadata": SERVER_METADATA, "Tags": []}})


def test_server_certificate_errors(iam):
    # test_server_certificate_errors: get/delete-nonexistent-certificate-error,
    # upload-duplicate-certificate-error
    missing = sender("NoSuchEntity",
                     "The Server Certificate with name nonexistent-certificate cannot be found.",
                     404)
    assert recorded_error(iam.get_server_certificate,
                          ServerCertificateName="nonexistent-certificate") == missing
    assert recorded_error(iam.delete_server_certificate,
                          ServerCertificateName="nonexistent-certificate") == missing
    _upload_server(iam, "twice")
    with pytest.raises(ClientError) as err:
        _upload_server(iam, "twice")
    assert {"Error": err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]} == sender(
        "EntityAlreadyExists", "The Server Certificate with name twice already exists.", 409)


# --- login profiles (test_iam_users.snapshot.json, TestUserLoginProfile) --------------

LOGIN_PROFILE = {"CreateDate": "<datetime>", "PasswordResetRequired": False,
                 "UserName": "<user-name:1>"}
PASSWORD = "Recorded-Passw0rd!"


def test_login_profile_lifecycle(iam):
    # test_login_profile_lifecycle: create-login-profile, get-login-profile,
    # get-updated-login-profile, delete-login-profile, get-deleted-login-profile-error
    iam.create_user(UserName="console")
    created = iam.create_login_profile(UserName="console", Password=PASSWORD)
    assert shape(created) == recorded({"LoginProfile": LOGIN_PROFILE})
    assert shape(iam.get_login_profile(UserName="console")) == recorded(
        {"LoginProfile": LOGIN_PROFILE})
    iam.update_login_profile(UserName="console", PasswordResetRequired=True)
    updated = iam.get_login_profile(UserName="console")["LoginProfile"]
    assert updated["PasswordResetRequired"] is True
    assert shape(iam.delete_login_profile(UserName="console")) == {}
    assert recorded_error(iam.get_login_profile, UserName="console") == sender(
        "NoSuchEntity", "Login Profile for User console cannot be found.", 404)


def test_login_profile_errors(iam):
    # test_login_profile_errors: create-login-profile-unknown-user-error,
    # create-duplicate-login-profile-error, delete-nonexistent-login-profile-error,
    # delete-login-profile-unknown-user-error
    iam.create_user(UserName="console")
    assert recorded_error(iam.create_login_profile, UserName="nonexistent-user",
                          Password=PASSWORD) == NO_SUCH_USER
    assert recorded_error(iam.delete_login_profile, UserName="console") == sender(
        "NoSuchEntity", "Login Profile for User console cannot be found.", 404)
    iam.create_login_profile(UserName="console", Password=PASSWORD)
    assert recorded_error(iam.create_login_profile, UserName="console",
                          Password=PASSWORD) == sender(
        "EntityAlreadyExists", "Login Profile for user console already exists.", 409)
    assert recorded_error(iam.delete_login_profile, UserName="nonexistent-user") == NO_SUCH_USER
