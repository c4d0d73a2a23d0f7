"""Tags a call sets, in every shape services use, as ``aws:RequestTag/<k>`` and
``aws:TagKeys`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html).

Shapes: a list of ``{Key, Value}`` (IAM, EC2, RDS, Secrets Manager; ``key``/``value`` in
ECS and Step Functions; ``TagKey``/``TagValue`` in KMS), a map (Lambda, SQS, Kinesis,
Logs, ECR's list aside), S3's ``Tagging`` (``k1=v1&k2=v2`` on objects, ``{TagSet}`` on
buckets), EC2's ``TagSpecifications`` (only the entry for the resource type being
created), and ``TagKeys`` of an untag call.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from .call import Context

_TAG_PARAMS = ("Tags", "tags", "TagList", "TagSet")
_KEY_FIELDS = ("Key", "key", "TagKey")
_VALUE_FIELDS = ("Value", "value", "TagValue")


def pairs(value: Any) -> list[tuple[str, str]]:
    """(key, value) pairs from a list of tag structures, a map or an S3 tagging string."""
    if isinstance(value, str):
        return parse_qsl(value, keep_blank_values=True)
    if isinstance(value, dict):
        if "TagSet" in value:
            return pairs(value["TagSet"])
        return [(str(k), _text(v)) for k, v in value.items()]
    if isinstance(value, list):
        found = []
        for tag in value:
            if not isinstance(tag, dict):
                continue
            key = next((tag[f] for f in _KEY_FIELDS if f in tag), None)
            if key is not None:
                found.append((str(key), _text(next((tag[f] for f in _VALUE_FIELDS if f in tag),
                                                   ""))))
        return found
    return []


def request_tags(params: dict[str, Any], resource_type: str | None = None) -> list[tuple[str, str]]:
    """The tags the call sets; for EC2, those of ``resource_type``'s TagSpecifications."""
    specs = params.get("TagSpecifications")
    if isinstance(specs, list):
        found = []
        for spec in specs:
            if isinstance(spec, dict) and (resource_type is None
                                           or spec.get("ResourceType") == resource_type):
                found.extend(pairs(spec.get("Tags")))
        if found or resource_type is not None:
            return found
    for name in _TAG_PARAMS:
        if name in params:
            return pairs(params[name])
    if isinstance(params.get("Tagging"), dict):
        return pairs(params["Tagging"])
    return []


def tag_context(params: dict[str, Any], resource_type: str | None = None) -> Context:
    """``aws:RequestTag/<k>`` per tag set and ``aws:TagKeys`` (also for an untag call)."""
    context: Context = {}
    found = request_tags(params, resource_type)
    for key, value in found:
        context[f"aws:RequestTag/{key}"] = value
    keys = [key for key, _ in found]
    if not keys:
        removed = params.get("TagKeys", params.get("tagKeys"))
        if isinstance(removed, list):
            keys = [str(k) for k in removed]
    if keys:
        context["aws:TagKeys"] = keys
    return context


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)
