"""DynamoDB: one check per table of a batch, per item of a transaction, and the
fine-grained access keys (``dynamodb:LeadingKeys``, ``Attributes``, ``Select``,
``ReturnValues``) from "Using IAM policy conditions for fine-grained access control"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).

``dynamodb:LeadingKeys`` holds the partition key value, whose attribute name is in the
table's schema, not the request: it comes from the caller's ``key_schema`` hint (table ->
partition key attribute) when given (for a Query, from the key condition's equality on
that attribute), else from ``Key`` when it has exactly one attribute; otherwise the key is
left out (a policy requiring it then does not match, as when absent).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from .call import Call, Check, Context
from .default import check

_TRANSACT_WRITE = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                   "ConditionCheck": "ConditionCheckItem"}
_BATCH_WRITE = {"PutRequest": "Item", "DeleteRequest": "Key"}
# "pk = :v" or "#pk = :v" in a KeyConditionExpression.
_EQUALITY = re.compile(r"(?P<name>#?[\w.-]+)\s*=\s*(?P<value>:[\w-]+)")


def table_arn(call: Call, table: str, index: str | None = None) -> str:
    base = table if table.startswith("arn:") else (
        f"arn:{call.partition}:dynamodb:{call.region}:{call.account_id}:table/{table}")
    return f"{base}/index/{index}" if index else base


def checks(call: Call) -> list[Check] | None:
    operation, params = call.operation, call.params
    if operation in ("BatchGetItem", "BatchWriteItem"):
        items = params.get("RequestItems")
        if not isinstance(items, dict):
            return None
        return [check(call, f"dynamodb:{operation}", table_arn(call, str(table)),
                      _batch_context(call, operation, str(table), request))
                for table, request in items.items()] or None
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return _transaction(call) or None
    table = call.text("TableName")
    if not table:
        return None
    return [check(call, f"dynamodb:{operation}", table_arn(call, table, call.text("IndexName")),
                  item_context(call, table, params))]


def _transaction(call: Call) -> list[Check]:
    """Each item of a transaction is decided as its own action on its table."""
    found = []
    entries = call.params.get("TransactItems")
    for entry in entries if isinstance(entries, list) else []:
        for member, body in (entry.items() if isinstance(entry, dict) else []):
            name = "GetItem" if member == "Get" else _TRANSACT_WRITE.get(member)
            if name and isinstance(body, dict) and isinstance(body.get("TableName"), str):
                table = body["TableName"]
                found.append(check(call, f"dynamodb:{name}", table_arn(call, table),
                                   item_context(call, table, body)))
    return found


def _batch_context(call: Call, operation: str, table: str, request: Any) -> Context:
    values: list[str] = []
    if operation == "BatchGetItem" and isinstance(request, dict):
        for key in request.get("Keys") or []:
            values += _leading(call, table, key, only_key=True)
        return _leading_context(values)
    for entry in request if isinstance(request, list) else []:
        for member, field in _BATCH_WRITE.items():
            body = entry.get(member) if isinstance(entry, dict) else None
            if isinstance(body, dict):
                values += _leading(call, table, body.get(field), field == "Key")
    return _leading_context(values)


def _leading_context(values: list[str]) -> Context:
    return {"dynamodb:LeadingKeys": values} if values else {}


def _leading(call: Call, table: str, item: Any, only_key: bool) -> list[str]:
    """The partition key value of one Key/Item, when it can be known."""
    if not isinstance(item, dict) or not item:
        return []
    name = (call.key_schema or {}).get(table)
    if name is None and only_key and len(item) == 1:
        name = next(iter(item))
    value = attribute_text(item.get(name)) if name is not None else None
    return [value] if value is not None else []


def attribute_text(value: Any) -> str | None:
    """An AttributeValue (``{"S": "x"}``, ``{"N": "1"}``, ``{"B": b"..."}``) as text."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    kind, raw = next(iter(value.items()))
    if kind in ("S", "N") and isinstance(raw, str):
        return raw
    if kind == "B" and isinstance(raw, (bytes, bytearray)):
        return base64.b64encode(raw).decode()
    return None


def _query_leading(call: Call, table: str, body: dict[str, Any]) -> list[str]:
    """A Query's partition key value, from its key condition, when the schema hint names
    the table's partition key."""
    name = (call.key_schema or {}).get(table)
    if name is None:
        return []
    legacy = body.get("KeyConditions")
    if isinstance(legacy, dict) and isinstance(legacy.get(name), dict):
        values = legacy[name].get("AttributeValueList") or []
        found = attribute_text(values[0]) if isinstance(values, list) and values else None
        return [found] if found is not None else []
    expression = body.get("KeyConditionExpression")
    if not isinstance(expression, str):
        return []
    aliases = body.get("ExpressionAttributeNames")
    aliases = aliases if isinstance(aliases, dict) else {}
    values = body.get("ExpressionAttributeValues")
    values = values if isinstance(values, dict) else {}
    for match in _EQUALITY.finditer(expression):
        if aliases.get(match["name"], match["name"]) == name:
            found = attribute_text(values.get(match["value"]))
            return [found] if found is not None else []
    return []


def item_context(call: Call, table: str, body: dict[str, Any]) -> Context:
    context: Context = {}
    key, item = body.get("Key"), body.get("Item")
    leading = (_leading(call, table, key, True) or _leading(call, table, item, False)
               or _query_leading(call, table, body))
    context.update(_leading_context(leading))
    attributes = _attributes(body)
    if attributes:
        context["dynamodb:Attributes"] = attributes
    for member in ("Select", "ReturnValues", "ReturnConsumedCapacity"):
        if isinstance(body.get(member), str):
            context[f"dynamodb:{member}"] = body[member]
    return context


def _attributes(body: dict[str, Any]) -> list[str]:
    """Attribute names the request reads or writes (top-level names, #aliases resolved)."""
    names: list[str] = []
    if isinstance(body.get("AttributesToGet"), list):
        names += [str(n) for n in body["AttributesToGet"]]
    projection = body.get("ProjectionExpression")
    if isinstance(projection, str):
        aliases = body.get("ExpressionAttributeNames")
        aliases = aliases if isinstance(aliases, dict) else {}
        for path in projection.split(","):
            top = path.strip().split(".", 1)[0].split("[", 1)[0]
            if top:
                names.append(str(aliases.get(top, top)))
    for member in ("Item", "AttributeUpdates"):
        if isinstance(body.get(member), dict):
            names += [str(n) for n in body[member]]
    return list(dict.fromkeys(names))
