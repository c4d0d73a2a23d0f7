"""The credential report: GenerateCredentialReport and GetCredentialReport.

A report is a CSV snapshot of every user's credentials (and the root user's), in the
columns and value conventions the IAM User Guide documents ("Getting credential reports").
IAM makes at most one report every four hours and serves it for four hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from sqlalchemy import select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import (
    AccessKey,
    Account,
    AccountPasswordPolicy,
    CredentialReport,
    LoginProfile,
    MFADevice,
    SigningCertificate,
    User,
)
from .common import user_arn

REPORT_LIFETIME = dt.timedelta(hours=4)
ROOT_USER = "<root_account>"
NA, NO_INFORMATION, NOT_SUPPORTED = "N/A", "no_information", "not_supported"

COLUMNS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    *(f"access_key_{n}_{field}" for n in (1, 2) for field in
      ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service")),
    *(f"cert_{n}_{field}" for n in (1, 2) for field in ("active", "last_rotated")),
)


def _time(value: dt.datetime | None, missing: str = NA) -> str:
    if value is None:
        return missing
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _flag(value: bool) -> str:
    """Lower case, as real reports write them (the IAM User Guide's prose says TRUE/FALSE)."""
    return "true" if value else "false"


def _key_columns(keys: list[AccessKey]) -> list[str]:
    out: list[str] = []
    for n in range(2):
        key = keys[n] if n < len(keys) else None
        if key is None:
            out += [_flag(False), NA, NA, NA, NA]
            continue
        out += [_flag(key.status == "Active"), _time(key.created_at), _time(key.last_used_at),
                key.last_used_region or NA, key.last_used_service or NA]
    return out


def _cert_columns(certs: list[SigningCertificate]) -> list[str]:
    out: list[str] = []
    for n in range(2):
        cert = certs[n] if n < len(certs) else None
        out += ([_flag(cert.status == "Active"), _time(cert.uploaded_at)] if cert
                else [_flag(False), NA])
    return out


def build_report(ctx: CallContext) -> bytes:
    """The CSV for the account as it is now: the root user first, then users by name."""
    account_id = ctx.account_id
    db = ctx.db
    keys: dict[str | None, list[AccessKey]] = {}
    for key in db.scalars(select(AccessKey).where(AccessKey.account_id == account_id)
                          .order_by(AccessKey.created_at, AccessKey.id)):
        keys.setdefault(key.user_id, []).append(key)
    certs: dict[str | None, list[SigningCertificate]] = {}
    for cert in db.scalars(select(SigningCertificate)
                           .where(SigningCertificate.account_id == account_id)
                           .order_by(SigningCertificate.uploaded_at, SigningCertificate.id)):
        certs.setdefault(cert.user_id, []).append(cert)
    mfa_owners = set(db.scalars(select(MFADevice.owner_id).where(
        MFADevice.account_id == account_id, MFADevice.owner_id.is_not(None))))
    policy = db.get(AccountPasswordPolicy, account_id)
    max_age = policy.max_password_age if policy else None

    account = db.get(Account, account_id)
    rows = [[ROOT_USER, f"arn:aws:iam::{account_id}:root", _time(account.created_at),
             NOT_SUPPORTED, NO_INFORMATION, NOT_SUPPORTED, NOT_SUPPORTED,
             _flag(account_id in mfa_owners),
             *_key_columns(keys.get(None, [])), *_cert_columns(certs.get(None, []))]]
    users = db.scalars(select(User).where(User.account_id == account_id)
                       .order_by(User.name_lower)).all()
    profiles = {p.user_id: p for p in db.scalars(
        select(LoginProfile).where(LoginProfile.user_id.in_([u.id for u in users])))}
    for user in users:
        profile = profiles.get(user.id)
        if profile is None:
            password = [_flag(False), _time(user.password_last_used), NA, NA]
        else:
            changed = profile.password_changed_at or profile.created_at
            rotation = (changed + dt.timedelta(days=max_age)) if max_age else None
            password = [_flag(True), _time(user.password_last_used, NO_INFORMATION),
                        _time(changed), _time(rotation)]
        rows.append([user.name, user_arn(user), _time(user.created_at), *password,
                     _flag(user.id in mfa_owners), *_key_columns(keys.get(user.id, [])),
                     *_cert_columns(certs.get(user.id, []))])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n").encode()


def _is_fresh(report: CredentialReport | None, now: dt.datetime) -> bool:
    if report is None:
        return False
    generated = report.generated_at
    if generated.tzinfo is None:
        generated = generated.replace(tzinfo=dt.UTC)
    return now - generated < REPORT_LIFETIME


@operation("iam", "GenerateCredentialReport")
def generate_credential_report(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    report = ctx.db.get(CredentialReport, ctx.account_id)
    if _is_fresh(report, ctx.now):
        return {"State": "COMPLETE"}
    content = build_report(ctx)
    if report is None:
        ctx.db.add(CredentialReport(account_id=ctx.account_id, generated_at=ctx.now,
                                    content=content))
    else:
        report.generated_at, report.content = ctx.now, content
    return {"State": "STARTED",
            "Description": "No report exists. Starting a new report generation task"}


@operation("iam", "GetCredentialReport")
def get_credential_report(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    report = ctx.db.get(CredentialReport, ctx.account_id)
    if report is None:
        # AWS answers 410 with no Message at all (localstack
        # test_iam_credential_report.snapshot.json, recorded against AWS).
        raise AWSError("ReportNotPresent", "")
    if not _is_fresh(report, ctx.now):
        raise AWSError("ReportExpired",
                       "The most recent credential report has expired. "
                       "Use GenerateCredentialReport to generate a new report.")
    return {"Content": bytes(report.content), "ReportFormat": "text/csv",
            "GeneratedTime": report.generated_at}
