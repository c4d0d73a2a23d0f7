"""Small helpers the page modules share: documents shown pretty, tags, policy checks."""

from __future__ import annotations

import json

from ..policy import PolicyType
from . import positions


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
