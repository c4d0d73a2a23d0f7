"""DecodeAuthorizationMessage. The caller needs sts:DecodeAuthorizationMessage (checked by
the pipeline). Encoded authorization messages come from services that return them with a
refusal (EC2 and others); neither IAM nor STS returns one, so no message given to this
server can be one it issued, and every input is answered as invalid, as AWS answers a
message it did not issue."""

from __future__ import annotations

from typing import Any

from ..operations import CallContext, operation
from ..protocol.errors import AWSError


@operation("sts", "DecodeAuthorizationMessage")
def decode_authorization_message(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    raise AWSError("InvalidAuthorizationMessageException",
                   "The encoded authorization message is not valid.")
