"""The EC2 instance metadata service, as far as credentials go: IMDSv2 session tokens
(PUT /latest/api/token), IMDSv1 without one unless v2 is required, and
/latest/meta-data/iam/{info,security-credentials/...} with EC2's documents."""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import time
from collections.abc import Callable

from .minting import Issued, NotTrusted, RoleSessions, iso

TOKEN_PATH = "/latest/api/token"
CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"
INFO_PATH = "/latest/meta-data/iam/info"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
MAX_TTL = 21600


class MetadataService:
    """What the metadata service knows and the IMDSv2 tokens it has handed out."""

    def __init__(self, sessions: RoleSessions, *, profile_arn: str, profile_id: str,
                 instance_id: str, require_v2: bool = False,
                 clock: Callable[[], float] = time.time) -> None:
        self.sessions = sessions
        self.profile_arn = profile_arn
        self.profile_id = profile_id
        self.instance_id = instance_id
        self.require_v2 = require_v2
        self.clock = clock
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def new_token(self, ttl: int) -> str:
        token = secrets.token_urlsafe(42)
        with self._lock:
            now = self.clock()
            self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
            self._tokens[token] = now + ttl
        return token

    def token_valid(self, token: str) -> bool:
        expires = self._tokens.get(token)
        return expires is not None and expires > self.clock()

    def answer(self, method: str, path: str, headers) -> tuple[int, str, str]:
        """(status, content type, body) for one request."""
        if headers.get("X-Forwarded-For"):
            return 403, "text/plain", "Forbidden"
        if path == TOKEN_PATH:
            if method != "PUT":
                return 405, "text/plain", "Method Not Allowed"
            ttl = headers.get(TTL_HEADER, "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= MAX_TTL:
                return 400, "text/plain", "Bad Request"
            return 200, "text/plain", self.new_token(int(ttl))
        if method != "GET":
            return 405, "text/plain", "Method Not Allowed"
        token = headers.get(TOKEN_HEADER)
        if (token is not None and not self.token_valid(token)) or \
                (token is None and self.require_v2):
            return 401, "text/plain", "Unauthorized"
        return self._metadata(path)

    def _metadata(self, path: str) -> tuple[int, str, str]:
        if path in ("/latest/meta-data", "/latest/meta-data/"):
            return 200, "text/plain", "iam/\ninstance-id"
        if path == "/latest/meta-data/instance-id":
            return 200, "text/plain", self.instance_id
        if path in ("/latest/meta-data/iam", "/latest/meta-data/iam/"):
            return 200, "text/plain", "info\nsecurity-credentials/"
        try:
            issued = self.sessions.current()
        except NotTrusted:
            issued = None
        if path == INFO_PATH:
            if issued is None:
                return 404, "text/plain", "Not Found"
            return 200, "text/plain", json.dumps({
                "Code": "Success", "LastUpdated": iso(issued.claims.issued_at),
                "InstanceProfileArn": self.profile_arn,
                "InstanceProfileId": self.profile_id}, indent=2)
        if path in (CREDENTIALS_PATH, CREDENTIALS_PATH.rstrip("/")):
            if issued is None:
                return 404, "text/plain", "Not Found"
            return 200, "text/plain", issued.role_name
        if path.startswith(CREDENTIALS_PATH) and issued is not None and \
                path[len(CREDENTIALS_PATH):] == issued.role_name:
            return 200, "text/plain", json.dumps(credentials_document(issued), indent=2)
        return 404, "text/plain", "Not Found"


def credentials_document(issued: Issued) -> dict:
    return {"Code": "Success", "LastUpdated": iso(issued.claims.issued_at),
            "Type": "AWS-HMAC", **issued.credentials()}


def serve(service: MetadataService, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server answering for ``service`` (the caller runs serve_forever)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "EC2ws"

        def _reply(self) -> None:
            status, kind, body = service.answer(self.command, self.path.split("?")[0],
                                                self.headers)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = _reply

        def log_message(self, *args) -> None:  # tokens and keys never reach a log
            pass

    return http.server.ThreadingHTTPServer((host, port), Handler)
