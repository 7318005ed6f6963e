"""The quote scorer on hand-built cases, and the accuracy gate on PolNeAR dev."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from evenhand import ActorRecord, QuoteRecord, Report, SpanRecord
from evenhand.errors import EvaluationError
from evenhand.evaluation.quotes import evaluate_quotes, load_gold, score_quotes, trim

if TYPE_CHECKING:
    from spacy.language import Language

TEXT = "“We agree,” the minister said. Critics said the plan would fail."


def gold(quotes: list[tuple[int, int, int | None, int | None]]) -> dict[str, Any]:
    return {"text": TEXT, "quotes": [
        {"quote_start": s, "quote_end": e, "speaker_start": ss, "speaker_end": se,
         "quote_spans": [[s, e]], "kind": "direct" if TEXT[s] == "“" else "indirect"}
        for s, e, ss, se in quotes]}


def report(quotes: list[tuple[int, int, tuple[int, int] | None]]) -> Report:
    return Report(id=None, title=None, actors=[ActorRecord("a1", "the minister", "person",
                                                           [[12, 24]])],
                  quotes=[QuoteRecord(s, e, TEXT[s:e], "direct", None,
                                      SpanRecord(sp[0], sp[1], TEXT[sp[0]:sp[1]]) if sp
                                      else None, None) for s, e, sp in quotes])


MINISTER = (12, 24)
QUOTE = (0, 11)
PLAN = (44, 63)
CRITICS = (31, 38)


def test_trim_strips_marks_punctuation_and_spaces() -> None:
    assert TEXT[slice(*trim(TEXT, 0, 11))] == "We agree"


def test_perfect_prediction_scores_one() -> None:
    g = gold([(*QUOTE, *MINISTER), (*PLAN, *CRITICS)])
    s = score_quotes([(g, report([(*QUOTE, MINISTER), (*PLAN, CRITICS)]))]).to_dict()
    assert s["f1_0.3"]["f1"] == s["f1_0.8"]["f1"] == s["exact"]["f1"] == 1.0
    assert s["speaker_accuracy"] == 1.0


def test_partial_overlap_counts_at_03_not_at_08() -> None:
    g = gold([(*PLAN, *CRITICS)])
    s = score_quotes([(g, report([(44, 52, CRITICS)]))]).to_dict()  # "the plan" of 19 chars
    assert s["f1_0.3"]["f1"] == 1.0
    assert s["f1_0.8"]["f1"] == 0.0
    assert s["exact"]["f1"] == 0.0


def test_one_prediction_matches_one_gold_quote_only() -> None:
    g = gold([(*PLAN, *CRITICS), (44, 52, *CRITICS)])
    s = score_quotes([(g, report([(*PLAN, CRITICS)]))]).to_dict()
    assert s["f1_0.3"]["recall"] == 0.5
    assert s["f1_0.3"]["precision"] == 1.0


def test_wrong_speaker_is_counted() -> None:
    g = gold([(*PLAN, *CRITICS)])
    s = score_quotes([(g, report([(*PLAN, MINISTER)]))]).to_dict()
    assert s["speaker_accuracy"] == 0.0 and s["speaker_scored"] == 1


def test_gold_without_speaker_is_not_scored_for_speaker() -> None:
    g = gold([(*PLAN, None, None)])
    s = score_quotes([(g, report([(*PLAN, None)]))]).to_dict()
    assert s["speaker_scored"] == 0


def test_bad_gold_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="cannot read"):
        list(load_gold(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "quotes": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match=r"bad.jsonl:2: invalid JSON"):
        list(load_gold(bad))


# --- the gate ------------------------------------------------------------------------------
# Pinned a little under what the engine reaches on PolNeAR dev (see the README's Accuracy
# section for the measured figures); a drop below these fails the suite.
# Measured 2026-11-28: F1@0.3 0.8134, F1@0.8 0.7374, exact 0.6031, speaker 0.8798.
GATE = {"f1_0.3": 0.805, "f1_0.8": 0.73, "exact": 0.595, "speaker_accuracy": 0.87}


@pytest.mark.gate
def test_polnear_dev_gate(nlp: Language, shared_dir: Path) -> None:
    path = shared_dir / "data" / "quotes" / "polnear" / "dev.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    scores = evaluate_quotes(path, nlp=nlp).to_dict()
    print(json.dumps(scores))
    assert scores["documents"] == 84
    assert scores["f1_0.3"]["f1"] >= GATE["f1_0.3"], scores
    assert scores["f1_0.8"]["f1"] >= GATE["f1_0.8"], scores
    assert scores["exact"]["f1"] >= GATE["exact"], scores
    assert scores["speaker_accuracy"] >= GATE["speaker_accuracy"], scores
