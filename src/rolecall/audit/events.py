"""Build CloudTrail records (eventVersion 1.08) from a call, with secrets removed.

What the model marks ``sensitive`` (secret keys, passwords, MFA seeds) and session tokens
are replaced by CloudTrail's own placeholder, so no secret reaches an audit record.

Beside CloudTrail's fields every record carries ``rolecallAuthorization``: the list of
decisions the call was authorized by, whatever the service, one entry per action and
resource decided (a call may need several, e.g. iam:PassRole beside its own action)::

    {"action": "iam:CreateUser", "resource": "arn:aws:iam::123456789012:user/ana",
     "decision": "allowed" | "explicitDeny" | "implicitDeny",
     "statement": {"policy": "arn:...:policy/Admins", "policyType": "managed",
                   "layer": "identity", "sid": "AllowUsers", "index": 0} | null,
     "deniedBy": "identity" | "boundary" | "session" | "resource" | null,
     "basis": "policies" | "accountRoot"}

``statement`` is the statement that decided it (the first matching Deny of an explicit
deny, the first matching Allow of an allow); ``basis`` says the account root was allowed
without policies (its resource is then null: nothing was resolved). Policy generation, the
live stream and last-accessed reports read these entries and nothing else, so every
service's calls are recorded through ``note_decision`` alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.model import Shape

from .. import ids
from ..auth.principal import ASSUMED_ROLE, FEDERATED_USER, Principal
from ..policy import Decision
from ..timestamps import iso_seconds

AUTHORIZATION = "rolecallAuthorization"

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


# userIdentity of each principal object the credential cache hands out, built once: the
# request path writes one per call. The principal is kept with it, so its id is not reused.
_IDENTITIES: dict[int, tuple[Principal, dict[str, Any]]] = {}


def _identity_of(principal: Principal | None) -> dict[str, Any]:
    if principal is None:
        return user_identity(None)
    known = _IDENTITIES.get(id(principal))
    if known is not None and known[0] is principal:
        return known[1]
    identity = user_identity(principal)
    if len(_IDENTITIES) > 10_000:
        _IDENTITIES.clear()
    _IDENTITIES[id(principal)] = (principal, identity)
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
        "userIdentity": _identity_of(principal),
        "eventTime": iso_seconds(when),
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


def note_decision(audit: dict[str, Any], action: str, resource: str | None,
                  decision: Decision | None) -> None:
    """Add one decision to a call's audit fields (``CallContext.audit``); ``decision`` None
    is the account root's allow, which no policy decides."""
    entry: dict[str, Any] = {"action": action, "resource": resource}
    if decision is None:
        entry.update(decision="allowed", statement=None, deniedBy=None, basis="accountRoot")
    else:
        effect = "Allow" if decision.allowed else "Deny"
        deciding = next((m for m in decision.matched if m.effect == effect), None)
        entry.update(
            decision=decision.decision,
            statement=None if deciding is None or decision.decision == "implicitDeny" else {
                "policy": deciding.policy_id, "policyType": deciding.policy_type,
                "layer": deciding.layer, "sid": deciding.sid, "index": deciding.index,
            },
            deniedBy=decision.denied_by.layer if decision.denied_by else None,
            basis="policies",
        )
    audit.setdefault(AUTHORIZATION, []).append(entry)


def decisions(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The decisions a stored record was authorized by (none for unsigned or unauthorized
    calls such as sts:GetCallerIdentity)."""
    return record.get(AUTHORIZATION) or []


def principal_columns(record: dict[str, Any]) -> tuple[str | None, str | None]:
    """(principal ARN, identity ARN) indexed beside a record: the caller's own ARN (a
    session's assumed-role ARN) and the IAM user or role behind it."""
    identity = record.get("userIdentity") or {}
    arn = identity.get("arn")
    issuer = (identity.get("sessionContext") or {}).get("sessionIssuer") or {}
    return arn, issuer.get("arn") or arn
