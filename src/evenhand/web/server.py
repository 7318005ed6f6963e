"""Running the app under uvicorn so that no raw client address is written anywhere:
reports keep only a salted hash of it (docs/web.md), and uvicorn's access log, whose lines
start with the client's address, gets the same kind of hash in its place."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from .security import ClientHasher

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

__all__ = ["HashedClientFilter", "serve", "server_config"]


class HashedClientFilter(logging.Filter):
    """Replaces the client address (``host:port``, the first argument of every uvicorn
    access-log record) with a salted hash of the host: one client's requests can still be
    told apart in a day's log, but its address is not written."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        # a key of its own, so a log line cannot be matched with a stored report's hash
        self._hasher = ClientHasher(secret + "\x00access-log")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            host = args[0].rsplit(":", 1)[0]  # uvicorn writes "host:port"
            record.args = (f"client-{self._hasher.hash(host)[:12]}", *args[1:])
        return True


def server_config(app: FastAPI, host: str = "127.0.0.1", port: int = 8000) -> uvicorn.Config:
    """The uvicorn configuration ``evenhand serve`` runs ``app`` under (creating it sets
    up uvicorn's logging, the access log's address filter included)."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, proxy_headers=True,
                            server_header=False, log_level="info")
    settings = getattr(app.state, "settings", None)
    secret = getattr(settings, "secret_key", None) or secrets.token_urlsafe(32)
    access = logging.getLogger("uvicorn.access")
    for old in [f for f in access.filters if isinstance(f, HashedClientFilter)]:
        access.removeFilter(old)
    access.addFilter(HashedClientFilter(secret))
    return config


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``app`` until stopped (Ctrl-C)."""
    import uvicorn

    uvicorn.Server(server_config(app, host, port)).run()
