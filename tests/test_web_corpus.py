"""The corpus pages: the dashboard (voice share by outlet × side over time, through
evenhand.stats) and the stories, compared across outlets with the stories renderer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evenhand.store import Store, analyzer_version
from store_fixtures import COUNCIL, FOREST, WIRE, WIRE_COPY, report_for
from web_fixtures import add_article, client, make_store

ROWS = [(WIRE, "Harbour Times", "2026-03-02"), (WIRE_COPY, "Coast News", "2026-03-03"),
        (COUNCIL, "Harbour Times", "2026-04-11"), (FOREST, "Coast News", "2026-04-20")]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path)
    for text, outlet, date in ROWS:
        article_id = add_article(s, text, outlet=outlet, date=date, title=text.split(" on ")[0])
        report = report_for(text)
        s.save_results([(article_id, analyzer_version(report["analyzer"]), report)])
    yield s
    s.close()


def test_the_dashboard_gives_voice_share_by_outlet_side_and_month(store: Store) -> None:
    c = client(store)
    data = c.get("/api/dashboard").json()
    assert data["articles"] == 4
    assert [o["outlet"] for o in data["outlets"]] == ["Coast News", "Harbour Times"]
    for outlet in data["outlets"]:
        assert [m["key"] for m in outlet["months"]] == ["2026-03", "2026-04"]
        for month in outlet["months"]:
            # every fixture report quotes only its XKX speaker; "other" is never heard
            assert month["bars"] == [{"side": "XKX", "share": 1.0}]
            assert month["never_quoted_side_share"]["pooled"] == 0.5
    assert data["sides"][0] == "XKX" and data["colours"]["XKX"].startswith("#")
    page = c.get("/dashboard").text
    assert page.count('class="panel outlet-card"') == 2 and "2026-04" in page
    assert "width:100.00%" in page


def test_an_empty_store_has_an_empty_dashboard(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    empty = make_store(tmp_path / "empty")
    try:
        assert "No analyses in the store yet" in client(empty).get("/dashboard").text
    finally:
        empty.close()


def test_stories_are_listed_and_compared_across_outlets(store: Store) -> None:
    c = client(store)
    page = c.get("/stories").text
    assert page.count('href="/stories/s') == 1  # the wire story, run by two outlets
    assert "Coast News" in page and "Harbour Times" in page and "2 more articles" in page
    story = page.split('href="/stories/')[1].split('"')[0]
    compared = c.get(f"/stories/{story}")
    assert compared.status_code == 200
    assert '<article class="comparison">' in compared.text
    assert "/assets/comparison.css" in compared.text
    assert not c.app.state.analyzer.loaded  # type: ignore[attr-defined]  # stored reports
    r = c.get("/stories/s000000000", headers={"accept": "text/html"})
    assert r.status_code == 404 and "no story" in r.text


@pytest.mark.slow
def test_a_story_analysed_on_view_is_saved_and_counts_against_the_analyse_limit(
        tmp_path: Path, nlp: Any) -> None:
    from evenhand.web.analysis import Analyzer

    s = make_store(tmp_path)
    try:
        for text, outlet, date in ROWS:  # none analysed
            add_article(s, text, outlet=outlet, date=date, title=text.split(" on ")[0])
        c = client(s, analyzer=Analyzer(loader=lambda name: nlp), analyze_rate_limit=2)
        page = c.get("/stories").text
        story = page.split('href="/stories/')[1].split('"')[0]
        assert c.get(f"/stories/{story}").status_code == 200
        saved = s.counts()["analyses"]
        assert saved == 2  # the story's two articles, analysed once and kept
        assert c.get(f"/stories/{story}").status_code == 200  # read back: not analysed again
        assert s.counts()["analyses"] == saved
        singles = [sid for sid, ids in c.app.state.cache.get(  # type: ignore[attr-defined]
            "stories", dict)["clustering"].stories.items() if len(ids) == 1]
        assert c.get(f"/stories/{singles[0]}").status_code == 200  # the second analysis
        r = c.get(f"/stories/{singles[1]}", headers={"accept": "application/json"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert c.get(f"/stories/{story}").status_code == 200  # nothing to analyse: no limit
    finally:
        s.close()
