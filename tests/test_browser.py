"""The app in a real browser: Playwright driving Debian's Chromium against uvicorn on a free
loopback port.

A reader selects a sentence of an article and files a report; a reader without JavaScript
files one with the plain form; a publisher's page (another origin) files one through the
embeddable snippet; an editor signs in, sees the report beside the findings for that
passage, and resolves it. A screenshot of each page is saved to ``out/screenshots``
(``$EVENHAND_SCREENSHOTS`` to change it).

Chromium comes from Debian (``apt-get install chromium``; Playwright's own download is not
possible here). Without it the tests skip, unless ``EVENHAND_REQUIRE_BROWSER=1`` (CI), when
they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from evenhand.store import Store, analyzer_version
from evenhand.web import create_app
from evenhand.web.analysis import Analyzer
from evenhand.web.auth import add_user
from evenhand.web.models import BiasReport
from web_fixtures import ARTICLE as STRIKE
from web_fixtures import PACT, PACT_CHILE, PASSWORD, add_article, make_store, settings

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("EVENHAND_SCREENSHOTS") or ROOT / "out" / "screenshots")
ARTICLE = PACT
TITLE = "Brazil and Argentina sign grain pact"
SENTENCE = "“This agreement protects our farmers from speculators,” President Costa said."
LAST_PARAGRAPH = ("Brazil’s agriculture minister, Paulo Reis, said the deal would raise farm "
                  "incomes by a fifth.")
XSS = "<script>window.__pwned = 1</script> The union is barely heard."

pytestmark = pytest.mark.slow


def _chromium() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        if os.environ.get("EVENHAND_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is not installed (/usr/bin/chromium) and "
                        "EVENHAND_REQUIRE_BROWSER=1")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """uvicorn serving ``app`` on a free loopback port, in a thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        import uvicorn

        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _publisher_app(evenhand_url: str, article_id: int) -> Any:
    """A publisher's article page on another origin, with the snippet's <script> tag."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour Times</title>"
            "<style>body{font:17px Georgia,serif;max-width:680px;margin:30px auto}</style>"
            f"</head><body><h1>{TITLE}</h1><div id='story'>"
            f"{paragraphs}</div><script src='{evenhand_url}/embed.js' "
            f"data-article='{article_id}' data-target='#story' async></script></body></html>")

    async def home(request: Any) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", home)])


@dataclass
class Site:
    url: str
    store: Store
    article_id: int
    publisher: str


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def site(chromium: str, nlp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import evenhand

    store = make_store(tmp_path_factory.mktemp("browser"))
    corpus = [(ARTICLE, {"title": TITLE, "outlet": "Southern Ledger", "date": "2026-03-06"}),
              (PACT_CHILE, {"title": "Chile warns over grain pact", "outlet": "Andes Daily",
                            "date": "2026-03-07"}),
              (STRIKE, {"title": "Port strike halts grain exports", "outlet": "Andes Daily",
                        "date": "2026-02-16"})]
    ids = []
    for text, meta in corpus:  # stored and analysed, as `evenhand ingest` and `run` do
        ids.append(add_article(store, text, **meta))
        report = evenhand.analyze(evenhand.Article.from_text(text, source=f"{ids[-1]}.txt",
                                                             **meta), nlp=nlp).to_dict()
        store.save_results([(ids[-1], analyzer_version(report["analyzer"]), report)])
    article_id = ids[0]
    add_user(store, "edna", PASSWORD, "editor")
    port, publisher_port = _free_port(), _free_port()
    url, publisher = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{publisher_port}"
    app = create_app(store, settings(cors_origins=(publisher,)),
                     analyzer=Analyzer(loader=lambda name: nlp))
    with _Server(app, port), _Server(_publisher_app(url, article_id), publisher_port):
        yield Site(url, store, article_id, publisher)
    store.close()


@pytest.fixture(scope="module")
def browser(chromium: str, site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium,
                              args=["--no-sandbox", "--headless", "--disable-gpu"])
        yield b
        b.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def reports(store: Store) -> list[BiasReport]:
    with store.session() as s:
        return list(s.scalars(select(BiasReport).order_by(BiasReport.id)))


# Selects ``needle`` in the article the way a reader's drag does: a DOM Range over the text
# nodes that show it, found by their text (not by the page's offsets).
SELECT_TEXT = """(needle) => {
  const root = document.querySelector('#article-view .article');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let text = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('sup.who, .na')) continue;  // labels, not article text
    nodes.push([n, text.length]); text += n.data;
  }
  const at = text.indexOf(needle);
  if (at < 0) return false;
  const locate = (i) => { for (let k = nodes.length - 1; k >= 0; k--)
    if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]]; };
  const range = document.createRange();
  range.setStart(...locate(at));
  const [last, offset] = locate(at + needle.length - 1);  // the node of the last character
  range.setEnd(last, offset + 1);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  return true;
}"""


def test_a_reader_selects_a_sentence_and_files_a_report(site: Site, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(f"{site.url}/articles/{site.article_id}")
    assert page.locator("article.report .finding").count() >= 1  # the balance report
    shot(page, "01-article")
    # a triple click selects a whole paragraph
    page.locator(".article p").last.click(click_count=3)
    start = ARTICLE.index(LAST_PARAGRAPH)
    expect(page.locator("#f-start")).to_have_value(str(start))
    # (Chromium's triple click stops before the speaker tag that follows the quote, so
    # the final full stop may be left out: the offsets follow the browser's selection)
    end = int(page.input_value("#f-end"))
    assert end in (start + len(LAST_PARAGRAPH) - 1, start + len(LAST_PARAGRAPH))
    assert page.input_value("#f-quote") == ARTICLE[start:end]
    # then the reader selects one sentence
    assert page.evaluate(SELECT_TEXT, SENTENCE)
    start = ARTICLE.index(SENTENCE)
    expect(page.locator("#f-start")).to_have_value(str(start))
    assert page.input_value("#f-end") == str(start + len(SENTENCE))
    assert page.input_value("#f-quote") == SENTENCE
    assert page.locator("#float-report").is_visible()
    shot(page, "02-sentence-selected")
    page.click("#float-report")
    page.select_option("#f-category", "one_sided_sourcing")
    page.fill("#f-comment", XSS)
    page.fill("#f-email", "reader@example.org")
    shot(page, "03-report-form-filled")
    page.click("#bias-form button[type=submit]")
    page.wait_for_url("**/thanks?report=*")
    assert "Thank you" in page.inner_text("h1")
    shot(page, "04-thanks")
    row = reports(site.store)[-1]
    assert (row.start, row.end, row.passage) == (start, start + len(SENTENCE), SENTENCE)
    assert row.comment == XSS and row.via == "form" and row.analyzer_version
    page.close()


def test_a_reader_without_javascript_files_a_report(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}/articles/{site.article_id}")
    page.fill("#f-quote", "Argentina's foreign ministry said the pact")  # pasted, straight '
    page.select_option("#f-category", "missing_perspective")
    page.fill("#f-comment", "Chile is not asked what it thinks.")
    page.click("#bias-form button[type=submit]")
    page.wait_for_url("**/thanks?report=*")
    shot(page, "05-no-javascript-thanks")
    row = reports(site.store)[-1]
    assert row.passage == "Argentina’s foreign ministry said the pact" and row.via == "form"
    context.close()


def test_a_publisher_page_files_a_report_through_the_snippet(site: Site,
                                                             browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(site.publisher)
    page.wait_for_selector(".evenhand-report")
    page.locator("#story p").nth(3).click(click_count=3)  # Ferrer's quote
    page.click("button.open")  # in the snippet's open shadow root
    page.select_option("#eh-cat", "loaded_language")
    page.fill("#eh-comment", "“dictate” is his word, but the headline makes it ours.")
    shot(page, "06-publisher-snippet")
    page.click("button.send")
    page.wait_for_selector(".msg.ok")
    assert "Thank you" in page.inner_text(".msg.ok")
    shot(page, "07-publisher-snippet-sent")
    row = reports(site.store)[-1]
    assert row.via == "embed" and row.category == "loaded_language"
    assert row.passage is not None and row.passage.startswith("“We will not let Washington")
    assert row.start == ARTICLE.index("“We will not let Washington")
    page.close()


def test_an_editor_sees_the_report_beside_the_findings_and_resolves_it(
        site: Site, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(f"{site.url}/editor")
    page.wait_for_url("**/editor/login?next=/editor")
    shot(page, "08-login")
    page.fill("#l-name", "edna")
    page.fill("#l-password", PASSWORD)
    page.click(".login-form button[type=submit]")
    page.wait_for_url(f"{site.url}/editor")
    assert page.locator(".qgroup").count() == 1
    assert SENTENCE[:40] in page.inner_text(".qgroup")
    shot(page, "09-triage-queue")
    report_id = next(r.id for r in reports(site.store) if r.passage == SENTENCE)
    page.click(f"a[href='/editor/reports/{report_id}']")
    page.wait_for_url(f"**/editor/reports/{report_id}")
    assert page.inner_text("mark.reported") == SENTENCE
    found = page.inner_text(".findings-here")
    assert "what the analysis found here" in found.lower()
    # a finding whose evidence covers the passage (its wording follows the quote model)
    assert re.search(r"(NOTICE|WARNING|INFO)\s+\S.*quoted", found, re.IGNORECASE), found
    assert "Ana Costa" in found  # the quote in that sentence, and its speaker
    assert "<script>" in page.inner_text(".comment-box")  # shown as text, not run
    assert page.evaluate("window.__pwned === undefined")
    shot(page, "10-report-beside-findings")
    page.check("input[name=status][value=resolved]")
    page.select_option("#s-resolution", "correction")
    page.click(".status-form button[type=submit]")
    page.wait_for_selector("h1 .s-resolved")
    assert "Resolved: Correction" in page.inner_text("h1")
    page.fill("#n-body", "Added the union's reply in paragraph 4.")
    page.click("#notes button[type=submit]")
    page.wait_for_selector(".note")
    assert "Added the union" in page.inner_text("#notes")
    shot(page, "11-resolved")
    page.goto(f"{site.url}/editor?status=resolved")
    assert page.locator(".qitem.resolved").count() >= 1
    page.close()


def test_the_analyse_page_in_the_browser(site: Site, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(site.url)
    shot(page, "12-analyse-form")
    page.fill("#a-text", ARTICLE)
    page.click(".analyze-form button[type=submit]")
    page.wait_for_selector("article.report")
    assert "Luis Ferrer" in page.inner_text("article.report")
    shot(page, "13-analysis")
    page.goto(f"{site.url}/articles")
    assert page.locator("table.list tbody tr").count() == 3
    shot(page, "14-articles")
    page.close()


def test_the_dashboard_and_a_story_compared(site: Site, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(f"{site.url}/dashboard")
    assert page.locator(".outlet-card").count() == 2  # Andes Daily, Southern Ledger
    assert page.locator(".outlet-card .stack .seg").count() >= 2
    shot(page, "15-dashboard")
    page.goto(f"{site.url}/stories")
    link = page.locator("a[href^='/stories/s']")
    assert link.count() == 1  # the pact, covered by two outlets
    shot(page, "16-stories")
    link.click()
    page.wait_for_selector("article.comparison")
    text = page.inner_text("article.comparison")
    assert "Andes Daily" in text and "Southern Ledger" in text
    shot(page, "17-story-compared")
    page.close()
