"""DecodeAuthorizationMessage: the details behind a refusal that carried an encoded
authorization message (see authz/encoded_messages.py). The caller needs
sts:DecodeAuthorizationMessage, checked by the pipeline."""

from __future__ import annotations

from typing import Any

from ..authz import encoded_messages
from ..operations import CallContext, operation
from ..protocol.errors import AWSError


@operation("sts", "DecodeAuthorizationMessage")
def decode_authorization_message(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    decoded = encoded_messages.decode(ctx.server.keys, params["EncodedMessage"])
    if decoded is None:
        raise AWSError("InvalidAuthorizationMessageException",
                       "The encoded authorization message is not valid.")
    return {"DecodedMessage": decoded}
