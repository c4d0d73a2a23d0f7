"""What a decision needs to know about resources the upstream holds, asked of the upstream
with its own credentials and cached until a call through rolecall changes it.

Today: a DynamoDB table's partition key attribute, which ``dynamodb:LeadingKeys`` is
computed from (AWS knows it from the table; the request names only attribute values).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .forward import Forwarder, UpstreamUnavailable
from .upstreams import Upstream

DYNAMODB_TARGET = "DynamoDB_20120810.DescribeTable"
# Calls after which a table's cached schema may be wrong.
_TABLE_CHANGES = frozenset({"CreateTable", "DeleteTable", "RestoreTableFromBackup",
                            "RestoreTableToPointInTime", "ImportTable"})
_MAX_ENTRIES = 10_000


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

    def changed(self, service: str | None, operation: str, params: dict[str, Any]) -> None:
        """Forget what a call that passed through may have changed."""
        if service == "dynamodb" and operation in _TABLE_CHANGES:
            gone = table_names(params)
            for key in [k for k in self._partition_keys if k[3] in gone]:
                del self._partition_keys[key]
