"""The ASGI application: HTTP in, ``pipeline.handle`` in the middle, HTTP out.

Handlers are synchronous and short (in-process caches, an embedded or nearby database),
so they run on the event loop thread: a hop to a thread pool would cost more than most
calls take. ``rolecall serve --workers N`` scales across cores.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os

from . import __version__, explain_api, operations, workers
from .audit.log import FLUSH_SECONDS
from .gateway import routing
from .gateway.handler import Gateway
from .outbound import documents as outbound_documents
from .pipeline import HttpRequest, handle
from .policygen import api as policygen_api
from .protocol import models
from .server import Server

HEALTH_PATH = "/_rolecall/health"
CONSOLE_PREFIX = "/_rolecall/console"
MAX_BODY = 4 * 1024 * 1024
access_log = logging.getLogger("rolecall.access")


class App:
    def __init__(self, server: Server, gateway: Gateway) -> None:
        self.server = server
        self.gateway = gateway
        self.console = None
        if os.environ.get("ROLECALL_CONSOLE", "on") != "off":
            from .console.app import create_app

            self.console = create_app(server)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = scope["path"]
        if self.console is not None and path.startswith(CONSOLE_PREFIX):
            await self.console(scope, receive, send)
            return
        if path == HEALTH_PATH:
            await _send(send, 200, json.dumps({"status": "ok", "version": __version__}).encode(),
                        "application/json", None)
            return
        headers: dict[str, list[str]] = {}
        for raw_name, raw_value in scope["headers"]:
            headers.setdefault(raw_name.decode("latin-1").lower(), []).append(
                raw_value.decode("latin-1")
            )
        forwarded = routing.inbound(scope, headers)
        if forwarded is not None:
            await self.gateway.handle(forwarded, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await _send(send, 413, b"request body too large", "text/plain", None)
            return
        client = scope.get("client")
        request = HttpRequest(
            method=scope["method"],
            raw_path=(scope.get("raw_path") or path.encode()).decode("latin-1"),
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            client_ip=client[0] if client else "127.0.0.1",
            secure=scope.get("scheme") == "https",
        )
        if path == explain_api.PATH:
            response = explain_api.handle(self.server, request)
        elif outbound_documents.handles(path):
            response = outbound_documents.handle(self.server, request, path)
        elif path == policygen_api.PATH:
            response = policygen_api.handle(self.server, request)
        else:
            response = handle(self.server, request)
        # The query string is never logged: presigned requests carry credentials in it.
        access_log.info("%s %s %d %s", scope["method"], path, response.status,
                        response.request_id)
        await _send(send, response.status, response.body, response.content_type,
                    response.request_id)

    async def _lifespan(self, receive, send) -> None:
        flusher: asyncio.Task | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # What start-up builds (the handlers, IAM's and STS's models) lives as
                # long as the process: moved out of the collector's reach, a full
                # collection no longer walks it in the middle of a request.
                for service, operation in (("iam", "GetRole"), ("sts", "GetCallerIdentity")):
                    operations.lookup(service, operation)
                    models.operation_model(service, operation)
                gc.collect()
                gc.freeze()
                workers.started_up()  # with --workers N, listen together
                flusher = asyncio.get_running_loop().create_task(self._flush_audit())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if flusher is not None:
                    flusher.cancel()
                await self.gateway.forwarder.close()
                self.server.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _flush_audit(self) -> None:
        """Hand queued audit events to the writer from the loop itself (audit/log.py says
        why), without waiting for their commit."""
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            self.server.audit.flush(wait=False)


async def _read_body(receive) -> bytes | None:
    chunks = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send, status: int, body: bytes, content_type: str, request_id: str | None):
    headers = [(b"content-type", content_type.encode()),
               (b"content-length", str(len(body)).encode())]
    if request_id:
        headers.append((b"x-amzn-requestid", request_id.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
