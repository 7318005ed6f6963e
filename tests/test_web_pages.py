"""The pages: analyse, articles, the plain-HTML report form (no JavaScript), sign-in and
sessions, the triage pages, CSRF, escaping; campaigns (near-identical reports folded)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from evenhand.store import Store, analyzer_version, open_store
from evenhand.web import campaigns
from evenhand.web.feedback import ReportInput, count_reports, set_status, submit_report
from evenhand.web.models import BiasReport, Campaign
from web_fixtures import (
    ARTICLE,
    PASSWORD,
    SENTENCE,
    add_article,
    client,
    csrf_token,
    login,
    make_user,
)

XSS = '<script>window.__pwned = 1</script><img src=x onerror="alert(1)">'


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The store, on SQLite and on PostgreSQL (reports, campaigns and triage on both)."""
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def article_id(store: Store) -> int:
    return add_article(store)


def post_form(c: Any, article_id: int, **fields: str) -> Any:
    fields.setdefault("csrf_token", csrf_token(c, f"/articles/{article_id}"))
    return c.post(f"/articles/{article_id}/report", data=fields, follow_redirects=False)


# --- the article page and its form ----------------------------------------------------------

def test_the_article_text_carries_its_offsets(store: Store, article_id: int) -> None:
    page = client(store).get(f"/articles/{article_id}").text
    runs = re.findall(r'<span class="t" data-o="(\d+)">([^<]*)</span>', page)
    assert runs
    for offset, shown in runs:
        assert ARTICLE[int(offset):int(offset) + len(html.unescape(shown))] == \
            html.unescape(shown)
    covered = "".join(html.unescape(t) for _, t in runs)
    assert covered.replace(" ", "") == "".join(ARTICLE.split())  # every character shown once
    assert f'action="/articles/{article_id}/report"' in page
    assert 'name="website"' in page  # the honeypot is there, hidden from people


def test_a_reader_files_a_report_without_javascript(store: Store, article_id: int) -> None:
    c = client(store)
    # the passage pasted into the form (as a reader without JavaScript does), its line
    # breaks and quotation marks not as in the article
    r = post_form(c, article_id, category="missing_perspective",
                  quote="The port authority said in a statement that its latest offer\n"
                        "remained on the table.", comment="Where are the dockers?")
    assert r.status_code == 303
    assert re.fullmatch(rf"/articles/{article_id}/thanks\?report=\d+", r.headers["location"])
    thanks = c.get(r.headers["location"])
    assert "Thank you" in thanks.text and "#1" in thanks.text
    with store.session() as s:
        (row,) = s.scalars(select(BiasReport)).all()
    assert (row.start, row.end, row.passage) == (ARTICLE.index(SENTENCE),
                                                 ARTICLE.index(SENTENCE) + len(SENTENCE),
                                                 SENTENCE)
    assert (row.category, row.via, row.comment) == ("missing_perspective", "form",
                                                    "Where are the dockers?")
    assert row.analyzer_version is None  # the article has not been analysed


def test_form_errors_are_shown_on_the_page_and_nothing_is_stored(store: Store,
                                                                 article_id: int) -> None:
    c = client(store)
    r = post_form(c, article_id, category="", comment="x")
    assert r.status_code == 422 and "category" in r.text and 'role="alert"' in r.text
    r = post_form(c, article_id, category="other", quote="not in this article at all")
    assert r.status_code == 422 and "not found in the article" in r.text
    assert "not in this article at all" in r.text  # the reader's input is kept
    r = post_form(c, article_id, category="other", start="1x", end="5")
    assert r.status_code == 422 and "whole number" in r.text
    assert count_reports(store) == 0


