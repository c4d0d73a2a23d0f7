"""TLS server certificates: Upload/Get/List/Update/DeleteServerCertificate and their tags.

The private key must belong to the certificate and is encrypted at rest; no operation ever
returns it (the model marks it sensitive, so audit records hide it too).
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from sqlalchemy import exists, func, select

from .. import ids
from ..operations import CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import ServerCertificate
from . import quotas
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    iam_arn,
    list_tags,
    paginate,
    path_matches,
    remove_tags,
    tags_page,
)
from .signing_certificates import malformed, parse_certificate

TAG_TYPE = "server-certificate"
ID_PREFIX = "ASCA"


def _spki(public_key: Any) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_private_key(pem: str, cert: x509.Certificate) -> None:
    try:
        key = serialization.load_pem_private_key(pem.strip().encode("latin-1"), password=None)
    except TypeError:
        raise malformed("Unable to parse key; the body is encrypted.") from None
    except (ValueError, UnsupportedAlgorithm):
        raise malformed("Unable to parse private key. "
                        "Please ensure the private key is in PEM format.") from None
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise AWSError("KeyPairMismatch", "Public key certificate and private key doesn't match")


def _check_chain(pem: str, cert: x509.Certificate) -> None:
    """Each certificate of the chain must have signed the one before it, starting with the body."""
    invalid_chain = ("Unable to validate certificate chain. The certificate chain must start "
                     "with the immediate signing certificate, followed by any intermediaries in "
                     "order. The index within the chain of the invalid certificate is: {}")
    try:
        chain = x509.load_pem_x509_certificates(pem.strip().encode("latin-1"))
    except ValueError:
        raise malformed("Unable to parse certificate chain. "
                        "Please ensure the certificate chain is in PEM format.") from None
    child = cert
    for index, issuer in enumerate(chain):
        try:
            child.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            raise malformed(invalid_chain.format(index)) from None
        child = issuer


def _find(ctx: CallContext, name: str) -> ServerCertificate:
    row = ctx.db.scalar(select(ServerCertificate).where(
        ServerCertificate.account_id == ctx.account_id,
        ServerCertificate.name_lower == name.lower()))
    if row is None:
        raise no_such_entity(f"The Server Certificate with name {name} cannot be found.")
    return row


def _name_taken(ctx: CallContext, name: str) -> bool:
    return bool(ctx.db.scalar(select(exists().where(
        ServerCertificate.account_id == ctx.account_id,
        ServerCertificate.name_lower == name.lower()))))


def _already_exists(name: str) -> AWSError:
    return AWSError("EntityAlreadyExists",
                    f"The Server Certificate with name {name} already exists.")


def metadata(row: ServerCertificate) -> dict[str, Any]:
    return {
        "Path": row.path,
        "ServerCertificateName": row.name,
        "ServerCertificateId": row.id,
        "Arn": iam_arn(row.account_id, "server-certificate", row.path, row.name),
        "UploadDate": row.uploaded_at,
        "Expiration": row.expires_at,
    }


def count(ctx: CallContext) -> int:
    return ctx.db.scalar(select(func.count()).select_from(ServerCertificate)
                         .where(ServerCertificate.account_id == ctx.account_id))


@operation("iam", "UploadServerCertificate")
def upload_server_certificate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ServerCertificateName"]
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    cert = parse_certificate(params["CertificateBody"], ctx.now)
    _check_private_key(params["PrivateKey"], cert)
    if params.get("CertificateChain"):
        _check_chain(params["CertificateChain"], cert)
    if _name_taken(ctx, name):
        raise _already_exists(name)
    allowed = quotas.limit(ctx.db, ctx.account_id, "ServerCertificatesPerAccount")
    if count(ctx) >= allowed:
        raise quotas.exceeded("ServerCertificatesPerAccount", allowed)
    row = ServerCertificate(
        id=ids.unique_id(ID_PREFIX), account_id=ctx.account_id, name=name,
        name_lower=name.lower(), path=params.get("Path") or "/",
        body=params["CertificateBody"], chain=params.get("CertificateChain"),
        private_key_encrypted=ctx.server.keys.encrypt(params["PrivateKey"].encode("latin-1")),
        uploaded_at=ctx.now, expires_at=cert.not_valid_after_utc,
    )
    ctx.db.add(row)
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, row.id, tags)
    result: dict[str, Any] = {"ServerCertificateMetadata": metadata(row)}
    if tags:
        result["Tags"] = list_tags(ctx.db, TAG_TYPE, row.id)
    return result


@operation("iam", "GetServerCertificate")
def get_server_certificate(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _find(ctx, params["ServerCertificateName"])
    shape: dict[str, Any] = {"ServerCertificateMetadata": metadata(row),
                             "CertificateBody": row.body}
    if row.chain:
        shape["CertificateChain"] = row.chain
    # Tags is present even when empty (localstack test_iam_server_certificates.snapshot.json).
    shape["Tags"] = list_tags(ctx.db, TAG_TYPE, row.id)
    return {"ServerCertificate": shape}


@operation("iam", "ListServerCertificates")
def list_server_certificates(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = ctx.db.scalars(select(ServerCertificate)
                          .where(ServerCertificate.account_id == ctx.account_id)
                          .order_by(ServerCertificate.name_lower)).all()
    prefix = params.get("PathPrefix")
    page = paginate([r for r in rows if path_matches(r.path, prefix)], params,
                    "ServerCertificateMetadataList")
    page["ServerCertificateMetadataList"] = [metadata(r)
                                             for r in page["ServerCertificateMetadataList"]]
    return page


@operation("iam", "UpdateServerCertificate")
def update_server_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    row = _find(ctx, params["ServerCertificateName"])
    new_name = params.get("NewServerCertificateName")
    if new_name and new_name.lower() != row.name_lower and _name_taken(ctx, new_name):
        raise _already_exists(new_name)
    if new_name:
        row.name, row.name_lower = new_name, new_name.lower()
    if params.get("NewPath"):
        row.path = params["NewPath"]


@operation("iam", "DeleteServerCertificate")
def delete_server_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    row = _find(ctx, params["ServerCertificateName"])
    drop_all_tags(ctx, TAG_TYPE, row.id)
    ctx.db.delete(row)


@operation("iam", "TagServerCertificate")
def tag_server_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    add_tags(ctx, TAG_TYPE, _find(ctx, params["ServerCertificateName"]).id, params["Tags"])


@operation("iam", "UntagServerCertificate")
def untag_server_certificate(ctx: CallContext, params: dict[str, Any]) -> None:
    remove_tags(ctx, TAG_TYPE, _find(ctx, params["ServerCertificateName"]).id,
                params["TagKeys"])


@operation("iam", "ListServerCertificateTags")
def list_server_certificate_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return tags_page(ctx, TAG_TYPE, _find(ctx, params["ServerCertificateName"]).id, params)
