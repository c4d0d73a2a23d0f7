"""Console passwords of IAM users: Create/Get/Update/DeleteLoginProfile and ChangePassword.

Passwords are kept only as salted scrypt hashes (earlier ones too, as many as the
password policy's PasswordReusePrevention needs). Until an account sets its own password
policy, IAM's default one applies: at least 8 characters and at least three of uppercase
letters, lowercase letters, digits and symbols (IAM User Guide, "Set an account password
policy for IAM users")."""

from __future__ import annotations

import base64
import datetime as dt
import os
from typing import Any

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import delete, select

from ..auth.principal import IAM_USER
from ..operations import CallContext, operation
from ..policy.evaluate import IMPLICIT_DENY
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import AccountPasswordPolicy, LoginProfile, PasswordHistory
from .common import find_user

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
# PasswordReusePrevention's maximum: no more earlier passwords are ever needed.
MAX_REMEMBERED = 24
NOT_AN_IAM_USER = ("The request was rejected because the type of user for the transaction was "
                   "incorrect.")
WRONG_OLD_PASSWORD = "The old password is incorrect."
EXPIRED_HARD = ("Your password has expired and the account password policy does not allow you "
                "to change it; an administrator must reset it.")
# The non-alphanumeric characters password policies count as symbols.
SYMBOLS = set("!@#$%^&*()_+-=[]{}|'")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(
        password.encode())
    return "$".join(["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was hashed from (constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        Scrypt(salt=base64.b64decode(salt), length=32, n=int(n), r=int(r), p=int(p)).verify(
            password.encode(), base64.b64decode(digest))
        return True
    except (ValueError, InvalidKey):
        return False


def check_password(ctx: CallContext, password: str) -> None:
    """Refuse a password the account's password policy (or IAM's default one) forbids."""
    policy = ctx.db.get(AccountPasswordPolicy, ctx.account_id)
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    symbol = any(c in SYMBOLS for c in password)
    if policy is None:
        ok = len(password) >= 8 and sum((upper, lower, digit, symbol)) >= 3
    else:
        ok = (len(password) >= policy.minimum_password_length
              and (upper or not policy.require_uppercase)
              and (lower or not policy.require_lowercase)
              and (digit or not policy.require_numbers)
              and (symbol or not policy.require_symbols))
    if not ok:
        raise policy_violation()


def policy_violation() -> AWSError:
    return AWSError("PasswordPolicyViolation",
                    "Password does not conform to the account password policy.")


def set_password(ctx: CallContext, user_id: str, profile: LoginProfile, password: str) -> None:
    """Replace the password, remembering the old hash for PasswordReusePrevention."""
    ctx.db.add(PasswordHistory(user_id=user_id, password_hash=profile.password_hash,
                               replaced_at=ctx.now))
    ctx.db.flush()
    kept = select(PasswordHistory.id).where(PasswordHistory.user_id == user_id).order_by(
        PasswordHistory.id.desc()).limit(MAX_REMEMBERED)
    ctx.db.execute(delete(PasswordHistory).where(PasswordHistory.user_id == user_id,
                                                 PasswordHistory.id.not_in(kept)))
    profile.password_hash = hash_password(password)
    profile.password_changed_at = ctx.now


def _profile(ctx: CallContext, user_id: str, user_name: str) -> LoginProfile:
    profile = ctx.db.get(LoginProfile, user_id)
    if profile is None:
        raise no_such_entity(f"Login Profile for User {user_name} cannot be found.")
    return profile


def _shape(user_name: str, profile: LoginProfile) -> dict[str, Any]:
    return {"UserName": user_name, "CreateDate": profile.created_at,
            "PasswordResetRequired": profile.password_reset_required}


@operation("iam", "CreateLoginProfile")
def create_login_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("UserName") or params.get("Password") is None:
        raise AWSError("NotImplemented", "CreateLoginProfile without UserName and Password "
                       "(root password recovery) is not implemented by rolecall.")
    user = find_user(ctx, params["UserName"])
    if ctx.db.get(LoginProfile, user.id) is not None:
        raise AWSError("EntityAlreadyExists", f"Login Profile for user {user.name} already exists.")
    check_password(ctx, params["Password"])
    profile = LoginProfile(user_id=user.id, password_hash=hash_password(params["Password"]),
                           password_reset_required=bool(params.get("PasswordResetRequired")),
                           created_at=ctx.now)
    ctx.db.add(profile)
    return {"LoginProfile": _shape(user.name, profile)}


@operation("iam", "GetLoginProfile")
def get_login_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("UserName"):
        raise AWSError("NotImplemented", "GetLoginProfile without UserName (the root user's "
                       "password) is not implemented by rolecall.")
    user = find_user(ctx, params["UserName"])
    return {"LoginProfile": _shape(user.name, _profile(ctx, user.id, user.name))}


@operation("iam", "UpdateLoginProfile")
def update_login_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    profile = _profile(ctx, user.id, user.name)
    if params.get("Password") is not None:
        check_password(ctx, params["Password"])
        set_password(ctx, user.id, profile, params["Password"])
    if params.get("PasswordResetRequired") is not None:
        profile.password_reset_required = params["PasswordResetRequired"]


@operation("iam", "DeleteLoginProfile")
def delete_login_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    if not params.get("UserName"):
        raise AWSError("NotImplemented", "DeleteLoginProfile without UserName (the root user's "
                       "password) is not implemented by rolecall.")
    user = find_user(ctx, params["UserName"])
    ctx.db.delete(_profile(ctx, user.id, user.name))


@operation("iam", "ChangePassword", authorize=False)
def change_password(ctx: CallContext, params: dict[str, Any]) -> None:
    caller = ctx.principal
    if caller.type != IAM_USER or caller.user_id is None:
        raise AWSError("InvalidUserType", NOT_AN_IAM_USER)
    policy = ctx.db.get(AccountPasswordPolicy, ctx.account_id)
    _authorize_change(ctx, params, caller.arn, policy)
    profile = _profile(ctx, caller.user_id, caller.user_name or "")
    if not password_matches(params["OldPassword"], profile.password_hash):
        raise AWSError("AccessDenied", WRONG_OLD_PASSWORD)
    if policy is not None and policy.hard_expiry and _expired(profile, policy, ctx.now):
        raise AWSError("AccessDenied", EXPIRED_HARD)
    new = params["NewPassword"]
    check_password(ctx, new)
    if policy is not None and policy.password_reuse_prevention:
        earlier = ctx.db.scalars(select(PasswordHistory.password_hash)
                                 .where(PasswordHistory.user_id == caller.user_id)
                                 .order_by(PasswordHistory.id.desc())
                                 .limit(policy.password_reuse_prevention - 1)).all()
        if any(password_matches(new, stored) for stored in [profile.password_hash, *earlier]):
            raise policy_violation()
    set_password(ctx, caller.user_id, profile, new)
    profile.password_reset_required = False


def _authorize_change(ctx: CallContext, params: dict[str, Any], user_arn: str,
                      policy: AccountPasswordPolicy | None) -> None:
    """iam:ChangePassword on the caller's own user. AllowUsersToChangePassword grants it
    to every user, but an explicit Deny still refuses."""
    try:
        ctx.server.authorizer.authorize(ctx, params, action="iam:ChangePassword",
                                        resource=user_arn)
    except AWSError as err:
        decision = err.decision
        implicit = decision is not None and getattr(decision, "decision", None) == IMPLICIT_DENY
        if not (err.code == "AccessDenied" and implicit and policy is not None
                and policy.allow_users_to_change):
            raise


def _expired(profile: LoginProfile, policy: AccountPasswordPolicy, now: dt.datetime) -> bool:
    if not policy.max_password_age:
        return False
    changed = profile.password_changed_at or profile.created_at
    if changed.tzinfo is None:
        changed = changed.replace(tzinfo=dt.UTC)
    return now > changed + dt.timedelta(days=policy.max_password_age)
