"""The ASGI entry point uvicorn's workers import: configuration comes from the environment."""

from __future__ import annotations

import os

from .app import App
from .gateway import upstreams
from .gateway.handler import ENFORCE, Gateway
from .server import Server

ENFORCEMENT_ENV = "ROLECALL_ENFORCEMENT"


def create_app() -> App:
    server = Server(os.environ.get("ROLECALL_DB"))
    gateway = Gateway(server, upstreams.Upstreams.from_env(os.environ.get(upstreams.ENV)),
                      os.environ.get(ENFORCEMENT_ENV, ENFORCE))
    return App(server, gateway)
