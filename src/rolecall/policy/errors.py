"""The one error a policy document can raise: IAM's MalformedPolicyDocument."""

from __future__ import annotations


class MalformedPolicyError(Exception):
    """A policy IAM would refuse to store; ``message`` is the text AWS returns."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


SYNTAX_ERROR = "Syntax errors in policy."
