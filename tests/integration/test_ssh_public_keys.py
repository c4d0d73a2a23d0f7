"""SSH public keys of IAM users through boto3 and the aws CLI."""

from __future__ import annotations

import base64
import functools
import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


@functools.cache
def rsa_key(bits: int = 2048, n: int = 0) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def openssh(key, comment: str = "dev@laptop") -> str:
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                         serialization.PublicFormat.OpenSSH).decode()
    return f"{line} {comment}"


def pem(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def md5_fingerprint(key) -> str:
    blob = base64.b64decode(openssh(key).split()[1])
    digest = hashlib.md5(blob).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def error_of(call) -> dict:
    with pytest.raises(ClientError) as err:
        call()
    return {**err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_upload_returns_md5_fingerprint_of_key_blob_and_active_status(iam):
    iam.create_user(UserName="dev")
    key = rsa_key()
    uploaded = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(key))
    meta = uploaded["SSHPublicKey"]
    assert meta["UserName"] == "dev"
    assert meta["SSHPublicKeyId"].startswith("APKA") and len(meta["SSHPublicKeyId"]) == 20
    assert meta["Fingerprint"] == md5_fingerprint(key)
    assert meta["Status"] == "Active"
    assert meta["SSHPublicKeyBody"] == openssh(key)


def test_get_converts_between_ssh_and_pem_encodings(iam):
    iam.create_user(UserName="dev")
    key = rsa_key()
    key_id = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=pem(key)
                                       )["SSHPublicKey"]["SSHPublicKeyId"]
    as_ssh = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="SSH")
    assert as_ssh["SSHPublicKey"]["SSHPublicKeyBody"].split()[:2] == openssh(key).split()[:2]
    as_pem = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="PEM")
    assert as_pem["SSHPublicKey"]["SSHPublicKeyBody"].strip() == pem(key).strip()
    assert as_pem["SSHPublicKey"]["Fingerprint"] == md5_fingerprint(key)


def test_same_key_in_other_encoding_is_duplicate_for_the_user(iam):
    iam.create_user(UserName="dev")
    iam.create_user(UserName="ops")
    key = rsa_key()
    iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(key))
    error = error_of(lambda: iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=pem(key)))
    assert error["Code"] == "DuplicateSSHPublicKey" and error["Status"] == 400
    # another user may hold the same key
    iam.upload_ssh_public_key(UserName="ops", SSHPublicKeyBody=openssh(key))


def test_keys_shorter_than_2048_bits_and_garbage_are_invalid(iam):
    iam.create_user(UserName="dev")
    short = error_of(lambda: iam.upload_ssh_public_key(
        UserName="dev", SSHPublicKeyBody=openssh(rsa_key(1024))))
    assert short["Code"] == "InvalidPublicKey"
    broken = error_of(lambda: iam.upload_ssh_public_key(
        UserName="dev", SSHPublicKeyBody="ssh-rsa AAAAnotakey dev@laptop"))
    assert broken["Code"] == "InvalidPublicKey"
    assert iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"] == []


def test_non_rsa_keys_are_an_unrecognized_encoding(iam):
    iam.create_user(UserName="dev")
    ecdsa = ec.generate_private_key(ec.SECP256R1())
    for body in (openssh(ecdsa), pem(ecdsa), "not a key at all"):
        error = error_of(lambda b=body: iam.upload_ssh_public_key(UserName="dev",
                                                                  SSHPublicKeyBody=b))
        assert error["Code"] == "UnrecognizedPublicKeyEncoding"


def test_a_user_holds_at_most_five_keys(iam):
    iam.create_user(UserName="dev")
    for n in range(5):
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(rsa_key(2048, n)))
    error = error_of(lambda: iam.upload_ssh_public_key(
        UserName="dev", SSHPublicKeyBody=openssh(rsa_key(2048, 5))))
    assert error["Code"] == "LimitExceeded" and error["Status"] == 409


def test_update_list_and_delete(iam):
    iam.create_user(UserName="dev")
    key_id = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(rsa_key())
                                       )["SSHPublicKey"]["SSHPublicKeyId"]
    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Status="Inactive")
    listed = iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"]
    assert [(k["SSHPublicKeyId"], k["Status"]) for k in listed] == [(key_id, "Inactive")]
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id)
    error = error_of(lambda: iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id,
                                                    Encoding="SSH"))
    assert error["Code"] == "NoSuchEntity" and error["Status"] == 404


def test_another_users_key_id_is_not_found(iam):
    iam.create_user(UserName="dev")
    iam.create_user(UserName="ops")
    key_id = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(rsa_key())
                                       )["SSHPublicKey"]["SSHPublicKeyId"]
    error = error_of(lambda: iam.delete_ssh_public_key(UserName="ops", SSHPublicKeyId=key_id))
    assert error["Code"] == "NoSuchEntity"


def test_upload_for_missing_user_is_no_such_entity(iam):
    error = error_of(lambda: iam.upload_ssh_public_key(UserName="ghost",
                                                       SSHPublicKeyBody=openssh(rsa_key())))
    assert error["Code"] == "NoSuchEntity"
    assert error["Message"] == "The user with name ghost cannot be found."


def test_cli_upload_and_get_ssh_public_key(iam, aws, tmp_path):
    iam.create_user(UserName="dev")
    key_file = tmp_path / "id_rsa.pub"
    key_file.write_text(openssh(rsa_key()) + "\n")
    uploaded = aws("iam", "upload-ssh-public-key", "--user-name", "dev",
                   "--ssh-public-key-body", f"file://{key_file}")
    assert uploaded.returncode == 0, uploaded.stderr
    key_id = uploaded.json["SSHPublicKey"]["SSHPublicKeyId"]
    got = aws("iam", "get-ssh-public-key", "--user-name", "dev", "--ssh-public-key-id", key_id,
              "--encoding", "PEM")
    assert got.returncode == 0, got.stderr
    assert got.json["SSHPublicKey"]["SSHPublicKeyBody"].startswith("-----BEGIN PUBLIC KEY-----")
    missing = aws("iam", "delete-ssh-public-key", "--user-name", "dev",
                  "--ssh-public-key-id", "APKAAAAAAAAAAAAAAAAA")
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr


def test_user_with_ssh_key_cannot_be_deleted(iam):
    iam.create_user(UserName="dev")
    key_id = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=openssh(rsa_key())
                                       )["SSHPublicKey"]["SSHPublicKeyId"]
    error = error_of(lambda: iam.delete_user(UserName="dev"))
    assert error["Code"] == "DeleteConflict" and error["Status"] == 409
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id)
    iam.delete_user(UserName="dev")
