"""Which botocore models a SigV4 signing name can mean, and those models, loaded on demand.

The index is generated data (``rolecall/data/inbound_service_index.json``, see
``tools/inbound_service_index.py``): loading every model at start would take seconds.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import botocore.session
from botocore.model import ServiceModel


@dataclass(frozen=True)
class Candidate:
    """One model a signing name can mean, in one protocol it accepts."""

    model: str
    protocol: str
    api_version: str
    target_prefix: str


@functools.cache
def _index() -> dict[str, tuple[Candidate, ...]]:
    text = resources.files("rolecall.data").joinpath("inbound_service_index.json").read_text()
    services = json.loads(text)["services"]
    out: dict[str, tuple[Candidate, ...]] = {}
    for signing_name, rows in services.items():
        found = [Candidate(*row) for row in rows]
        # The model named like its signing name is the service itself (rds before its
        # look-alikes neptune and docdb, which accept the same actions and version).
        found.sort(key=lambda c: c.model != signing_name)
        out[signing_name] = tuple(found)
    return out


def candidates(signing_name: str) -> tuple[Candidate, ...]:
    return _index().get(signing_name, ())


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(name: str) -> ServiceModel:
    return _session().get_service_model(name)


@functools.cache
def signing_names_by_target() -> dict[str, str]:
    """The signing name of each JSON-protocol target prefix (``DynamoDB_20120810`` →
    ``dynamodb``), for requests that carry no signature to name their service."""
    return {c.target_prefix: name for name, found in _index().items() for c in found
            if c.protocol == "json" and c.target_prefix}
