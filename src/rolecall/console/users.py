"""Users: create, delete, tags, groups, attached and inline policies, permissions
boundary, access keys (the secret shown once, at creation), login profile, and virtual
MFA devices with their QR code (page 004's steps)."""

from __future__ import annotations

import base64
from typing import Any

from starlette.responses import Response

from ..protocol.errors import AWSError
from . import forms
from .web import View, page

PAGE_SIZE = 100


@page
def list_users(view: View) -> Response:
    marker = view.request.query_params.get("marker") or None
    found = view.iam("ListUsers", MaxItems=PAGE_SIZE, Marker=marker)
    return view.render("users.html", title="Users", users=found["Users"],
                       marker=found.get("Marker") if found.get("IsTruncated") else None)


@page
def new_user(view: View) -> Response:
    if view.request.method == "GET":
        return view.render("user_new.html", title="Create user", values={})
    values = {"name": view.field("name"), "path": view.field("path") or None}
    password = str(view.form.get("password", ""))
    try:
        view.iam("CreateUser", UserName=values["name"], Path=values["path"])
        if password:
            view.iam("CreateLoginProfile", UserName=values["name"], Password=password,
                     PasswordResetRequired=bool(view.form.get("reset")))
    except AWSError as err:
        return view.render("user_new.html", err.status, title="Create user", values=values,
                           error=view.error_text(err))
    view.flash(f"User {values['name']} created.")
    return view.redirect(f"users/{values['name']}")


def _user_page(view: View, name: str, status: int = 200, **extra: Any) -> Response:
    user = view.iam("GetUser", UserName=name)["User"]
    groups = view.iam("ListGroupsForUser", UserName=name)["Groups"]
    attached = view.iam("ListAttachedUserPolicies", UserName=name)["AttachedPolicies"]
    inline = view.iam("ListUserPolicies", UserName=name)["PolicyNames"]
    keys = view.iam("ListAccessKeys", UserName=name)["AccessKeyMetadata"]
    devices = view.iam("ListMFADevices", UserName=name)["MFADevices"]
    try:
        profile = view.iam("GetLoginProfile", UserName=name)["LoginProfile"]
    except AWSError as err:
        if err.code != "NoSuchEntity":
            raise
        profile = None
    return view.render("user.html", status, title=f"User {user['UserName']}", user=user,
                       groups=groups, attached=attached, inline=inline, keys=keys,
                       devices=devices, profile=profile, **extra)


@page
def show_user(view: View) -> Response:
    return _user_page(view, view.request.path_params["name"])


def _user_change(view: View, operation: str, done: str, **params: Any) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam(operation, UserName=name, **params)
    except AWSError as err:
        return _user_page(view, name, err.status, error=view.error_text(err))
    view.flash(done)
    return view.redirect(f"users/{name}")


@page
def create_key(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        key = view.iam("CreateAccessKey", UserName=name)["AccessKey"]
    except AWSError as err:
        return _user_page(view, name, err.status, error=view.error_text(err))
    # The one page that ever shows a secret: it is not stored anywhere the console can read.
    return view.render("access_key.html", title="Access key created", key=key, user_name=name)


@page
def key_status(view: View) -> Response:
    status = "Inactive" if view.field("status") == "Inactive" else "Active"
    return _user_change(view, "UpdateAccessKey", f"Access key {status.lower()}.",
                        AccessKeyId=view.field("key"), Status=status)


@page
def delete_key(view: View) -> Response:
    return _user_change(view, "DeleteAccessKey", "Access key deleted.",
                        AccessKeyId=view.field("key"))


@page
def put_boundary(view: View) -> Response:
    return _user_change(view, "PutUserPermissionsBoundary", "Permissions boundary set.",
                        PermissionsBoundary=view.field("arn"))


@page
def delete_boundary(view: View) -> Response:
    return _user_change(view, "DeleteUserPermissionsBoundary", "Permissions boundary removed.")


@page
def attach(view: View) -> Response:
    return _user_change(view, "AttachUserPolicy", "Policy attached.",
                        PolicyArn=forms.policy_arn(view, view.field("arn")))


@page
def detach(view: View) -> Response:
    return _user_change(view, "DetachUserPolicy", "Policy detached.", PolicyArn=view.field("arn"))


@page
def add_to_group(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam("AddUserToGroup", UserName=name, GroupName=view.field("group"))
    except AWSError as err:
        return _user_page(view, name, err.status, error=view.error_text(err))
    view.flash("Added to group.")
    return view.redirect(f"users/{name}")


@page
def remove_from_group(view: View) -> Response:
    return _user_change(view, "RemoveUserFromGroup", "Removed from group.",
                        GroupName=view.field("group"))


@page
def login_profile(view: View) -> Response:
    operation = "UpdateLoginProfile" if view.field("exists") == "yes" else "CreateLoginProfile"
    return _user_change(view, operation, "Console password set.",
                        Password=str(view.form.get("password", "")),
                        PasswordResetRequired=bool(view.form.get("reset")))


@page
def delete_login_profile(view: View) -> Response:
    return _user_change(view, "DeleteLoginProfile", "Console access removed.")


@page
def new_mfa(view: View) -> Response:
    """Create a virtual device and show its QR code; the user then enters two codes."""
    name = view.request.path_params["name"]
    device_name = view.field("device") or name
    try:
        device = view.iam("CreateVirtualMFADevice", VirtualMFADeviceName=device_name)[
            "VirtualMFADevice"]
    except AWSError as err:
        return _user_page(view, name, err.status, error=view.error_text(err))
    qr = base64.b64encode(device["QRCodePNG"]).decode()
    return view.render("mfa_new.html", title="Assign MFA device", user_name=name,
                       serial=device["SerialNumber"], qr=qr)


@page
def enable_mfa(view: View) -> Response:
    return _user_change(view, "EnableMFADevice", "MFA device assigned.",
                        SerialNumber=view.field("serial"),
                        AuthenticationCode1=view.field("code1"),
                        AuthenticationCode2=view.field("code2"))


@page
def tag(view: View) -> Response:
    return _user_change(view, "TagUser", "Tag added.",
                        Tags=[{"Key": view.field("key"), "Value": view.field("value")}])


@page
def untag(view: View) -> Response:
    return _user_change(view, "UntagUser", "Tag removed.", TagKeys=[view.field("key")])


@page
def put_inline(view: View) -> Response:
    return forms.put_inline_policy(view, "PutUserPolicy", "UserName", _user_page, "users")


@page
def delete_inline(view: View) -> Response:
    return _user_change(view, "DeleteUserPolicy", "Inline policy deleted.",
                        PolicyName=view.field("name"))


@page
def delete_user(view: View) -> Response:
    name = view.request.path_params["name"]
    try:
        view.iam("DeleteUser", UserName=name)
    except AWSError as err:
        return _user_page(view, name, err.status, error=view.error_text(err))
    view.flash(f"User {name} deleted.")
    return view.redirect("users")
