"""Sides, the voice ledger and findings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import evenhand
from evenhand import ActorRecord, Article, ConfigError, QuoteRecord, Report
from evenhand.balance import annotate_balance, load_sides

if TYPE_CHECKING:
    from spacy.language import Language

TEXT = "x" * 400


def hand_report() -> Report:
    """Two quoted ministers of one country, one mentioned-only country."""
    actors = [
        ActorRecord("a1", "Anna Berg", "person", [[0, 9]], role="minister_or_ministry",
                    country="SWE", gender="female"),
        ActorRecord("a2", "Olof Lind", "person", [[50, 59]], role="diplomat", country="SWE"),
        ActorRecord("a3", "Norway", "place", [[100, 106], [200, 206]], country="NOR"),
    ]
    quotes = [
        QuoteRecord(10, 40, TEXT[10:40], "direct", None, None, "a1"),
        QuoteRecord(60, 90, TEXT[60:90], "indirect", None, None, "a2"),
    ]
    for a, words in ((actors[0], 6), (actors[1], 2)):
        a.quoted, a.quote_count, a.quoted_words = True, 1, words
    return Report(id="r", title="Sweden and Norway talk", quotes=quotes, actors=actors)


def test_sides_by_country_and_the_ledger() -> None:
    r = annotate_balance(hand_report())
    assert [a.side for a in r.actors] == ["Sweden", "Sweden", "Norway"]
    sweden, norway = r.sides
    assert (sweden["name"], sweden["quotes"], sweden["quoted_words"], sweden["share"]) == (
        "Sweden", 2, 8, 1.0)
    assert (norway["name"], norway["heard"], norway["mentions"]) == ("Norway", False, 2)
    assert r.ledger["first_speaker"] == "a1" and r.ledger["last_speaker"] == "a2"
    assert r.ledger["sides_never_heard"] == ["Norway"]
    assert "a3" in r.ledger["headline_actors"]
    assert r.indicators["sides_heard_share"] == 0.5
    assert r.indicators["voice_share_by_side"] == {"Sweden": 1.0}


def test_findings_name_the_unheard_side_with_evidence() -> None:
    r = annotate_balance(hand_report())
    (one_sided,) = [f for f in r.findings if f["id"] == "one-sided-voices"]
    assert one_sided["severity"] == "warning"
    assert "All 2 quoted voices are Swedish" in one_sided["text"]
    assert "Norway (2 mentions)" in one_sided["text"]
    assert [100, 106] in one_sided["evidence"] and [10, 40] in one_sided["evidence"]
    ids = {f["id"] for f in r.findings}
    assert "no-independent-voice" in ids


def test_sides_file_groups_actors_into_camps(tmp_path: Path) -> None:
    path = tmp_path / "sides.yaml"
    path.write_text("sides:\n  Cabinet:\n    people: [Anna Berg]\n  Neighbours:\n"
                    "    countries: [Norway]\ndefault: none\n", encoding="utf-8")
    r = annotate_balance(hand_report(), load_sides(path))
    assert [a.side for a in r.actors] == ["Cabinet", None, "Neighbours"]


@pytest.mark.parametrize("content,problem", [
    ("", "empty"),
    ("sides: [unclosed\n", "not valid YAML"),
    ("- a\n- b\n", "expected a mapping"),
    ("sides:\n  A:\n    colour: red\n", "unknown field(s) colour"),
    ("teams:\n  A:\n    people: [x]\n", "unknown field(s) teams"),
    ("sides: {}\n", "at least one side"),
    ("sides:\n  A:\n    countries: [Atlantis]\n", "unknown country 'Atlantis'"),
    ("sides:\n  A:\n    people: []\n", "has no members"),
    ("sides:\n  A:\n    people: Bob\n", "must be a list"),
])
def test_bad_sides_files_are_clear_errors(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "sides.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sides\.yaml") as info:
        load_sides(path)
    assert problem in str(info.value)


def test_missing_sides_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sides(tmp_path / "none.yaml")


def test_seed_article_balance(nlp: Language, seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    r = evenhand.analyze(Article.from_text(text), nlp=nlp)
    heard = r.ledger["sides_heard"]
    assert set(heard) == {"China", "Russia"}
    assert {"United States", "NATO"} <= set(r.ledger["sides_never_heard"])
    (one_sided,) = [f for f in r.findings if f["id"] == "one-sided-voices"]
    assert "Chinese or Russian" in one_sided["text"]
    assert "the United States" in one_sided["text"] and "NATO" in one_sided["text"]
    for start, end in one_sided["evidence"]:
        assert 0 <= start < end <= len(text)
    us = next(a for a in r.actors if a.name == "United States")
    assert all([s, e] in one_sided["evidence"] for s, e in us.mentions)
    # every number is reproducible from the JSON report
    shares = {s["name"]: s["quoted_words"] for s in r.sides}
    total = sum(a.quoted_words for a in r.actors)
    assert sum(shares.values()) <= total
    for side in r.sides:
        assert side["quoted_words"] == sum(a.quoted_words for a in r.actors
                                           if a.side == side["name"])
