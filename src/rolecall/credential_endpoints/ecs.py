"""The ECS container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI): one path,
guarded by the Authorization token the task gets in AWS_CONTAINER_AUTHORIZATION_TOKEN."""

from __future__ import annotations

import hmac
import http.server
import json

from .minting import NotTrusted, RoleSessions


class ContainerCredentials:
    def __init__(self, sessions: RoleSessions, *, path: str, token: str) -> None:
        self.sessions = sessions
        self.path = path
        self.token = token

    def answer(self, method: str, path: str, authorization: str | None) -> tuple[int, str]:
        if method != "GET" or path != self.path:
            return 404, json.dumps({"code": "NotFound", "message": "Not Found"})
        if authorization is None or not hmac.compare_digest(authorization.encode(),
                                                            self.token.encode()):
            return 401, json.dumps({"code": "AccessDenied",
                                    "message": "Invalid authorization token"})
        try:
            issued = self.sessions.current()
        except NotTrusted:
            return 500, json.dumps({"code": "AssumeRoleUnauthorizedAccess",
                                    "message": "ECS cannot assume the task role"})
        return 200, json.dumps({**issued.credentials(), "RoleArn": issued.role_arn})


def serve(endpoint: ContainerCredentials, host: str,
          port: int) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = endpoint.answer("GET", self.path.split("?")[0],
                                           self.headers.get("Authorization"))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:  # tokens and keys never reach a log
            pass

    return http.server.ThreadingHTTPServer((host, port), Handler)
