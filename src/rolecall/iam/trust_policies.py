"""The checks IAM runs on a role trust policy before it stores one (CreateRole,
UpdateAssumeRolePolicy): grammar, principals that must exist, and the size quota."""

from __future__ import annotations

import re

from sqlalchemy import exists, select

from ..operations import CallContext
from ..policy import MalformedPolicyError, Policy, PolicyType, parse_policy
from ..protocol.errors import AWSError
from ..store.tables import Role, User
from . import quotas

# arn:aws:iam::123456789012:user/some/path/Name — a user or role of one account.
_ENTITY_ARN = re.compile(r"arn:aws:iam::(\d{12}):(user|role)(/(?:[^/]+/)*)([^/]+)")


def validate_trust_policy(ctx: CallContext, text: str) -> Policy:
    """Parse ``text`` as a trust policy as IAM does; raise AWS's error when IAM would refuse it."""
    try:
        policy = parse_policy(text, PolicyType.TRUST)
    except MalformedPolicyError as err:
        raise AWSError("MalformedPolicyDocument", err.message) from None
    for kind, value in policy.principals():
        if kind == "AWS" and not _entity_exists(ctx, value):
            raise AWSError("MalformedPolicyDocument",
                           f'Invalid principal in policy: "{kind}":"{value}"')
    allowed = quotas.limit(ctx.db, ctx.account_id, "ACLSizePerRole")
    if quotas.policy_size(text) > allowed:
        raise quotas.exceeded("ACLSizePerRole", allowed)
    return policy


def _entity_exists(ctx: CallContext, principal: str) -> bool:
    """IAM resolves user and role ARNs of its own account when it stores the policy,
    so one that names no existing entity is refused; other principals are not looked up."""
    found = _ENTITY_ARN.fullmatch(principal)
    if found is None or found.group(1) != ctx.account_id:
        return True
    _, kind, path, name = found.groups()
    table = User if kind == "user" else Role
    return bool(ctx.db.scalar(select(exists().where(
        table.account_id == ctx.account_id,
        table.name_lower == name.lower(),
        table.path == path,
    ))))
