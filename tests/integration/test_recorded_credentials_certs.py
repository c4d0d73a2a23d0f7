"""Server and signing certificates and SSH public keys replayed call by call as AWS was
recorded answering them, with certificates and keys made the way the recorded runs made theirs.

test_recorded_credential_shapes.py compares each recorded answer by its shape; this file
follows each recorded run from its first call to its last and compares the values a client
reads: ARNs, paths, statuses after each change, error texts and their order. Sources:
LocalStack's AWS-validated snapshot suites in github.com/localstack/localstack,
``tests/aws/services/iam/test_iam_server_certificates.snapshot.json``,
``test_iam_signing_certificates.snapshot.json`` and ``test_iam_ssh_public_keys.snapshot.json``
(recorded against AWS in February and March 2026). Each test names the recording it follows.
(``test_iam_credential_report.snapshot.json`` holds one answer, ReportNotPresent, compared in
test_recorded_shapes.py; its test_credential_report run recorded nothing.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .recorded import recorded, recorded_error, sender, shape
from .x509_factory import cert_pem, key_pem

NO_SUCH_KEY = "APKAXXXXXXXXXXXXXXXXX"


def _name(organization: str, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _usage() -> x509.KeyUsage:
    """Signing, certificate signing and CRL signing, as the recorded runs' certificates had."""
    return x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                         decipher_only=False)


def _builder(subject: x509.Name, issuer: x509.Name, key, days: int) -> x509.CertificateBuilder:
    """Valid from this very moment: the recorded runs uploaded certificates just made."""
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days)))


