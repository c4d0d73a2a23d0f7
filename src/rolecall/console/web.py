"""The console's request plumbing: sessions from the cookie, CSRF on every form, the
signed-in principal, templates, security headers, and denials rendered with their reasons.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import explain
from ..auth import principal as principals
from ..auth.principal import Principal
from ..auth.session_tokens import InvalidToken, SessionClaims, unseal
from ..protocol.errors import AWSError
from ..server import Server
from ..store.tables import LoginProfile, User
from . import calls
from .cookies import COOKIE, SIGNED_IN, ConsoleSession, CookieSealer

log = logging.getLogger("rolecall.console")
PREFIX = "/_rolecall/console"
INTERNAL_FAILURE = ("The request processing has failed because of an unknown error, exception "
                    "or failure.")
MAX_FORM = 1024 * 1024
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
    ),
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
}


def url(path: str = "", **query: Any) -> str:
    """An absolute console URL; ``path`` is relative to the console root."""
    target = f"{PREFIX}/{path.lstrip('/')}"
    present = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{target}?{urlencode(present)}" if present else target


class Console:
    """What every console request shares: the server, the cookie sealer, the templates."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.sealer = CookieSealer(server.keys)
        self.templates = Environment(
            loader=PackageLoader("rolecall.console", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals["url"] = url


@dataclass
class View:
    """One request: the form it posted, its session, and the identity it acts as."""

    console: Console
    request: Request
    session: ConsoleSession
    form: ImmutableMultiDict
    principal: Principal | None = None
    changed: bool = False

    @property
    def server(self) -> Server:
        return self.console.server

    @property
    def caller(self) -> calls.Caller:
        client = self.request.client
        return calls.Caller(self.principal, client.host if client else "127.0.0.1",  # type: ignore[arg-type]
                            self.request.url.scheme == "https")

    def call(self, service: str, operation: str, params: dict[str, Any] | None = None,
             handler: Any = None) -> dict[str, Any]:
        return calls.call(self.server, self.caller, service, operation, params, handler)

    def iam(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.call("iam", operation, params)

    def error_text(self, err: AWSError) -> str:
        """AWS's error for a form to show; an AccessDenied carrying the engine's decision
        goes on to the denial page instead, which shows why."""
        if getattr(err, "decision", None) is not None:
            raise err
        return f"{err.code}: {err.message}"

    def field(self, name: str, default: str = "") -> str:
        return str(self.form.get(name, default)).strip()

    def flash(self, message: str) -> None:
        self.session.flash = message
        self.changed = True

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        values.setdefault("title", "")
        flash, self.session.flash = self.session.flash, ""
        if flash:
            self.changed = True
        html = self.console.templates.get_template(template).render(
            view=self, session=self.session, principal=self.principal, csrf=self.session.csrf,
            flash=flash, **values)
        return self.finish(HTMLResponse(html, status))

    def redirect(self, path: str, **query: Any) -> Response:
        return self.finish(RedirectResponse(url(path, **query), 303))

    def finish(self, response: Response) -> Response:
        if self.changed:
            set_cookie(response, self.console.sealer.seal(self.session), self.request)
        return response


class SecurityHeaders:
    """Every console response, assets and errors included, carries SECURITY_HEADERS."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send) -> None:
        async def send_secured(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self._headers]
            await send(message)

        await self.app(scope, receive, send_secured)


def set_cookie(response: Response, value: str, request: Request) -> None:
    response.set_cookie(COOKIE, value, path=PREFIX, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


async def read_form(request: Request) -> ImmutableMultiDict:
    """The urlencoded form of a POST (the console's forms post nothing else)."""
    if request.method != "POST":
        return ImmutableMultiDict()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM:  # read no further: the form is refused as having no CSRF token
            return ImmutableMultiDict()
        chunks.append(chunk)
    body = b"".join(chunks).decode("utf-8", "replace")
    return ImmutableMultiDict(parse_qsl(body, keep_blank_values=True))


async def start(console: Console, request: Request) -> View:
    """The request's view, with the session from its cookie or a new anonymous one."""
    session = console.sealer.unseal(request.cookies.get(COOKIE))
    view = View(console, request, session or ConsoleSession.new(), await read_form(request))
    view.changed = session is None
    return view


def csrf_refused(view: View) -> Response:
    view.session = ConsoleSession.new()
    view.changed = True
    return view.render("message.html", 403, title="Request refused",
                       message="The form has expired or did not come from this console. "
                       "Go back, reload the page and try again.")


Endpoint = Callable[[View], Response]


def page(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """A signed-in page: no session (or an expired one, or one whose login profile was
    deleted) goes to sign-in; a POST without the session's CSRF token is refused; an
    AccessDenied becomes the denial page with the engine's reasons."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        console: Console = request.app.state.console
        view = await start(console, request)
        if not signed_in(view):
            view.session = ConsoleSession.new()
            view.changed = True
            return view.redirect("signin")
        if request.method == "POST" and not view.session.csrf_ok(view.form.get("csrf")):
            return csrf_refused(view)
        view.principal = acting_principal(view)
        try:
            return endpoint(view)
        except AWSError as err:
            return error_page(view, err)
        except Exception:
            return internal_error(view)

    return run


def internal_error(view: View) -> Response:
    """A fault of rolecall's, logged with its traceback; the page says what AWS would."""
    log.exception("internal error in console %s %s", view.request.method, view.request.url.path)
    return view.render("message.html", 500, title="InternalFailure", message=INTERNAL_FAILURE)


def signed_in(view: View) -> bool:
    """Whether the cookie holds a live sign-in whose user still has a login profile."""
    s = view.session
    if s.stage != SIGNED_IN or s.expires_at <= time.time():
        return False
    with view.server.db.transaction(write=False) as db:
        found = db.execute(
            select(User.id).join(LoginProfile, LoginProfile.user_id == User.id)
            .where(User.id == s.user_id, User.account_id == s.account_id)
        ).first()
    return found is not None


def user_principal(session: ConsoleSession, user: User) -> Principal:
    """The IAM user as the console signs them in: with MFA, a session that says so."""
    claims = None
    if session.mfa_at is not None:
        claims = SessionClaims(access_key_id="", secret_access_key="",
                               account_id=user.account_id, kind="user-session",
                               issued_at=session.mfa_at, expires_at=session.expires_at,
                               user_id=user.id, user_name=user.name, user_path=user.path,
                               mfa_authenticated=True, mfa_authenticated_at=session.mfa_at)
    return principals.iam_user(user.account_id, user.id, user.name, user.path, None, claims)


def acting_principal(view: View) -> Principal:
    """The switched-to role's session when there is one that is still valid, else the user."""
    s = view.session
    if s.role is not None:
        try:
            claims = unseal(s.role.session_token, view.server.keys.session_key)
        except InvalidToken:
            claims = None
        if claims is not None and claims.expires_at > time.time():
            return principals.from_session(claims)
        s.role = None
        view.flash("Your role session expired; you are back to your own permissions.")
    return own_principal(view)


def own_principal(view: View) -> Principal:
    """The signed-in user, whatever role the session switched to."""
    s = view.session
    with view.server.db.transaction(write=False) as db:
        user = db.get(User, s.user_id)
        assert user is not None  # signed_in() just found it
        return user_principal(s, user)


def error_page(view: View, err: AWSError) -> Response:
    """AWS's error, in AWS's words; a denial also shows the engine's report of why."""
    decision = getattr(err, "decision", None)
    report = explain.as_json(decision) if decision is not None else None
    return view.render("denied.html" if report else "message.html", err.status,
                       title=err.code, error=err, report=report, message=err.message)


def public(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """A page before sign-in: it has a session (for CSRF) but no principal."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        view = await start(request.app.state.console, request)
        if request.method == "POST" and not view.session.csrf_ok(view.form.get("csrf")):
            return csrf_refused(view)
        try:
            return endpoint(view)
        except Exception:
            return internal_error(view)

    return run