def test_forms_need_the_csrf_token_of_this_browser(store: Store, article_id: int) -> None:
    c = client(store)
    r = post_form(c, article_id, category="other", csrf_token="")
    assert r.status_code == 403 and "CSRF" in r.text
    other = client(store)
    stolen = csrf_token(other, f"/articles/{article_id}")  # another browser's token
    r = post_form(c, article_id, category="other", csrf_token=stolen)
    assert r.status_code == 403
    r = post_form(c, article_id, category="other", csrf_token="forged.token")
    assert r.status_code == 403
    assert count_reports(store) == 0
    cookie = c.get(f"/articles/{article_id}").headers.get("set-cookie", "") or \
        client(store).get(f"/articles/{article_id}").headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie


def test_the_honeypot_thanks_a_bot_and_stores_nothing(store: Store, article_id: int) -> None:
    r = post_form(client(store), article_id, category="other", comment="buy now",
                  website="http://spam.example")
    assert r.status_code == 303 and "report=" not in r.headers["location"]
    assert count_reports(store) == 0


def test_the_form_is_rate_limited(store: Store, article_id: int) -> None:
    c = client(store, report_rate_limit=2)
    codes = [post_form(c, article_id, category="other", comment=f"note {i}").status_code
             for i in range(3)]
    assert codes == [303, 303, 429]
    assert count_reports(store) == 2


def test_article_list_filters(store: Store, article_id: int) -> None:
    c = client(store)
    page = c.get("/articles?q=grain").text
    assert f'href="/articles/{article_id}"' in page and "1 article<" in page
    assert "0 articles" in c.get("/articles?q=volcano").text
    assert c.get("/articles?date_from=tomorrow").status_code == 422


# --- editors --------------------------------------------------------------------------------

