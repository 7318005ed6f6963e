"""The evenhand_wording component, its word lists and the BABE gate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from evenhand.errors import EvaluationError
from evenhand.lexicons import CATEGORIES, load_entries, parse_list

if TYPE_CHECKING:
    from spacy.language import Language

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BABE = SHARED / "data" / "bias" / "babe" / "babe_dev.jsonl"
# Measured 0.7234 on the held-out half of BABE dev (docs/wording.md); pinned just under.
BABE_HELD_OUT_MACRO_F1 = 0.71


@pytest.fixture(scope="session")
def wnlp(nlp: Language) -> Language:
    """The shared pipeline: load_pipeline() includes this component."""
    return nlp


def _flags(nlp: Language, text: str) -> list[dict[str, Any]]:
    doc = nlp(text)
    return [f for s in doc._.evenhand_sentences for f in s["loaded"]]


def _find(flags: list[dict[str, Any]], text: str) -> dict[str, Any]:
    for f in flags:
        if f["text"] == text:
            return f
    raise AssertionError(f"{text!r} not flagged in {[f['text'] for f in flags]}")


def test_lists_parse_and_cover_every_category() -> None:
    entries = load_entries()
    assert {e.category for e in entries} == set(CATEGORIES)
    assert sum(e.category == "loaded" for e in entries) >= 500
    assert len({e.text for e in entries}) == len(entries)
    parsed = parse_list("# c\n[emotive verb]\nslam, lash out\n\nrip into\n", "loaded")
    assert [(e.text, e.subcategory) for e in parsed] == [
        ("slam", "emotive verb"), ("lash out", "emotive verb"), ("rip into", "emotive verb")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "word", "category"), [
    ("The senator slammed the bill on Tuesday.", "slammed", "loaded"),
    ("The regime arrested three reporters.", "regime", "label"),
    ("Police said thugs looted the store.", "thugs", "label"),
    ("The plan is extremely expensive.", "extremely", "intensifier"),
    ("The tax could perhaps rise next year.", "perhaps", "hedge"),
    ("The minister admitted that the figures were wrong.", "admitted", "factive"),
    ("Obviously, the plan failed.", "Obviously", "factive"),
    ("The far-left group marched downtown.", "far-left", "label"),
    ("He lashed out at reporters.", "lashed out", "loaded"),
    ("She reacted bizarrely to the news.", "bizarrely", "loaded"),
])
def test_each_category_found_with_offsets(wnlp: Language, text: str, word: str,
                                          category: str) -> None:
    flag = _find(_flags(wnlp, text), word)
    assert flag["category"] == category
    assert text[flag["start"]:flag["end"]] == word
    assert flag["why"].startswith("in evenhand's") or flag["why"].startswith("adverb of")
    assert flag["subcategory"] in flag["why"]
    assert flag["quoted"] is False


@pytest.mark.slow
def test_sentence_dicts_cover_sentences_with_char_offsets(wnlp: Language) -> None:
    text = "The council met on Monday.\n\n   \n\nThe radical mob slammed the vote."
    doc = wnlp(text)
    sents = doc._.evenhand_sentences
    assert [text[s["start"]:s["end"]] for s in sents] == [
        "The council met on Monday.", "The radical mob slammed the vote."]
    for s in sents:
        assert set(s) == {"start", "end", "bias", "biased", "loaded"}
        assert 0.0 <= s["bias"] <= 1.0
        assert s["biased"] == (s["bias"] >= 0.5)
    assert sents[1]["bias"] > sents[0]["bias"]
    assert sents[1]["biased"]


@pytest.mark.slow
def test_quoted_words_are_flagged_but_not_scored(wnlp: Language) -> None:
    writer = "Officials said the thugs and liars had lied about the disastrous plan."
    quoted = 'Officials said: "The thugs and liars had lied about the disastrous plan."'
    w = wnlp(writer)._.evenhand_sentences[0]
    q = wnlp(quoted)._.evenhand_sentences[0]
    flag = _find(q["loaded"], "thugs")
    assert flag["quoted"] is True
    assert "inside quotation marks" in flag["why"]
    assert quoted[flag["start"]:flag["end"]] == "thugs"
    assert not _find(w["loaded"], "thugs")["quoted"]
    assert w["biased"]
    assert q["bias"] < w["bias"]
    assert not q["biased"]


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "The city council approved the budget on Tuesday by a vote of seven to two.",
    "The company reported quarterly revenue of $4.2 billion, up 3 percent from a year earlier.",
    "The meeting will take place in Geneva next month, officials said.",
])
def test_neutral_sentence_scores_low(wnlp: Language, text: str) -> None:
    sents = wnlp(text)._.evenhand_sentences
    assert len(sents) == 1
    assert sents[0]["bias"] < 0.4
    assert not sents[0]["biased"]
    assert not [f for f in sents[0]["loaded"] if f["category"] in ("loaded", "label")]


def test_babe_loader_errors(tmp_path: Path) -> None:
    from evenhand.evaluation.bias import load_babe

    with pytest.raises(EvaluationError):
        load_babe(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(EvaluationError):
        load_babe(bad)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"text": "x", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError):
        load_babe(wrong)
    with pytest.raises(EvaluationError):
        load_babe(wrong, part="nope")


@pytest.mark.slow
def test_evaluate_babe_small(tmp_path: Path, wnlp: Language) -> None:
    from evenhand.evaluation.bias import evaluate_babe

    gold = tmp_path / "babe.jsonl"
    gold.write_text(
        '{"id": "a", "text": "The radical mob slammed the disastrous plan.", '
        '"label": "biased", "biased_words": ["radical", "disastrous"]}\n'
        '{"id": "b", "text": "The council met on Monday.", "label": "non-biased", '
        '"biased_words": []}\n', encoding="utf-8")
    scores = evaluate_babe(gold, nlp=wnlp)
    assert scores["n"] == 2
    assert scores["sentence"]["macro_f1"] == 1.0
    assert scores["words"]["writer"]["recall"] == 1.0


@pytest.mark.slow
@pytest.mark.gate
def test_babe_held_out_macro_f1_gate(wnlp: Language) -> None:
    if not BABE.is_file():
        pytest.skip(f"{BABE} is absent")
    from evenhand.evaluation.bias import evaluate_babe

    scores = evaluate_babe(BABE, nlp=wnlp, part="held-out")
    assert scores["n"] > 1000
    assert scores["sentence"]["macro_f1"] >= BABE_HELD_OUT_MACRO_F1, scores["sentence"]
    assert scores["words"]["writer"]["precision"] >= 0.40, scores["words"]
    assert scores["words"]["writer"]["recall"] >= 0.35, scores["words"]
