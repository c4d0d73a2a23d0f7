"""One operation call as the mappings see it, and the Check each authorization becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Context = dict[str, str | list[str]]


@dataclass(frozen=True)
class Check:
    """One authorization AWS makes: ``action`` on ``resource`` (an ARN or ``*``), with the
    request's condition keys for it (strings or lists of strings, as the engine takes)."""

    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """``prefix`` is the service's IAM prefix; ``account_id`` the account a resource is in
    unless the request names another."""

    service: str
    prefix: str
    operation: str
    params: dict[str, Any]
    region: str
    account_id: str
    key_schema: Mapping[str, str] | None = None

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    def text(self, name: str) -> str | None:
        """A string parameter, or None when absent, empty or not a string."""
        value = self.params.get(name)
        return value if isinstance(value, str) and value else None


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"
