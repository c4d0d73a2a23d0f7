"""Roles: the console counterpart of every step of "Modifying a role" (page 000): list,
create with a trust-policy editor and its templates, trust policy, permissions policies,
boundary, maximum session duration, description, tags, delete."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..policy import PolicyType
from ..protocol.errors import AWSError
from . import forms
from .trust_templates import ENTITY_TYPES, trust_policy
from .web import View, page

PAGE_SIZE = 100


@page
def list_roles(view: View) -> Response:
    marker = view.request.query_params.get("marker") or None
    found = view.iam("ListRoles", MaxItems=PAGE_SIZE, Marker=marker)
    return view.render("roles.html", title="Roles", roles=found["Roles"],
                       marker=found.get("Marker") if found.get("IsTruncated") else None)


@page
def new_role(view: View) -> Response:
    values = {"name": view.field("name"), "kind": view.field("kind", "service"),
              "trusted": view.field("trusted"), "audience": view.field("audience"),
              "description": view.field("description"), "duration": view.field("duration"),
              "boundary": view.field("boundary"), "policy": view.field("policy"),
              "document": str(view.form.get("document", ""))}
    intent = view.field("intent")
    error = None
    problems: list = []
    if view.request.method == "GET" or intent == "template" or not values["document"].strip():
        values["document"] = trust_policy(values["kind"], values["trusted"],
                                          values["audience"], view.principal.account_id)
        if view.request.method == "GET" or intent == "template":
            return _new_form(view, values, error, problems)
    if intent == "check":
        problems = forms.problems(values["document"], PolicyType.TRUST)
        return _new_form(view, values, error, problems)
    params: dict[str, Any] = {"RoleName": values["name"],
                              "AssumeRolePolicyDocument": values["document"],
                              "Description": values["description"] or None,
                              "PermissionsBoundary": values["boundary"] or None}
    try:
        if values["duration"]:
            params["MaxSessionDuration"] = _seconds(values["duration"])
        view.iam("CreateRole", **params)
    except AWSError as err:
        problems = forms.refused(values["document"], PolicyType.TRUST)
        return _new_form(view, values, view.error_text(err), problems, err.status)
    done = f"Role {values['name']} created."
    if values["policy"]:
        try:
            view.iam("AttachRolePolicy", RoleName=values["name"],
                     PolicyArn=forms.policy_arn(view, values["policy"]))
        except AWSError as err:
            done += f" The policy was not attached: {err.code}: {err.message}"
    view.flash(done)
    return view.redirect(f"roles/{values['name']}")


def _new_form(view: View, values: dict, error: str | None, problems: list,
              status: int = 200) -> Response:
    return view.render("role_new.html", status, title="Create role", values=values,
                       error=error, problems=problems, entity_types=ENTITY_TYPES)


def _seconds(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise AWSError("ValidationError", f"1 validation error detected: Value '{text}' at "
                       "'maxSessionDuration' failed to satisfy constraint: Member must be "
                       "a number") from None


def _role_page(view: View, name: str, status: int = 200, **extra: Any) -> Response:
    role = view.iam("GetRole", RoleName=name)["Role"]
    attached = view.iam("ListAttachedRolePolicies", RoleName=name)["AttachedPolicies"]
    inline = view.iam("ListRolePolicies", RoleName=name)["PolicyNames"]
    extra.setdefault("trust", forms.pretty(role.get("AssumeRolePolicyDocument")))
    return view.render("role.html", status, title=f"Role {role['RoleName']}", role=role,
                       attached=attached, inline=inline, **extra)


@page
def show_role(view: View) -> Response:
    return _role_page(view, view.request.path_params["name"])


@page
def update_trust(view: View) -> Response:
    name = view.request.path_params["name"]
    document = str(view.form.get("document", ""))
    if view.field("intent") == "check":
        return _role_page(view, name, trust=document,
                          trust_problems=forms.problems(document, PolicyType.TRUST))
    try:
        view.iam("UpdateAssumeRolePolicy", RoleName=name, PolicyDocument=document)
    except AWSError as err:
        return _role_page(view, name, err.status, trust=document,
                          trust_error=view.error_text(err),
                          trust_problems=forms.refused(document, PolicyType.TRUST))
    view.flash("Trust policy updated.")
    return view.redirect(f"roles/{name}")


def _role_change(view: View, operation: str, done: str, **params: Any) -> Response:
    """Run one change to the role; its error is shown on the role's page, nothing changed."""
    name = view.request.path_params["name"]
    try:
        view.iam(operation, RoleName=name, **params)
    except AWSError as err:
        return _role_page(view, name, err.status, error=view.error_text(err))
    view.flash(done)
    return view.redirect(f"roles/{name}")


@page
def update_settings(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        duration = _seconds(view.field("duration"))
    except AWSError as err:
        return _role_page(view, name, err.status, error=view.error_text(err))
    return _role_change(view, "UpdateRole", "Role settings updated.",
                        Description=view.field("description"), MaxSessionDuration=duration)


@page
def put_boundary(view: View) -> Response:
    return _role_change(view, "PutRolePermissionsBoundary", "Permissions boundary set.",
                        PermissionsBoundary=view.field("arn"))


@page
def delete_boundary(view: View) -> Response:
    return _role_change(view, "DeleteRolePermissionsBoundary", "Permissions boundary removed.")


@page
def attach(view: View) -> Response:
    return _role_change(view, "AttachRolePolicy", "Policy attached.",
                        PolicyArn=forms.policy_arn(view, view.field("arn")))


@page
def detach(view: View) -> Response:
    return _role_change(view, "DetachRolePolicy", "Policy detached.", PolicyArn=view.field("arn"))


@page
def tag(view: View) -> Response:
    return _role_change(view, "TagRole", "Tag added.",
                        Tags=[{"Key": view.field("key"), "Value": view.field("value")}])


@page
def untag(view: View) -> Response:
    return _role_change(view, "UntagRole", "Tag removed.", TagKeys=[view.field("key")])


@page
def put_inline(view: View) -> Response:
    return forms.put_inline_policy(view, "PutRolePolicy", "RoleName", _role_page, "roles")


@page
def delete_inline(view: View) -> Response:
    return _role_change(view, "DeleteRolePolicy", "Inline policy deleted.",
                        PolicyName=view.field("name"))


@page
def delete_role(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam("DeleteRole", RoleName=name)
    except AWSError as err:
        return _role_page(view, name, err.status, error=view.error_text(err))
    view.flash(f"Role {name} deleted.")
    return view.redirect("roles")
