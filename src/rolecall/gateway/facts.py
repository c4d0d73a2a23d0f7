"""What a decision needs to know about resources the upstream holds, asked of the upstream
with its own credentials and cached until a call through rolecall changes it.

A DynamoDB table's partition key attribute, which ``dynamodb:LeadingKeys`` is computed
from (AWS knows it from the table; the request names only attribute values); the tags of
an EC2 resource (``aws:ResourceTag/…``, ``ec2:ResourceTag/…``) and of an S3 object
(``s3:ExistingObjectTag/…``), for attribute-based policies. Tags are read again after a
second, for changes made through another server process.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
import xml.etree.ElementTree as ElementTree
from typing import Any
from urllib.parse import quote, urlencode

from .forward import Forwarder, UpstreamUnavailable
from .upstreams import Upstream

DYNAMODB_TARGET = "DynamoDB_20120810.DescribeTable"
# Calls after which a table's cached schema may be wrong.
_TABLE_CHANGES = frozenset({"CreateTable", "DeleteTable", "RestoreTableFromBackup",
                            "RestoreTableToPointInTime", "ImportTable"})
_MAX_ENTRIES = 10_000
TAGS_TTL_SECONDS = 1.0
# The condition keys read from a resource's tags: a resource's tags are read only when a
# policy that applies names one of them.
TAG_KEYS = ("aws:ResourceTag/", "ec2:ResourceTag/", "s3:ExistingObjectTag/")


def names_tag_keys(policy: str | None) -> bool:
    """Whether a policy document names a tag condition key (case-insensitively, as IAM
    compares keys); answered once per document."""
    return _names_tag_keys(policy) if policy else False


@functools.lru_cache(maxsize=4096)
def _names_tag_keys(policy: str) -> bool:
    lowered = policy.lower()
    return any(key.lower() in lowered for key in TAG_KEYS)


# Calls after which a resource's tags may have changed.
_TAG_CHANGES = {"ec2": {"CreateTags", "DeleteTags"},
                "s3": {"PutObjectTagging", "DeleteObjectTagging", "PutObject", "CopyObject",
                       "DeleteObject", "CompleteMultipartUpload"}}
_EC2_ID = re.compile(r"[a-z]+-[0-9a-f]{8,17}")


def table_names(params: dict[str, Any]) -> set[str]:
    """Every table a DynamoDB call names."""
    names: set[str] = set()
    if isinstance(params.get("TableName"), str):
        names.add(params["TableName"])
    for key in ("RequestItems",):
        if isinstance(params.get(key), dict):
            names.update(k for k in params[key] if isinstance(k, str))
    for item in params.get("TransactItems") or []:
        if isinstance(item, dict):
            for part in item.values():
                if isinstance(part, dict) and isinstance(part.get("TableName"), str):
                    names.add(part["TableName"])
    return names


class Facts:
    def __init__(self, forwarder: Forwarder) -> None:
        self._forwarder = forwarder
        self._partition_keys: dict[tuple[str, str, str, str], str | None] = {}
        self._tags: dict[str, tuple[float, dict[str, str]]] = {}

    async def tag_context(self, upstream: Upstream, account: str, region: str, arn: str,
                          now: dt.datetime) -> dict[str, str]:
        """The condition keys of the tags the resource ``arn`` carries, when it is one
        whose tags policies can test (an EC2 resource by id, an S3 object)."""
        parts = arn.split(":", 5)
        if len(parts) != 6:
            return {}
        service, rest = parts[2], parts[5]
        if service == "ec2":
            resource_id = rest.rpartition("/")[2]
            if not _EC2_ID.fullmatch(resource_id):
                return {}
            tags = await self._cached_tags(arn, lambda: self._ec2_tags(
                upstream, parts[4] or account, parts[3] or region, resource_id, now))
            return {**{f"aws:ResourceTag/{k}": v for k, v in tags.items()},
                    **{f"ec2:ResourceTag/{k}": v for k, v in tags.items()}}
        if service == "s3" and "/" in rest and "*" not in rest:
            bucket, key = rest.split("/", 1)
            tags = await self._cached_tags(arn, lambda: self._object_tags(
                upstream, account, bucket, key, now))
            return {f"s3:ExistingObjectTag/{k}": v for k, v in tags.items()}
        return {}

    async def _cached_tags(self, arn: str, read) -> dict[str, str]:
        cached = self._tags.get(arn)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            tags = await read()
        except (UpstreamUnavailable, ValueError):
            tags = {}
        if len(self._tags) > _MAX_ENTRIES:
            self._tags.clear()
        self._tags[arn] = (time.monotonic() + TAGS_TTL_SECONDS, tags)
        return tags

    async def _ec2_tags(self, upstream: Upstream, account: str, region: str,
                        resource_id: str, now: dt.datetime) -> dict[str, str]:
        form = urlencode({"Action": "DescribeTags", "Version": "2016-11-15",
                          "Filter.1.Name": "resource-id",
                          "Filter.1.Value.1": resource_id}).encode()
        status, body = await self._forwarder.fetch(
            upstream, account_id=account, signing_name="ec2", region=region, now=now,
            headers={"content-type": ["application/x-www-form-urlencoded"]}, body=form)
        return _pairs(body) if status == 200 else {}

    async def _object_tags(self, upstream: Upstream, account: str, bucket: str, key: str,
                           now: dt.datetime) -> dict[str, str]:
        status, body = await self._forwarder.fetch(
            upstream, account_id=account, signing_name="s3", region="us-east-1", now=now,
            method="GET", raw_path=f"/{quote(bucket)}/{quote(key, safe='/~')}",
            query_string="tagging", headers={})
        return _pairs(body) if status == 200 else {}

    async def key_schema(self, upstream: Upstream, account: str, region: str,
                         params: dict[str, Any], now: dt.datetime) -> dict[str, str]:
        """Table name → partition key attribute, for the tables the call names."""
        found: dict[str, str] = {}
        for table in table_names(params):
            key = (upstream.url, account, region, table)
            if key not in self._partition_keys:
                if len(self._partition_keys) > _MAX_ENTRIES:
                    self._partition_keys.clear()
                self._partition_keys[key] = await self._describe(upstream, account, region,
                                                                 table, now)
            name = self._partition_keys[key]
            if name is not None:
                found[table] = name
        return found

    async def _describe(self, upstream: Upstream, account: str, region: str, table: str,
                        now: dt.datetime) -> str | None:
        try:
            status, body = await self._forwarder.fetch(
                upstream, account_id=account, signing_name="dynamodb", region=region,
                now=now, headers={"content-type": ["application/x-amz-json-1.0"],
                                  "x-amz-target": [DYNAMODB_TARGET]},
                body=json.dumps({"TableName": table}).encode())
        except UpstreamUnavailable:
            return None
        if status != 200:
            return None
        schema = json.loads(body).get("Table", {}).get("KeySchema", [])
        return next((k["AttributeName"] for k in schema if k.get("KeyType") == "HASH"), None)

    def changed(self, service: str | None, operation: str, params: dict[str, Any],
                resources: list[str]) -> None:
        """Forget what a call that passed through may have changed."""
        if service in _TAG_CHANGES and operation in _TAG_CHANGES[service]:
            if service == "ec2":
                ids = {str(r) for r in params.get("Resources") or []}
                gone = [arn for arn in self._tags if arn.rpartition("/")[2] in ids]
            else:
                gone = [arn for arn in self._tags if arn in resources]
            for key in gone:
                del self._tags[key]
        if service == "dynamodb" and operation in _TABLE_CHANGES:
            gone = table_names(params)
            for key in [k for k in self._partition_keys if k[3] in gone]:
                del self._partition_keys[key]


def _pairs(body: bytes) -> dict[str, str]:
    """Key/Value pairs of an EC2 DescribeTags (``<item><key>…<value>``) or S3
    GetObjectTagging (``<Tag><Key>…<Value>``) answer."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return {}
    found: dict[str, str] = {}
    for element in root.iter():
        fields = {child.tag.rsplit("}", 1)[-1].lower(): child.text or "" for child in element}
        if "key" in fields and "value" in fields:
            found[fields["key"]] = fields["value"]
    return found
