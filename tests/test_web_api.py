"""The JSON API: every endpoint, authentication and roles, the one error shape, size
limits, rate limits, CORS, security headers, the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from evenhand.store import Store, open_store
from evenhand.web.auth import list_tokens, revoke_token
from evenhand.web.feedback import count_reports
from web_fixtures import (
    ARTICLE,
    SENTENCE,
    add_article,
    bearer,
    client,
    csrf_token,
    is_error_shape,
    login,
    make_user,
    settings,
    stored_text,
)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The store, on SQLite and on PostgreSQL (reports, campaigns and triage on both)."""
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def article_id(store: Store) -> int:
    return add_article(store)


def report(c: Any, article_id: int, **body: Any) -> Any:
    body.setdefault("category", "one_sided_sourcing")
    return c.post(f"/api/articles/{article_id}/bias-reports", json=body)


# --- the OpenAPI document and the error shape -----------------------------------------------

def test_openapi_lists_every_api_endpoint(store: Store) -> None:
    spec = client(store).get("/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/analyze", "/api/articles", "/api/articles/{article_id}",
            "/api/articles/{article_id}/bias-reports", "/api/triage", "/api/bias-reports",
            "/api/bias-reports/{report_id}", "/api/bias-reports/{report_id}/notes",
            "/api/bias-reports/export.csv", "/api/users", "/api/audit-log",
            "/api/health"} <= set(paths)
    assert set(paths["/api/bias-reports/{report_id}"]) == {"get", "patch"}
    assert paths["/api/articles/{article_id}/bias-reports"]["post"]["responses"]["201"]
    body = spec["components"]["schemas"]["BiasReportIn"]
    assert body["additionalProperties"] is False
    assert "misleading_headline" in json.dumps(body)
    assert not any(p.startswith(("/editor", "/articles")) for p in paths)  # pages are not API
    health = client(store).get("/api/health")
    assert health.status_code == 200 and health.json() == {"ok": True, "store": True}


def test_unknown_paths_and_methods_answer_with_the_error_shape(store: Store) -> None:
    c = client(store)
    r = c.get("/api/nothing-here")
    assert r.status_code == 404 and is_error_shape(r.json(), 404)
    r = c.delete("/api/articles")
    assert r.status_code == 405 and is_error_shape(r.json(), 405)
    # a browser asking for a page gets the same message as a page
    r = c.get("/nothing-here", headers={"accept": "text/html"})
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "no such page" in r.text
    r = c.get("/nothing-here", headers={"accept": "application/json"})
    assert r.status_code == 404 and is_error_shape(r.json(), 404)


def test_every_response_carries_the_security_headers(store: Store, article_id: int) -> None:
    c = client(store)
    for r in (c.get("/"), c.get(f"/articles/{article_id}"), c.get("/api/nothing"),
              report(c, article_id, category="nope")):
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert c.get("/embed.js").headers["cross-origin-resource-policy"] == "cross-origin"
    assert c.get("/").headers["cross-origin-resource-policy"] == "same-origin"


# --- articles -------------------------------------------------------------------------------

def test_articles_are_listed_filtered_and_read(store: Store, article_id: int) -> None:
    other = add_article(store, "A wildfire burned four thousand hectares of pine forest "
                               "near Sorrel Bay, the fire service said on Saturday.",
                        title="Wildfire near Sorrel Bay", outlet="Coast News",
                        date="2026-05-09")
    c = client(store)
    everything = c.get("/api/articles").json()
    assert everything["total"] == 2
    assert [a["id"] for a in everything["articles"]] == [other, article_id]  # newest first
    assert [a["id"] for a in c.get("/api/articles?q=wildfire").json()["articles"]] == [other]
    assert [a["id"] for a in c.get("/api/articles?outlet=Harbour%20Times").json()
            ["articles"]] == [article_id]
    assert [a["id"] for a in c.get("/api/articles?date_from=2026-04-01").json()
            ["articles"]] == [other]
    assert c.get("/api/articles?q=%25").json()["total"] == 0  # LIKE wildcards are literal
    one = c.get(f"/api/articles/{article_id}").json()
    assert one["text"] == ARTICLE and one["report"] is None and one["outlet"] == "Harbour Times"
    # where the server read it from is for editors only
    assert "source" not in one and ".txt" not in json.dumps(one)
    editor = c.get(f"/api/articles/{article_id}", headers=bearer(make_user(store))).json()
    assert editor["source"].endswith(".txt") and editor["text"] == ARTICLE
    assert c.get(f"/api/articles/{article_id}", headers=bearer("eh_nope")).status_code == 401
    r = c.get("/api/articles/9999")
    assert r.status_code == 404 and is_error_shape(r.json(), 404)
    assert "9999" in r.json()["error"]
    r = c.get("/api/articles?limit=0")
    assert r.status_code == 422 and is_error_shape(r.json(), 422)
    assert r.json()["details"][0]["field"] == "query.limit"


