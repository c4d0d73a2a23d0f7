"""Build CloudTrail records (eventVersion 1.08) from a call, with secrets removed.

What the model marks ``sensitive`` (secret keys, passwords, MFA seeds) and session tokens
are replaced by CloudTrail's own placeholder, so no secret reaches an audit record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.model import Shape

from .. import ids
from ..auth.principal import ASSUMED_ROLE, FEDERATED_USER, Principal

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
_ALWAYS_HIDDEN = frozenset({"SessionToken", "SecretAccessKey", "Password", "NewPassword",
                            "OldPassword", "AuthenticationCode1", "AuthenticationCode2",
                            "TokenCode", "WebIdentityToken", "SAMLAssertion"})


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def redact(shape: Shape | None, value: Any) -> Any:
    """A copy of ``value`` with sensitive members hidden and keys in CloudTrail's camelCase."""
    if shape is None or value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name not in value or value[name] is None:
                continue
            if name in _ALWAYS_HIDDEN or member.metadata.get("sensitive"):
                out[_lower_first(name)] = HIDDEN
            else:
                out[_lower_first(name)] = redact(member, value[name])
        return out
    if kind == "list":
        return [redact(shape.member, item) for item in value]
    if kind == "map":
        return {k: redact(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return value.strftime("%b %d, %Y, %I:%M:%S %p")
    if kind == "blob" or shape.metadata.get("sensitive"):
        return HIDDEN
    return value


def user_identity(principal: Principal | None) -> dict[str, Any]:
    if principal is None:
        return {"type": "Anonymous"}
    identity: dict[str, Any] = {
        "type": principal.type,
        "principalId": principal.principal_id,
        "arn": principal.arn,
        "accountId": principal.account_id,
    }
    if principal.access_key_id:
        identity["accessKeyId"] = principal.access_key_id
    if principal.user_name and principal.type != FEDERATED_USER:
        identity["userName"] = principal.user_name
    session = principal.session
    if session is not None:
        context: dict[str, Any] = {
            "attributes": {
                "creationDate": dt.datetime.fromtimestamp(session.issued_at, dt.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "mfaAuthenticated": "true" if session.mfa_authenticated else "false",
            }
        }
        if principal.type == ASSUMED_ROLE:
            context["sessionIssuer"] = {
                "type": "Role",
                "principalId": session.role_id,
                "arn": principal.role_arn,
                "accountId": principal.account_id,
                "userName": session.role_name,
            }
        elif principal.type == FEDERATED_USER:
            context["sessionIssuer"] = {
                "type": "IAMUser",
                "principalId": session.user_id,
                "arn": session.issuer_arn,
                "accountId": principal.account_id,
                "userName": session.user_name,
            }
        if session.source_identity:
            context["sourceIdentity"] = session.source_identity
            identity["sourceIdentity"] = session.source_identity
        if session.federated_provider and ":saml-provider/" not in session.federated_provider:
            # CloudTrail names the identity provider of web-identity sessions only.
            context["webIdFederationData"] = {
                "federatedProvider": session.federated_provider,
                "attributes": {},
            }
        identity["sessionContext"] = context
    return identity


def build(
    *,
    service: str,
    operation: str,
    request_id: str,
    principal: Principal | None,
    when: dt.datetime,
    region: str,
    source_ip: str,
    user_agent: str,
    read_only: bool,
    request_parameters: Any,
    response_elements: Any,
    error_code: str | None,
    error_message: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": user_identity(principal),
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": f"{service}.amazonaws.com",
        "eventName": operation,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "requestParameters": request_parameters,
        "responseElements": response_elements,
        "requestID": request_id,
        "eventID": ids.request_id(),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": principal.account_id if principal else None,
        "eventCategory": "Management",
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message
    if extra:
        record.update(extra)
    return record
