"""Validate parsed parameters against the model's constraints, as AWS's front end does.

Every constraint in botocore's model (required, min/max length, pattern, enum, numeric
range) is enforced here, because some SDKs validate nothing on the client side.
Messages follow AWS's format: ``1 validation error detected: Value 'x' at 'roleName'
failed to satisfy constraint: Member must ...``; several errors are counted and joined.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Any

from botocore.model import Shape

from .errors import AWSError


def validate(shape: Shape | None, params: dict[str, Any]) -> None:
    if shape is None:
        return
    problems: list[str] = []
    _check_structure(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise AWSError(
            "ValidationError", f"{count} validation {noun} detected: " + "; ".join(problems)
        )


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _check_structure(shape: Shape, params: dict, prefix: str, problems: list[str]) -> None:
    required = shape.required_members
    for name, member in shape.members.items():
        path = prefix + _camel(name)
        value = params.get(name)
        if value is None:
            if name in required:
                problems.append(
                    f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
                )
            continue
        _check_value(member, value, path, problems)


def _check_value(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    shown = "" if meta.get("sensitive") else f" '{_show(value)}'"
    fail = f"Value{shown} at '{path}' failed to satisfy constraint: Member must "
    if kind == "structure":
        _check_structure(shape, value, path + ".", problems)
        return
    if kind == "list":
        _check_length(len(value), meta, fail, problems)
        for index, item in enumerate(value, start=1):
            _check_value(shape.member, item, f"{path}.{index}.member", problems)
        return
    if kind == "map":
        _check_length(len(value), meta, fail, problems)
        for key, item in value.items():
            _check_value(shape.key, key, f"{path}.key", problems)
            _check_value(shape.value, item, f"{path}.value", problems)
        return
    if kind == "string":
        _check_length(len(value), meta, fail, problems)
        pattern = meta.get("pattern")
        if pattern and _compiled(pattern) is not None and not _compiled(pattern).fullmatch(value):
            problems.append(fail + f"satisfy regular expression pattern: {pattern}")
        if shape.enum and value not in shape.enum:
            problems.append(fail + "satisfy enum value set: [" + ", ".join(shape.enum) + "]")
        return
    if kind == "blob":
        _check_length(len(value), meta, fail, problems)
        return
    if kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            problems.append(fail + f"have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(fail + f"have value less than or equal to {meta['max']}")


def _check_length(length: int, meta: dict, fail: str, problems: list[str]) -> None:
    if "min" in meta and length < meta["min"]:
        problems.append(fail + f"have length greater than or equal to {meta['min']}")
    if "max" in meta and length > meta["max"]:
        problems.append(fail + f"have length less than or equal to {meta['max']}")


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """Model patterns are Java regexes. Java's Unicode classes (``\\p{L}``, the tag
    patterns) become explicit ranges; any other pattern Python cannot compile is not
    enforced."""
    try:
        return re.compile(_UNICODE_CLASS.sub(lambda m: _ranges(m.group(1)), pattern),
                          re.DOTALL)
    except re.error:
        return None


_UNICODE_CLASS = re.compile(r"\\p\{(L|M|N|P|S|Z|C)\}")


def _ranges(category: str) -> str:
    return _category_ranges()[category]


@functools.cache
def _category_ranges() -> dict[str, str]:
    """For each major Unicode general category (``L`` = every ``L*``), its code points as
    character class ranges for use inside ``[...]``; one pass over Unicode, once."""
    spans: dict[str, list[str]] = {}
    start, current = 0, unicodedata.category("\0")[0]
    for code in range(1, sys.maxunicode + 2):
        category = unicodedata.category(chr(code))[0] if code <= sys.maxunicode else ""
        if category != current:
            low, high = re.escape(chr(start)), re.escape(chr(code - 1))
            spans.setdefault(current, []).append(low if code - 1 == start else f"{low}-{high}")
            start, current = code, category
    return {category: "".join(parts) for category, parts in spans.items()}
