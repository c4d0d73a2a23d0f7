"""Console passwords of IAM users: Create/Get/Update/DeleteLoginProfile and ChangePassword;
and the root user's password as centralized root access manages it (Create/Get/Delete-
LoginProfile without UserName in an AssumeRoot session).

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
from ..store.tables import (
    AccountPasswordPolicy,
    LoginProfile,
    PasswordHistory,
    RootLoginProfile,
    User,
)
from .common import find_user

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
# PasswordReusePrevention's maximum: no more earlier passwords are ever needed.
MAX_REMEMBERED = 24
NOT_AN_IAM_USER = ("The request was rejected because the type of user for the transaction was "
                   "incorrect.")
WRONG_OLD_PASSWORD = "The old password is incorrect."
EXPIRED_HARD = ("Your password has expired and the account password policy does not allow you "
                "to change it; an administrator must reset it.")
# AWS's answer to a call on "your own user" by a principal that is no IAM user; the
# root user may leave UserName out only in an AssumeRoot session (API reference).
NO_USER_NAME = "Must specify userName when calling with non-User credentials"
PASSWORD_REQUIRED = ("1 validation error detected: Value at 'password' failed to satisfy "
                     "constraint: Member must not be null")
ROOT_PASSWORD_GIVEN = ("Password must be omitted when you make the request with an "
                       "AssumeRoot session.")
ROOT_TASK = "root-task"
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


def _shape(user_name: str, profile: LoginProfile | RootLoginProfile) -> dict[str, Any]:
    reset = getattr(profile, "password_reset_required", False)
    return {"UserName": user_name, "CreateDate": profile.created_at,
            "PasswordResetRequired": reset}


def _is_root_form(ctx: CallContext, params: dict[str, Any]) -> bool:
    """Whether the call is about the root user's password: UserName left out by the root
    user, which IAM allows only in an AssumeRoot session (the API reference, UserName of
    Create/Get/DeleteLoginProfile). Without UserName anyone else means their own user."""
    if params.get("UserName"):
        return False
    p = ctx.principal
    if p.is_root:
        if p.session is None or p.session.kind != ROOT_TASK:
            raise AWSError("ValidationError", NO_USER_NAME)
        return True
    if p.type != IAM_USER or p.user_id is None:
        raise AWSError("ValidationError", NO_USER_NAME)
    return False


def _user(ctx: CallContext, params: dict[str, Any]) -> User:
    name = params.get("UserName")
    if name:
        return find_user(ctx, name)
    return find_user(ctx, ctx.principal.user_name or "")


def _root_profile(ctx: CallContext) -> RootLoginProfile:
    profile = ctx.db.get(RootLoginProfile, ctx.account_id)
    if profile is None:
        raise no_such_entity(f"Login Profile for User {ctx.account_id} cannot be found.")
    return profile


@operation("iam", "CreateLoginProfile")
def create_login_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if _is_root_form(ctx, params):
        return {"LoginProfile": _shape(ctx.account_id, _create_root_profile(ctx, params))}
    if params.get("Password") is None:
        raise AWSError("ValidationError", PASSWORD_REQUIRED)
    user = _user(ctx, params)
    if ctx.db.get(LoginProfile, user.id) is not None:
        raise AWSError("EntityAlreadyExists", f"Login Profile for user {user.name} already exists.")
    check_password(ctx, params["Password"])
    profile = LoginProfile(user_id=user.id, password_hash=hash_password(params["Password"]),
                           password_reset_required=bool(params.get("PasswordResetRequired")),
                           created_at=ctx.now)
    ctx.db.add(profile)
    return {"LoginProfile": _shape(user.name, profile)}


def _create_root_profile(ctx: CallContext, params: dict[str, Any]) -> RootLoginProfile:
    """Allow the member account's root user to recover a password: as for an account
    Organizations creates, the root user gets a password nobody knows, which the sign-in
    page's password recovery replaces. The caller never chooses it."""
    if params.get("Password") is not None:
        raise AWSError("ValidationError", ROOT_PASSWORD_GIVEN)
    if ctx.db.get(RootLoginProfile, ctx.account_id) is not None:
        raise AWSError("EntityAlreadyExists",
                       f"Login Profile for user {ctx.account_id} already exists.")
    profile = RootLoginProfile(account_id=ctx.account_id, created_at=ctx.now)
    ctx.db.add(profile)
    return profile


@operation("iam", "GetLoginProfile")
def get_login_profile(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    if _is_root_form(ctx, params):
        return {"LoginProfile": _shape(ctx.account_id, _root_profile(ctx))}
    user = _user(ctx, params)
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
    if _is_root_form(ctx, params):
        ctx.db.delete(_root_profile(ctx))
        return
    user = _user(ctx, params)
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