def test_the_api_answers_503_without_a_store() -> None:
    r = client(None).get("/api/articles")
    assert r.status_code == 503 and is_error_shape(r.json(), 503)


def test_a_failing_store_is_logged_but_its_detail_never_reaches_the_client(
        store: Store, article_id: int, caplog: pytest.LogCaptureFixture) -> None:
    from sqlalchemy import text

    with store.engine.begin() as conn:  # the store breaks under the app
        conn.execute(text("ALTER TABLE articles RENAME TO articles_gone"))
    c = client(store)
    with caplog.at_level("ERROR", logger="evenhand.web"):
        for r in (c.get("/api/articles"), c.get(f"/articles/{article_id}",
                                                headers={"accept": "text/html"})):
            assert r.status_code == 503, r.text
            for leak in (str(store.engine.url.database), "sqlite:", "postgresql",
                         "FROM articles", "no such table", "does not exist", "SELECT"):
                assert leak not in r.text, leak
    assert is_error_shape(c.get("/api/articles").json(), 503)
    assert "articles" in caplog.text and store.dialect in caplog.text  # the detail is logged


# --- reader reports -------------------------------------------------------------------------

def test_a_report_on_a_passage_is_stored_with_its_offsets(store: Store,
                                                          article_id: int) -> None:
    c = client(store)
    start = ARTICLE.index(SENTENCE)
    r = report(c, article_id, start=start, end=start + len(SENTENCE), comment="Only the "
               "port authority's side of the pay talks is given.", email="r@example.org")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ok"] is True and isinstance(body["id"], int)
    assert (body["start"], body["end"], body["status"]) == (start, start + len(SENTENCE),
                                                            "new")
    assert r.headers["content-type"].startswith("application/json")


def test_a_quoted_passage_is_found_in_the_text(store: Store, article_id: int) -> None:
    c = client(store)
    # as a publisher's page shows it: other white space, straight quotation marks
    quote = "“We have waited three  years\nfor a fair offer".replace("“", '"')
    body = report(c, article_id, quote=quote).json()
    start = ARTICLE.index("“We have waited")
    assert ARTICLE[body["start"]:body["end"]] == "“We have waited three years for a fair offer"
    assert body["start"] == start
    # a valid span whose text differs from the quote: the quote wins
    body = report(c, article_id, start=0, end=10, quote="Farmers’ groups fear").json()
    assert ARTICLE[body["start"]:body["end"]] == "Farmers’ groups fear"
    # neither: the whole article
    body = report(c, article_id).json()
    assert body["start"] is None and body["end"] is None


def test_the_honeypot_answers_a_bot_like_a_reader_and_stores_nothing(
        store: Store, article_id: int) -> None:
    c = client(store)
    person = report(c, article_id, comment="a person")
    bot = report(c, article_id, comment="a bot", website="http://spam.example")
    assert bot.status_code == person.status_code == 201
    assert set(bot.json()) == set(person.json()) and bot.json()["ok"] is True
    assert "trap" not in bot.text and "website" not in bot.text
    assert count_reports(store) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"category": "biased"}, "body.category"),
    ({"category": "other", "start": 5}, "start/end"),
    ({"category": "other", "start": 10, "end": 5}, "start/end"),
    ({"category": "other", "start": 0, "end": 10_000}, "start/end"),
    ({"category": "other", "quote": "words that are nowhere in it"}, "quote"),
    ({"category": "other", "email": "not an address"}, "email"),
    ({"category": "other", "comment": "x" * 2_001}, "comment"),
    ({"category": "other", "color": "red"}, "body.color"),
    ({"category": "other", "start": "ten", "end": 20}, "body.start"),
])
def test_bad_reports_are_refused_with_the_field_named(store: Store, article_id: int,
                                                      body: dict[str, Any],
                                                      field: str) -> None:
    r = client(store).post(f"/api/articles/{article_id}/bias-reports", json=body)
    assert r.status_code == 422, r.text
    data = r.json()
    assert is_error_shape(data, 422)
    assert any(d["field"] == field for d in data["details"]), data
    assert count_reports(store) == 0


