"""GetAccessKeyInfo: the account an access key id belongs to, whatever the key's state."""

from __future__ import annotations

from typing import Any

from ..operations import CallContext, operation
from ..protocol.errors import AWSError
from ..store.tables import AccessKey
from .sessions import account_of_key


@operation("sts", "GetAccessKeyInfo")
def get_access_key_info(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = params["AccessKeyId"]
    stored = ctx.db.get(AccessKey, key_id)
    account = stored.account_id if stored is not None else account_of_key(key_id)
    if account is None:
        raise AWSError("InvalidParameterValue", f"The access key ID {key_id} is not valid.")
    return {"Account": account}
