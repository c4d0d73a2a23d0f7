"""AssumeRoleWithSAML: a role session for the holder of a SAML authentication response.

The call is unsigned: the response is the credential. Its signature must verify with a
certificate from the metadata of the IAM SAML provider named by PrincipalArn, its Issuer
must be that metadata's entity id, it must be addressed to AWS and current, its Role
attribute must pair the requested role with the provider, and the role's trust policy must
allow the provider as a SAML principal with the assertion's saml:* context keys."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Any

from sqlalchemy import select

from ..auth.principal import from_session
from ..authz.trust import trust_allows
from ..iam.saml_providers import lookup
from ..operations import CallContext, operation
from ..policy import RequestPrincipal
from ..protocol.errors import AWSError
from ..saml import assertions
from ..saml.metadata import InvalidMetadata, parse_metadata
from ..store.tables import Role, SAMLProvider
from . import sessions
from .assume_role import DEFAULT_DURATION, MAX_DURATION_TEXT, ROLE_ARN

ACTION = "sts:AssumeRoleWithSAML"
DENIED = "Not authorized to perform sts:AssumeRoleWithSAML"
ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/"
# Clock skew tolerated on the assertion's validity times, and how soon after its
# IssueInstant an assertion must be redeemed.
CLOCK_SKEW = dt.timedelta(minutes=5)
REDEEM_WITHIN = dt.timedelta(minutes=5)
_AWS_ENDPOINT = r"https://(?:[a-z]{2}(?:-[a-z]+)+-\d\.)?signin\.aws\.amazon\.com"
AUDIENCE = re.compile(rf"{_AWS_ENDPOINT}/saml|urn:amazon:webservices")
RECIPIENT = re.compile(rf"{_AWS_ENDPOINT}/(?:static/)?saml")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
SHORT_FORMATS = {"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
                 "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient"}
MIN_DURATION, MAX_DURATION = 900, 43200

# IAM User Guide, "Mapping SAML attributes to AWS trust policy context keys": attribute
# Name -> (context key, whether the key holds a list).
_EDU = "urn:oid:1.3.6.1.4.1.5923."
_AD = "http://schemas.xmlsoap.org/"
ATTRIBUTE_KEYS: dict[str, tuple[str, bool]] = {
    _EDU + "1.1.1.1": ("saml:edupersonaffiliation", True),
    _EDU + "1.1.1.2": ("saml:edupersonnickname", True),
    _EDU + "1.1.1.3": ("saml:edupersonorgdn", False),
    _EDU + "1.1.1.4": ("saml:edupersonorgunitdn", True),
    _EDU + "1.1.1.5": ("saml:edupersonprimaryaffiliation", False),
    _EDU + "1.1.1.6": ("saml:edupersonprincipalname", False),
    _EDU + "1.1.1.7": ("saml:edupersonentitlement", True),
    _EDU + "1.1.1.8": ("saml:edupersonprimaryorgunitdn", False),
    _EDU + "1.1.1.9": ("saml:edupersonscopedaffiliation", True),
    _EDU + "1.1.1.10": ("saml:edupersontargetedid", True),
    _EDU + "1.1.1.11": ("saml:edupersonassurance", True),
    _EDU + "1.2.1.2": ("saml:eduorghomepageuri", True),
    _EDU + "1.2.1.3": ("saml:eduorgidentityauthnpolicyuri", True),
    _EDU + "1.2.1.4": ("saml:eduorglegalname", True),
    _EDU + "1.2.1.5": ("saml:eduorgsuperioruri", True),
    _EDU + "1.2.1.6": ("saml:eduorgwhitepagesuri", True),
    "urn:oid:2.5.4.3": ("saml:cn", True),
    _AD + "ws/2005/05/identity/claims/name": ("saml:name", False),
    _AD + "claims/CommonName": ("saml:commonName", False),
    _AD + "ws/2005/05/identity/claims/givenname": ("saml:givenName", False),
    _AD + "ws/2005/05/identity/claims/surname": ("saml:surname", False),
    _AD + "ws/2005/05/identity/claims/emailaddress": ("saml:mail", False),
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid":
        ("saml:uid", False),
    "2.5.4.3": ("saml:commonName", False),
    "2.5.4.4": ("saml:surname", False),
    "2.4.5.42": ("saml:givenName", False),
    "2.5.4.45": ("saml:x500UniqueIdentifier", False),
    "0.9.2342.19200300100.1.1": ("saml:uid", False),
    "0.9.2342.19200300100.1.3": ("saml:mail", False),
    "0.9.2342.19200300.100.1.45": ("saml:organizationStatus", False),
}


def invalid_token(message: str) -> AWSError:
    return AWSError("InvalidIdentityToken", message)


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """BASE64(SHA1(issuer + account id + "/" + provider name)), as the STS API documents."""
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode()).digest()
    return base64.b64encode(digest).decode()


def subject_type(name_format: str) -> str:
    return SHORT_FORMATS.get(name_format, name_format)


@operation("sts", "AssumeRoleWithSAML", authorize=False)
def assume_role_with_saml(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        document = assertions.decode(params["SAMLAssertion"])
    except assertions.Unreadable:
        raise invalid_token("Invalid SAML response: not a Base64-encoded SAML Response or "
                            "Assertion") from None
    provider = lookup(ctx.db, params["PrincipalArn"])
    if provider is None:
        raise invalid_token("Specified provider doesn't exist.")
    try:
        metadata = parse_metadata(provider.metadata_document)
        signed = assertions.verified(document, metadata.certificates)
        claims = assertions.read(signed, document)
    except (InvalidMetadata, assertions.BadSignature):
        raise invalid_token("Response signature invalid") from None
    except (assertions.Unreadable, assertions.Malformed):
        raise invalid_token("Invalid SAML response") from None
    if claims.issuer != metadata.entity_id:
        raise invalid_token("Issuer not present in specified provider")
    if claims.status is not None and claims.status != assertions.SUCCESS:
        raise AWSError("IDPRejectedClaim",
                       "The identity provider reported that authentication failed.")
    now = dt.datetime.fromtimestamp(ctx.server.clock(), dt.UTC)
    recipient = _check_current_and_addressed(claims, now)

    role_arn, principal_arn = params["RoleArn"], params["PrincipalArn"]
    if not _role_listed(claims.attributes.get(ATTRIBUTE + "Role", []), role_arn,
                        principal_arn):
        raise AWSError("AccessDenied", DENIED)
    session_name = _single(claims, "RoleSessionName")
    if session_name is None:
        raise invalid_token("RoleSessionName is required in AuthnResponse")
    if not SESSION_NAME.fullmatch(session_name):
        raise invalid_token("RoleSessionName in AuthnResponse must match "
                            "[a-zA-Z_0-9+=,.@-]{2,64}")
    source_identity = _single(claims, "SourceIdentity")
    if source_identity is not None and (not SESSION_NAME.fullmatch(source_identity)
                                        or source_identity.lower().startswith("aws:")):
        raise invalid_token('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not '
                            'begin with "aws:"')
    inputs = sessions.session_inputs({**params, **_session_tags(claims)})

    found = ROLE_ARN.fullmatch(role_arn)
    if found is None:
        raise AWSError("AccessDenied", DENIED)
    account_id, role_path, role_name = found.groups()
    role = ctx.db.scalar(select(Role).where(Role.account_id == account_id,
                                            Role.name_lower == role_name.lower()))
    if role is None or role.path != role_path or role.name != role_name:
        raise AWSError("AccessDenied", DENIED)
    qualifier = name_qualifier(claims.issuer, provider.account_id, provider.name)
    sub_type = subject_type(claims.subject_format)
    context = _trust_context(claims, provider, recipient, qualifier, sub_type, session_name)
    context.update(sessions.tag_context(inputs))
    if source_identity:
        context["sts:SourceIdentity"] = source_identity
    if not _trusted(role, provider, context, inputs, source_identity):
        raise AWSError("AccessDenied", DENIED)

    duration = _duration(params, role, claims, now)
    packed = sessions.packed_policy_size(inputs)
    session_claims, credentials = sessions.issue(
        ctx, duration,
        account_id=account_id,
        kind="assumed-role",
        role_id=role.id,
        role_name=role.name,
        role_path=role.path,
        session_name=session_name,
        issuer_arn=provider.arn,
        policies=(inputs.policy,) if inputs.policy else (),
        policy_arns=inputs.policy_arns,
        tags=inputs.tags,
        transitive_tag_keys=inputs.transitive_tag_keys,
        source_identity=source_identity,
        federated_provider=provider.arn,
        federated_subject=claims.subject,
        federated_audience=recipient,
        federated_claims={"saml:namequalifier": qualifier, "saml:sub": claims.subject,
                          "saml:sub_type": sub_type, "saml:iss": claims.issuer},
    )
    ctx.server.audit.role_used(role.id, ctx.now, ctx.region)
    session = from_session(session_claims)
    ctx.audit["userIdentity"] = {
        "type": "SAMLUser",
        "principalId": f"{qualifier}:{claims.subject}",
        "userName": claims.subject,
        "identityProvider": qualifier,
    }
    ctx.audit["recipientAccountId"] = account_id
    ctx.audit["additionalEventData"] = {"RoleSessionName": session_name}
    if source_identity:
        ctx.audit["sourceIdentity"] = source_identity
    result: dict[str, Any] = {
        "Credentials": credentials,
        "AssumedRoleUser": {"AssumedRoleId": session.principal_id, "Arn": session.arn},
        "Subject": claims.subject,
        "SubjectType": sub_type,
        "Issuer": claims.issuer,
        "Audience": recipient,
        "NameQualifier": qualifier,
    }
    if inputs.given:
        result["PackedPolicySize"] = packed
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


def _check_current_and_addressed(claims: assertions.Assertion, now: dt.datetime) -> str:
    """Validity times, audience and subject confirmation; returns the Recipient."""
    if claims.issue_instant is not None and now > claims.issue_instant + REDEEM_WITHIN:
        raise AWSError("ExpiredTokenException",
                       "Token must be redeemed within 5 minutes of issuance")
    if claims.not_on_or_after is not None and now >= claims.not_on_or_after + CLOCK_SKEW:
        raise AWSError("ExpiredTokenException", "Token expired")
    if claims.not_before is not None and now + CLOCK_SKEW < claims.not_before:
        raise invalid_token("Token used before its NotBefore time")
    if not any(AUDIENCE.fullmatch(a) for a in claims.audiences):
        raise invalid_token("Response does not contain the required audience.")
    if len(claims.confirmations) != 1:
        raise invalid_token("Response must contain exactly one SubjectConfirmationData")
    confirmation = claims.confirmations[0]
    if confirmation.recipient is None or confirmation.not_on_or_after is None:
        raise invalid_token("SubjectConfirmationData must have Recipient and NotOnOrAfter")
    if not RECIPIENT.fullmatch(confirmation.recipient):
        raise invalid_token("Response does not contain the required recipient.")
    if now >= confirmation.not_on_or_after + CLOCK_SKEW:
        raise AWSError("ExpiredTokenException", "Token expired")
    if confirmation.not_before is not None and now + CLOCK_SKEW < confirmation.not_before:
        raise invalid_token("Token used before its NotBefore time")
    return confirmation.recipient


def _role_listed(values: list[str], role_arn: str, principal_arn: str) -> bool:
    """Whether a Role attribute value pairs the role with the provider, in either order."""
    wanted = {role_arn, principal_arn}
    for value in values:
        parts = [p.strip() for p in value.split(",")]
        if len(parts) == 2 and set(parts) == wanted and role_arn != principal_arn:
            return True
    return False


def _single(claims: assertions.Assertion, name: str) -> str | None:
    values = claims.attributes.get(ATTRIBUTE + name)
    return values[0] if values else None


def _session_tags(claims: assertions.Assertion) -> dict[str, Any]:
    """PrincipalTag:* and TransitiveTagKeys attributes as the Tags and TransitiveTagKeys
    parameters AssumeRole takes, so both are validated alike."""
    prefix = ATTRIBUTE + "PrincipalTag:"
    tags = [{"Key": name.removeprefix(prefix), "Value": values[0] if values else ""}
            for name, values in claims.attributes.items() if name.startswith(prefix)]
    transitive = claims.attributes.get(ATTRIBUTE + "TransitiveTagKeys", [])
    return {"Tags": tags, "TransitiveTagKeys": transitive}


def _trust_context(claims: assertions.Assertion, provider: SAMLProvider, recipient: str,
                   qualifier: str, sub_type: str, session_name: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "saml:aud": recipient,
        "saml:iss": claims.issuer,
        "saml:sub": claims.subject,
        "saml:sub_type": sub_type,
        "saml:namequalifier": qualifier,
        "saml:doc": f"{provider.account_id}/{provider.name}",
        "sts:RoleSessionName": session_name,
        "aws:FederatedProvider": provider.arn,
    }
    for name, values in claims.attributes.items():
        mapped = ATTRIBUTE_KEYS.get(name)
        if mapped is None or not values or mapped[0] in context:
            continue  # one claim per key, as IAM maps them
        key, is_list = mapped
        context[key] = list(values) if is_list else values[0]
    return context


def _trusted(role: Role, provider: SAMLProvider, context: dict[str, Any],
             inputs: sessions.SessionInputs, source_identity: str | None) -> bool:
    actions = [ACTION]
    if inputs.tags or inputs.transitive_tag_keys:
        actions.append("sts:TagSession")
    if source_identity:
        actions.append("sts:SetSourceIdentity")
    principal = RequestPrincipal(arn=provider.arn, account=provider.account_id,
                                 type="SAMLUser")
    return trust_allows(role.assume_role_policy,
                        f"arn:aws:iam::{role.account_id}:role{role.path}{role.name}",
                        principal, actions, context)


def _duration(params: dict[str, Any], role: Role, claims: assertions.Assertion,
              now: dt.datetime) -> int:
    """DurationSeconds (an hour by default), shortened by the SessionDuration attribute
    and by the assertion's SessionNotOnOrAfter."""
    requested = params.get("DurationSeconds")
    if requested is not None and requested > role.max_session_duration:
        raise AWSError("ValidationError", MAX_DURATION_TEXT)
    duration = requested or DEFAULT_DURATION
    attribute = _single(claims, "SessionDuration")
    if attribute is not None:
        try:
            limit = int(attribute)
        except ValueError:
            raise invalid_token("SessionDuration in AuthnResponse must be an integer "
                                f"between {MIN_DURATION} and {MAX_DURATION}") from None
        if not MIN_DURATION <= limit <= MAX_DURATION:
            raise invalid_token("SessionDuration in AuthnResponse must be an integer "
                                f"between {MIN_DURATION} and {MAX_DURATION}")
        duration = min(duration, limit)
    if claims.session_not_on_or_after is not None:
        remaining = int((claims.session_not_on_or_after - now).total_seconds())
        if remaining <= 0:
            raise AWSError("ExpiredTokenException", "Token expired")
        duration = min(duration, remaining)
    return duration
