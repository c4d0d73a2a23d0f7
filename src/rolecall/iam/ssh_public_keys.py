"""SSH public keys of IAM users (CodeCommit): UploadSSHPublicKey, GetSSHPublicKey,
ListSSHPublicKeys, UpdateSSHPublicKey, DeleteSSHPublicKey.

IAM takes RSA keys of at least 2048 bits in OpenSSH (``ssh-rsa ...``) or PEM encoding and
identifies a key by the MD5 fingerprint of its OpenSSH key blob, so the same key uploaded
in either encoding is the same key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from .. import ids
from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import SSHPublicKey, User
from . import quotas
from .common import find_user, paginate

KEY_ID_PREFIX = "APKA"
MIN_KEY_BITS = 2048
_PEM_MARKER = "-----BEGIN "


@dataclass(frozen=True)
class ParsedKey:
    public_key: rsa.RSAPublicKey
    fingerprint: str


def _unrecognized() -> AWSError:
    return AWSError("UnrecognizedPublicKeyEncoding",
                    "The public key encoding format is unsupported or unrecognized.")


def _invalid(detail: str = "The public key is malformed or otherwise invalid.") -> AWSError:
    return AWSError("InvalidPublicKey", detail)


def _openssh_blob(key: rsa.RSAPublicKey) -> bytes:
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return base64.b64decode(line.split()[1])


def fingerprint(blob: bytes) -> str:
    """``7a:1d:ea:...``: the MD5 of the OpenSSH key blob, as ``ssh-keygen -E md5`` shows it."""
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def parse_public_key(body: str) -> ParsedKey:
    """The RSA key in ``body`` (OpenSSH or PEM), or IAM's error for a key it refuses."""
    text = body.strip()
    if text.startswith(_PEM_MARKER):
        try:
            key = serialization.load_pem_public_key(text.encode("latin-1"))
        except (ValueError, UnsupportedAlgorithm):
            raise _invalid() from None
    elif text.startswith("ssh-rsa "):
        parts = text.split()
        try:
            base64.b64decode(parts[1], validate=True)
            key = serialization.load_ssh_public_key(" ".join(parts[:2]).encode("latin-1"))
        except (IndexError, ValueError, binascii.Error, UnsupportedAlgorithm):
            raise _invalid() from None
    else:
        raise _unrecognized()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _unrecognized()
    if key.key_size < MIN_KEY_BITS:
        raise _invalid(f"The public key must be at least {MIN_KEY_BITS} bits long.")
    return ParsedKey(key, fingerprint(_openssh_blob(key)))


def render(row: SSHPublicKey, encoding: str) -> str:
    """The key body in the encoding asked for; an OpenSSH upload is returned as uploaded."""
    text = row.body.strip()
    is_pem = text.startswith(_PEM_MARKER)
    if encoding == "SSH" and not is_pem:
        return text
    key = parse_public_key(text).public_key
    if encoding == "SSH":
        return key.public_bytes(serialization.Encoding.OpenSSH,
                                serialization.PublicFormat.OpenSSH).decode()
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _find(ctx: CallContext, user: User, key_id: str) -> SSHPublicKey:
    row = ctx.db.get(SSHPublicKey, key_id)
    if row is None or row.account_id != ctx.account_id or row.user_id != user.id:
        raise AWSError("NoSuchEntity", f"The Public Key with id {key_id} cannot be found.")
    return row


def _shape(row: SSHPublicKey, user_name: str, body: str) -> dict[str, Any]:
    return {"UserName": user_name, "SSHPublicKeyId": row.id, "Fingerprint": row.fingerprint,
            "SSHPublicKeyBody": body, "Status": row.status, "UploadDate": row.uploaded_at}


@operation("iam", "UploadSSHPublicKey")
def upload_ssh_public_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = find_user(ctx, params["UserName"])
    parsed = parse_public_key(params["SSHPublicKeyBody"])
    existing = ctx.db.scalars(select(SSHPublicKey).where(SSHPublicKey.user_id == user.id)).all()
    if any(k.fingerprint == parsed.fingerprint for k in existing):
        raise AWSError("DuplicateSSHPublicKey",
                       "The SSH public key is already associated with the specified IAM user.")
    if len(existing) >= quotas.SSH_PUBLIC_KEYS_PER_USER:
        raise quotas.exceeded("SSHPublicKeysPerUser", quotas.SSH_PUBLIC_KEYS_PER_USER)
    row = SSHPublicKey(id=ids.access_key_id(KEY_ID_PREFIX), account_id=ctx.account_id,
                       user_id=user.id, body=params["SSHPublicKeyBody"],
                       fingerprint=parsed.fingerprint, status="Active", uploaded_at=ctx.now)
    ctx.db.add(row)
    return {"SSHPublicKey": _shape(row, user.name, row.body)}


@operation("iam", "GetSSHPublicKey")
def get_ssh_public_key(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    user = find_user(ctx, params["UserName"])
    row = _find(ctx, user, params["SSHPublicKeyId"])
    return {"SSHPublicKey": _shape(row, user.name, render(row, params["Encoding"]))}


@operation("iam", "ListSSHPublicKeys")
def list_ssh_public_keys(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Without UserName, the caller's own keys; the root user has none."""
    name = params.get("UserName")
    if name is None and ctx.principal.user_id is None:
        return paginate([], params, "SSHPublicKeys")
    user = find_user(ctx, name if name is not None else ctx.principal.user_name or "")
    rows = ctx.db.scalars(
        select(SSHPublicKey).where(SSHPublicKey.user_id == user.id)
        .order_by(SSHPublicKey.uploaded_at, SSHPublicKey.id)
    ).all()
    page = paginate(rows, params, "SSHPublicKeys")
    page["SSHPublicKeys"] = [
        {"UserName": user.name, "SSHPublicKeyId": r.id, "Status": r.status,
         "UploadDate": r.uploaded_at}
        for r in page["SSHPublicKeys"]
    ]
    return page


@operation("iam", "UpdateSSHPublicKey")
def update_ssh_public_key(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    _find(ctx, user, params["SSHPublicKeyId"]).status = params["Status"]


@operation("iam", "DeleteSSHPublicKey")
def delete_ssh_public_key(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    ctx.db.delete(_find(ctx, user, params["SSHPublicKeyId"]))

