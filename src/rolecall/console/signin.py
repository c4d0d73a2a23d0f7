"""Sign-in as AWS's IAM user sign-in page: account ID or alias, user name and password,
then an MFA code when the user has a device, then a new password when one is required.

A failed attempt says only that the details are incorrect, never which one was wrong;
a wrong password costs the same time as an unknown user (a hash is always checked).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import select
from starlette.responses import Response

from ..auth import totp
from ..iam import login_profiles
from ..operations import CallContext
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import Account, LoginProfile, MFADevice, User
from . import login_events
from .cookies import (
    NEEDS_MFA,
    NEEDS_PASSWORD,
    PENDING_SECONDS,
    SESSION_SECONDS,
    SIGNED_IN,
    ConsoleSession,
)
from .web import View, acting_principal, public, user_principal

# The console's own words for a failed sign-in (AWS's sign-in page says the same).
INCORRECT = "Your authentication information is incorrect. Please try again."
MISMATCH = "The new passwords do not match."
# Checked when the user name is unknown, so both failures take as long.
_DUMMY_HASH = login_profiles.hash_password("rolecall-dummy-password")


@public
def sign_in(view: View) -> Response:
    if view.request.method == "GET":
        return view.render("signin.html", title="Sign in",
                           account=view.request.query_params.get("account", ""))
    account_field = view.field("account")
    user_name = view.field("username")
    password = str(view.form.get("password", ""))
    user, needs_reset = _check_password(view, account_field, user_name, password)
    if user is not None:
        view.server.responses.clear()  # kept answers showing the user's PasswordLastUsed
    if user is None:
        return view.render("signin.html", 401, title="Sign in", error=INCORRECT,
                           account=account_field, username=user_name)
    fresh = ConsoleSession.new()  # a new CSRF token: nothing from before sign-in carries over
    fresh.account_id, fresh.user_id, fresh.user_name = user.account_id, user.id, user.name
    fresh.expires_at = int(time.time()) + PENDING_SECONDS
    fresh.stage = NEEDS_MFA if _has_mfa(view, user.id) else (
        NEEDS_PASSWORD if needs_reset else SIGNED_IN)
    view.session, view.changed = fresh, True
    if fresh.stage != NEEDS_MFA:
        _signed_in(view)
    return _next_step(view)


def _next_step(view: View) -> Response:
    s = view.session
    if s.stage == NEEDS_MFA:
        return view.redirect("signin/mfa")
    if s.stage == NEEDS_PASSWORD:
        return view.redirect("signin/new-password")
    s.expires_at = int(time.time()) + SESSION_SECONDS
    return view.redirect("")


def _check_password(view: View, account_field: str, user_name: str,
                    password: str) -> tuple[User | None, bool]:
    with view.server.db.transaction() as db:
        account = db.scalar(select(Account).where(
            (Account.id == account_field) | (Account.alias == account_field.lower())))
        user = profile = None
        if account is not None and user_name:
            user = db.scalar(select(User).where(User.account_id == account.id,
                                                User.name_lower == user_name.lower()))
        if user is not None:
            profile = db.get(LoginProfile, user.id)
        stored = profile.password_hash if profile is not None else _DUMMY_HASH
        if not login_profiles.password_matches(password, stored) or profile is None:
            if account is not None:
                login_events.record(view.server, _ip(view), account.id,
                                    user_principal(ConsoleSession.new(), user) if user else None,
                                    success=False, mfa_used=False)
            return None, False
        user.password_last_used = dt.datetime.fromtimestamp(view.server.clock(), dt.UTC)
        db.flush()  # written before the user leaves the session, which would drop the change
        db.expunge(user)
        return user, profile.password_reset_required


def _ip(view: View) -> str:
    client = view.request.client
    return client.host if client else "127.0.0.1"


def _signed_in(view: View) -> None:
    """The ConsoleLogin success record, once every factor is checked."""
    s = view.session
    view.principal = acting_principal(view)
    login_events.record(view.server, _ip(view), s.account_id, view.principal, success=True,
                        mfa_used=s.mfa_at is not None)


def _has_mfa(view: View, user_id: str) -> bool:
    with view.server.db.transaction(write=False) as db:
        return db.scalar(select(MFADevice.serial_number)
                         .where(MFADevice.owner_id == user_id).limit(1)) is not None


def _pending(view: View, stage: str) -> bool:
    s = view.session
    return s.stage == stage and s.expires_at > time.time()


@public
def mfa(view: View) -> Response:
    if not _pending(view, NEEDS_MFA):
        return view.redirect("signin")
    if view.request.method == "GET":
        return view.render("signin_mfa.html", title="Multi-factor authentication")
    code = view.field("code")
    step = _spend_code(view, code)
    if step is None:
        s = view.session
        with view.server.db.transaction(write=False) as db:
            user = db.get(User, s.user_id)
            principal = user_principal(s, user) if user is not None else None
        login_events.record(view.server, _ip(view), s.account_id, principal, success=False,
                            mfa_used=True)
        return view.render("signin_mfa.html", 401, title="Multi-factor authentication",
                           error=INCORRECT)
    s = view.session
    s.mfa_at = int(time.time())
    with view.server.db.transaction(write=False) as db:
        needs_reset = db.get(LoginProfile, s.user_id)
        s.stage = NEEDS_PASSWORD if needs_reset and needs_reset.password_reset_required \
            else SIGNED_IN
    view.changed = True
    _signed_in(view)
    return _next_step(view)


def _spend_code(view: View, code: str) -> int | None:
    """The time step of a valid code from one of the user's devices, remembered so the
    same code never signs in twice."""
    if not (code.isdigit() and len(code) == 6):
        return None
    server = view.server
    with server.db.transaction() as db:
        devices = db.scalars(select(MFADevice).where(
            MFADevice.owner_id == view.session.user_id)).all()
        for device in devices:
            seed = server.keys.decrypt(device.seed_encrypted).decode()
            step = totp.matching_step(seed, code, server.clock(), after=device.last_time_step)
            if step is not None:
                device.last_time_step = step
                return step
    return None


@public
def new_password(view: View) -> Response:
    if not _pending(view, NEEDS_PASSWORD):
        return view.redirect("signin")
    title = "Change password"
    if view.request.method == "GET":
        return view.render("signin_password.html", title=title)
    new = str(view.form.get("new_password", ""))
    if new != str(view.form.get("confirm_password", "")):
        return view.render("signin_password.html", 400, title=title, error=MISMATCH)
    view.principal = acting_principal(view)
    try:
        view.call("iam", "ChangePassword", {"OldPassword": "-", "NewPassword": new},
                  handler=_reset_password)
    except AWSError as err:
        return view.render("signin_password.html", err.status, title=title, error=err.message)
    view.session.stage = SIGNED_IN
    view.changed = True
    view.flash("Your password has been changed.")
    return _next_step(view)


def _reset_password(ctx: CallContext, params: dict[str, Any]) -> None:
    """The forced reset after sign-in: the old password was checked moments ago."""
    profile = ctx.db.get(LoginProfile, ctx.principal.user_id)
    if profile is None:
        raise no_such_entity(f"Login Profile for User {ctx.principal.user_name} "
                             "cannot be found.")
    login_profiles.check_password(ctx, params["NewPassword"])
    profile.password_hash = login_profiles.hash_password(params["NewPassword"])
    profile.password_reset_required = False


@public
def sign_out(view: View) -> Response:
    view.session = ConsoleSession.new()
    view.changed = True
    return view.redirect("signin")

