"""KMS: keys named by id, ARN or alias; encryption context keys; two-key operations.

KMS authorizes a call on the *key* (``key/<id>``). ``KeyId`` may be a key id, a key ARN,
``alias/<name>`` or an alias ARN; an alias is authorized on the key it names, which needs
a lookup this mapping does not have, so the Check names the alias ARN for the caller to
swap for the key's ARN, and ``kms:RequestAlias`` carries the alias ("kms:RequestAlias" in
the KMS Developer Guide's condition keys). Decrypt without ``KeyId``: AWS reads the key
from the ciphertext; when the blob starts with a key id (as the upstream emulator writes
it) that key is named, otherwise ``*``, which the caller should replace once it knows the
key. ``kms:ViaService`` is never set: these are direct calls. ``kms:CallerAccount`` is
the caller's account (``account_id``).
"""

from __future__ import annotations

import re

from .call import Call, Check, Context
from .default import action_name, check

_KEY_ID = re.compile(rb"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def key_arn(call: Call, key: str) -> str:
    if key.startswith("arn:"):
        return key
    name = key if key.startswith("alias/") else f"key/{key}"
    return f"arn:{call.partition}:kms:{call.region}:{call.account_id}:{name}"


def _alias(key: str | None) -> str | None:
    if not key:
        return None
    if key.startswith("alias/"):
        return key
    return key.split(":", 5)[5] if key.startswith("arn:") and ":alias/" in key else None


def checks(call: Call) -> list[Check] | None:
    operation, params = call.operation, call.params
    # The caller's account, for the actions the reference lists kms:CallerAccount for.
    context: Context = {"kms:CallerAccount": call.account_id}
    encryption = params.get("EncryptionContext")
    if isinstance(encryption, dict) and encryption:
        for name, value in encryption.items():
            context[f"kms:EncryptionContext:{name}"] = str(value)
        context["kms:EncryptionContextKeys"] = [str(k) for k in encryption]
    for member, key in (("EncryptionAlgorithm", "kms:EncryptionAlgorithm"),
                        ("KeySpec", "kms:KeySpec"), ("KeyUsage", "kms:KeyUsage"),
                        ("Origin", "kms:KeyOrigin"), ("GranteePrincipal",
                                                      "kms:GranteePrincipal")):
        if call.text(member):
            context[key] = params[member]
    if isinstance(params.get("Operations"), list):
        context["kms:GrantOperations"] = [str(o) for o in params["Operations"]]
    key = call.text("KeyId")
    if operation == "ReEncrypt":
        return _re_encrypt(call, context)
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias") and call.text("AliasName"):
        # Alias calls are authorized on the alias and on the key it (newly) names
        # (https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html); the key
        # the alias named before (UpdateAlias, DeleteAlias) needs the caller's lookup.
        alias = key_arn(call, params["AliasName"])
        target = call.text("TargetKeyId")
        found = [check(call, f"kms:{operation}", alias, context)]
        if target:
            found.append(check(call, f"kms:{operation}", key_arn(call, target), context))
        return found
    if operation == "Decrypt" and not key:
        return [check(call, "kms:Decrypt", _ciphertext_key(call), context)]
    alias = _alias(key)
    if alias:
        context["kms:RequestAlias"] = alias
    resource = key_arn(call, key) if key else None
    return [check(call, action_name("kms", operation), resource, context)]


def _ciphertext_key(call: Call) -> str:
    blob = call.params.get("CiphertextBlob")
    found = _KEY_ID.match(blob) if isinstance(blob, (bytes, bytearray)) else None
    return key_arn(call, found.group().decode()) if found else "*"


def _re_encrypt(call: Call, context: Context) -> list[Check]:
    """ReEncrypt is kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the target."""
    source = call.text("SourceKeyId")
    target = call.text("DestinationKeyId")
    return [check(call, "kms:ReEncryptFrom",
                  key_arn(call, source) if source else _ciphertext_key(call), context),
            check(call, "kms:ReEncryptTo", key_arn(call, target) if target else "*", context)]
