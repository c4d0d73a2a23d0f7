"""Groups (members, attached policies) and identity providers (OIDC, SAML)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..protocol.errors import AWSError
from . import forms
from .web import View, page


@page
def list_groups(view: View) -> Response:
    groups = view.iam("ListGroups", MaxItems=100)["Groups"]
    return view.render("groups.html", title="Groups", groups=groups)


@page
def new_group(view: View) -> Response:
    name = view.field("name")
    try:
        view.iam("CreateGroup", GroupName=name)
    except AWSError as err:
        groups = view.iam("ListGroups", MaxItems=100)["Groups"]
        return view.render("groups.html", err.status, title="Groups", groups=groups,
                           error=view.error_text(err))
    view.flash(f"Group {name} created.")
    return view.redirect(f"groups/{name}")


def _group_page(view: View, name: str, status: int = 200, **extra: Any) -> Response:
    found = view.iam("GetGroup", GroupName=name)
    attached = view.iam("ListAttachedGroupPolicies", GroupName=name)["AttachedPolicies"]
    return view.render("group.html", status, title=f"Group {name}", group=found["Group"],
                       members=found["Users"], attached=attached, **extra)


@page
def show_group(view: View) -> Response:
    return _group_page(view, view.request.path_params["name"])


def _group_change(view: View, operation: str, done: str, **params: Any) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam(operation, GroupName=name, **params)
    except AWSError as err:
        return _group_page(view, name, err.status, error=view.error_text(err))
    view.flash(done)
    return view.redirect(f"groups/{name}")


@page
def attach(view: View) -> Response:
    return _group_change(view, "AttachGroupPolicy", "Policy attached.",
                         PolicyArn=forms.policy_arn(view, view.field("arn")))


@page
def detach(view: View) -> Response:
    return _group_change(view, "DetachGroupPolicy", "Policy detached.",
                         PolicyArn=view.field("arn"))


@page
def delete_group(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam("DeleteGroup", GroupName=name)
    except AWSError as err:
        return _group_page(view, name, err.status, error=view.error_text(err))
    view.flash(f"Group {name} deleted.")
    return view.redirect("groups")


def _providers(view: View, status: int = 200, **extra: Any) -> Response:
    oidc = view.iam("ListOpenIDConnectProviders")["OpenIDConnectProviderList"]
    saml = view.iam("ListSAMLProviders")["SAMLProviderList"]
    return view.render("providers.html", status, title="Identity providers", oidc=oidc,
                       saml=saml, **extra)


@page
def list_providers(view: View) -> Response:
    return _providers(view)


def _create(view: View, operation: str, **params: Any) -> Response:
    try:
        view.iam(operation, **params)
    except AWSError as err:
        return _providers(view, err.status, error=view.error_text(err))
    view.flash("Identity provider added.")
    return view.redirect("providers")


@page
def new_oidc(view: View) -> Response:
    audiences = [a for a in view.field("audience").split(",") if a.strip()]
    thumbprints = [t for t in view.field("thumbprint").split(",") if t.strip()]
    return _create(view, "CreateOpenIDConnectProvider", Url=view.field("url"),
                   ClientIDList=audiences or None, ThumbprintList=thumbprints or None)


@page
def new_saml(view: View) -> Response:
    return _create(view, "CreateSAMLProvider", Name=view.field("name"),
                   SAMLMetadataDocument=str(view.form.get("metadata", "")))


@page
def delete_provider(view: View) -> Response:
    arn = view.field("arn")
    operation = "DeleteSAMLProvider" if ":saml-provider/" in arn else \
        "DeleteOpenIDConnectProvider"
    key = "SAMLProviderArn" if operation == "DeleteSAMLProvider" else \
        "OpenIDConnectProviderArn"
    try:
        view.iam(operation, **{key: arn})
    except AWSError as err:
        return _providers(view, err.status, error=view.error_text(err))
    view.flash("Identity provider deleted.")
    return view.redirect("providers")
