"""Where an account's issuer lives. AWS gives each account an issuer URL of its own that
serves ``/.well-known/openid-configuration`` and ``/.well-known/jwks.json`` beneath it;
rolecall serves them under ``/_rolecall/outbound/<issuer id>`` of its public URL."""

from __future__ import annotations

import os
import re

PREFIX = "/_rolecall/outbound/"
DISCOVERY = "/.well-known/openid-configuration"
JWKS = "/.well-known/jwks.json"
# Set by `rolecall serve` (--public-url, else http://HOST:PORT): the URL clients reach.
PUBLIC_URL_ENV = "ROLECALL_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"
_ISSUER_PATH = re.compile(re.escape(PREFIX)
                          + r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")


def public_url() -> str:
    return (os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL).rstrip("/")


def issuer_url(issuer_id: str) -> str:
    return f"{public_url()}{PREFIX}{issuer_id}"


def issuer_id_of(url: str) -> str | None:
    """The issuer id in an issuer URL of this server's form (any host), else None."""
    path = re.sub(r"^[a-z]+://[^/]*", "", url.rstrip("/"))
    found = _ISSUER_PATH.match(path)
    return found.group(1) if found else None
