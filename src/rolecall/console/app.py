"""The console's ASGI app: its routes, and its static assets served from the package."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..server import Server
from . import (
    audit,
    dashboard,
    directory,
    policies,
    roles,
    signin,
    simulator,
    switch_role,
    users,
)
from .web import PREFIX, Console, SecurityHeaders

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]


def _entity_routes(module, kind: str) -> list[Route]:
    """The POST actions users, groups and roles share on their detail pages."""
    base = f"/{kind}/{{name}}"
    return [Route(f"{base}/{action}", getattr(module, handler), methods=POST)
            for action, handler in (("attach", "attach"), ("detach", "detach"),
                                    ("inline", "put_inline"), ("inline/delete", "delete_inline"),
                                    ("delete", f"delete_{kind[:-1]}"))]


def routes() -> list:
    return [
        Route("/", dashboard.dashboard, methods=GET),
        Route("/signin", signin.sign_in, methods=BOTH),
        Route("/signin/mfa", signin.mfa, methods=BOTH),
        Route("/signin/new-password", signin.new_password, methods=BOTH),
        Route("/signout", signin.sign_out, methods=POST),
        Route("/roles", roles.list_roles, methods=GET),
        Route("/roles/new", roles.new_role, methods=BOTH),
        Route("/roles/{name}", roles.show_role, methods=GET),
        Route("/roles/{name}/trust", roles.update_trust, methods=POST),
        Route("/roles/{name}/settings", roles.update_settings, methods=POST),
        Route("/roles/{name}/boundary", roles.put_boundary, methods=POST),
        Route("/roles/{name}/boundary/delete", roles.delete_boundary, methods=POST),
        Route("/roles/{name}/tag", roles.tag, methods=POST),
        Route("/roles/{name}/untag", roles.untag, methods=POST),
        *_entity_routes(roles, "roles"),
        Route("/users", users.list_users, methods=GET),
        Route("/users/new", users.new_user, methods=BOTH),
        Route("/users/{name}", users.show_user, methods=GET),
        Route("/users/{name}/keys", users.create_key, methods=POST),
        Route("/users/{name}/keys/status", users.key_status, methods=POST),
        Route("/users/{name}/keys/delete", users.delete_key, methods=POST),
        Route("/users/{name}/boundary", users.put_boundary, methods=POST),
        Route("/users/{name}/boundary/delete", users.delete_boundary, methods=POST),
        Route("/users/{name}/groups", users.add_to_group, methods=POST),
        Route("/users/{name}/groups/remove", users.remove_from_group, methods=POST),
        Route("/users/{name}/login-profile", users.login_profile, methods=POST),
        Route("/users/{name}/login-profile/delete", users.delete_login_profile, methods=POST),
        Route("/users/{name}/mfa", users.new_mfa, methods=POST),
        Route("/users/{name}/mfa/enable", users.enable_mfa, methods=POST),
        Route("/users/{name}/tag", users.tag, methods=POST),
        Route("/users/{name}/untag", users.untag, methods=POST),
        *_entity_routes(users, "users"),
        Route("/groups", directory.list_groups, methods=GET),
        Route("/groups/new", directory.new_group, methods=POST),
        Route("/groups/{name}", directory.show_group, methods=GET),
        Route("/groups/{name}/attach", directory.attach, methods=POST),
        Route("/groups/{name}/detach", directory.detach, methods=POST),
        Route("/groups/{name}/delete", directory.delete_group, methods=POST),
        Route("/providers", directory.list_providers, methods=GET),
        Route("/providers/oidc", directory.new_oidc, methods=POST),
        Route("/providers/saml", directory.new_saml, methods=POST),
        Route("/providers/delete", directory.delete_provider, methods=POST),
        Route("/policies", policies.list_policies, methods=GET),
        Route("/policies/new", policies.new_policy, methods=BOTH),
        Route("/policies/view", policies.show_policy, methods=GET),
        Route("/policies/version", policies.new_version, methods=POST),
        Route("/policies/default", policies.set_default, methods=POST),
        Route("/policies/delete", policies.delete_policy, methods=POST),
        Route("/simulator", simulator.simulate, methods=BOTH),
        Route("/switch-role", switch_role.switch_role, methods=BOTH),
        Route("/switch-back", switch_role.switch_back, methods=POST),
        Route("/audit", audit.events, methods=GET),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]


def create_app(server: Server) -> SecurityHeaders:
    app = Starlette(routes=[Mount(PREFIX, routes=routes())])
    app.state.console = Console(server)
    return SecurityHeaders(app)
