"""Validate parsed parameters against the model's constraints, as AWS's front end does.

Every constraint in botocore's model (required, min/max length, pattern, enum, numeric
range) is enforced here, because some SDKs validate nothing on the client side.
Messages follow AWS's format: ``1 validation error detected: Value at 'roleName' failed to
satisfy constraint: Member must ...`` (STS quotes the value: ``Value 'x' at ...``); several
errors are counted and joined.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from .errors import AWSError


def validate(shape: Shape | None, params: dict[str, Any], *, show_values: bool = False,
             enum_values: bool = True) -> None:
    """``show_values``: STS quotes the offending value (``Value 'x y' at 'roleSessionName'``);
    IAM never does (``Value at 'tags.1.member.key'``), as recorded AWS answers show.
    ``enum_values``: whether a value outside an enum is told the enum's values; IAM does not
    tell them ("Member must satisfy enum value set", UpdateServiceSpecificCredential in
    LocalStack's AWS-validated test_iam.py, TestIAMServiceSpecificCredentials::
    test_invalid_update_parameters)."""
    if shape is None:
        return
    problems: list[str] = []
    _check_structure(shape, params, "", problems, show_values, enum_values)
    if problems and all(_is_path_pattern(p) for p in problems):
        raise AWSError("ValidationError", PATH_INVALID)
    if problems:
        _in_aws_order(problems)
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise AWSError(
            "ValidationError", f"{count} validation {noun} detected: " + "; ".join(problems)
        )


_PATH = re.compile(r" at '([^']*)' failed to satisfy")
# IAM's own words for a path outside the model's pattern (recorded CreateVirtualMFADevice
# answers, LocalStack's AWS-validated test_iam_mfa snapshot); a path too long keeps the
# model's length message.
PATH_INVALID = ("The specified value for path is invalid. It must begin and end with / and "
                "contain only alphanumeric characters and/or / characters.")


def _in_aws_order(problems: list[str]) -> None:
    """Order problems as AWS lists them: by request member, in the iteration order of a Java
    HashMap keyed by the members' names, each member's problems (its own first, then its
    items') in the order checked. Recorded answers: CreateOpenIDConnectProvider lists
    'clientIDList', 'thumbprintList', 'url'; UpdateAccountPasswordPolicy lists
    'minimumPasswordLength', 'passwordReusePrevention', 'maxPasswordAge' (LocalStack's
    AWS-validated test_iam_oidc and test_iam_account_password_policy snapshots), neither the
    model's order nor the alphabet's."""
    members = list(dict.fromkeys(_path_of(p).split(".", 1)[0] for p in problems))
    table = 16
    while len(members) > table * 3 // 4:
        table *= 2
    rank = {name: (_java_bucket(name, table), i) for i, name in enumerate(members)}
    problems.sort(key=lambda p: rank[_path_of(p).split(".", 1)[0]])


def _java_bucket(name: str, table: int) -> int:
    """The bucket of ``name`` (a model member's name, ASCII) in a Java HashMap of ``table``
    buckets: String.hashCode, with HashMap's spreading of the high bits."""
    h = 0
    for char in name:
        h = (31 * h + ord(char)) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (table - 1)


def _is_path_pattern(problem: str) -> bool:
    return _path_of(problem) == "path" and "regular expression pattern" in problem


def _path_of(problem: str) -> str:
    found = _PATH.findall(problem)
    return found[-1] if found else problem


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _value_at(value: Any, path: str, shape: Shape | None, show: bool) -> str:
    if not show or (shape is not None and shape.metadata.get("sensitive")):
        return f"Value at '{path}'"
    if value is None:
        return f"Value null at '{path}'"
    return f"Value '{_show(value)}' at '{path}'"


@functools.cache
def _members(shape: Shape) -> tuple[tuple[str, Shape, str, bool], ...]:
    """(name, shape, name in messages, required) of each member, worked out once per shape:
    every request's parameters are checked member by member."""
    required = shape.required_members
    return tuple((name, member, _camel(name), name in required)
                 for name, member in shape.members.items())


def _check_structure(shape: Shape, params: dict, prefix: str, problems: list[str],
                     show: bool, enum_values: bool = True) -> None:
    for name, member, camel, required in _members(shape):
        value = params.get(name)
        if value is None:
            if required:
                problems.append(f"{_value_at(None, prefix + camel, member, show)} failed to "
                                "satisfy constraint: Member must not be null")
            continue
        _check_value(member, value, prefix + camel, problems, show, enum_values)


def _check_value(shape: Shape, value: Any, path: str, problems: list[str],
                 show: bool = False, enum_values: bool = True) -> None:
    kind = shape.type_name
    meta = shape.metadata

    def fail() -> str:  # worded only for a value that breaks a constraint
        return f"{_value_at(value, path, shape, show)} failed to satisfy constraint: Member must "

    if kind == "structure":
        _check_structure(shape, value, path + ".", problems, show, enum_values)
        return
    if kind == "list":
        _check_length(len(value), meta, fail, problems)
        member = shape.member
        if member.type_name in ("structure", "list", "map"):
            for index, item in enumerate(value, start=1):
                _check_value(member, item, f"{path}.{index}.member", problems, show,
                             enum_values)
        elif any(_scalar_problems(member, item) for item in value):
            # A list of scalars is one problem on the list naming every constraint of its
            # members, however many break them (recorded UntagUser answers:
            # "Value at 'tagKeys' failed to satisfy constraint: Member must satisfy
            # constraint: [Member must have length less than or equal to 128, ...]").
            problems.append(fail() + "satisfy constraint: [" +
                            ", ".join(_member_constraints(member, enum_values)) + "]")
        return
    if kind == "map":
        _check_length(len(value), meta, fail, problems)
        for key, item in value.items():
            _check_value(shape.key, key, f"{path}.key", problems, show, enum_values)
            _check_value(shape.value, item, f"{path}.value", problems, show, enum_values)
        return
    found = _scalar_problems(shape, value, enum_values=enum_values)
    if found:
        problems.extend(fail() + text for text in found)


def _scalar_problems(shape: Shape, value: Any, *, enum_values: bool = True) -> list[str]:
    """What a scalar breaks, each as the end of "Member must ..."."""
    kind = shape.type_name
    meta = shape.metadata
    out: list[str] = []
    if kind in ("string", "blob"):
        if "min" in meta and len(value) < meta["min"]:
            out.append(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"have length less than or equal to {meta['max']}")
        if kind == "string":
            pattern = meta.get("pattern")
            compiled = _compiled(pattern) if pattern else None
            if compiled is not None and not compiled.fullmatch(value):
                out.append(f"satisfy regular expression pattern: {pattern}")
            if shape.enum and value not in shape.enum:
                out.append(_enum_rule(shape, enum_values))
    elif kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            out.append(f"have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            out.append(f"have value less than or equal to {meta['max']}")
    return out


def _enum_rule(shape: Shape, enum_values: bool) -> str:
    return "satisfy enum value set" + (": [" + ", ".join(shape.enum) + "]" if enum_values else "")


def _member_constraints(shape: Shape, enum_values: bool = True) -> list[str]:
    """Every constraint of a list's scalar member, in the order AWS lists them."""
    meta = shape.metadata
    out: list[str] = []
    if "max" in meta:
        word = "length" if shape.type_name in ("string", "blob") else "value"
        out.append(f"Member must have {word} less than or equal to {meta['max']}")
    if "min" in meta:
        word = "length" if shape.type_name in ("string", "blob") else "value"
        out.append(f"Member must have {word} greater than or equal to {meta['min']}")
    if meta.get("pattern"):
        out.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.enum:
        out.append("Member must " + _enum_rule(shape, enum_values))
    if meta.get("pattern"):
        # Recorded: tagKeys (a pattern) ends with "Member must not be null"; clientIDList and
        # thumbprintList (lengths only) do not.
        out.append("Member must not be null")
    return out


def _check_length(length: int, meta: dict, fail: Callable[[], str],
                  problems: list[str]) -> None:
    if "min" in meta and length < meta["min"]:
        problems.append(fail() + f"have length greater than or equal to {meta['min']}")
    if "max" in meta and length > meta["max"]:
        problems.append(fail() + f"have length less than or equal to {meta['max']}")


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
