"""The ASGI entry point uvicorn's workers import: configuration comes from the environment."""

from __future__ import annotations

import os

from .app import App
from .server import Server


def create_app() -> App:
    return App(Server(os.environ.get("ROLECALL_DB")))
