"""The IAM policy language and AWS's evaluation logic, as a pure library.

parse_policy turns text into a validated, compiled Policy; evaluate decides a Request
against a PolicySet and returns a Decision that carries its reasons.
"""

from rolecall.policy.context_keys import context_keys
from rolecall.policy.document import Policy, Statement, parse_policy
from rolecall.policy.errors import MalformedPolicyError
from rolecall.policy.evaluate import (
    Decision,
    DeniedBy,
    MatchedStatement,
    PolicyRef,
    PolicySet,
    PolicyTrace,
    StatementTrace,
    evaluate,
)
from rolecall.policy.explain import explain
from rolecall.policy.findings import Finding, known_action, validate_policy_findings
from rolecall.policy.jsontext import Position
from rolecall.policy.messages import access_denied_message, denying_policy_arn
from rolecall.policy.request import Request, RequestPrincipal
from rolecall.policy.validate import PolicyType

__all__ = [
    "Decision",
    "DeniedBy",
    "Finding",
    "MalformedPolicyError",
    "MatchedStatement",
    "Policy",
    "PolicyRef",
    "PolicySet",
    "PolicyTrace",
    "PolicyType",
    "Position",
    "Request",
    "RequestPrincipal",
    "Statement",
    "StatementTrace",
    "access_denied_message",
    "context_keys",
    "denying_policy_arn",
    "evaluate",
    "explain",
    "known_action",
    "parse_policy",
    "validate_policy_findings",
]