def test_malformed_and_oversized_bodies_are_refused(store: Store, article_id: int) -> None:
    c = client(store, max_report_bytes=2_000)
    url = f"/api/articles/{article_id}/bias-reports"
    r = c.post(url, content=b'{"category": "other",', headers={"content-type":
                                                               "application/json"})
    assert r.status_code == 422 and is_error_shape(r.json(), 422)
    assert "invalid JSON" in r.json()["error"]
    r = c.post(url, content=b"[1, 2]", headers={"content-type": "application/json"})
    assert r.status_code == 422 and is_error_shape(r.json(), 422)
    r = c.post(url, content=b'{"category": "other"}', headers={"content-type": "text/plain"})
    assert r.status_code == 415 and is_error_shape(r.json(), 415)
    r = c.post(url, json={"category": "other", "comment": "x" * 3_000})
    assert r.status_code == 413 and is_error_shape(r.json(), 413)
    assert "2,000-byte limit" in r.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"category": "other", "comment": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    r = c.post(url, content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and is_error_shape(r.json(), 413)
    assert c.post("/api/articles/9999/bias-reports", json={"category": "other"}
                  ).status_code == 404
    assert count_reports(store) == 0


def test_reports_are_rate_limited_per_client_and_every_accepted_one_is_stored(
        store: Store, article_id: int) -> None:
    c = client(store, report_rate_limit=3)
    codes = [report(c, article_id, comment=f"report number {i} about the sourcing of this "
                                           "story").status_code for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    r = report(c, article_id)
    assert is_error_shape(r.json(), 429) and int(r.headers["retry-after"]) >= 1
    assert count_reports(store) == 3
    # the limit is per app: turned off, nothing is refused
    c = client(store, report_rate_limit=0)
    assert all(report(c, article_id).status_code == 201 for _ in range(5))


def test_no_client_address_is_stored(store: Store, article_id: int) -> None:
    address = "203.0.113.7"
    c = client(store, address=(address, 5000))
    assert report(c, article_id, comment="one-sided").status_code == 201
    assert report(c, article_id, website="https://spam.example").status_code == 201  # a bot
    page = c.get(f"/articles/{article_id}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert c.post(f"/articles/{article_id}/report", data={
        "category": "other", "comment": "from the form", "csrf_token": token},
        follow_redirects=False).status_code == 303
    make_user(store, "edna")
    assert c.post("/editor/login", data={"name": "edna", "password": "wrong password",
                                         "csrf_token": csrf_token(c, "/editor/login")}
                  ).status_code in (200, 401, 403, 422)  # a failed sign-in is audited
    assert count_reports(store) == 2
    dump = stored_text(store)
    assert "one-sided" in dump and "from the form" in dump  # the scan sees the reports
    assert address not in dump and "203.0.113" not in dump


def test_cors_is_limited_to_the_configured_origins(store: Store, article_id: int) -> None:
    c = client(store, cors_origins=("https://news.example",))
    url = f"/api/articles/{article_id}/bias-reports"
    pre = {"access-control-request-method": "POST",
           "access-control-request-headers": "content-type"}
    ok = c.options(url, headers={"origin": "https://news.example", **pre})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://news.example"
    bad = c.options(url, headers={"origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in bad.headers
    r = c.post(url, json={"category": "other"}, headers={"origin": "https://news.example"})
    assert r.status_code == 201
    assert r.headers["access-control-allow-origin"] == "https://news.example"
    # the editor API never answers cross-origin
    r = c.get("/api/triage", headers={"origin": "https://news.example"})
    assert "access-control-allow-origin" not in r.headers
    # a wildcard is refused, whichever way it is given
    from evenhand.errors import ConfigError
    from evenhand.web import WebSettings

    for bad in (("*",), ("https://news.example", "https://*.example")):
        with pytest.raises(ConfigError, match="wildcards are not allowed"):
            settings(cors_origins=bad)
    with pytest.raises(ConfigError, match="wildcards"):
        WebSettings.from_env({"EVENHAND_CORS_ORIGINS": "*"})
    # without configured origins there is no CORS at all
    r = client(store).options(url, headers={"origin": "https://news.example", **pre})
    assert "access-control-allow-origin" not in r.headers


# --- editors --------------------------------------------------------------------------------

EDITOR_CALLS = [("get", "/api/triage", None), ("get", "/api/bias-reports", None),
                ("get", "/api/bias-reports/1", None),
                ("patch", "/api/bias-reports/1", {"status": "in_review"}),
                ("post", "/api/bias-reports/1/notes", {"body": "checking"}),
                ("get", "/api/bias-reports/export.csv", None)]
ADMIN_CALLS = [("get", "/api/users", None), ("get", "/api/audit-log", None)]


def call(c: Any, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    return getattr(c, method)(url, **kwargs)


def test_editor_endpoints_refuse_unauthenticated_and_wrong_role_access(
        store: Store, article_id: int) -> None:
    c = client(store)
    report(c, article_id)
    editor = make_user(store, "edna", "editor")
    admin = make_user(store, "ada", "admin")
    for method, url, body in EDITOR_CALLS + ADMIN_CALLS:
        for headers in ({}, bearer("eh_not-a-real-token"), {"Authorization": "Basic eA=="}):
            r = call(c, method, url, body, headers)
            assert r.status_code == 401, (method, url, r.text)
            assert is_error_shape(r.json(), 401)
            assert r.headers["www-authenticate"].startswith("Bearer")
    for method, url, body in ADMIN_CALLS:
        r = call(c, method, url, body, bearer(editor))
        assert r.status_code == 403 and is_error_shape(r.json(), 403), url
        assert call(c, method, url, body, bearer(admin)).status_code == 200
    for method, url, body in EDITOR_CALLS:
        r = call(c, method, url, body, bearer(editor))
        assert r.status_code in (200, 201), (method, url, r.text)
    # a revoked token stops working at once
    (info,) = [t for t in list_tokens(store, 1)]
    revoke_token(store, info.user_id, info.id)
    assert c.get("/api/triage", headers=bearer(editor)).status_code == 401
    # a session cookie is not an API credential: signed in, the pages open, the API not
    add_user_pages = client(store)
    assert login(add_user_pages, "ada").status_code == 303
    assert add_user_pages.cookies.get("eh_session")
    assert add_user_pages.get("/editor", follow_redirects=False).status_code == 200
    r = add_user_pages.get("/api/triage")
    assert r.status_code == 401 and is_error_shape(r.json(), 401)


def test_triage_over_the_api(store: Store, article_id: int) -> None:
    c = client(store)
    token = make_user(store, "edna", "editor")
    start = ARTICLE.index(SENTENCE)
    first = report(c, article_id, start=start, end=start + len(SENTENCE),
                   comment="=HYPERLINK(\"http://evil.example\") the union is barely heard",
                   email="reader@example.org").json()["id"]
    report(c, article_id, category="misleading_headline", comment="headline")
    queue = c.get("/api/triage", headers=bearer(token)).json()
    (group,) = queue["articles"]
    assert group["article_id"] == article_id and group["reports"] == 2
    assert [p["start"] for p in group["passages"]] == [start, None]  # whole article last
    detail = c.get(f"/api/bias-reports/{first}", headers=bearer(token)).json()
    assert detail["report"]["passage"] == SENTENCE
    assert detail["context"]["passage"] == SENTENCE
    assert detail["campaign"]["status"] == "new" and detail["findings"] is None  # unanalysed
    assert detail["report"]["email"] == "reader@example.org"
    assert "client_hash" in detail["report"] and len(detail["report"]["client_hash"]) == 32

    def patch(body: dict[str, Any]) -> Any:
        return c.patch(f"/api/bias-reports/{first}", json=body, headers=bearer(token))

    assert patch({"status": "resolved"}).status_code == 422  # no resolution
    assert patch({"status": "in_review", "resolution": "correction"}).status_code == 422
    assert patch({"status": "done"}).status_code == 422
    assert patch({"status": "in_review"}).json()["status"] == "in_review"
    done = patch({"status": "resolved", "resolution": "correction"}).json()
    assert (done["status"], done["resolution"]) == ("resolved", "correction")
    r = patch({"status": "new"})  # resolved → new is not a step; reopen as in review
    assert r.status_code == 422 and "cannot go to new" in r.json()["error"]
    note = c.post(f"/api/bias-reports/{first}/notes", json={"body": "Fixed para 4."},
                  headers=bearer(token))
    assert note.status_code == 201
    detail = c.get(f"/api/bias-reports/{first}", headers=bearer(token)).json()
    assert [n["body"] for n in detail["notes"]] == ["Fixed para 4."]
    assert [(a["action"], a["detail"].get("after")) for a in detail["audit"]] == [
        ("campaign.status", "in_review"), ("campaign.status", "resolved"), ("note.add", None)]
    assert detail["campaign"]["resolved_by"] == "edna"
    assert [r["id"] for r in c.get("/api/bias-reports?status=resolved",
                                    headers=bearer(token)).json()["reports"]] == [first]
    assert c.get("/api/triage?status=open", headers=bearer(token)).json()["articles"][0][
        "reports"] == 1
    assert c.get("/api/bias-reports/999", headers=bearer(token)).status_code == 404
    # the CSV export: every report, formulas defused
    r = c.get("/api/bias-reports/export.csv", headers=bearer(token))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["report_id"]) for x in rows] == [first, first + 1]
    assert rows[0]["comment"].startswith("'=HYPERLINK")
    assert rows[0]["status"] == "resolved" and rows[0]["resolution"] == "correction"
    assert rows[0]["passage"] == SENTENCE and rows[0]["email"] == "reader@example.org"
    assert c.get("/api/bias-reports/export.csv?status=bogus",
                 headers=bearer(token)).status_code == 422


def test_admins_read_users_and_the_audit_log(store: Store) -> None:
    admin = make_user(store, "ada", "admin")
    make_user(store, "edna", "editor")
    c = client(store)
    users = c.get("/api/users", headers=bearer(admin)).json()["users"]
    assert [(u["name"], u["role"]) for u in users] == [("ada", "admin"), ("edna", "editor")]
    assert "password_hash" not in json.dumps(users)
    actions = [e["action"] for e in c.get("/api/audit-log", headers=bearer(admin)).json()
               ["entries"]]
    assert actions[:4] == ["token.create", "user.add", "token.create", "user.add"]


# --- analysis -------------------------------------------------------------------------------

def test_analyze_refuses_bad_bodies_without_loading_the_pipeline(store: Store) -> None:
    c = client(store, max_body_bytes=5_000, max_article_chars=1_000)
    r = c.post("/api/analyze", json={})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "body.text"
    r = c.post("/api/analyze", json={"text": "   \n "})
    assert r.status_code == 422 and "whitespace" in r.json()["error"]
    r = c.post("/api/analyze", json={"text": "word " * 300})
    assert r.status_code == 422 and "1,000-character limit" in r.json()["error"]
    r = c.post("/api/analyze", json={"text": "word " * 2_000})
    assert r.status_code == 413 and is_error_shape(r.json(), 413)
    r = c.post("/api/analyze", content="text=hello", headers={
        "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert not c.app.state.analyzer.loaded  # type: ignore[attr-defined]


@pytest.mark.slow
def test_analyze_returns_the_report(store: Store, nlp: Any) -> None:
    from evenhand.web.analysis import Analyzer

    c = client(store, analyzer=Analyzer(loader=lambda name: nlp))
    r = c.post("/api/analyze", json={"text": ARTICLE, "outlet": "Harbour Times"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["schema"] == "evenhand/report-1" and data["outlet"] == "Harbour Times"
    assert data["title"] == "Port strike halts grain exports"
    assert data["quotes"]
    for q in data["quotes"]:
        assert ARTICLE[q["start"]:q["end"]] == q["text"]
    assert any(a["name"] == "Marta Quell" for a in data["actors"])
