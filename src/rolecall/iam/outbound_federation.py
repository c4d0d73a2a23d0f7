"""Enable/Disable/GetOutboundWebIdentityFederationInfo: whether an account's principals
may call sts:GetWebIdentityToken, and the account's issuer URL.

Enabling makes the account's issuer (a random id under rolecall's public URL) on first
use; disabling stops new tokens but keeps the issuer published, because AWS documents
that tokens issued before stay valid."""

from __future__ import annotations

import uuid
from typing import Any

from ..operations import CallContext, operation
from ..outbound.issuer_url import issuer_url
from ..protocol.errors import AWSError
from ..store.tables import OutboundFederation

ALREADY_ENABLED = ("Outbound web identity federation is already enabled for this account. "
                   "Use GetOutboundWebIdentityFederationInfo to fetch the issuer URL.")
ALREADY_DISABLED = "Outbound web identity federation is already disabled for this account."
NEVER_ENABLED = "Outbound web identity federation is not enabled for this account."


@operation("iam", "EnableOutboundWebIdentityFederation")
def enable_outbound_web_identity_federation(ctx: CallContext,
                                            params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.db.get(OutboundFederation, ctx.account_id)
    if row is None:
        row = OutboundFederation(account_id=ctx.account_id, issuer_id=str(uuid.uuid4()),
                                 enabled=True, created_at=ctx.now)
        ctx.db.add(row)
    elif row.enabled:
        raise AWSError("FeatureEnabled", ALREADY_ENABLED)
    row.enabled = True
    return {"IssuerIdentifier": issuer_url(row.issuer_id)}


@operation("iam", "DisableOutboundWebIdentityFederation")
def disable_outbound_web_identity_federation(ctx: CallContext,
                                             params: dict[str, Any]) -> None:
    row = ctx.db.get(OutboundFederation, ctx.account_id)
    if row is None or not row.enabled:
        raise AWSError("FeatureDisabled", ALREADY_DISABLED)
    row.enabled = False


@operation("iam", "GetOutboundWebIdentityFederationInfo")
def get_outbound_web_identity_federation_info(ctx: CallContext,
                                              params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.db.get(OutboundFederation, ctx.account_id)
    if row is None:
        raise AWSError("FeatureDisabled", NEVER_ENABLED)
    return {"IssuerIdentifier": issuer_url(row.issuer_id), "JwtVendingEnabled": row.enabled}
