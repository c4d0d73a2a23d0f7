"""IAM OpenID Connect providers: the issuers whose ID tokens AssumeRoleWithWebIdentity
accepts for a role, with their client ids (audiences) and certificate thumbprints."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError, invalid_input, no_such_entity
from ..store.tables import OIDCProvider
from . import quotas
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    fold_key,
    list_tags,
    remove_tags,
    require_account_quota,
    tags_page,
)

TAG_TYPE = "oidc-provider"


def provider_arn(account_id: str, url: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{url}"


def url_key(url: str) -> str:
    """How IAM names an issuer: the URL without its scheme (and without a trailing slash)."""
    return url.removeprefix("https://").rstrip("/")


def find_provider(ctx: CallContext, arn: str, *, deleting: bool = False) -> OIDCProvider:
    """IAM words a missing provider one way for reads and another on deletion (recorded
    GetOpenIDConnectProvider and DeleteOpenIDConnectProvider answers, LocalStack's
    AWS-validated test_iam_oidc snapshot)."""
    provider = ctx.db.scalar(select(OIDCProvider).where(OIDCProvider.arn == arn,
                                                        OIDCProvider.account_id ==
                                                        ctx.account_id))
    if provider is None:
        if deleting:
            raise no_such_entity(f"OpenId connect Provider {arn} cannot be found.")
        raise no_such_entity(f"OpenIDConnect Provider not found for arn {arn}")
    return provider


def _client_ids(provider: OIDCProvider) -> list[str]:
    return json.loads(provider.client_ids)


def _check_thumbprints(thumbprints: list[str]) -> list[str]:
    if len(thumbprints) > quotas.THUMBPRINTS_PER_OIDC_PROVIDER:
        # Recorded wording (test_iam_oidc snapshot, too-many-thumbprints), "fewer" included.
        raise invalid_input("Thumbprint list must contain fewer than 5 entries.")
    for value in thumbprints:
        if any(ch not in "0123456789abcdefABCDEF" for ch in value):
            raise invalid_input(f"Thumbprint {value} is not a valid SHA-1 hex string.")
    return [t.lower() for t in thumbprints]


@operation("iam", "CreateOpenIDConnectProvider")
def create_open_id_connect_provider(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    url = params["Url"]
    if not url.startswith("https://") or len(url_key(url)) == 0:
        # Recorded answer for a URL that is not https (test_iam_oidc snapshot, invalid-url).
        raise AWSError("ValidationError", "Invalid Open ID Connect Provider URL")
    key = url_key(url)
    client_ids = list(dict.fromkeys(params.get("ClientIDList") or []))
    if len(client_ids) > quotas.CLIENT_IDS_PER_OIDC_PROVIDER:
        raise quotas.exceeded("ClientIdsPerOpenIdConnectProvider",
                              quotas.CLIENT_IDS_PER_OIDC_PROVIDER)
    thumbprints = _check_thumbprints(params.get("ThumbprintList") or [])
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    arn = provider_arn(ctx.account_id, key)
    if ctx.db.get(OIDCProvider, arn) is not None:
        raise AWSError("EntityAlreadyExists", f"Provider with url {url} already exists.")
    require_account_quota(ctx, OIDCProvider, "OpenIdConnectProvidersPerAccount")
    ctx.db.add(OIDCProvider(arn=arn, account_id=ctx.account_id, url=key,
                            client_ids=json.dumps(client_ids),
                            thumbprints=json.dumps(thumbprints), created_at=ctx.now))
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, arn, tags)
    result: dict[str, Any] = {"OpenIDConnectProviderArn": arn}
    if tags:
        result["Tags"] = list_tags(ctx.db, TAG_TYPE, arn)
    return result


@operation("iam", "GetOpenIDConnectProvider")
def get_open_id_connect_provider(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    result: dict[str, Any] = {
        "Url": provider.url,
        "ClientIDList": _client_ids(provider),
        "ThumbprintList": json.loads(provider.thumbprints),
        "CreateDate": provider.created_at,
        # Present, empty or not (localstack test_iam_oidc.snapshot.json, recorded from AWS).
        "Tags": list_tags(ctx.db, TAG_TYPE, provider.arn),
    }
    return result


@operation("iam", "ListOpenIDConnectProviders")
def list_open_id_connect_providers(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    arns = ctx.db.scalars(select(OIDCProvider.arn).where(
        OIDCProvider.account_id == ctx.account_id).order_by(OIDCProvider.arn))
    return {"OpenIDConnectProviderList": [{"Arn": arn} for arn in arns]}


@operation("iam", "DeleteOpenIDConnectProvider")
def delete_open_id_connect_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"], deleting=True)
    drop_all_tags(ctx, TAG_TYPE, provider.arn)
    ctx.db.delete(provider)


@operation("iam", "AddClientIDToOpenIDConnectProvider")
def add_client_id(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    ids = _client_ids(provider)
    if params["ClientID"] in ids:
        return  # adding an existing client id changes nothing, as in IAM
    if len(ids) >= quotas.CLIENT_IDS_PER_OIDC_PROVIDER:
        raise quotas.exceeded("ClientIdsPerOpenIdConnectProvider",
                              quotas.CLIENT_IDS_PER_OIDC_PROVIDER)
    provider.client_ids = json.dumps([*ids, params["ClientID"]])


@operation("iam", "RemoveClientIDFromOpenIDConnectProvider")
def remove_client_id(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    provider.client_ids = json.dumps([c for c in _client_ids(provider)
                                      if c != params["ClientID"]])


@operation("iam", "UpdateOpenIDConnectProviderThumbprint")
def update_thumbprint(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    provider.thumbprints = json.dumps(_check_thumbprints(params["ThumbprintList"]))


@operation("iam", "TagOpenIDConnectProvider")
def tag_open_id_connect_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    held = {fold_key(TAG_TYPE, t["Key"]) for t in list_tags(ctx.db, TAG_TYPE, provider.arn)}
    wanted = held | {fold_key(TAG_TYPE, t["Key"]) for t in params["Tags"]}
    if len(wanted) > quotas.TAGS_PER_RESOURCE:
        # Recorded wording (test_iam_oidc snapshot, tags-limit-error).
        raise AWSError("LimitExceeded", "The number of tags has reached the maximum limit.")
    add_tags(ctx, TAG_TYPE, provider.arn, params["Tags"])


@operation("iam", "UntagOpenIDConnectProvider")
def untag_open_id_connect_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    remove_tags(ctx, TAG_TYPE, provider.arn, params["TagKeys"])


@operation("iam", "ListOpenIDConnectProviderTags")
def list_open_id_connect_provider_tags(ctx: CallContext,
                                       params: dict[str, Any]) -> dict[str, Any]:
    provider = find_provider(ctx, params["OpenIDConnectProviderArn"])
    return tags_page(ctx, TAG_TYPE, provider.arn, params)
