"""Aggregates (evenhand.stats, ``evenhand stats``): the figures on hand-made reports worked
out by hand, order independence, the three views (an offline HTML page), the command, and
the same figures from SQLite and PostgreSQL after a real batch run."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from batch_fixtures import BAD_TEXTS, add_articles, good_texts
from evenhand.errors import ConfigError
from evenhand.stats import aggregate, compute_stats, render_html, render_json, render_table
from evenhand.store import open_store

PROG = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]
VERSION = "evenhand-test/hand-made"


def _sentence(*loaded: tuple[str, bool]) -> dict[str, Any]:
    return {"start": 0, "end": 1, "bias": 0.0, "biased": False,
            "loaded": [{"category": c, "quoted": q, "text": "x"} for c, q in loaded]}


# R1: China heard (30 words), the United States mentioned only, 10 words by an actor with
# no side; 3 of 4 claims attributed; 1 loaded term (a quoted label does not count) in 5
# sentences. R2: Russia heard (20 words); no claims; 2 loaded terms in 2 sentences.
# R3: nothing at all.
R1 = {
    "quotes": [{}, {}, {}],
    "actors": [
        {"id": "a1", "role": "head_of_state_or_government", "quoted": True, "quote_count": 2,
         "quoted_words": 30, "side": "China"},
        {"id": "a2", "role": None, "quoted": True, "quote_count": 1, "quoted_words": 10,
         "side": None},
        {"id": "a3", "role": None, "quoted": False, "quote_count": 0, "quoted_words": 0,
         "side": "United States"},
    ],
    "sides": [
        {"name": "China", "quotes": 2, "quoted_words": 30, "mentions": 3, "heard": True},
        {"name": "United States", "quotes": 0, "quoted_words": 0, "mentions": 2,
         "heard": False},
    ],
    "attribution": {"claims": 4, "attributed_claims": 3, "attributed_claim_share": 0.75},
    "sentences": [_sentence(("loaded", False), ("label", True)), _sentence(("hedge", False)),
                  _sentence(), _sentence(), _sentence()],
}
R2 = {
    "quotes": [{}],
    "actors": [{"id": "a1", "role": "expert_or_academic", "quoted": True, "quote_count": 1,
                "quoted_words": 20, "side": "Russia"}],
    "sides": [{"name": "Russia", "quotes": 1, "quoted_words": 20, "mentions": 1,
               "heard": True}],
    "attribution": {"claims": 0, "attributed_claims": 0, "attributed_claim_share": None},
    "sentences": [_sentence(("loaded", False)), _sentence(("label", False))],
}
R3: dict[str, Any] = {"quotes": [], "actors": [], "sides": [], "attribution": None,
                      "sentences": []}
PAIRS = [({"outlet": "A", "date": "2024-01-10"}, R1), ({"outlet": "A", "date": "2024-02-01"}, R2),
         ({"outlet": "B", "date": None}, R3)]


def test_by_outlet_worked_out_by_hand() -> None:
    result = aggregate(PAIRS, "outlet", VERSION)
    assert result.articles == 3
    a, b = result.rows
    assert (a["key"], a["articles"], b["key"], b["articles"]) == ("A", 2, "B", 1)
    assert a["quotes_per_article"] == 2.0
    assert a["quoted_words_per_article"] == 30.0
    assert a["voice_share_by_side"] == {
        "China": {"pooled": 0.5, "per_article": 0.375},
        "Russia": {"pooled": round(20 / 60, 6), "per_article": 0.5},
        "(no side)": {"pooled": round(10 / 60, 6), "per_article": 0.125},
    }
    assert a["never_quoted_side_share"] == {"pooled": round(1 / 3, 6), "per_article": 0.25,
                                            "articles": 2}
    assert a["attributed_claim_share"] == {"pooled": 0.75, "per_article": 0.75,
                                           "articles": 1}
    assert a["loaded_term_rate"] == {"pooled": round(3 / 7, 6), "per_article": 0.6,
                                     "articles": 2}
    assert b["voice_share_by_side"] == {}
    assert b["never_quoted_side_share"]["pooled"] is None
    assert b["loaded_term_rate"] == {"pooled": None, "per_article": None, "articles": 0}
    assert result.total is not None and result.total["articles"] == 3
    assert result.total["never_quoted_side_share"]["pooled"] == round(1 / 3, 6)


def test_by_month_side_and_role_worked_out_by_hand() -> None:
    months = aggregate(PAIRS, "month")
    assert [r["key"] for r in months.rows] == ["2024-01", "2024-02", "(unknown)"]

    sides = {r["key"]: r for r in aggregate(PAIRS, "side").rows}
    assert list(sides) == ["China", "Russia", "United States"]
    assert sides["China"] == {"key": "China", "articles": 1, "articles_heard": 1,
                              "never_quoted_share": 0.0, "quotes": 2, "quoted_words": 30,
                              "voice_share": 0.5, "voice_share_where_mentioned": 0.75,
                              "mentions_per_article": 3.0}
    assert sides["United States"]["never_quoted_share"] == 1.0
    assert sides["United States"]["voice_share"] == 0.0
    assert sides["Russia"]["voice_share_where_mentioned"] == 1.0

    roles = aggregate(PAIRS, "role").rows
    assert [r["key"] for r in roles] == ["head_of_state_or_government",
                                         "expert_or_academic", "(unknown)"]
    unknown = roles[2]
    assert (unknown["actors"], unknown["quoted_actors"], unknown["quoted_actor_share"],
            unknown["quotes"], unknown["quoted_words"]) == (2, 1, 0.5, 1, 10)
    assert roles[0]["voice_share"] == 0.5
    assert roles[0]["article_share"] == round(1 / 3, 6)


@pytest.mark.parametrize("by", ["outlet", "month", "side", "role"])
def test_figures_do_not_depend_on_the_order_of_the_reports(by: str) -> None:
    many = [({"outlet": "A" if i % 3 else "C", "date": f"2024-0{1 + i % 5}-02"}, r)
            for i, r in enumerate([R1, R2, R3] * 7)]
    forward = aggregate(many, by).to_dict()
    assert aggregate(list(reversed(many)), by).to_dict() == forward
    assert aggregate(many[1::2] + many[::2], by).to_dict() == forward


def test_reports_missing_fields_are_read_with_defaults() -> None:
    result = aggregate([({"outlet": None}, {}), ({}, {"sides": None, "actors": [None]})],
                       "outlet")
    assert [r["key"] for r in result.rows] == ["(unknown)"]
    assert result.rows[0]["articles"] == 2


# --- the views ------------------------------------------------------------------------------

def test_html_page_is_standalone_offline_and_escaped() -> None:
    hostile = "</script><script>alert(1)</script>"
    pairs = [*PAIRS, ({"outlet": hostile, "date": "2024-03-03"}, R1)]
    out = io.StringIO()
    render_html(aggregate(pairs, "outlet", VERSION), out)
    page = out.getvalue()
    assert page.startswith("<!doctype html>")
    # nothing is fetched: no script or stylesheet source, no remote image, no CSS import
    assert not re.search(r"\bsrc=|<link\b|@import|url\(", page)
    assert "<script>alert(1)" not in page
    assert page.count("<svg") == 4
    assert "China" in page and "Who is heard" in page
    spec_text = re.search(r'<script type="application/json" id="vega-lite">(.*?)</script>',
                          page, re.S)
    assert spec_text is not None
    specs = json.loads(spec_text.group(1))
    assert set(specs) == {"voice_share_by_side", "never_quoted_side_share",
                          "attributed_claim_share", "loaded_term_rate"}
    assert all("vega-lite" in s["$schema"] for s in specs.values())
    voice = specs["voice_share_by_side"]["data"]["values"]
    assert {"outlet": "A", "side": "China", "share": 0.5} in voice


@pytest.mark.parametrize("by", ["side", "role", "month"])
def test_html_page_for_every_grouping(by: str) -> None:
    out = io.StringIO()
    render_html(aggregate(PAIRS, by, VERSION), out)
    assert out.getvalue().count("<svg") >= 2


def test_table_and_json_views() -> None:
    result = aggregate(PAIRS, "outlet", VERSION)
    out = io.StringIO()
    render_table(result, out, plain=True)
    text = out.getvalue()
    assert "3 articles by outlet" in text
    assert "33% (25%)" in text  # sides never quoted for A: pooled (per-article mean)
    assert "China 50%" in text
    out = io.StringIO()
    render_json(result, out)
    data = json.loads(out.getvalue())
    assert data["schema"] == "evenhand/stats-1"
    assert data["rows"] == result.rows
    empty = io.StringIO()
    render_html(aggregate([], "outlet"), empty)
    assert "No analyses to aggregate" in empty.getvalue()


# --- the command, on a store ------------------------------------------------------------------

def _hand_made_store(url: str) -> None:
    store = open_store(url)
    ids = add_articles(store, good_texts(3), outlets=("A", "A", "B"))
    store.save_results([(i, VERSION, r) for i, r in zip(ids, (R1, R2, R3), strict=True)])
    store.close()


def test_stats_command_json_html_and_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    _hand_made_store(url)
    run = [*PROG, "stats", "--db", url, "--analyzer", VERSION]
    result = subprocess.run([*run, "--format", "json"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["key"] for r in data["rows"]] == ["A", "B"]
    assert data["rows"][0]["voice_share_by_side"]["China"]["pooled"] == 0.5
    page = tmp_path / "out" / "stats.html"
    page.parent.mkdir()
    result = subprocess.run([*run, "--by", "side", "--format", "html", "--output", str(page)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "<svg" in page.read_text(encoding="utf-8")
    result = subprocess.run([*run, "--by", "role"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "head_of_state_or_government" in result.stdout


def test_stats_for_an_unknown_analyser_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stats.db'}"
    _hand_made_store(url)
    store = open_store(url)
    with pytest.raises(ConfigError, match=f"analyser versions there: {VERSION}"):
        compute_stats(store, "outlet", "evenhand-9.9/none")
    # by default: this evenhand's version when stored, else the store's most recent
    assert compute_stats(store, "outlet").analyzer_version == VERSION
    store.close()
    result = subprocess.run([*PROG, "stats", "--db", url, "--analyzer", "nope"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("evenhand: no analyses by analyser 'nope'")


# --- stats --sides: the stored actors grouped into other camps -------------------------------

def _us_report(*actors: tuple[str, int, int]) -> dict[str, Any]:
    """A stored report (as ``analyze`` makes it) of US actors: (name, quotes, quoted words)."""
    from evenhand.balance import annotate_balance
    from evenhand.report import ActorRecord, Report

    records = [ActorRecord(id=f"a{i}", name=name, type="person", mentions=[[i, i + 1]],
                           role="politician", country="USA", quoted=quotes > 0,
                           quote_count=quotes, quoted_words=words)
               for i, (name, quotes, words) in enumerate(actors)]
    return annotate_balance(Report(id=None, title=None, quotes=[], actors=records)).to_dict()


# Clinton heard (20 words) and Trump heard (10 words), Ryan only mentioned; then Ryan alone
US1 = _us_report(("Hillary Clinton", 2, 20), ("Donald Trump", 1, 10), ("Paul Ryan", 0, 0))
US2 = _us_report(("Paul Ryan", 0, 0))
PARTY_SIDES = """sides:
  Democrats:
    people: [Hillary Clinton]
  Republicans:
    people: [Donald Trump, Paul Ryan]
