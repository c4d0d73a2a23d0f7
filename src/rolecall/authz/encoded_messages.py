"""Encoded authorization messages: the details of a refusal, sealed so that only a caller
allowed sts:DecodeAuthorizationMessage can read them (through that API), as EC2 and other
services return them with UnauthorizedOperation."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidTag

from ..auth.keys import ServerKeys
from ..auth.principal import Principal
from ..policy import Decision

_PREFIX = b"rolecall-authz-1:"


def encode(keys: ServerKeys, principal: Principal, action: str, resource: str,
           decision: Decision, context: dict[str, Any]) -> str:
    """The DecodedMessage AWS documents, sealed and base64url-encoded."""
    message = {
        "allowed": decision.allowed,
        "explicitDeny": decision.decision == "explicitDeny",
        "matchedStatements": {"items": [
            {"statementId": m.sid or "", "effect": m.effect, "policyId": m.policy_id,
             "policyType": m.policy_type}
            for m in decision.matched
        ]},
        "failures": {"items": []},
        "context": {
            "principal": {"id": principal.principal_id, "arn": principal.arn,
                          **({"name": principal.user_name} if principal.user_name else {})},
            "action": action,
            "resource": resource,
            "conditions": {"items": [
                {"key": key, "values": {"items": [
                    {"value": v} for v in (value if isinstance(value, list) else [value])
                ]}}
                for key, value in sorted(context.items())
            ]},
        },
    }
    sealed = keys.encrypt(_PREFIX + json.dumps(message, separators=(",", ":")).encode())
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def decode(keys: ServerKeys, encoded: str) -> str | None:
    """The DecodedMessage JSON, or None when this server did not issue ``encoded``."""
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        plain = keys.decrypt(raw)
    except (ValueError, binascii.Error, InvalidTag):
        return None
    if not plain.startswith(_PREFIX):
        return None
    return plain[len(_PREFIX):].decode()
