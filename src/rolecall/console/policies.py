"""Policies: customer managed and AWS managed, their versions and default version, and a
JSON editor that shows IAM's errors and the validate-policy findings at line and column."""

from __future__ import annotations

from starlette.responses import Response

from ..policy import PolicyType
from ..protocol.errors import AWSError
from . import forms
from .web import View, page

PAGE_SIZE = 100


@page
def list_policies(view: View) -> Response:
    scope = "AWS" if view.request.query_params.get("scope") == "AWS" else "Local"
    marker = view.request.query_params.get("marker") or None
    found = view.iam("ListPolicies", Scope=scope, MaxItems=PAGE_SIZE, Marker=marker)
    return view.render("policies.html", title="Policies", policies=found["Policies"],
                       scope=scope,
                       marker=found.get("Marker") if found.get("IsTruncated") else None)


@page
def new_policy(view: View) -> Response:
    values = {"name": view.field("name"), "description": view.field("description"),
              "document": str(view.form.get("document", ""))}
    if view.request.method == "GET":
        values["document"] = forms.pretty(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "", '
            '"Resource": "*"}]}')
        return view.render("policy_new.html", title="Create policy", values=values)
    if view.field("intent") == "check":
        return view.render("policy_new.html", title="Create policy", values=values,
                           problems=forms.problems(values["document"], PolicyType.IDENTITY))
    try:
        created = view.iam("CreatePolicy", PolicyName=values["name"],
                           PolicyDocument=values["document"],
                           Description=values["description"] or None)["Policy"]
    except AWSError as err:
        return view.render("policy_new.html", err.status, title="Create policy", values=values,
                           error=view.error_text(err),
                           problems=forms.refused(values["document"], PolicyType.IDENTITY))
    view.flash(f"Policy {values['name']} created.")
    return view.redirect("policies/view", arn=created["Arn"])


def _policy_page(view: View, arn: str, status: int = 200, **extra) -> Response:
    policy = view.iam("GetPolicy", PolicyArn=arn)["Policy"]
    versions = view.iam("ListPolicyVersions", PolicyArn=arn)["Versions"]
    shown = view.request.query_params.get("version") or policy["DefaultVersionId"]
    version = view.iam("GetPolicyVersion", PolicyArn=arn, VersionId=shown)["PolicyVersion"]
    extra.setdefault("document", forms.pretty(version["Document"]))
    return view.render("policy.html", status, title=f"Policy {policy['PolicyName']}",
                       policy=policy, versions=versions, version=version, **extra)


@page
def show_policy(view: View) -> Response:
    return _policy_page(view, view.request.query_params.get("arn", ""))


@page
def new_version(view: View) -> Response:
    arn, document = view.field("arn"), str(view.form.get("document", ""))
    if view.field("intent") == "check":
        return _policy_page(view, arn, document=document,
                            problems=forms.problems(document, PolicyType.IDENTITY))
    try:
        view.iam("CreatePolicyVersion", PolicyArn=arn, PolicyDocument=document,
                 SetAsDefault=bool(view.form.get("default")))
    except AWSError as err:
        return _policy_page(view, arn, err.status, document=document,
                            error=view.error_text(err),
                            problems=forms.refused(document, PolicyType.IDENTITY))
    view.flash("Policy version created.")
    return view.redirect("policies/view", arn=arn)


@page
def set_default(view: View) -> Response:
    arn = view.field("arn")
    try:
        view.iam("SetDefaultPolicyVersion", PolicyArn=arn, VersionId=view.field("version"))
    except AWSError as err:
        return _policy_page(view, arn, err.status, error=view.error_text(err))
    view.flash("Default version set.")
    return view.redirect("policies/view", arn=arn)


@page
def delete_policy(view: View) -> Response:
    arn = view.field("arn")
    try:
        view.iam("DeletePolicy", PolicyArn=arn)
    except AWSError as err:
        return _policy_page(view, arn, err.status, error=view.error_text(err))
    view.flash("Policy deleted.")
    return view.redirect("policies")
