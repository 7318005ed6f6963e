"""Comparing a story across outlets (evenhand.stories.compare, .align, the views) and
`evenhand compare`.

The comparison tests build reports by hand for the fixture articles (tests/stories_fixtures),
so that what each outlet "quotes" is known exactly; the command tests run the real pipeline
(slow)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evenhand import cli
from evenhand.errors import InputError
from evenhand.stories import (
    actor_key,
    compare_story,
    render_comparison_html,
    render_comparison_markdown,
    render_comparison_text,
    story_id,
)
from evenhand.stories.align import align_sentences, body_spans
from stories_fixtures import ARTICLES, article, report, write_articles

runner = CliRunner()
US = {"name": "Marlovia", "quotes": 1, "share": 1.0, "mentions": 3, "heard": True}
RIVAL = {"name": "Estuaria", "quotes": 0, "share": 0.0, "mentions": 2, "heard": False}


def _items() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    daily, globe, wire = (article(i) for i in ("bridge-daily", "bridge-globe", "bridge-wire"))
    return [
        (daily, report(daily["text"], [
            {"name": "Ines Okafor", "quote_count": 2, "role": "head_of_state_or_government",
             "side": "Marlovia"}],
            sides=[US, RIVAL], tone={"a1": {"label": "negative", "score": -0.5, "clauses": 2}},
            loaded=["takings"])),
        (globe, report(globe["text"], [
            {"name": "Okafor", "quote_count": 1, "side": "Marlovia"},
            {"name": "Baltica Lines", "type": "organization"}],
            sides=[US], tone={"a1": {"label": "neutral", "score": 0.0, "clauses": 1}})),
        (wire, report(wire["text"], [
            {"name": "Tomas Reyes", "quote_count": 1, "role": "ngo_or_civil_society"},
            {"name": "Ines Okafor"}],
            sides=[RIVAL], tone={"a2": {"label": "positive", "score": 0.4, "clauses": 1}},
            events=[{"start": wire["text"].index("blamed"), "end": wire["text"].index("blamed") + 6,
                     "code": "112", "name": "Accuse", "plover": "ACCUSE",
                     "source": {"text": "union", "code": "LAB"},
                     "target": {"text": "city", "code": "GOV"}, "mode": None}])),
    ]


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return compare_story(_items(), story_id("bridge-daily"))


def _col(data: dict[str, Any], outlet: str) -> dict[str, Any]:
    return next(a for a in data["articles"] if a["outlet"] == outlet)


def _facts(data: dict[str, Any], outlet: str) -> list[str]:
    return [f["text"] for f in _col(data, outlet)["only_facts"]]


# --- facts only in one outlet ---------------------------------------------------------------

def test_each_outlets_own_fact_is_found(data: dict[str, Any]) -> None:
    assert any("Baltica Lines" in f for f in _facts(data, "globe"))
    assert any("Tomas Reyes" in f for f in _facts(data, "wire"))
    assert any("Quay Street" in f for f in _facts(data, "daily"))
    baltica = next(f for f in _col(data, "globe")["only_facts"] if "Baltica" in f["text"])
    assert {"Baltica", "Lines"} <= set(baltica["new_anchors"])
    assert {c["outlet"] for c in baltica["closest"]} == {"daily", "wire"}


def test_a_fact_told_in_other_words_is_not_only_there(data: dict[str, Any]) -> None:
    # the repair cost: the daily and the wire give it in different words; the closure and
    # the mayor's quote are in every outlet
    for outlet in ("daily", "wire", "globe"):
        for fact in _facts(data, outlet):
            assert "14 million" not in fact
            assert "closed" not in fact and "shut" not in fact
            assert "until it is safe" not in fact


def test_sentences_without_a_name_or_figure_of_their_own_are_only_less_certain(
        data: dict[str, Any]) -> None:
    daily = _col(data, "daily")
    # the queue at the ferry has no name the others lack: not claimed as "only in daily"
    assert not any("queued" in f for f in _facts(data, "daily"))
    assert daily["only_facts_total"] == len(daily["only_facts"])
    assert daily["unmatched_total"] == len(daily["unmatched"])


def test_shared_facts_line_up_across_outlets(data: dict[str, Any]) -> None:
    assert data["shared_facts"], "the closure is reported by all three"
    closure = data["shared_facts"][0]
    assert {s["outlet"] for s in closure["sentences"]} == {"daily", "globe", "wire"}
    assert all("Calder Bridge" in s["text"] for s in closure["sentences"])


def test_articles_of_one_outlet_are_not_each_others_rivals() -> None:
    text = article("bridge-globe")["text"]
    spans = [body_spans(text), body_spans(text)]
    same = align_sentences([text, text], spans, ["globe", "globe"])
    assert same.unique == [[], []] and same.shared == []


# --- voices, speakers, tone, terms, headline, sides -----------------------------------------

def test_voices_by_side_and_speakers_quoted_only_by_one_outlet(data: dict[str, Any]) -> None:
    daily, wire = _col(data, "daily"), _col(data, "wire")
    assert daily["voices"][0]["side"] == "Marlovia"
    assert daily["voices"][0]["speakers"][0]["name"] == "Ines Okafor"
    # Okafor is quoted by the daily and the globe: quoted only by neither
    assert daily["only_speakers"] == []
    assert [s["name"] for s in wire["only_speakers"]] == ["Tomas Reyes"]
    assert wire["only_speakers"][0]["mentioned_by"] == []


def test_a_speaker_named_beside_said_elsewhere_is_not_only_quoted_here() -> None:
    items = _items()
    # the wire's report misses Okafor's quote in the daily... but the daily's text names
    # Okafor beside "said": no claim that only the globe quotes Okafor
    items[0][1]["actors"][0]["quote_count"] = 0
    data = compare_story(items)
    assert _col(data, "globe")["only_speakers"] == []


def test_main_actors_and_tone(data: dict[str, Any]) -> None:
    keys = [m["key"] for m in data["main_actors"]]
    assert keys[0] == "person:okafor"
    tone = {a["outlet"]: a["tone"]["person:okafor"] for a in data["articles"]}
    assert tone["daily"]["label"] == "negative" and tone["wire"]["label"] == "positive"


def test_loaded_terms_headlines_and_blindspot(data: dict[str, Any]) -> None:
    daily = _col(data, "daily")
    assert [(t["text"], t["only_here"]) for t in daily["loaded_terms"]] == [("takings", True)]
    assert daily["headline"]["distinct_words"] == []  # "close": the wire says "closed"
    assert _col(data, "wire")["headline"]["distinct_words"] == ["Marlow", "supports"]
    assert data["sides"]["blindspot"] == [
        {"side": "Estuaria", "mentions": 4, "mentioned_by": ["daily", "wire"]}]
    assert data["sides"]["heard_by"] == {"Marlovia": ["daily", "globe"]}


def test_events_only_in_one_outlet(data: dict[str, Any]) -> None:
    assert data["events_compared"] is True
    assert [e["name"] for e in _col(data, "wire")["only_events"]] == ["Accuse"]


def _event(text: str, word: str, code: str, name: str, plover: str | None, mode: str | None,
           claimed_by: str | None = None, source: str = "LAB") -> dict[str, Any]:
    at = text.index(word)
    return {"start": at, "end": at + len(word), "code": code, "name": name, "plover": plover,
            "source": {"text": "union", "code": source},
            "target": {"text": "city", "code": "GOV"}, "mode": mode, "claimed_by": claimed_by}


def test_only_events_follow_the_event_modes() -> None:
    """Claimed events are reported (by a speaker) and shown marked as claimed; intents are
    events; hypothetical and negated ones are not facts, here or in another outlet."""
    items = _items()
    (daily, daily_report), (_, _), (wire, wire_report) = items
    text = wire["text"]
    wire_report["events"] = [
        _event(text, "blamed", "112", "Accuse", "ACCUSE", None),
        _event(text, "blamed", "1011", "Demand aid", "REQUEST", "claimed", claimed_by="a1"),
        _event(text, "blamed", "0311", "Intend economic cooperation", "AGREE", "intended",
               claimed_by="a1"),
        _event(text, "blamed", "173", "Arrest", "COERCE", "intended", source="COP"),
        _event(text, "blamed", "190", "Use military force", "ASSAULT", "hypothetical"),
        _event(text, "blamed", "040", "Consult", "CONSULT", "negated"),
    ]
    # daily reports the arrest as having happened (so it is not only in wire) and the
    # demand only as something that did not happen (so the wire's claim still is)
    daily_report["events"] = [
        _event(daily["text"], "Ines", "173", "Arrest", "COERCE", None, source="COP"),
        _event(daily["text"], "Ines", "1011", "Demand aid", "REQUEST", "negated")]
    data = compare_story(items, "s1")
    only = {e["name"]: e for e in _col(data, "wire")["only_events"]}
    assert set(only) == {"Accuse", "Demand aid", "Intend economic cooperation"}
    assert only["Accuse"]["claimed"] is False and only["Accuse"]["mode"] is None
    claim = only["Demand aid"]
    assert claim["claimed"] is True and claim["claimed_by_name"] == "Tomas Reyes"
    intent = only["Intend economic cooperation"]
    assert intent["mode"] == "intended" and intent["claimed"] is True
    assert _col(data, "daily")["only_events"] == []  # its counted arrest is also in wire
    text_view = render_comparison_text(data)
    assert "event only here: Demand aid (union → city) [claimed by Tomas Reyes]" in text_view
    assert "Intend economic cooperation (union → city) [intended; claimed by Tomas Reyes]" \
        in text_view
    assert "event only here: Accuse (union → city)\n" in text_view
    assert "Use military force" not in text_view and "Consult" not in text_view
    md = render_comparison_markdown(data)
    assert "Demand aid (union → city) \\[claimed by Tomas Reyes\\]" in md
    page = render_comparison_html(data)
    assert "Demand aid (union → city) [claimed by Tomas Reyes]" in page
    assert "Use military force" not in page


def test_actor_keys() -> None:
    def key(name: str, kind: str = "person") -> str | None:
        return actor_key({"name": name, "type": kind})
    assert key("Donald J. Trump") == key("Mr. Trump") == key("Trump") == "person:trump"
    assert key("Donald Trump Jr.") == "person:trump jr" != key("Donald Trump")
    assert key("The Pentagon", "organization") == key("Pentagon", "organization")
    assert key("sources", "unnamed") is None


def test_bad_input() -> None:
    with pytest.raises(InputError):
        compare_story([])
    meta, rep = _items()[0]
    with pytest.raises(InputError, match="twice"):
        compare_story([(meta, rep), (meta, rep)])
    with pytest.raises(InputError, match="no text"):
        compare_story([({"id": "x"}, {"actors": []})])


# --- views ----------------------------------------------------------------------------------

def _hostile() -> dict[str, Any]:
    items = _items()
    evil = "<script>alert(1)</script> & *bold* | pipe"
    items[1][0]["title"] = evil
    items[1][0]["url"] = "javascript:alert(1)"
    text = items[1][0]["text"] + f"\n\nThe ferry company Baltica Lines said {evil} loudly."
    items[1][0]["text"] = text
    return compare_story(items, "s1")


def test_html_page_is_standalone_escaped_and_in_columns() -> None:
    page = render_comparison_html(_hostile())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page  # only http(s) URLs become links
    assert 'href="https://daily.example/bridge"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//(?!daily\.example)", page)
    assert page.count('style="--n:3"') >= 5  # every section lines the three outlets up
    for section in ("headlines", "voices", "tone", "only", "shared", "terms", "summary"):
        assert f'id="{section}"' in page


def test_markdown_and_text_views() -> None:
    data = _hostile()
    md = render_comparison_markdown(data)
    assert "<script>" not in md and "\\<script\\>" in md
    assert "## Only in globe" in md and "Baltica Lines" in md
    text = render_comparison_text(data)
    assert "Blindspot" in text and "Estuaria" in text and "Quoted only here: Tomas Reyes" in text


# --- the command (real pipeline) ------------------------------------------------------------

@pytest.mark.slow
def test_compare_command_formats(tmp_path: Path) -> None:
    path = write_articles(tmp_path / "articles.jsonl")
    story = story_id("bridge-daily")
    result = runner.invoke(cli.app, ["compare", story, "--input", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "evenhand/comparison-1" and data["story"] == story
    assert {a["id"] for a in data["articles"]} == {"bridge-daily", "bridge-globe", "bridge-wire"}
    assert any("Baltica" in f["text"] for f in _col(data, "globe")["only_facts"])
    # an article id finds its story too; html to a file
    out = tmp_path / "page.html"
    result = runner.invoke(cli.app, ["compare", "bridge-wire", "-i", str(path), "-f", "html",
                                     "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Baltica Lines" in out.read_text(encoding="utf-8")
    result = runner.invoke(cli.app, ["compare", story, "-i", str(path), "-f", "md"])
    assert result.exit_code == 0 and result.stdout.startswith("# ")


@pytest.mark.slow
def test_compare_command_with_a_stories_file_and_bad_input(tmp_path: Path) -> None:
    path = write_articles(tmp_path / "articles.jsonl")
    stories = tmp_path / "stories.jsonl"
    stories.write_text("".join(json.dumps({"id": a["id"], "story": a["story"]}) + "\n"
                               for a in ARTICLES), encoding="utf-8")
    result = runner.invoke(cli.app, ["compare", "vote", "-i", str(path), "--stories",
                                     str(stories)])
    assert result.exit_code == 0, result.output
    assert "Nordvik" in result.stdout
    missing = runner.invoke(cli.app, ["compare", "nope", "-i", str(path)])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("evenhand: nope: no such story") and \
        missing.stderr.count("\n") == 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write("[1, 2]\n")
    partial = runner.invoke(cli.app, ["compare", "vote", "-i", str(path), "--stories",
                                      str(stories)])
    assert partial.exit_code == 1 and "Nordvik" in partial.stdout  # written all the same
    assert "expected a JSON object" in partial.stderr
