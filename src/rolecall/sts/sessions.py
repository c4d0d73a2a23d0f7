"""What every operation that issues temporary credentials shares: access key ids that
carry their account (as AWS's do), session policies and tags with their packed-size limit,
MFA code checks, and sealing the session into its token."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import math
import re
import secrets
import zlib
from typing import Any

from sqlalchemy import select

from .. import ids
from ..auth import totp
from ..auth.principal import Principal
from ..auth.session_tokens import SessionClaims, seal
from ..operations import CallContext
from ..policy import MalformedPolicyError, PolicyType, parse_policy
from ..policy.jsontext import read_json
from ..protocol.errors import AWSError
from ..store.tables import MFADevice

# The packed form of session policies and tags has its own limit (AWS reports how much of it
# a request uses as PackedPolicySize). It is measured on the deflated, minified content, the
# limit set so that the one size recorded from AWS comes out the same: 16 for the session
# policy of LocalStack's AWS-validated test_sts snapshot, test_assume_role_with_policy (133
# bytes deflated; any limit from 832 to 886 bytes gives 16).
PACKED_LIMIT_BYTES = 850
MAX_POLICY_ARNS = 10
_POLICY_ARN = re.compile(r"arn:aws:iam::(\d{12}|aws):policy/[\x21-\x7e]+")

MFA_MISSING = ("MultiFactorAuthentication failed, must provide both MFA serial number and one "
               "time pass code.")
MFA_INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code."
# A serial number that names no MFA device of the caller (two spaces, as AWS writes it).
MFA_UNKNOWN_DEVICE = ("MultiFactorAuthentication failed, unable to validate MFA code.  Please "
                      "verify your MFA serial number is valid and associated with this user.")


# --- access key ids -------------------------------------------------------------------
# AWS encodes the owning account in the access key id: bits 1..40 of the 48 bits after the
# prefix hold the account number. GetAccessKeyInfo reads it back.

def temporary_key_id(account_id: str) -> str:
    return temporary_key_pair(account_id)[0]


def temporary_key_pair(account_id: str) -> tuple[str, str]:
    """A temporary access key id for ``account_id`` and its secret, from one read of the
    system's randomness (each read is a system call)."""
    raw = secrets.token_bytes(5 + ids.SECRET_BYTES)
    head = (int(account_id) << 7) | (raw[0] & 0x7F)
    key_id = ids.TEMPORARY_KEY + base64.b32encode(head.to_bytes(6, "big") + raw[1:5]).decode()
    return key_id, ids.secret_access_key(raw[5:])


def account_of_key(access_key_id: str) -> str | None:
    """The account a key id encodes, or None when it encodes none."""
    body = access_key_id[4:]
    if len(body) != 16:
        return None
    try:
        raw = base64.b32decode(body)
    except ValueError:
        return None
    account = (int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7
    return f"{account:012d}" if account < 10**12 else None


# --- session policies and tags --------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SessionInputs:
    """Session policies and tags a caller passed, validated."""

    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.policy or self.policy_arns or self.tags)


def session_inputs(params: dict[str, Any]) -> SessionInputs:
    policy = params.get("Policy")
    if policy is not None:
        try:
            parse_policy(policy, PolicyType.SESSION)
        except MalformedPolicyError as exc:
            raise AWSError("MalformedPolicyDocument", exc.message) from None
    arns = tuple(item["arn"] for item in params.get("PolicyArns") or [] if item.get("arn"))
    if len(arns) > MAX_POLICY_ARNS:
        raise AWSError(
            "ValidationError",
            "1 validation error detected: Value at 'policyArns' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_POLICY_ARNS}",
        )
    for arn in arns:
        if not _POLICY_ARN.fullmatch(arn):
            raise AWSError("InvalidParameterValue", f"The policy ARN {arn} is invalid.")
    tags: dict[str, str] = {}
    seen: set[str] = set()
    for tag in params.get("Tags") or []:
        if tag["Key"].lower() in seen:
            raise AWSError("InvalidParameterValue",
                           "Duplicate tag keys found. Please note that Tag keys are case "
                           "insensitive.")
        seen.add(tag["Key"].lower())
        tags[tag["Key"]] = tag["Value"]
    transitive = tuple(params.get("TransitiveTagKeys") or ())
    for key in transitive:
        if key.lower() not in seen:
            # Recorded without the key (localstack test_sts.snapshot.json,
            # invalid-transitive-tag-keys).
            raise AWSError("InvalidParameterValue",
                           "The specified transitive tag key must be included in the "
                           "requested tags.")
    return SessionInputs(policy, arns, tags, transitive)


