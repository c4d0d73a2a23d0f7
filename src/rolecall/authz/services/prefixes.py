"""The IAM prefix of each botocore service (``cloudwatch``, ``states`` for
``stepfunctions``, ``ses`` for ``sesv2``), from ``data/service_prefixes.json``."""

from __future__ import annotations

import functools
import json
import pathlib

_DATA = pathlib.Path(__file__).parents[2] / "data" / "service_prefixes.json"


@functools.cache
def _prefixes() -> dict[str, str]:
    return json.loads(_DATA.read_text())


def prefix_of(service: str) -> str:
    """The prefix; an unknown service is taken to be its own prefix."""
    return _prefixes().get(service, service.lower())
