"""IAM SAML providers: the identity providers whose signed SAML responses
AssumeRoleWithSAML accepts, described by their SAML 2.0 metadata documents."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from sqlalchemy import select

from ..operations import CallContext, operation
from ..protocol.errors import AWSError, invalid_input, no_such_entity, not_implemented
from ..saml.metadata import IdpMetadata, InvalidMetadata, parse_metadata
from ..store.tables import SAMLProvider
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    list_tags,
    remove_tags,
    require_account_quota,
    tags_page,
)

TAG_TYPE = "saml-provider"
PROVIDER_ARN = re.compile(r"arn:aws:iam::(\d{12}):saml-provider/([\w.+=,@-]+)")
# Metadata without validUntil keeps a provider valid for a hundred years.
DEFAULT_VALIDITY_YEARS = 100
UNPARSABLE = "Could not parse metadata"
NO_UPDATES = ("Unable to update identity provider. No updates are defined for metadata or "
              "encryption assertion.")
_UUID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def provider_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:saml-provider/{name}"


def lookup(db, arn: str, account_id: str | None = None) -> SAMLProvider | None:
    """The provider an ARN names (the name matched without case), or None."""
    found = PROVIDER_ARN.fullmatch(arn)
    if found is None or (account_id is not None and found.group(1) != account_id):
        return None
    return db.scalar(select(SAMLProvider).where(SAMLProvider.account_id == found.group(1),
                                                SAMLProvider.name_lower ==
                                                found.group(2).lower()))


def find_provider(ctx: CallContext, arn: str) -> SAMLProvider:
    provider = lookup(ctx.db, arn, ctx.account_id)
    if provider is None:
        raise no_such_entity(f"Manifest not found for arn {arn}")
    return provider


def _metadata(document: str) -> IdpMetadata:
    try:
        return parse_metadata(document)
    except InvalidMetadata:
        raise invalid_input(UNPARSABLE) from None


def _valid_until(metadata: IdpMetadata, now: dt.datetime) -> dt.datetime:
    if metadata.valid_until is not None:
        return metadata.valid_until
    try:
        return now.replace(year=now.year + DEFAULT_VALIDITY_YEARS)
    except ValueError:  # 29 February
        return now.replace(year=now.year + DEFAULT_VALIDITY_YEARS, day=28)


def _refuse_encryption(params: dict[str, Any], operation_name: str) -> None:
    """Encrypted assertions (private keys, AssertionEncryptionMode) are not supported:
    accepting the settings without decrypting would pretend."""
    if any(params.get(k) is not None for k in ("AssertionEncryptionMode", "AddPrivateKey",
                                               "RemovePrivateKey")):
        raise not_implemented(f"{operation_name} with assertion encryption")


@operation("iam", "CreateSAMLProvider")
def create_saml_provider(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    _refuse_encryption(params, "CreateSAMLProvider")
    name = params["Name"]
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    metadata = _metadata(params["SAMLMetadataDocument"])
    if ctx.db.scalar(select(SAMLProvider).where(SAMLProvider.account_id == ctx.account_id,
                                                SAMLProvider.name_lower == name.lower())):
        raise AWSError("EntityAlreadyExists", f"SAMLProvider {name} already exists.")
    require_account_quota(ctx, SAMLProvider, "SAMLProvidersPerAccount")
    arn = provider_arn(ctx.account_id, name)
    ctx.db.add(SAMLProvider(
        arn=arn, account_id=ctx.account_id, name=name, name_lower=name.lower(),
        uuid="SAML" + "".join(secrets.choice(_UUID_ALPHABET) for _ in range(18)),
        metadata_document=params["SAMLMetadataDocument"], created_at=ctx.now,
        valid_until=_valid_until(metadata, ctx.now)))
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, arn, tags)
    result: dict[str, Any] = {"SAMLProviderArn": arn}
    if tags:
        result["Tags"] = list_tags(ctx.db, TAG_TYPE, arn)
    return result


@operation("iam", "UpdateSAMLProvider")
def update_saml_provider(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    _refuse_encryption(params, "UpdateSAMLProvider")
    provider = find_provider(ctx, params["SAMLProviderArn"])
    document = params.get("SAMLMetadataDocument")
    if document is None:
        raise invalid_input(NO_UPDATES)
    metadata = _metadata(document)
    provider.metadata_document = document
    provider.valid_until = _valid_until(metadata, ctx.now)
    return {"SAMLProviderArn": provider.arn}


@operation("iam", "GetSAMLProvider")
def get_saml_provider(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Recorded (localstack test_iam_saml_providers.snapshot.json, get-response): Tags and
    PrivateKeyList are present when empty, and AssertionEncryptionMode is "Allowed", the
    mode of a provider without private keys (the only kind rolecall keeps)."""
    provider = find_provider(ctx, params["SAMLProviderArn"])
    return {
        "SAMLProviderUUID": provider.uuid,
        "SAMLMetadataDocument": provider.metadata_document,
        "CreateDate": provider.created_at,
        "ValidUntil": provider.valid_until,
        "Tags": list_tags(ctx.db, TAG_TYPE, provider.arn),
        "AssertionEncryptionMode": "Allowed",
        "PrivateKeyList": [],
    }


@operation("iam", "ListSAMLProviders")
def list_saml_providers(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    providers = ctx.db.scalars(select(SAMLProvider).where(
        SAMLProvider.account_id == ctx.account_id).order_by(SAMLProvider.arn))
    return {"SAMLProviderList": [
        {"Arn": p.arn, "ValidUntil": p.valid_until, "CreateDate": p.created_at}
        for p in providers]}


@operation("iam", "DeleteSAMLProvider")
def delete_saml_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["SAMLProviderArn"])
    drop_all_tags(ctx, TAG_TYPE, provider.arn)
    ctx.db.delete(provider)


@operation("iam", "TagSAMLProvider")
def tag_saml_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["SAMLProviderArn"])
    add_tags(ctx, TAG_TYPE, provider.arn, params["Tags"])


@operation("iam", "UntagSAMLProvider")
def untag_saml_provider(ctx: CallContext, params: dict[str, Any]) -> None:
    provider = find_provider(ctx, params["SAMLProviderArn"])
    remove_tags(ctx, TAG_TYPE, provider.arn, params["TagKeys"])


@operation("iam", "ListSAMLProviderTags")
def list_saml_provider_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    provider = find_provider(ctx, params["SAMLProviderArn"])
    return tags_page(ctx, TAG_TYPE, provider.arn, params)
