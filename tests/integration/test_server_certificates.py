"""TLS server certificates through boto3 and the aws CLI; private keys never come back."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import sqlalchemy
from botocore.exceptions import ClientError

from .x509_factory import cert_pem, certificate, key_pem, rsa_key


def error_of(call) -> dict:
    with pytest.raises(ClientError) as err:
        call()
    return {**err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def upload(iam, name: str, n: int = 0, **extra):
    key = rsa_key(n)
    return iam.upload_server_certificate(ServerCertificateName=name,
                                         CertificateBody=cert_pem(certificate(key, name)),
                                         PrivateKey=key_pem(key), **extra)


def test_upload_returns_metadata_with_expiration_from_the_certificate(iam, account):
    key = rsa_key(0)
    not_after = (dt.datetime.now(dt.UTC) + dt.timedelta(days=90)).replace(microsecond=0)
    cert = certificate(key, "www.example.com", not_after=not_after)
    result = iam.upload_server_certificate(
        ServerCertificateName="www", Path="/cloudfront/", CertificateBody=cert_pem(cert),
        PrivateKey=key_pem(key), Tags=[{"Key": "env", "Value": "prod"}])
    meta = result["ServerCertificateMetadata"]
    assert meta["Arn"] == f"arn:aws:iam::{account.account_id}:server-certificate/cloudfront/www"
    assert meta["ServerCertificateId"].startswith("ASCA") and len(meta["ServerCertificateId"]) == 21
    assert meta["Expiration"] == not_after
    assert result["Tags"] == [{"Key": "env", "Value": "prod"}]


def test_get_returns_body_chain_and_tags_but_never_the_private_key(iam):
    ca_key, leaf_key = rsa_key(1), rsa_key(0)
    ca = certificate(ca_key, "Test CA", ca=True)
    leaf = certificate(leaf_key, "www.example.com", issuer_key=ca_key, issuer_name="Test CA")
    iam.upload_server_certificate(ServerCertificateName="www", CertificateBody=cert_pem(leaf),
                                  PrivateKey=key_pem(leaf_key), CertificateChain=cert_pem(ca))
    got = iam.get_server_certificate(ServerCertificateName="WWW")["ServerCertificate"]
    assert got["CertificateBody"] == cert_pem(leaf)
    assert got["CertificateChain"] == cert_pem(ca)
    assert "PRIVATE KEY" not in json.dumps(got, default=str)


def test_private_key_of_another_certificate_is_key_pair_mismatch(iam):
    cert = certificate(rsa_key(0), "www")
    error = error_of(lambda: iam.upload_server_certificate(
        ServerCertificateName="www", CertificateBody=cert_pem(cert),
        PrivateKey=key_pem(rsa_key(1))))
    assert error["Code"] == "KeyPairMismatch" and error["Status"] == 400
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


def test_unparseable_or_expired_body_is_malformed(iam):
    key = rsa_key(0)
    garbage = error_of(lambda: iam.upload_server_certificate(
        ServerCertificateName="www", CertificateBody="nope", PrivateKey=key_pem(key)))
    assert garbage["Code"] == "MalformedCertificate"
    assert garbage["Message"] == ("Unable to parse certificate. "
                                  "Please ensure the certificate is in PEM format.")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    expired = error_of(lambda: iam.upload_server_certificate(
        ServerCertificateName="www",
        CertificateBody=cert_pem(certificate(key, "w", not_after=past)), PrivateKey=key_pem(key)))
    assert expired["Code"] == "MalformedCertificate"


def test_chain_that_did_not_sign_the_body_is_malformed(iam):
    key = rsa_key(0)
    stranger = certificate(rsa_key(1), "Other CA", ca=True)
    error = error_of(lambda: iam.upload_server_certificate(
        ServerCertificateName="www", CertificateBody=cert_pem(certificate(key, "www")),
        PrivateKey=key_pem(key), CertificateChain=cert_pem(stranger)))
    assert error["Code"] == "MalformedCertificate"
    assert error["Message"].startswith("Unable to validate certificate chain.")


def test_names_are_unique_case_insensitively(iam):
    upload(iam, "www")
    error = error_of(lambda: upload(iam, "WWW", 1))
    assert error["Code"] == "EntityAlreadyExists" and error["Status"] == 409
    assert error["Message"] == "The Server Certificate with name WWW already exists."


def test_rename_move_list_by_path_and_delete(iam):
    upload(iam, "a")
    upload(iam, "b", 1)
    iam.update_server_certificate(ServerCertificateName="a", NewServerCertificateName="c",
                                  NewPath="/cloudfront/")
    names = [m["ServerCertificateName"] for m in
             iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]]
    assert names == ["c"]
    rename_clash = error_of(lambda: iam.update_server_certificate(
        ServerCertificateName="c", NewServerCertificateName="B"))
    assert rename_clash["Code"] == "EntityAlreadyExists"
    iam.delete_server_certificate(ServerCertificateName="c")
    missing = error_of(lambda: iam.get_server_certificate(ServerCertificateName="c"))
    assert missing["Code"] == "NoSuchEntity" and missing["Status"] == 404
    assert missing["Message"] == "The Server Certificate with name c cannot be found."


def test_tags_can_be_added_listed_and_removed(iam):
    upload(iam, "www")
    iam.tag_server_certificate(ServerCertificateName="www",
                               Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    # Only users and roles compare tag keys ignoring case (recorded ListPolicyTags answers).
    iam.untag_server_certificate(ServerCertificateName="www", TagKeys=["A", "a"])
    assert iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"] == [
        {"Key": "b", "Value": "2"}]
    error = error_of(lambda: iam.list_server_certificate_tags(ServerCertificateName="ghost"))
    assert error["Code"] == "NoSuchEntity"


def test_an_account_holds_at_most_twenty_server_certificates(iam):
    key = rsa_key(0)
    body, private = cert_pem(certificate(key, "x")), key_pem(key)
    for n in range(20):
        iam.upload_server_certificate(ServerCertificateName=f"c{n}", CertificateBody=body,
                                      PrivateKey=private)
    error = error_of(lambda: iam.upload_server_certificate(
        ServerCertificateName="c20", CertificateBody=body, PrivateKey=private))
    assert error["Code"] == "LimitExceeded" and error["Status"] == 409


def test_private_key_is_hidden_in_the_audit_record_and_encrypted_at_rest(iam, account, server):
    private = key_pem(rsa_key(0))
    upload(iam, "secret-www")
    engine = sqlalchemy.create_engine(server.db_url)
    try:
        deadline = time.monotonic() + 10
        record = None
        with engine.connect() as conn:
            while record is None and time.monotonic() < deadline:
                record = conn.execute(sqlalchemy.text(
                    "SELECT record FROM audit_events WHERE account_id = :a "
                    "AND event_name = 'UploadServerCertificate'"), {"a": account.account_id}
                ).scalar()
                conn.rollback()
            stored = conn.execute(sqlalchemy.text(
                "SELECT private_key_encrypted FROM server_certificates WHERE name = 'secret-www'"
            )).scalar()
    finally:
        engine.dispose()
    assert record is not None
    assert json.loads(record)["requestParameters"]["privateKey"] == (
        "HIDDEN_DUE_TO_SECURITY_REASONS")
    assert "PRIVATE KEY" not in record
    assert b"PRIVATE KEY" not in bytes(stored) and private.encode() not in bytes(stored)


def test_cli_upload_get_and_delete_server_certificate(aws, tmp_path):
    key = rsa_key(0)
    (tmp_path / "cert.pem").write_text(cert_pem(certificate(key, "www")))
    (tmp_path / "key.pem").write_text(key_pem(key))
    uploaded = aws("iam", "upload-server-certificate", "--server-certificate-name", "www",
                   "--certificate-body", f"file://{tmp_path / 'cert.pem'}",
                   "--private-key", f"file://{tmp_path / 'key.pem'}")
    assert uploaded.returncode == 0, uploaded.stderr
    got = aws("iam", "get-server-certificate", "--server-certificate-name", "www")
    assert got.returncode == 0, got.stderr
    assert got.json["ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateName"] == (
        "www")
    assert aws("iam", "delete-server-certificate", "--server-certificate-name", "www"
               ).returncode == 0
    gone = aws("iam", "get-server-certificate", "--server-certificate-name", "www")
    assert gone.returncode != 0 and "NoSuchEntity" in gone.stderr


def test_account_summary_counts_server_certificates(iam):
    assert iam.get_account_summary()["SummaryMap"]["ServerCertificates"] == 0
    upload(iam, "www")
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["ServerCertificates"], summary["ServerCertificatesQuota"]) == (1, 20)
