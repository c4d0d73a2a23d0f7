"""X.509 signing certificates of IAM users and of the root user: UploadSigningCertificate,
ListSigningCertificates, UpdateSigningCertificate, DeleteSigningCertificate.

Without UserName a call is about the caller's own certificates, as for access keys. A
certificate may be uploaded once per account and each user holds at most two.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import SigningCertificate
from . import quotas
from .common import find_user, paginate

_ID_ALPHABET = string.ascii_uppercase + string.digits
_ID_LENGTH = 32


def malformed(message: str) -> AWSError:
    return AWSError("MalformedCertificate", message)


UNPARSABLE = "Unable to parse certificate. Please ensure the certificate is in PEM format."


def parse_certificate(body: str, now: dt.datetime, unparsable: str = UNPARSABLE
                      ) -> x509.Certificate:
    """The one PEM certificate in ``body``; an unparseable or expired one is malformed."""
    try:
        cert = x509.load_pem_x509_certificate(body.strip().encode("latin-1"))
    except ValueError:
        raise malformed(unparsable) from None
    if cert.not_valid_after_utc < now:
        raise malformed("Certificate is no longer valid. "
                        "The 'Not After' date restriction on the certificate has passed.")
    return cert


def _certificate_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def _owner(ctx: CallContext, params: dict[str, Any]) -> tuple[str | None, str]:
    """(user id or None for the root user, name shown) of the certificates' owner."""
    name = params.get("UserName")
    if name is not None:
        user = find_user(ctx, name)
        return user.id, user.name
    p = ctx.principal
    if p.is_root:
        return None, p.account_id
    if p.user_id is None:
        raise AWSError("ValidationError",
                       "Must specify userName when calling with non-User credentials")
    return p.user_id, p.user_name or ""


def _owned_by(user_id: str | None) -> Any:
    column = SigningCertificate.user_id
    return column.is_(None) if user_id is None else column == user_id


def _find(ctx: CallContext, cert_id: str, user_id: str | None) -> SigningCertificate:
    row = ctx.db.get(SigningCertificate, cert_id)
    if row is None or row.account_id != ctx.account_id or row.user_id != user_id:
        raise AWSError("NoSuchEntity",
                       f"The Certificate with id {cert_id} cannot be found.")
    return row


def _shape(row: SigningCertificate, user_name: str) -> dict[str, Any]:
    return {"UserName": user_name, "CertificateId": row.id, "CertificateBody": row.body,
            "Status": row.status, "UploadDate": row.uploaded_at}


def certificates_of(ctx: CallContext, user_id: str | None) -> list[SigningCertificate]:
    """A user's (or the root user's) certificates, oldest first."""
    return list(ctx.db.scalars(
        select(SigningCertificate)
        .where(SigningCertificate.account_id == ctx.account_id, _owned_by(user_id))
        .order_by(SigningCertificate.uploaded_at, SigningCertificate.id)
    ))


@operation("iam", "UploadSigningCertificate")
def upload_signing_certificate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user_id, user_name = _owner(ctx, params)
    # Recorded (localstack test_iam_signing_certificates.snapshot.json,
    # upload-invalid-certificate-error): the body that is no certificate is quoted.
    body = params["CertificateBody"]
    cert = parse_certificate(body, ctx.now, f"Certificate {body} is malformed.")
    if not isinstance(cert.public_key(), rsa.RSAPublicKey):
        raise AWSError("InvalidCertificate", "The certificate must use an RSA public key.")
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    if ctx.db.scalar(select(SigningCertificate.id).where(
            SigningCertificate.account_id == ctx.account_id,
            SigningCertificate.fingerprint == fingerprint)):
        raise AWSError("DuplicateCertificate",
                       "The same certificate is already associated with a user in the account.")
    if len(certificates_of(ctx, user_id)) >= quotas.SIGNING_CERTIFICATES_PER_USER:
        # The quota's name as recorded (upload-exceeds-limit-error in the same snapshot).
        raise quotas.exceeded("CertificatesPerUser", quotas.SIGNING_CERTIFICATES_PER_USER)
    row = SigningCertificate(id=_certificate_id(), account_id=ctx.account_id, user_id=user_id,
                             body=params["CertificateBody"], fingerprint=fingerprint,
                             status="Active", uploaded_at=ctx.now)
    ctx.db.add(row)
    return {"Certificate": _shape(row, user_name)}


@operation("iam", "ListSigningCertificates")
def list_signing_certificates(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user_id, user_name = _owner(ctx, params)
    page = paginate(certificates_of(ctx, user_id), params, "Certificates")
    page["Certificates"] = [_shape(r, user_name) for r in page["Certificates"]]
    return page


@operation("iam", "UpdateSigningCertificate")
def update_signing_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    user_id, _ = _owner(ctx, params)
    _find(ctx, params["CertificateId"], user_id).status = params["Status"]


@operation("iam", "DeleteSigningCertificate")
def delete_signing_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    user_id, _ = _owner(ctx, params)
    ctx.db.delete(_find(ctx, params["CertificateId"], user_id))
