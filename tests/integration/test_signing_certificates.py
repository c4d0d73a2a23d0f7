"""X.509 signing certificates of IAM users and the root user through boto3 and the aws CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError

from .x509_factory import cert_pem, certificate, ec_key, rsa_key


def error_of(call) -> dict:
    with pytest.raises(ClientError) as err:
        call()
    return {**err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_upload_returns_certificate_with_id_and_active_status(iam):
    iam.create_user(UserName="dev")
    body = cert_pem(certificate(rsa_key(0), "dev"))
    cert = iam.upload_signing_certificate(UserName="dev", CertificateBody=body)["Certificate"]
    assert cert["UserName"] == "dev"
    assert len(cert["CertificateId"]) >= 24 and cert["CertificateId"].isalnum()
    assert cert["CertificateBody"] == body
    assert cert["Status"] == "Active"
    listed = iam.list_signing_certificates(UserName="dev")["Certificates"]
    assert [c["CertificateId"] for c in listed] == [cert["CertificateId"]]


def test_garbage_body_is_malformed_certificate(iam):
    iam.create_user(UserName="dev")
    error = error_of(lambda: iam.upload_signing_certificate(UserName="dev",
                                                            CertificateBody="hello"))
    assert error["Code"] == "MalformedCertificate" and error["Status"] == 400
    # localstack test_iam_signing_certificates.snapshot.json: upload-invalid-certificate-error
    assert error["Message"] == "Certificate hello is malformed."


def test_expired_certificate_is_malformed(iam):
    iam.create_user(UserName="dev")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    body = cert_pem(certificate(rsa_key(0), "old", not_after=past))
    error = error_of(lambda: iam.upload_signing_certificate(UserName="dev", CertificateBody=body))
    assert error["Code"] == "MalformedCertificate"


def test_non_rsa_certificate_is_invalid(iam):
    iam.create_user(UserName="dev")
    key = ec_key()
    body = cert_pem(certificate(key, "ec"))
    error = error_of(lambda: iam.upload_signing_certificate(UserName="dev", CertificateBody=body))
    assert error["Code"] == "InvalidCertificate"


def test_same_certificate_twice_in_account_is_duplicate(iam):
    iam.create_user(UserName="dev")
    iam.create_user(UserName="ops")
    body = cert_pem(certificate(rsa_key(0), "dev"))
    iam.upload_signing_certificate(UserName="dev", CertificateBody=body)
    error = error_of(lambda: iam.upload_signing_certificate(UserName="ops", CertificateBody=body))
    assert error["Code"] == "DuplicateCertificate" and error["Status"] == 409


def test_a_user_holds_at_most_two_certificates(iam):
    iam.create_user(UserName="dev")
    for n in range(2):
        iam.upload_signing_certificate(UserName="dev",
                                       CertificateBody=cert_pem(certificate(rsa_key(n), "c")))
    error = error_of(lambda: iam.upload_signing_certificate(
        UserName="dev", CertificateBody=cert_pem(certificate(rsa_key(2), "c"))))
    assert error["Code"] == "LimitExceeded" and error["Status"] == 409
    assert error["Message"] == "Cannot exceed quota for CertificatesPerUser: 2"


def test_without_user_name_the_root_user_has_its_own_certificates(iam, account):
    iam.create_user(UserName="dev")
    cert = iam.upload_signing_certificate(
        CertificateBody=cert_pem(certificate(rsa_key(0), "root")))["Certificate"]
    assert cert["UserName"] == account.account_id
    assert [c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]] == [
        cert["CertificateId"]]
    assert iam.list_signing_certificates(UserName="dev")["Certificates"] == []


def test_update_and_delete_check_the_owner(iam):
    iam.create_user(UserName="dev")
    iam.create_user(UserName="ops")
    cert_id = iam.upload_signing_certificate(
        UserName="dev", CertificateBody=cert_pem(certificate(rsa_key(0), "dev"))
    )["Certificate"]["CertificateId"]
    error = error_of(lambda: iam.update_signing_certificate(
        UserName="ops", CertificateId=cert_id, Status="Inactive"))
    assert error["Code"] == "NoSuchEntity" and error["Status"] == 404
    iam.update_signing_certificate(UserName="dev", CertificateId=cert_id, Status="Inactive")
    assert iam.list_signing_certificates(UserName="dev")["Certificates"][0]["Status"] == "Inactive"
    iam.delete_signing_certificate(UserName="dev", CertificateId=cert_id)
    assert iam.list_signing_certificates(UserName="dev")["Certificates"] == []


def test_cli_upload_and_list_signing_certificates(iam, aws, tmp_path):
    iam.create_user(UserName="dev")
    cert_file = tmp_path / "cert.pem"
    cert_file.write_text(cert_pem(certificate(rsa_key(0), "dev")))
    uploaded = aws("iam", "upload-signing-certificate", "--user-name", "dev",
                   "--certificate-body", f"file://{cert_file}")
    assert uploaded.returncode == 0, uploaded.stderr
    listed = aws("iam", "list-signing-certificates", "--user-name", "dev")
    assert listed.returncode == 0, listed.stderr
    assert [c["CertificateId"] for c in listed.json["Certificates"]] == [
        uploaded.json["Certificate"]["CertificateId"]]
    bad = aws("iam", "upload-signing-certificate", "--user-name", "dev",
              "--certificate-body", "not a certificate")
    assert bad.returncode != 0 and "MalformedCertificate" in bad.stderr


def test_root_certificate_shows_in_account_summary(iam):
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountSigningCertificatesPresent"] == 0
    assert summary["SigningCertificatesPerUserQuota"] == 2
    iam.upload_signing_certificate(CertificateBody=cert_pem(certificate(rsa_key(0), "root")))
    assert iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 1


def test_user_with_signing_certificate_cannot_be_deleted(iam):
    iam.create_user(UserName="dev")
    iam.upload_signing_certificate(UserName="dev",
                                   CertificateBody=cert_pem(certificate(rsa_key(0), "dev")))
    error = error_of(lambda: iam.delete_user(UserName="dev"))
    assert error["Code"] == "DeleteConflict" and error["Status"] == 409
