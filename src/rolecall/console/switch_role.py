"""Switch role, as AWS's console does it: account, role name, display name and colour.
AssumeRole is called as the signed-in user (trust policy and MFA apply as for the API),
and, as in AWS's console, always with the user's original credentials, even when the
session is already in a role: the console never chains roles (IAM User Guide, "Switch from
a user to an IAM role (console)"). "Switch back" returns to the user's own permissions."""

from __future__ import annotations

from starlette.responses import Response

from ..auth.session_tokens import unseal
from ..protocol.errors import AWSError
from .cookies import SwitchedRole
from .web import View, acting_principal, own_principal, page

COLORS = ("red", "orange", "yellow", "green", "blue")
# AWS's console role sessions last one hour.
SESSION_SECONDS = 3600
HISTORY = 5


@page
def switch_role(view: View) -> Response:
    values = {"account": view.field("account"), "role": view.field("role"),
              "display": view.field("display"), "color": view.field("color", "blue")}
    if view.request.method == "GET":
        query = view.request.query_params
        values.update({k: query.get(k, "") for k in ("account", "role", "display")})
        return view.render("switch_role.html", title="Switch role", values=values,
                           colors=COLORS)
    color = values["color"] if values["color"] in COLORS else "blue"
    arn = f"arn:aws:iam::{values['account']}:role/{values['role']}"
    session_name = view.session.user_name
    view.principal = own_principal(view)
    try:
        result = view.call("sts", "AssumeRole", {"RoleArn": arn, "RoleSessionName": session_name,
                                                 "DurationSeconds": SESSION_SECONDS})
    except AWSError as err:
        view.principal = acting_principal(view)
        return view.render("switch_role.html", err.status, title="Switch role", values=values,
                           colors=COLORS, error=view.error_text(err))
    token = result["Credentials"]["SessionToken"]
    claims = unseal(token, view.server.keys.session_key)
    display = values["display"] or f"{claims.role_name} @ {values['account']}"
    view.session.role = SwitchedRole(values["account"], claims.role_name or values["role"],
                                     display, color, token)
    entry = {"account": values["account"], "role": values["role"], "display": display}
    view.session.history = [entry, *[h for h in view.session.history if h != entry]][:HISTORY]
    view.flash(f"You are now acting as {result['AssumedRoleUser']['Arn']}.")
    view.changed = True
    return view.redirect("")


@page
def switch_back(view: View) -> Response:
    view.session.role = None
    view.flash("Switched back to your own permissions.")
    return view.redirect("")
