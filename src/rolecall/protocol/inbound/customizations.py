"""The inverse of botocore's client-side rewrites of input members, so that parsed params
read as boto3 takes them rather than as they travel.

botocore's handlers change a few members before serializing; the wire then carries the
rewritten form. Only rewrites that lose nothing are undone here.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

# botocore.handlers.handle_copy_source_param: in ``x-amz-copy-source`` the bucket and key
# are percent-encoded, a ``?versionId=`` suffix is not.
_COPY_SOURCE_OPERATIONS = frozenset({("s3", "CopyObject"), ("s3", "UploadPartCopy")})
_VERSION_ID_SUFFIX = re.compile(r"\?versionId=[^\s]+$")


def undo(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if (service, operation) in _COPY_SOURCE_OPERATIONS and "CopySource" in params:
        params["CopySource"] = _copy_source(params["CopySource"])
    return params


def _copy_source(value: str) -> str:
    suffix = _VERSION_ID_SUFFIX.search(value)
    if suffix is None:
        return unquote(value)
    return unquote(value[: suffix.start()]) + value[suffix.start() :]
