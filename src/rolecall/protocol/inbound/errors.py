"""The one exception the inbound layer raises."""

from __future__ import annotations


class InboundError(Exception):
    """A request that cannot be read as the operation it names (a malformed body, a value of
    the wrong type). The caller answers it in the service's own error format."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
