"""Small helpers the page modules share: documents shown pretty, tags, policy checks."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from ..data import managed_policies
from ..policy import PolicyType
from ..protocol.errors import AWSError
from . import positions
from .web import View


def pretty(document: str | None) -> str:
    """A stored policy document indented for the editor (as typed when it is not JSON)."""
    if not document:
        return ""
    try:
        return json.dumps(json.loads(document), indent=4)
    except ValueError:
        return document


def problems(text: str, kind: PolicyType) -> list[positions.Problem]:
    return positions.check(text, kind)


def refused(text: str, kind: PolicyType) -> list[positions.Problem]:
    """Only IAM's own refusal (shown at its position after a failed save)."""
    return [p for p in positions.check(text, kind) if p.code == "MalformedPolicyDocument"]


@functools.cache
def _aws_managed_by_name() -> dict[str, str]:
    return {policy.name: arn for arn, policy in managed_policies.catalog().items()}


def policy_arn(view: View, text: str) -> str:
    """The policy an attach field names: an ARN as given, or a name looked up among the
    account's customer managed policies (as the signed-in identity), then AWS managed ones
    whatever their path. An unknown name stays the account's ARN, so IAM answers for it."""
    text = text.strip()
    if text.startswith("arn:") or not text:
        return text
    local = f"arn:aws:iam::{view.principal.account_id}:policy/{text}"
    try:
        view.iam("GetPolicy", PolicyArn=local)
        return local
    except AWSError as err:
        if err.code != "NoSuchEntity":
            return local  # not readable here: the attach call itself decides
    return _aws_managed_by_name().get(text, local)


EntityPage = Callable[..., Response]


def put_inline_policy(view: View, operation: str, entity: str, entity_page: EntityPage,
                      path: str) -> Response:
    """The inline-policy form a user's and a role's page share: "check" shows IAM's error
    and the findings at their position; saving runs ``operation`` (PutUserPolicy,
    PutRolePolicy) on the entity named ``entity`` (UserName, RoleName) in the path."""
    name = view.request.path_params["name"]
    policy_name, document = view.field("name"), str(view.form.get("document", ""))
    values: dict[str, Any] = {"inline_name": policy_name, "inline_document": document}
    if view.field("intent") == "check":
        return entity_page(view, name, inline_problems=problems(document, PolicyType.IDENTITY),
                           **values)
    try:
        view.iam(operation, **{entity: name}, PolicyName=policy_name, PolicyDocument=document)
    except AWSError as err:
        return entity_page(view, name, err.status, inline_error=view.error_text(err),
                           inline_problems=refused(document, PolicyType.IDENTITY), **values)
    view.flash(f"Inline policy {policy_name} saved.")
    return view.redirect(f"{path}/{name}")
