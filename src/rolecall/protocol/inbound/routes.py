"""Which operation of a rest-json / rest-xml model an HTTP request is.

Each operation's ``http.method`` + ``http.requestUri`` becomes a route: a regex over the
percent-encoded path (``{Label}`` is one segment, ``{Key+}`` is greedy) and the literal query
parts (``?uploads``, ``?list-type=2``). Several operations often share a path and differ by
query keys (S3's ``/{Bucket}?tagging``) or by required query and header members
(UploadPart's ``partNumber`` and ``uploadId``, CopyObject's ``x-amz-copy-source``); the most
specific route whose requirements the request meets wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Route:
    operation: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]  # the URI label names, in pattern group order
    query: tuple[tuple[str, str | None], ...]  # literal query keys, with a value if fixed
    required_query: tuple[str, ...]  # wire names of required query-string members
    required_headers: tuple[str, ...]  # lower-cased names of required header members
    rank: tuple[int, ...]  # static specificity: literal path length, literal query keys


@dataclass(frozen=True)
class Match:
    operation: str
    labels: dict[str, str]  # URI label name -> percent-decoded value
    score: tuple[int, ...]


def _compile(operation: OperationModel) -> Route:
    uri = operation.http.get("requestUri", "/")
    path, _, literal_query = uri.partition("?")
    regex, labels, literal = ["^"], [], 0
    for index, part in enumerate(_LABEL.split(path)):
        if index % 2 == 0:
            regex.append(re.escape(part))
            literal += len(part)
        elif part.endswith("+"):
            regex.append(f"(?P<g{len(labels)}>.+)")
            labels.append(part[:-1])
        else:
            regex.append(f"(?P<g{len(labels)}>[^/]+)")
            labels.append(part)
    if not path.endswith("/"):
        regex.append("/?")
    regex.append("$")
    query = tuple(
        (key, value if sep else None)
        for key, sep, value in (pair.partition("=") for pair in literal_query.split("&") if pair)
    )
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = operation.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members[name]
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "querystring" and member.type_name != "map":
                required_query.append(wire)
            elif location == "header":
                required_headers.append(wire.lower())
    return Route(
        operation=operation.name,
        pattern=re.compile("".join(regex), re.DOTALL),
        labels=tuple(labels),
        query=query,
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        rank=(literal, len(query), 0 if operation.deprecated else 1),
    )


@dataclass(frozen=True)
class _MethodRoutes:
    """One method's routes: those with no literal query key, and the others by their first."""

    plain: tuple[Route, ...]
    by_query_key: dict[str, tuple[Route, ...]]


@functools.cache
def routes(model: ServiceModel) -> dict[str, _MethodRoutes]:
    """The model's routes by HTTP method, compiled once per model."""
    by_method: dict[str, list[Route]] = {}
    for name in model.operation_names:
        operation = model.operation_model(name)
        method = operation.http.get("method", "POST").upper()
        by_method.setdefault(method, []).append(_compile(operation))
    out: dict[str, _MethodRoutes] = {}
    for method, found in by_method.items():
        keyed: dict[str, list[Route]] = {}
        for route in found:
            if route.query:
                keyed.setdefault(route.query[0][0], []).append(route)
        # Most specific first, so that matching can stop at the first less specific one.
        plain = tuple(sorted((r for r in found if not r.query), key=lambda r: r.rank, reverse=True))
        out[method] = _MethodRoutes(plain, {key: tuple(group) for key, group in keyed.items()})
    return out


@functools.cache
def literal_query_keys(operation: OperationModel) -> frozenset[str]:
    """The query keys an operation's requestUri fixes (not members: never parsed as such)."""
    _, _, literal_query = operation.http.get("requestUri", "/").partition("?")
    return frozenset(dict(parse_qsl(literal_query, keep_blank_values=True)))


def match(
    model: ServiceModel,
    method: str,
    raw_path: str,
    query: Mapping[str, list[str]],
    header_names: frozenset[str],
) -> Match | None:
    """The best route of ``model`` for the request, or None when no route's path fits."""
    table = routes(model).get(method.upper())
    if table is None:
        return None
    found_routes = [route for key in query for route in table.by_query_key.get(key, ())]
    best: Match | None = None
    for route in (*found_routes, *table.plain):
        if best is not None and not route.query and route.rank[:2] < best.score[:2]:
            break
        if not all(
            key in query and (value is None or value in query[key]) for key, value in route.query
        ):
            continue
        found = route.pattern.match(raw_path)
        if found is None:
            continue
        met = all(key in query for key in route.required_query) and all(
            name in header_names for name in route.required_headers
        )
        extra = len(route.required_query) + len(route.required_headers)
        score = (*route.rank[:2], int(met), extra if met else -extra, route.rank[2])
        if best is None or score > best.score:
            labels = {name: unquote(found.group(f"g{i}")) for i, name in enumerate(route.labels)}
            best = Match(route.operation, labels, score)
    return best


def labels(operation: OperationModel, raw_path: str) -> dict[str, str]:
    """The percent-decoded URI labels of a path already matched to ``operation``."""
    route = _route_of(operation)
    found = route.pattern.match(raw_path)
    if found is None:
        return {}
    return {name: unquote(found.group(f"g{i}")) for i, name in enumerate(route.labels)}


@functools.cache
def _route_of(operation: OperationModel) -> Route:
    return _compile(operation)
