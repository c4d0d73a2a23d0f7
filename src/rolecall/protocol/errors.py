"""AWS errors as exceptions that carry their wire code, message and HTTP status.

Handlers raise :class:`AWSError` with AWS's error code; the HTTP status and the
Sender/Receiver fault type come from the error shapes of botocore's models, so a
code is written once and its status can never drift from AWS's.
"""

from __future__ import annotations

import functools

import botocore.session

# Errors common to all AWS query APIs, which the service models do not list
# (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
_COMMON: dict[str, tuple[int, bool]] = {
    "AccessDenied": (403, True),
    "AccessDeniedException": (403, True),
    "ExpiredToken": (403, True),
    "IncompleteSignature": (400, True),
    "InternalFailure": (500, False),
    "InvalidAction": (400, True),
    "InvalidClientTokenId": (403, True),
    "InvalidParameterCombination": (400, True),
    "InvalidParameterValue": (400, True),
    "InvalidQueryParameter": (400, True),
    "MalformedQueryString": (404, True),
    "MissingAction": (400, True),
    "MissingAuthenticationToken": (403, True),
    "MissingParameter": (400, True),
    "NotImplemented": (501, False),
    "OptInRequired": (403, True),
    "RequestExpired": (400, True),
    "ServiceUnavailable": (503, False),
    "SignatureDoesNotMatch": (403, True),
    "Throttling": (400, True),
    "ValidationError": (400, True),
}


@functools.cache
def _status_table() -> dict[str, tuple[int, bool]]:
    table = dict(_COMMON)
    session = botocore.session.get_session()
    for service in ("iam", "sts", "organizations"):
        model = session.get_service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            if not shape.metadata.get("exception"):
                continue
            error = shape.metadata.get("error", {})
            code = error.get("code", name)
            table.setdefault(
                code, (error.get("httpStatusCode", 400), bool(error.get("senderFault", False)))
            )
    return table


class AWSError(Exception):
    """An error AWS would answer with: ``code`` and ``message`` go on the wire as they are."""

    def __init__(self, code: str, message: str, status: int | None = None,
                 **fields: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        # Members of the error shape beyond the message (Organizations' ``Reason``), which
        # the JSON protocol serializes beside it.
        self.fields = fields
        # The policy decision behind an AccessDenied, for encoded authorization messages.
        self.decision: object | None = None
        known = _status_table().get(code, (400, True))
        self.status = status if status is not None else known[0]
        self.sender_fault = known[1]


def not_implemented(operation: str) -> AWSError:
    return AWSError("NotImplemented", f"The operation {operation} is not implemented by rolecall.")


def no_such_entity(message: str) -> AWSError:
    return AWSError("NoSuchEntity", message)


def invalid_input(message: str) -> AWSError:
    return AWSError("InvalidInput", message)


def validation_error(message: str) -> AWSError:
    return AWSError("ValidationError", message)
