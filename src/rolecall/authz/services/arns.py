"""Resource ARNs built from the reference's templates and the call's parameters.

A template such as ``arn:${Partition}:s3:::${BucketName}/${ObjectName}`` is filled from
the call: ``Partition``, ``Region`` and ``Account`` from where the call is made, the other
variables from the parameter of the same name (case-insensitive, so ``repositoryName``
fills ``${RepositoryName}``) or from the aliases below. A parameter already holding an ARN
that fits the template is used as it is.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .call import Call

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Template variables whose parameter is named otherwise in the service's API.
ALIASES: dict[str, tuple[str, ...]] = {
    "BucketName": ("Bucket",),
    "ObjectName": ("Key",),
    "SecurityGroupId": ("GroupId",),
    "KeyPairName": ("KeyName",),
    "DbInstanceName": ("DBInstanceIdentifier",),
    "DbClusterInstanceName": ("DBClusterIdentifier",),
    "SnapshotName": ("DBSnapshotIdentifier",),
    "ClusterSnapshotName": ("DBClusterSnapshotIdentifier",),
    "SubnetGroupName": ("DBSubnetGroupName",),
    "ParameterGroupName": ("DBParameterGroupName",),
    "ClusterParameterGroupName": ("DBClusterParameterGroupName",),
    "RuleName": ("Rule",),
    "RoleNameWithPath": ("RoleName",),
    "UserNameWithPath": ("UserName",),
}


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    """The template as a regex, every variable matching one or more characters."""
    parts = _VARIABLE.split(template)
    pieces = [re.escape(p) if i % 2 == 0 else ".+" for i, p in enumerate(parts)]
    return re.compile("".join(pieces) + r"\Z")


def variables(template: str) -> list[str]:
    return _VARIABLE.findall(template)


def fits(arn: str, template: str) -> bool:
    return bool(_pattern(template).match(arn))


def fill(template: str, call: Call, values: dict[str, str] | None = None) -> str | None:
    """The template filled from ``values``, then the call's parameters; None when a
    variable has no value."""
    given = values or {}
    lowered = {str(k).lower(): v for k, v in call.params.items()}
    out = template
    for name in variables(template):
        value = given.get(name) or _builtin(name, call) or _param(name, call.params, lowered)
        if value is None:
            return None
        out = out.replace("${" + name + "}", value, 1)
    return out


def _builtin(name: str, call: Call) -> str | None:
    return {"Partition": call.partition, "Region": call.region,
            "Account": call.account_id}.get(name)


def _param(name: str, params: dict[str, Any], lowered: dict[str, Any]) -> str | None:
    for candidate in (*ALIASES.get(name, ()), name):
        value = params.get(candidate, lowered.get(candidate.lower()))
        if isinstance(value, str) and value:
            return value
    return None


def arn_param(call: Call, template: str) -> str | None:
    """A top-level parameter that already holds an ARN fitting ``template``."""
    for value in call.params.values():
        if isinstance(value, str) and value.startswith("arn:") and fits(value, template):
            return value
    return None


def account_of(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None
