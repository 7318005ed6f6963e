"""Written fixtures for the web app's tests: an invented article (no shared data), a store
with it, a test client over HTTPS (so Secure cookies travel), sign-in and CSRF helpers."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from evenhand.ingest import RawItem, ingest_items
from evenhand.store import Store, open_store
from evenhand.web import WebSettings, create_app
from evenhand.web.analysis import Analyzer
from evenhand.web.auth import add_user, create_token

with warnings.catch_warnings():  # Starlette's TestClient warns about httpx; it works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ARTICLE = (
    "Port strike halts grain exports\n\n"
    "Dock workers in the port of Valdora walked off the job on Monday after talks over "
    "night-shift pay broke down, halting grain exports for the first time in a decade.\n\n"
    "“We have waited three years for a fair offer and we will not wait any longer,” said "
    "Marta Quell, who leads the dockers’ union.\n\n"
    "The port authority said in a statement that its latest offer remained on the table. "
    "Shipping agents warned that a long stoppage would push up freight prices across the "
    "region, and the transport ministry declined to comment.\n\n"
    "Farmers’ groups fear that unsold grain will rot in the silos if the strike lasts more "
    "than a week."
)
SENTENCE = ("The port authority said in a statement that its latest offer remained on the "
            "table.")
# Two countries' leaders quoted, two others only talked about: the analysis has findings.
PACT = (
    "Brazil and Argentina sign grain pact\n\n"
    "Brazilian President Ana Costa and Argentine President Luis Ferrer signed a grain export "
    "pact in Buenos Aires on Friday, promising to coordinate prices against what they called "
    "unfair competition from the United States.\n\n"
    "“This agreement protects our farmers from speculators,” President Costa said.\n\n"
    "Argentina’s foreign ministry said the pact would be open to other countries in the "
    "region.\n\n"
    "“We will not let Washington dictate the price of our wheat,” Ferrer told reporters.\n\n"
    "The pact comes weeks after the United States raised tariffs on South American grain, "
    "and Chile, a rival exporter, was not invited to the talks.\n\n"
    "Brazil’s agriculture minister, Paulo Reis, said the deal would raise farm incomes by a "
    "fifth."
)
# The same story from a third country's outlet (quoted there), a day later.
PACT_CHILE = (
    "Chile warns over grain pact\n\n"
    "Chile’s agriculture minister, Rosa Vidal, said on Saturday that the grain export pact "
    "signed by Brazil and Argentina in Buenos Aires would shut Chilean farmers out of their "
    "neighbours’ markets.\n\n"
    "“This is a cartel dressed up as cooperation,” Vidal told reporters in Santiago.\n\n"
    "Brazilian President Ana Costa said on Friday that the pact protects farmers from "
    "speculators.\n\n"
    "The United States, which raised tariffs on South American grain last month, said it "
    "was studying the agreement."
)
SECRET = "test-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery"


def make_store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 'web.db'}")


def add_article(store: Store, text: str = ARTICLE, **meta: Any) -> int:
    """Ingest one article; its id."""
    source = meta.pop("source", f"fixture-{abs(hash(text))}.txt")
    result = ingest_items([RawItem(text=text, source=source, source_format="txt",
                                   title=meta.get("title", "Port strike halts grain exports"),
                                   outlet=meta.get("outlet", "Harbour Times"),
                                   date=meta.get("date", "2026-03-02"))], store)
    assert result.added == 1, result.summary()
    from sqlalchemy import func, select

    from evenhand.store import models as sm

    with store.session() as s:
        return int(s.scalar(select(func.max(sm.Article.id))) or 0)


def settings(**changes: Any) -> WebSettings:
    return WebSettings(secret_key=SECRET).with_(**changes)


def client(store: Store | None, analyzer: Analyzer | None = None,
           address: tuple[str, int] = ("testclient", 50000), **changes: Any) -> TestClient:
    """``address``: the client's (host, port) as the server sees it."""
    app = create_app(store, settings(**changes), analyzer=analyzer)
    return TestClient(app, base_url="https://testserver", client=address)


def stored_text(store: Store) -> str:
    """Every value of every row of every table in the store, as text (to look for what
    must never be stored)."""
    from sqlalchemy import select

    from evenhand.store.models import Base

    out = []
    with store.session() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                out.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v)
                           for v in row)
    return "\n".join(out)


def csrf_token(c: TestClient, path: str) -> str:
    page = c.get(path)
    assert page.status_code == 200, page.text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def make_user(store: Store, name: str = "edna", role: str = "editor") -> str:
    """A user; returns an API token for it."""
    user = add_user(store, name, PASSWORD, role)
    token, _ = create_token(store, user.id, "tests")
    return token


def login(c: TestClient, name: str = "edna", password: str = PASSWORD) -> Any:
    token = csrf_token(c, "/editor/login")
    return c.post("/editor/login", data={"name": name, "password": password,
                                         "csrf_token": token, "next": "/editor"},
                  follow_redirects=False)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def is_error_shape(body: Any, status: int) -> bool:
    return (isinstance(body, dict) and body.get("ok") is False and body.get("status") == status
            and isinstance(body.get("error"), str) and body["error"]
            and "\n" not in body["error"] and isinstance(body.get("title"), str)
            and isinstance(body.get("details"), list))