def root_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed CA certificate, the body the recorded server-certificate runs uploaded."""
    key = _key()
    subject = _name("My Company", "Recorded Root CA")
    cert = (_builder(subject, subject, key, 3650)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def leaf_of(ca: x509.Certificate, ca_key) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A certificate the CA signed, with no BasicConstraints at all (as recorded)."""
    key = _key()
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (_builder(_name("Recorded", "Recorded Leaf"), ca.subject, key, 1095)
            .add_extension(_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert, key


def self_signed() -> str:
    """A plain self-signed certificate without extensions, as the signing-certificate runs
    made three of, all with the same subject."""
    key = _key()
    subject = _name("Test Organization", "Test Certificate")
    return cert_pem(_builder(subject, subject, key, 365).sign(key, hashes.SHA256()))


def openssh_key() -> str:
    """An OpenSSH public key line with no comment, as the recorded SSH runs uploaded."""
    return _key().public_key().public_bytes(serialization.Encoding.OpenSSH,
                                            serialization.PublicFormat.OpenSSH).decode()


# --- server certificates (test_iam_server_certificates.snapshot.json) -----------------

SERVER_METADATA = {"Arn": "arn", "Expiration": "<datetime>", "Path": "/",
                   "ServerCertificateId": "id", "ServerCertificateName": "name",
                   "UploadDate": "<datetime>"}


@pytest.mark.parametrize("path", [None, "/", "/test-path/"])
def test_server_certificate_lifecycle_with_a_ca_certificate(iam, account, path):
    # test_server_certificate_lifecycle[None], [/], [/test-path/]: the body is a self-signed
    # CA certificate; the ARN carries the path; list-certificates-with-path for /test-path/
    ca, key = root_ca()
    extra = {"Path": path} if path is not None else {}
    uploaded = iam.upload_server_certificate(ServerCertificateName="cert-recorded",
                                             CertificateBody=cert_pem(ca),
                                             PrivateKey=key_pem(key), **extra)
    meta = uploaded["ServerCertificateMetadata"]
    assert meta["Path"] == (path or "/")
    assert meta["Arn"] == (f"arn:aws:iam::{account.account_id}:server-certificate"
                           f"{path or '/'}cert-recorded")
    assert meta["ServerCertificateName"] == "cert-recorded"
    listed = iam.list_server_certificates()
    assert shape(listed) == recorded({"IsTruncated": False,
                                      "ServerCertificateMetadataList": [SERVER_METADATA]})
    assert listed["ServerCertificateMetadataList"] == [meta]
    if path not in (None, "/"):
        assert iam.list_server_certificates(PathPrefix=path)[
            "ServerCertificateMetadataList"] == [meta]
    got = iam.get_server_certificate(ServerCertificateName="cert-recorded")["ServerCertificate"]
    assert got["ServerCertificateMetadata"] == meta
    assert (got["CertificateBody"], got["Tags"]) == (cert_pem(ca), [])
    assert "CertificateChain" not in got
    assert shape(iam.delete_server_certificate(ServerCertificateName="cert-recorded")) == {}
    assert recorded_error(iam.get_server_certificate,
                          ServerCertificateName="cert-recorded") == sender(
        "NoSuchEntity", "The Server Certificate with name cert-recorded cannot be found.", 404)


def test_server_certificate_with_chain_of_its_ca(iam):
    # test_server_certificate_with_chain: upload-certificate-with-chain and
    # get-certificate-with-chain (a leaf without BasicConstraints, its CA as the chain)
    ca, ca_key = root_ca()
    leaf, key = leaf_of(ca, ca_key)
    uploaded = iam.upload_server_certificate(
        ServerCertificateName="cert-chain-recorded", CertificateBody=cert_pem(leaf),
        PrivateKey=key_pem(key), CertificateChain=cert_pem(ca))
    assert shape(uploaded) == recorded({"ServerCertificateMetadata": SERVER_METADATA})
    got = iam.get_server_certificate(ServerCertificateName="cert-chain-recorded")
    assert shape(got) == recorded({"ServerCertificate": {
        "CertificateBody": "b", "CertificateChain": "c",
        "ServerCertificateMetadata": SERVER_METADATA, "Tags": []}})
    assert got["ServerCertificate"]["CertificateChain"] == cert_pem(ca)


def test_the_same_server_certificate_uploaded_twice_changes_nothing(iam):
    # test_server_certificate_errors: upload-duplicate-certificate-error (the very same body
    # and key uploaded again); the run's not-found errors are compared in
    # test_recorded_credential_shapes.py
    ca, key = root_ca()
    upload = {"ServerCertificateName": "cert-dup", "CertificateBody": cert_pem(ca),
              "PrivateKey": key_pem(key)}
    first = iam.upload_server_certificate(**upload)
    assert recorded_error(iam.upload_server_certificate, **upload) == sender(
        "EntityAlreadyExists", "The Server Certificate with name cert-dup already exists.", 409)
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == [
        first["ServerCertificateMetadata"]]


# --- signing certificates (test_iam_signing_certificates.snapshot.json) ---------------


def test_signing_certificate_lifecycle_status_round_trip(iam):
    # test_signing_certificate_lifecycle: create-user, upload-certificate, list-certificates,
    # update-certificate-inactive, list-certificates-after-inactive,
    # update-certificate-active, list-certificates-after-active, delete-certificate,
    # list-certificates-after-delete
    created = iam.create_user(UserName="user-signing")
    assert shape(created) == recorded({"User": {"Arn": "a", "CreateDate": "<datetime>",
                                                "Path": "/", "UserId": "u", "UserName": "n"}})
    body = self_signed()
    cert = iam.upload_signing_certificate(UserName="user-signing",
                                          CertificateBody=body)["Certificate"]
    assert (cert["UserName"], cert["Status"], cert["CertificateBody"]) == (
        "user-signing", "Active", body)

    def listed() -> list[dict]:
        answer = iam.list_signing_certificates(UserName="user-signing")
        assert answer["IsTruncated"] is False
        return answer["Certificates"]

    assert listed() == [cert]
    for status in ("Inactive", "Active"):
        assert shape(iam.update_signing_certificate(
            UserName="user-signing", CertificateId=cert["CertificateId"], Status=status)) == {}
        assert listed() == [{**cert, "Status": status}]
    assert shape(iam.delete_signing_certificate(UserName="user-signing",
                                                CertificateId=cert["CertificateId"])) == {}
    assert listed() == []


def test_signing_certificates_of_one_subject_are_distinct(iam):
    # test_signing_certificate_errors: the recorded run's three certificates share a subject
    # (distinct keys); the first two are two certificates, the third is over the quota of two.
    # The run's other errors are compared in test_recorded_credential_shapes.py.
    iam.create_user(UserName="user-signing")
    bodies = [self_signed() for _ in range(3)]
    ids = [iam.upload_signing_certificate(UserName="user-signing", CertificateBody=body)[
        "Certificate"]["CertificateId"] for body in bodies[:2]]
    assert len(set(ids)) == 2
    assert recorded_error(iam.upload_signing_certificate, UserName="user-signing",
                          CertificateBody=bodies[2]) == sender(
        "LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)
    listed = iam.list_signing_certificates(UserName="user-signing")["Certificates"]
    assert [c["CertificateId"] for c in listed] == ids


# --- SSH public keys (test_iam_ssh_public_keys.snapshot.json) -------------------------


def test_ssh_public_key_without_comment_round_trip(iam):
    # test_upload_ssh_public_key, test_get_ssh_public_key, test_list_ssh_public_keys,
    # test_update_ssh_public_key, test_delete_ssh_public_key and their *_not_found runs:
    # an OpenSSH key line with no comment, the user's own key id everywhere
    iam.create_user(UserName="test-user-ssh")
    body = openssh_key()
    empty = iam.list_ssh_public_keys(UserName="test-user-ssh")
    assert (empty["IsTruncated"], empty["SSHPublicKeys"]) == (False, [])
    uploaded = iam.upload_ssh_public_key(UserName="test-user-ssh",
                                         SSHPublicKeyBody=body)["SSHPublicKey"]
    assert (uploaded["UserName"], uploaded["Status"]) == ("test-user-ssh", "Active")
    key_id = uploaded["SSHPublicKeyId"]
    got = iam.get_ssh_public_key(UserName="test-user-ssh", SSHPublicKeyId=key_id,
                                 Encoding="SSH")["SSHPublicKey"]
    assert got == uploaded
    listed = iam.list_ssh_public_keys(UserName="test-user-ssh")
    assert listed["SSHPublicKeys"] == [{k: uploaded[k] for k in (
        "SSHPublicKeyId", "Status", "UploadDate", "UserName")}]
    assert listed["IsTruncated"] is False
    iam.update_ssh_public_key(UserName="test-user-ssh", SSHPublicKeyId=key_id, Status="Inactive")
    assert iam.get_ssh_public_key(UserName="test-user-ssh", SSHPublicKeyId=key_id,
                                  Encoding="SSH")["SSHPublicKey"] == {**uploaded,
                                                                      "Status": "Inactive"}
    missing = sender("NoSuchEntity", f"The Public Key with id {NO_SUCH_KEY} cannot be found.",
                     404)
    assert recorded_error(iam.get_ssh_public_key, UserName="test-user-ssh",
                          SSHPublicKeyId=NO_SUCH_KEY, Encoding="SSH") == missing
    assert recorded_error(iam.update_ssh_public_key, UserName="test-user-ssh",
                          SSHPublicKeyId=NO_SUCH_KEY, Status="Inactive") == missing
    assert recorded_error(iam.delete_ssh_public_key, UserName="test-user-ssh",
                          SSHPublicKeyId=NO_SUCH_KEY) == missing
    iam.delete_ssh_public_key(UserName="test-user-ssh", SSHPublicKeyId=key_id)
    assert iam.list_ssh_public_keys(UserName="test-user-ssh")["SSHPublicKeys"] == []
