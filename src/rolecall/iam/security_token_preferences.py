"""SetSecurityTokenServicePreferences: which session tokens the global STS endpoint issues.

Version 1 tokens are valid only in Regions enabled by default, version 2 tokens in every
Region. rolecall serves one endpoint and its tokens work everywhere, so the preference is
stored and reported (GetAccountSummary's GlobalEndpointTokenVersion) as IAM does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..operations import CallContext, operation
from ..store.tables import SecurityTokenPreference

DEFAULT_VERSION = "v1Token"


def global_endpoint_token_version(db: Session, account_id: str) -> int:
    """1 or 2, as GetAccountSummary reports it."""
    row = db.get(SecurityTokenPreference, account_id)
    version = row.global_endpoint_token_version if row else DEFAULT_VERSION
    return 2 if version == "v2Token" else 1


@operation("iam", "SetSecurityTokenServicePreferences")
def set_security_token_service_preferences(ctx: CallContext, params: dict[str, Any]) -> None:
    version = params["GlobalEndpointTokenVersion"]
    row = ctx.db.get(SecurityTokenPreference, ctx.account_id)
    if row is None:
        ctx.db.add(SecurityTokenPreference(account_id=ctx.account_id,
                                           global_endpoint_token_version=version))
    else:
        row.global_endpoint_token_version = version
