"""Signing keys imported by an operator for issuers the server cannot reach: stored on the
IAM OIDC provider and used instead of fetching the issuer's jwks_uri."""

from __future__ import annotations

import json

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..store.db import Database
from ..store.tables import OIDCProvider


def import_keys(db: Database, provider_arn: str, jwks_text: str) -> None:
    try:
        jwks = json.loads(jwks_text)
        KeySet.import_key_set(jwks)
    except (ValueError, TypeError, KeyError, JoseError) as exc:
        raise ValueError(f"not a JSON Web Key Set: {exc}") from None
    private = [k for k in jwks["keys"] if any(p in k for p in ("d", "p", "q", "k"))]
    if private:
        raise ValueError("the key set holds private or symmetric keys; import public keys only")
    with db.transaction(write=True) as session:
        provider = session.get(OIDCProvider, provider_arn)
        if provider is None:
            raise ValueError(f"no OpenID Connect provider {provider_arn}")
        provider.imported_jwks = json.dumps(jwks)