def test_sign_in_sets_a_secure_session_and_sign_out_ends_it(store: Store) -> None:
    make_user(store, "edna")
    c = client(store)
    assert c.get("/editor", follow_redirects=False).headers["location"] == \
        "/editor/login?next=/editor"
    r = login(c, "edna", "wrong password")
    assert r.status_code == 401 and "Wrong name or password" in r.text
    r = login(c, "nobody", PASSWORD)
    assert r.status_code == 401
    r = login(c)
    assert r.status_code == 303 and r.headers["location"] == "/editor"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("eh_session=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "SameSite=lax" in cookie
    session = c.cookies.get("eh_session")
    page = c.get("/editor")
    assert page.status_code == 200 and "Reader reports" in page.text
    assert page.headers["cache-control"] == "no-store"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert c.post("/editor/logout", data={"csrf_token": token},
                  follow_redirects=False).status_code == 303
    c.cookies.set("eh_session", session or "")  # the old cookie no longer works
    assert c.get("/editor", follow_redirects=False).status_code == 303


def test_login_only_redirects_within_the_site(store: Store) -> None:
    make_user(store, "edna")
    for target, expected in (("//evil.example/x", "/editor"), ("https://evil.example", "/editor"),
                             ("/editor/tokens", "/editor/tokens")):
        c = client(store)
        token = csrf_token(c, "/editor/login")
        r = c.post("/editor/login", data={"name": "edna", "password": PASSWORD,
                                          "csrf_token": token, "next": target},
                   follow_redirects=False)
        assert r.headers["location"] == expected


def test_a_script_in_a_comment_is_rendered_inert(store: Store, article_id: int) -> None:
    c = client(store)
    r = c.post(f"/api/articles/{article_id}/bias-reports",
               json={"category": "other", "comment": XSS, "quote": SENTENCE})
    report_id = r.json()["id"]
    make_user(store, "edna")
    login(c)
    for page in (c.get("/editor").text, c.get(f"/editor/reports/{report_id}").text):
        assert "<script>window.__pwned" not in page and "<img src=x" not in page
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
        assert not re.search(r"<script(?![^>]*\bsrc=\"/(static|assets)/)", page)


def test_the_triage_pages_show_a_report_beside_its_passage(store: Store,
                                                           article_id: int) -> None:
    c = client(store)
    start = ARTICLE.index(SENTENCE)
    ids = [c.post(f"/api/articles/{article_id}/bias-reports", json={
        "category": "one_sided_sourcing", "start": start, "end": start + len(SENTENCE),
        "comment": "This story gives the port authority's view and never the dockers' answer "
                   "to it" + "!" * i}).json()["id"] for i in range(3)]
    make_user(store, "edna")
    login(c)
    queue = c.get("/editor").text
    assert "campaign ×3" in queue and html.escape(SENTENCE) in queue
    assert queue.count("/editor/reports/") == 1  # one campaign, answered once
    page = c.get(f"/editor/reports/{ids[0]}").text
    assert f"<mark class=\"reported\">{html.escape(SENTENCE)}</mark>" in page
    assert "3 near-identical reports" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = c.post(f"/editor/reports/{ids[1]}/status", data={
        "status": "resolved", "resolution": "clarification", "csrf_token": token},
        follow_redirects=False)
    assert r.status_code == 303
    r = c.post(f"/editor/reports/{ids[2]}/notes", data={"body": "Asked the union for a "
                                                        "reply.", "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303
    page = c.get(f"/editor/reports/{ids[0]}").text
    assert "Resolved: Clarification" in page and "Asked the union for a reply." in page
    assert "Resolved by edna" in page
    assert "campaign ×3" not in c.get("/editor").text  # nothing open any more
    assert "campaign ×3" in c.get("/editor?status=resolved").text
    r = c.post(f"/editor/reports/{ids[0]}/status", data={"status": "resolved",
                                                          "csrf_token": "x"})
    assert r.status_code == 403
    csv_text = c.get("/editor/export.csv").text
    assert csv_text.count("\r\n") == 4 and csv_text.startswith("report_id,")


def test_the_audit_page_is_for_admins(store: Store) -> None:
    make_user(store, "edna", "editor")
    make_user(store, "ada", "admin")
    c = client(store)
    login(c, "edna")
    r = c.get("/editor/audit", headers={"accept": "text/html"})
    assert r.status_code == 403 and "for admins" in r.text
    c = client(store)
    login(c, "ada")
    page = c.get("/editor/audit").text
    assert "login" in page and "user.add" in page


def test_tokens_are_made_and_revoked_in_the_page(store: Store) -> None:
    make_user(store, "edna")
    c = client(store)
    login(c)
    token = csrf_token(c, "/editor/tokens")
    page = c.post("/editor/tokens", data={"name": "dashboard", "csrf_token": token}).text
    new = re.search(r'<pre class="token">(eh_[\w-]+)</pre>', page).group(1)  # type: ignore[union-attr]
    assert c.get("/api/triage", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    token_id = re.search(r'/editor/tokens/(\d+)/revoke', page).group(1)  # type: ignore[union-attr]
    c.post(f"/editor/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert c.get("/api/triage", headers={"Authorization": f"Bearer {new}"}).status_code == 401


# --- campaigns ------------------------------------------------------------------------------

LETTER = ("Your coverage of the strike repeats the port authority's talking points and never "
          "asks the dockers' union for its side. Please correct this.")


def submit(store: Store, article_id: int, comment: str, **kw: Any) -> Any:
    return submit_report(store, article_id, ReportInput(category=kw.pop("category", "other"),
                                                        comment=comment, **kw),
                         client_hash="c" * 32)


def test_near_identical_reports_fold_into_one_campaign(store: Store, article_id: int) -> None:
    other = add_article(store, "The council voted to close two libraries next spring, "
                               "saying the buildings cost too much to repair.",
                        title="Libraries to close")
    first = submit(store, article_id, LETTER)
    copies = [submit(store, article_id, LETTER.upper()),                   # shouting
              submit(store, article_id, LETTER.replace("dockers'", "workers'")),  # edited
              submit(store, other, LETTER + " Thank you.")]                 # another article
    different = submit(store, article_id, "The headline says exports halted but the "
                                          "article says only grain exports stopped.")
    assert {c.campaign_id for c in copies} == {first.campaign_id}
    assert copies[-1].campaign_size == 4
    assert different.campaign_id != first.campaign_id
    # short comments fold only on the same passage and category
    a = submit(store, article_id, "biased", quote=SENTENCE)
    b = submit(store, article_id, "Biased!", quote=SENTENCE)
    c = submit(store, article_id, "biased", quote="Farmers’ groups fear")
    d = submit(store, article_id, "biased", quote=SENTENCE, category="loaded_language")
    assert a.campaign_id == b.campaign_id
    assert len({a.campaign_id, c.campaign_id, d.campaign_id}) == 3
    # answered once: the campaign's status is every member's
    set_status(store, copies[1].id, "resolved", "no_action", user_id=_user(store))
    with store.session() as s:
        statuses = s.execute(select(BiasReport.id, Campaign.status).join(
            Campaign, Campaign.id == BiasReport.campaign_id)
            .where(BiasReport.campaign_id == first.campaign_id)).all()
    assert sorted(statuses) == sorted((x.id, "resolved") for x in [first, *copies])


def _user(store: Store) -> int:
    from evenhand.web.auth import add_user

    return add_user(store, "triager", PASSWORD).id


def test_campaign_signatures_separate_different_comments() -> None:
    def sig(text: str) -> bytes:
        fp = campaigns.fingerprint(text, article_id=1, start=None, end=None, category="other")
        assert fp.signature is not None
        return fp.signature

    assert campaigns.similarity(sig(LETTER), sig(LETTER)) == 1.0
    assert campaigns.similarity(sig(LETTER), sig(LETTER.replace("Please correct this.",
                                                                "Fix it."))) >= 0.7
    assert campaigns.similarity(sig(LETTER), sig("The headline says exports halted but "
                                                 "the article says only grain stopped.")) < 0.3
    assert campaigns.fingerprint("too short", article_id=1, start=None, end=None,
                                 category="other").signature is None


# --- with the real analysis ----------------------------------------------------------------

@pytest.mark.slow
def test_pages_with_an_analysed_article(store: Store, article_id: int, nlp: Any) -> None:
    import evenhand
    from evenhand.report import Report
    from evenhand.web.analysis import Analyzer

    report = evenhand.analyze(evenhand.Article.from_text(ARTICLE), nlp=nlp)
    data = report.to_dict()
    assert Report.from_dict(data).to_dict() == data  # a stored report reads back whole
    store.save_results([(article_id, analyzer_version(data["analyzer"]), data)])
    c = client(store, analyzer=Analyzer(loader=lambda name: nlp))
    page = c.get(f"/articles/{article_id}").text
    assert "Findings" in page and 'class="q ' in page and 'data-o="' in page
    assert 'name="analysis_id" value="' in page
    # the report names the analysis the reader saw, and the editor sees the findings there
    quote_at = ARTICLE.index("“We have waited")
    r = c.post(f"/api/articles/{article_id}/bias-reports", json={
        "category": "one_sided_sourcing", "start": quote_at, "end": ARTICLE.index("union.") + 6,
        "comment": "Only the union is quoted here."})
    assert r.status_code == 201
    make_user(store, "edna")
    login(c)
    detail = c.get(f"/editor/reports/{r.json()['id']}").text
    assert "What the analysis found here" in detail
    assert "Marta Quell" in detail  # the quote in the passage, with its speaker
    with store.session() as s:
        row = s.scalars(select(BiasReport)).one()
    assert row.analyzer_version == analyzer_version(data["analyzer"])
    # the analyse page: paste, see the report
    token = csrf_token(c, "/")
    r = c.post("/analyze", data={"text": ARTICLE, "outlet": "Harbour Times",
                                 "csrf_token": token})
    assert r.status_code == 200 and "Marta Quell" in r.text and "Harbour Times" in r.text
    r = c.post("/analyze", files={"file": ("page.html", (
        "<html><body><article><h1>Strike</h1><p>" + ARTICLE.replace("\n\n", "</p><p>")
        + "</p></article></body></html>").encode(), "text/html")},
        data={"csrf_token": token})
    assert r.status_code == 200 and "Marta Quell" in r.text
    r = c.post("/analyze", data={"text": "  ", "csrf_token": token})
    assert r.status_code == 422 and "paste an article" in r.text
