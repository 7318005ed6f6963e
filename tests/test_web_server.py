"""The server evenhand serve runs: no client address in its logs."""

from __future__ import annotations

import logging
import socket
import threading
import time

import httpx
import uvicorn

from evenhand.web import create_app
from evenhand.web.server import server_config
from web_fixtures import settings


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_server_logs_no_client_address() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = server_config(create_app(None, settings()), "127.0.0.1", port)
    records = _Records()
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access", "uvicorn.error", "")]
    for logger in loggers:
        logger.addHandler(records)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            for path in ("/api/health", "/no-such-page"):
                assert http.get(path).status_code in (200, 404, 503)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        for logger in loggers:
            logger.removeHandler(records)
    access = [line for line in records.lines if '"GET ' in line]
    assert len(access) == 2, records.lines  # the requests are logged ...
    # ... anonymously (the only address logged is the server's own)
    assert not [line for line in records.lines
                if "127.0.0.1" in line and not line.startswith("Uvicorn running on")]
    assert len({line.split()[0] for line in access}) == 1  # one client, one hash
