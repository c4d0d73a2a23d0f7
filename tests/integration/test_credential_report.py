"""The credential report through boto3 and the aws CLI; expiry with an injected clock."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io

import pytest
from botocore.exceptions import ClientError

from tests.integration.test_sts_sessions import InProcess, error_code
from tests.integration.x509_factory import cert_pem, certificate, rsa_key

COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]


def report_rows(iam) -> tuple[list[str], dict[str, dict[str, str]]]:
    got = iam.get_credential_report()
    assert got["ReportFormat"] == "text/csv"
    reader = csv.reader(io.StringIO(got["Content"].decode()))
    header = next(reader)
    return header, {row[0]: dict(zip(header, row, strict=True)) for row in reader}


def test_get_before_generate_is_report_not_present(iam):
    with pytest.raises(ClientError) as err:
        iam.get_credential_report()
    assert err.value.response["Error"]["Code"] == "ReportNotPresent"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_generate_starts_once_then_reports_complete(iam):
    first = iam.generate_credential_report()
    assert first["State"] == "STARTED"
    assert first["Description"] == "No report exists. Starting a new report generation task"
    assert iam.generate_credential_report()["State"] == "COMPLETE"


def test_report_has_aws_columns_in_order_and_the_root_row_first(iam, account):
    iam.generate_credential_report()
    header, rows = report_rows(iam)
    assert header == COLUMNS
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{account.account_id}:root"
    assert root["password_enabled"] == "not_supported"
    assert root["access_key_1_active"] == "true"  # the account's root access key
    assert next(iter(rows)) == "<root_account>"


def test_user_rows_reflect_passwords_keys_and_certificates(iam, account):
    iam.create_user(UserName="plain")
    iam.create_user(UserName="busy")
    iam.create_login_profile(UserName="busy", Password="Correct-Horse-9!")
    first = iam.create_access_key(UserName="busy")["AccessKey"]["AccessKeyId"]
    iam.create_access_key(UserName="busy")
    iam.update_access_key(UserName="busy", AccessKeyId=first, Status="Inactive")
    iam.upload_signing_certificate(UserName="busy",
                                   CertificateBody=cert_pem(certificate(rsa_key(0), "busy")))
    iam.generate_credential_report()
    _, rows = report_rows(iam)
    plain, busy = rows["plain"], rows["busy"]
    assert plain["arn"] == f"arn:aws:iam::{account.account_id}:user/plain"
    assert (plain["password_enabled"], plain["password_last_used"],
            plain["password_last_changed"]) == ("false", "N/A", "N/A")
    assert (plain["access_key_1_active"], plain["access_key_1_last_rotated"]) == ("false", "N/A")
    assert (plain["cert_1_active"], plain["cert_1_last_rotated"]) == ("false", "N/A")
    assert busy["password_enabled"] == "true"
    assert busy["password_last_used"] == "no_information"
    dt.datetime.fromisoformat(busy["password_last_changed"])
    assert busy["password_next_rotation"] == "N/A"
    assert busy["mfa_active"] == "false"
    assert (busy["access_key_1_active"], busy["access_key_2_active"]) == ("false", "true")
    assert busy["access_key_1_last_used_date"] == "N/A"
    assert busy["access_key_1_last_rotated"].endswith("+00:00")
    assert (busy["cert_1_active"], busy["cert_2_active"]) == ("true", "false")


def test_report_is_a_snapshot_until_regenerated(iam):
    iam.generate_credential_report()
    iam.create_user(UserName="late")
    assert "late" not in report_rows(iam)[1]


def test_report_expires_after_four_hours_and_can_be_regenerated(iam, account, server,
                                                                 monkeypatch):
    creds = {"AccessKeyId": account.access_key_id, "SecretAccessKey": account.secret_access_key}
    start = dt.datetime.now(dt.UTC).timestamp() + 60
    local = InProcess(server.db_url, start)
    status, body = local.call(monkeypatch, "iam", "GenerateCredentialReport", creds)
    assert status == 200 and "<State>STARTED</State>" in body
    local.now = start + 3 * 3600
    status, body = local.call(monkeypatch, "iam", "GenerateCredentialReport", creds)
    assert "<State>COMPLETE</State>" in body
    local.now = start + 4 * 3600 + 1
    status, body = local.call(monkeypatch, "iam", "GetCredentialReport", creds)
    assert (status, error_code(body)) == (410, "ReportExpired")
    status, body = local.call(monkeypatch, "iam", "GenerateCredentialReport", creds)
    assert "<State>STARTED</State>" in body
    status, body = local.call(monkeypatch, "iam", "GetCredentialReport", creds)
    assert status == 200 and "<ReportFormat>text/csv</ReportFormat>" in body


def test_cli_generate_and_get_credential_report(iam, aws):
    iam.create_user(UserName="dev")
    assert aws("iam", "get-credential-report").returncode != 0
    generated = aws("iam", "generate-credential-report")
    assert generated.returncode == 0, generated.stderr
    assert generated.json["State"] == "STARTED"
    got = aws("iam", "get-credential-report")
    assert got.returncode == 0, got.stderr
    content = base64.b64decode(got.json["Content"]).decode()
    assert content.splitlines()[0] == ",".join(COLUMNS)
    assert any(line.startswith("dev,") for line in content.splitlines())
