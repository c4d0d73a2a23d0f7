"""``GET /_rolecall/outbound/<issuer id>/.well-known/...``: the OpenID Connect discovery
document and JWKS of an account's outbound issuer, public and unsigned as OIDC requires.

An issuer stays published after the account disables the feature: tokens issued before
remain verifiable until they expire (DisableOutboundWebIdentityFederation's documented
behaviour)."""

from __future__ import annotations

import json

from sqlalchemy import select

from .. import ids
from ..pipeline import HttpRequest, HttpResponse
from ..server import Server
from ..store.tables import OutboundFederation
from . import signing_keys
from .issuer_url import DISCOVERY, JWKS, PREFIX, issuer_id_of, issuer_url


def handles(path: str) -> bool:
    return path.startswith(PREFIX)


def handle(server: Server, request: HttpRequest, path: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"error": "method not allowed"})
    for suffix, document in ((DISCOVERY, _discovery), (JWKS, _jwks)):
        if path.endswith(suffix):
            issuer_id = issuer_id_of(path[: -len(suffix)])
            if issuer_id is not None and _exists(server, issuer_id):
                return _json(200, document(server, issuer_id))
    return _json(404, {"error": "not found"})


def _exists(server: Server, issuer_id: str) -> bool:
    with server.db.transaction(write=False) as session:
        return session.scalar(select(OutboundFederation.account_id)
                              .where(OutboundFederation.issuer_id == issuer_id)) is not None


def _discovery(server: Server, issuer_id: str) -> dict:
    issuer = issuer_url(issuer_id)
    return {
        "issuer": issuer,
        "jwks_uri": issuer + JWKS,
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(signing_keys.ALGORITHMS),
    }


def _jwks(server: Server, issuer_id: str) -> dict:
    return signing_keys.published(server.db, server.keys, server.clock())


def _json(status: int, payload: dict) -> HttpResponse:
    return HttpResponse(status, json.dumps(payload).encode(), ids.request_id(),
                        "application/json")
