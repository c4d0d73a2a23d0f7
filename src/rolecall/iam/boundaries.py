"""Permissions boundaries: which policies may be one, and how GetUser/GetRole show it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..data import managed_policies
from ..operations import CallContext
from ..protocol.errors import AWSError, invalid_input
from ..store.tables import ManagedPolicy
from .policies import is_policy_arn


def boundary_shape(arn: str) -> dict[str, Any]:
    # AWS answers "Policy" although the API reference lists "PermissionsBoundaryPolicy" as the
    # only type: recorded CreateRole/GetRole answers (LocalStack's AWS-validated
    # test_iam_roles snapshot, test_role_permissions_boundary_lifecycle) are followed.
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


def require_boundary_policy(ctx: CallContext, arn: str) -> None:
    """A boundary must be an existing managed policy: AWS's or one of this account's."""
    # An ARN of anything but a policy (``arn:aws:iam::123456789012:not_a_policy/x``) is
    # InvalidInput, not NoSuchEntity: LocalStack's AWS-validated test_iam_roles snapshot,
    # test_role_permissions_boundary_errors (put-invalid-boundary-error).
    if not is_policy_arn(arn):
        raise invalid_input(f"ARN {arn} is not valid.")
    if managed_policies.get(arn) is not None:
        return
    found = ctx.db.scalar(select(ManagedPolicy.id).where(ManagedPolicy.account_id == ctx.account_id,
                                                         ManagedPolicy.arn == arn))
    if found is None:
        raise AWSError("NoSuchEntity", f"Scope ARN: {arn} does not exist or is not attachable.")
