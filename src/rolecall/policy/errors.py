"""The one error a policy document can raise, IAM's MalformedPolicyDocument, and the texts
IAM gives it."""

from __future__ import annotations

import re


class MalformedPolicyError(Exception):
    """A policy IAM would refuse to store; ``message`` is the text AWS returns."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


SYNTAX_ERROR = "Syntax errors in policy."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
LEGACY = "The policy failed legacy parsing"
ONE_COLON = "Actions/Condition can contain only one colon."
WILDCARD_VENDOR = "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards."
VERSION_REQUIRED = "Policy document must be version 2012-10-17 or greater."
SID_PATTERN = re.compile(r"[0-9A-Za-z]*")
