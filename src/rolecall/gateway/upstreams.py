"""Where each service's calls go: the ``--upstream`` option, parsed once and handed to the
server's workers through the environment.

``--upstream URL`` sends every service to one endpoint, ``--upstream SERVICE=URL`` one
service (SERVICE as in the SigV4 credential scope, e.g. ``s3``), ``--upstream none``
forwards nothing. Credentials for an upstream that checks signatures go in the URL's user
part (``http://KEY:SECRET@host:9000``); without them a request is signed with the caller's
account id as access key id, which is how LocalStack learns the account (moto reads the
``x-moto-account-id`` header, sent as well).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

ENV = "ROLECALL_UPSTREAMS"
EMBEDDED = "embedded"
DEFAULT_SECRET = "test"


class UpstreamError(ValueError):
    """An ``--upstream`` value that names no usable endpoint."""


@dataclass(frozen=True)
class Upstream:
    url: str  # scheme://host:port, no trailing slash, no credentials
    access_key_id: str | None = None
    secret_access_key: str | None = None

    @classmethod
    def parse(cls, text: str) -> Upstream:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UpstreamError(f"not an http(s) URL: {text!r}")
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        if parts.username:
            return cls(url, unquote(parts.username), unquote(parts.password or ""))
        return cls(url)


@dataclass(frozen=True)
class Upstreams:
    """``default`` serves every service not named in ``per_service``; None forwards nothing.
    ``embedded`` is true when ``default`` is the moto that ``rolecall serve`` runs."""

    default: Upstream | None
    per_service: dict[str, Upstream | None]
    embedded: bool = False

    def for_service(self, signing_name: str) -> Upstream | None:
        if signing_name in self.per_service:
            return self.per_service[signing_name]
        return self.default

    def to_env(self) -> str:
        def dump(up: Upstream | None) -> list[str | None] | None:
            return None if up is None else [up.url, up.access_key_id, up.secret_access_key]

        return json.dumps({"default": dump(self.default), "embedded": self.embedded,
                           "services": {k: dump(v) for k, v in self.per_service.items()}})

    @classmethod
    def from_env(cls, text: str | None) -> Upstreams:
        if not text:
            return cls(None, {})
        data = json.loads(text)

        def load(item: list[str | None] | None) -> Upstream | None:
            return None if item is None else Upstream(*item)  # type: ignore[arg-type]

        return cls(load(data["default"]),
                   {k: load(v) for k, v in data["services"].items()},
                   bool(data.get("embedded")))


Choice = Upstream | str | None


def parse_options(values: tuple[str, ...]) -> tuple[Choice, dict[str, Upstream | None]]:
    """The default (an Upstream, None for ``none``, or EMBEDDED when no URL was given for
    all services) and the per-service upstreams, from the repeated ``--upstream`` values."""
    default: Choice = EMBEDDED
    services: dict[str, Upstream | None] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if sep and "://" not in name:
            if not name or not name.replace("-", "").isalnum():
                raise UpstreamError(f"not a service name: {name!r}")
            services[name] = None if rest == "none" else Upstream.parse(rest)
        elif value == "none":
            default = None
        else:
            default = Upstream.parse(value)
    return default, services