default: none
"""


def test_stats_regroup_stored_actors_into_a_sides_file(tmp_path: Path) -> None:
    from evenhand.balance import SideMap, load_sides
    from evenhand.stats import regroup_sides

    pairs = [({"outlet": "A", "date": None}, US1), ({"outlet": "A", "date": None}, US2)]
    by_country = aggregate(pairs, "side")
    assert [r["key"] for r in by_country.rows] == ["United States"]
    path = tmp_path / "parties.yaml"
    path.write_text(PARTY_SIDES, encoding="utf-8")
    parties = load_sides(path)
    regrouped = list(regroup_sides(pairs, parties))
    assert [s["name"] for s in regrouped[0][1]["sides"]] == ["Democrats", "Republicans"]
    assert regrouped[0][1]["indicators"]["voice_share_by_side"] == {
        "Democrats": round(20 / 30, 4), "Republicans": round(10 / 30, 4)}
    rows = {r["key"]: r for r in aggregate(regrouped, "side").rows}
    # Republicans: mentioned in both articles, heard in one; Democrats: one article, heard
    assert rows["Republicans"]["articles"] == 2 and rows["Democrats"]["articles"] == 1
    assert rows["Republicans"]["never_quoted_share"] == 0.5
    assert rows["Democrats"]["never_quoted_share"] == 0.0
    # the default grouping gives back the stored sides unchanged
    again = list(regroup_sides(pairs, SideMap()))
    assert [r["sides"] for _, r in again] == [US1["sides"], US2["sides"]]


def test_stats_command_with_a_sides_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'us.db'}"
    store = open_store(url)
    ids = add_articles(store, good_texts(2), outlets=("A",))
    store.save_results([(i, VERSION, r) for i, r in zip(ids, (US1, US2), strict=True)])
    store.close()
    sides = tmp_path / "parties.yaml"
    sides.write_text(PARTY_SIDES, encoding="utf-8")
    run = [*PROG, "stats", "--db", url, "--analyzer", VERSION, "--by", "side"]
    result = subprocess.run([*run, "--sides", str(sides), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sides"] == str(sides)
    assert [r["key"] for r in data["rows"]] == ["Republicans", "Democrats"]
    result = subprocess.run([*run, "--sides", str(sides)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "sides from" in result.stdout
    assert "parties.yaml" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("sides:\n  Democrats:\n    planets: [Mars]\n", encoding="utf-8")
    result = subprocess.run([*run, "--sides", str(bad)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.yaml" in result.stderr


# --- SQLite and PostgreSQL give the same figures after a real run ---------------------------

@pytest.mark.slow
def test_same_figures_from_sqlite_and_postgresql(tmp_path: Path, pg_url: str) -> None:
    from evenhand.batch import run_batch

    texts = [*good_texts(9), BAD_TEXTS["binary"]]
    results = {}
    for name, url in (("sqlite", f"sqlite:///{tmp_path / 'same.db'}"), ("postgresql", pg_url)):
        store = open_store(url)
        add_articles(store, texts)
        summary = run_batch(store, workers=1, quiet=True, chunk_size=4)
        assert (summary.analysed, summary.failed) == (9, 1)
        results[name] = {by: compute_stats(store, by).to_dict()
                         for by in ("outlet", "month", "side", "role")}
        store.close()
    assert results["sqlite"] == results["postgresql"]
    assert results["sqlite"]["outlet"]["articles"] == 9