def packed_policy_size(inputs: SessionInputs) -> int:
    """How much of the packed limit the session policies and tags use, in percent; over 100
    is PackedPolicyTooLarge with AWS's wording."""
    parts: list[str] = []
    if inputs.policy:
        # read_json, not json.loads: the policy may hold numbers of thousands of digits.
        document, _ = read_json(inputs.policy)
        parts.append(json.dumps(document, separators=(",", ":")))
    parts.extend(inputs.policy_arns)
    parts.extend(f"{k}={v}" for k, v in inputs.tags.items())
    if not parts:
        return 0
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflate.compress("\n".join(parts).encode("utf-8")) + deflate.flush()
    percent = math.ceil(100 * len(packed) / PACKED_LIMIT_BYTES)
    if percent > 100:
        raise AWSError("PackedPolicyTooLarge",
                       f"Packed policy consumes {percent}% of allotted space, please use "
                       "smaller policy for request.")
    return percent


def tag_context(inputs: SessionInputs) -> dict[str, Any]:
    """aws:RequestTag/*, aws:TagKeys and sts:TransitiveTagKeys for the authorization."""
    context: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in inputs.tags.items()}
    if inputs.tags:
        context["aws:TagKeys"] = list(inputs.tags)
    if inputs.transitive_tag_keys:
        context["sts:TransitiveTagKeys"] = list(inputs.transitive_tag_keys)
    return context


# --- MFA ------------------------------------------------------------------------------

def verify_mfa(ctx: CallContext, params: dict[str, Any]) -> bool:
    """Check SerialNumber/TokenCode for the calling IAM user; True when a valid code was
    given, False when none was. The code's time step is remembered, so it works once."""
    serial, code = params.get("SerialNumber"), params.get("TokenCode")
    if serial is None and code is None:
        return False
    if serial is None or code is None:
        raise AWSError("AccessDenied", MFA_MISSING)
    ctx.will_write()  # the accepted code's time step is stored
    device = ctx.db.scalar(
        select(MFADevice).where(MFADevice.serial_number == serial).with_for_update()
    )
    owner = ctx.principal.user_id or (ctx.principal.account_id if ctx.principal.is_root
                                      else None)
    if device is None or owner is None or device.owner_id != owner:
        raise AWSError("AccessDenied", MFA_UNKNOWN_DEVICE)
    seed = ctx.server.keys.decrypt(device.seed_encrypted).decode()
    step = totp.matching_step(seed, code, ctx.server.clock(), after=device.last_time_step)
    if step is None:
        raise AWSError("AccessDenied", MFA_INVALID)
    device.last_time_step = step
    return True


def mfa_context(claims_mfa: bool, authenticated_at: int | None, now: float) -> dict[str, Any]:
    if not claims_mfa:
        return {}
    age = max(0, int(now) - (authenticated_at or int(now)))
    return {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": str(age)}


def caller_mfa(principal: Principal) -> tuple[bool, int | None]:
    session = principal.session
    if session is not None and session.mfa_authenticated:
        return True, session.mfa_authenticated_at
    return False, None


USER_SESSION_DEFAULT = 43200
ROOT_SESSION_MAX = 3600


def user_session_duration(caller: Principal, requested: int | None) -> int:
    """GetSessionToken/GetFederationToken: 12 hours by default for users; sessions of the
    root user last at most one hour (a longer request gets one hour)."""
    if caller.is_root:
        return min(requested or ROOT_SESSION_MAX, ROOT_SESSION_MAX)
    return requested or USER_SESSION_DEFAULT


# --- issuing --------------------------------------------------------------------------

def issue(ctx: CallContext, duration: int, **fields: Any) -> tuple[SessionClaims, dict]:
    """Seal a new session lasting ``duration`` seconds; returns its claims and the
    Credentials structure of the response."""
    issued = int(ctx.server.clock())
    account_id = fields.pop("account_id")
    key_id, secret = temporary_key_pair(account_id)
    claims = SessionClaims(
        access_key_id=key_id,
        secret_access_key=secret,
        account_id=account_id,
        issued_at=issued,
        expires_at=issued + duration,
        **fields,
    )
    return claims, credentials_shape(claims, ctx.server.keys.session_key)


def credentials_shape(claims: SessionClaims, session_key: bytes) -> dict[str, Any]:
    return {
        "AccessKeyId": claims.access_key_id,
        "SecretAccessKey": claims.secret_access_key,
        "SessionToken": seal(claims, session_key),
        "Expiration": dt.datetime.fromtimestamp(claims.expires_at, dt.UTC),
    }
