"""Console passwords of IAM users: Create/Get/Update/DeleteLoginProfile.

Passwords are kept only as salted scrypt hashes. Until an account sets its own password
policy, IAM's default one applies: at least 8 characters and at least three of uppercase
letters, lowercase letters, digits and symbols (IAM User Guide, "Set an account password
policy for IAM users")."""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..operations import CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import AccountPasswordPolicy, LoginProfile
from .common import find_user

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
# The non-alphanumeric characters password policies count as symbols.
SYMBOLS = set("!@#$%^&*()_+-=[]{}|'")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(
        password.encode())
    return "$".join(["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a hash_password result) was made from."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        Scrypt(salt=base64.b64decode(salt), length=32, n=int(n), r=int(r), p=int(p)).verify(
            password.encode(), base64.b64decode(digest))
    except (ValueError, InvalidKey):
        return False
    return True


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
        raise AWSError("PasswordPolicyViolation",
                       "Password does not conform to the account password policy.")


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
        profile.password_hash = hash_password(params["Password"])
    if params.get("PasswordResetRequired") is not None:
        profile.password_reset_required = params["PasswordResetRequired"]


@operation("iam", "DeleteLoginProfile")
def delete_login_profile(ctx: CallContext, params: dict[str, Any]) -> None:
    if not params.get("UserName"):
        raise AWSError("NotImplemented", "DeleteLoginProfile without UserName (the root user's "
                       "password) is not implemented by rolecall.")
    user = find_user(ctx, params["UserName"])
    ctx.db.delete(_profile(ctx, user.id, user.name))
