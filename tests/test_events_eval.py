"""Event-coding scorers on hand-made records, and the gates on the event gold sets in
../shared/data/events (read in place; skipped when ../shared is absent).

The figures pinned here are a little below those measured (docs/events.md gives the
measured values and the command that reproduces them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import spacy
from typer.testing import CliRunner

from evenhand import cli
from evenhand.errors import EvaluationError
from evenhand.evaluation.events import (
    PLOVER_RENAMES,
    detect_format,
    evaluate_events,
    load_event_gold,
    score_cameo,
    score_plover,
)
from evenhand.pipeline import events as _events  # noqa: F401  registers doc._.evenhand_events

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

EVENTS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "events"

# Measured on the current dictionary (docs/events.md); pinned a little under.
PLOVER_ACCURACY = 0.65  # measured 0.6646
PLOVER_DYAD = 0.37  # measured 0.3812
PENTA_TEST_ACCURACY = 0.75  # measured 0.7694 on 2026-11-29 (issue bar: 0.60)
SPAN_F1 = {"source": 0.57, "target": 0.54}  # measured 0.5897, 0.5575
UNITTEST_DETECTION = 162  # measured 164 of 277
VALIDATE_DETECTION = 210  # measured 213 of 405
# The PETRARCH records whose CAMEO roots the coder reproduces (every gold root among the
# coded events; no coded event where the record expects none). Their actors are fictional
# and their codes come from a test dictionary, so this is a regression test, not a measure
# of accuracy: a record that passes today and fails tomorrow fails the suite.
UNITTEST_PASSED = frozenset({
    "DEMO-00", "DEMO-01", "DEMO-04", "DEMO-11", "DEMO-24", "AGENT-01", "AGENT-02", "AGENT-03",
    "AGENT-04", "AGENT-05", "AGENT-06", "AGENT-007", "AGENTS-10", "AGENTS-11", "AGENTS-16",
    "AGENTS-17", "AGENTS-18", "AGENTS-19", "AGENT-20", "AGENT-21", "AGENT-22", "AGENTS-23",
    "AGENTS-24", "AGENTS-18~2", "AGENTS-19~2", "COMPOUND-10", "COMPOUND-36", "COMPOUND-38",
    "COMPOUND-39", "COMPOUND-40", "COMPOUND-41", "DATE-14", "DATE-15", "DATE-17", "DATE-18",
    "DATE-19", "DATE-20", "DATE-21", "AFP080801M008-2", "AFP0808011903-3", "AFP0808010343-2",
    "AFP0808010092-5", "AFP0808010569-6", "AFP0808010625-6", "AFP0909010096-4", "TextCodes-1",
    "ACTOR-05", "ACTOR-06", "ACTOR-07", "ACTOR-08", "ACTOR-09", "ACTOR-10", "ACTOR-11",
    "ACTOR-12", "ACTOR-13", "ACTOR-14", "ACTOR-15", "VERB-20", "VERB-21", "PATTERN-06",
    "PASSIVE-01", "PASSIVE-02", "PASSIVE-04", "PASSIVE-05", "COMMA-01", "COMMA-02", "COMMA-03",
    "COMMA-04", "COMMA-05", "COMMA-06", "ICC-01", "FINAL-RECORD",
})
VALIDATE_PASSED = frozenset({
    "AGENTS-10", "AGENT-01", "AGENT-02", "AGENT-03", "AGENT-04", "AGENT-04a", "AGENT-04b",
    "AGENT-04c", "AGENT-05", "AGENT-06", "AGENT-07", "AGENT-08", "DEMO-01", "DEMO-01a", "DEMO-05",
    "DEMO-11", "PATTERN-12", "PATTERN-12a", "PATTERN-12b", "PATTERN-12c", "PATTERN-13",
    "PATTERN-13a", "PATTERN-13b", "PATTERN-13c", "PATTERN-14", "PATTERN-14a", "PATTERN-14b",
    "PATTERN-14b'", "PATTERN-14c", "CONNECT-03", "CONNECT-04", "CONNECT-22", "CONNECT-29",
    "ACTORSYN-02", "ACTORSYN-03", "ACTORSYN-04", "ACTORSYN-05", "ACTORSYN-06", "ACTORSYN-07",
    "ACTORSYN-08", "ACTORSYN-09", "VERBEND-01c", "VERBEND-01g", "VERBEND-02c", "VERBEND-03b",
    "NOUNEND-01", "NOUNEND-02", "NOUNEND-03", "NOUNEND-04", "NOUNEND-07", "NOUNEND-08",
    "NOUNEND-09", "NOUNEND-10", "NOUNEND-11", "NOUNEND-12", "NOUNEND-14", "NOUNEND-15a",
    "NOUNEND-15b", "NOUNEND-15c", "NOUNEND-16a", "NOUNEND-16b", "NOUNEND-16c", "PASV-01",
    "PASV-02", "PASV-04", "PASV-05", "DISCARD-1", "DISCARD-2", "DISCARD-02", "DISCARD-03",
    "DISCARD-06", "AGENTS-1", "AGENTS-2", "AGENTS-3", "AGENTS-4", "AGENTS-5", "AGENTS-6",
    "AGENTS-7", "AGENTS-8", "AGENTS-8~2", "AGENTS-9", "AGENTS-10~2", "950101  AGENTS-11",
    "CONV-02", "CONV-03", "CONV-04", "CONV-05", "DEBUG-03", "DEBUG-04", "DEBUG-05", "DEBUG-15",
    "DEBUG-17a", "DEBUG-18", "TIME-02", "COMMA-01C", "COMMA-Change", "COMMA-02A", "COMMA-02B",
    "COMMA-Change~2", "COMMA-03A", "COMMA-03D", "COMMA-Cancel", "MINWRD-ACTIVATE", "MINWRD-Reset",
    "MINWRD-04", "MINWRD-Cancel", "FINAL-01", "LINELONG-01", "DEBUG-09~2",
    "FBIS-002-002  CEP20020711000013a", "FBIS-002-003  CEP20020711000013b",
})


def _doc(events: list[dict[str, Any]], text: str = "Arnor met Gondor .") -> Doc:
    doc = spacy.blank("en")(text)
    doc._.evenhand_events = events
    return doc


def _event(code: str, plover: str | None, source: str | None, target: str | None,
           mode: str | None = None, start: int = 0) -> dict[str, Any]:
    quad = 1 if int(code[:2]) <= 5 else 2 if int(code[:2]) <= 9 else 3 if int(code[:2]) <= 14 \
        else 4
    return {"start": start, "end": start + 5, "text": "", "trigger": {"start": start, "end":
            start + 5, "text": ""}, "code": code, "name": "", "plover": plover,
            "goldstein": 0.0, "quad": quad, "mode": mode,
            "source": {"code": source, "text": "", "actor": None, "start": 0, "end": 0}
            if source else None,
            "target": {"code": target, "text": "", "actor": None, "start": 0, "end": 0}
            if target else None, "claimed_by": None}


def test_detect_format() -> None:
    assert detect_format([{"text": "x", "events": [{"plover": "AGREE", "code": None}]}]) == \
        "plover"
    assert detect_format([{"text": "x", "events": [{"code": "040"}]}, {"text": "y",
                                                                       "events": []}]) == "cameo"
    assert detect_format([{"text": "x", "events": None, "penta_class": 2}]) == "class"
    assert detect_format([{"text": "x", "tokens": ["x"], "tags": ["O"]}]) == "actor_spans"
    with pytest.raises(EvaluationError, match="English text only"):
        detect_format([{"text": "x", "language": "es", "events": [{"code": "040"}]}])
    with pytest.raises(EvaluationError, match="no PLOVER categories"):
        detect_format([{"text": "x", "events": None}])


def test_bad_gold_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="cannot read"):
        load_event_gold(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "events": [{"code": "040"}]}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match='record a has no "text"'):
        load_event_gold(bad)


def test_plover_scoring_renames_old_categories_and_scores_dyads() -> None:
    assert PLOVER_RENAMES["DEMAND"] == "REQUEST" and PLOVER_RENAMES["FIGHT"] == "ASSAULT"
    rows = [{"events": [{"plover": "DEMAND", "source": "CHN", "target": "USA"}]},
            {"events": [{"plover": "AGREE", "source": "JAP", "target": None}]},
            {"events": [{"plover": "FIGHT", "source": "ISRMIL", "target": "PSE"}]}]
    docs = [_doc([_event("100", "REQUEST", "CHN", "USA")]),
            _doc([_event("036", "AGREE", "JPNGOV", None)]),  # JAP is CAMEO's old JPN
            _doc([_event("190", "ASSAULT", "ISRMIL", "PSE", mode="hypothetical")])]
    s = score_plover(rows, docs)
    assert s["records"] == 3 and s["plover_accuracy"] == round(2 / 3, 4)
    assert s["coverage"] == round(2 / 3, 4)  # the hypothetical attack does not count
    assert s["dyad_accuracy"] == round(2 / 3, 4)
    assert s["dyad_accuracy_full_code"] == round(1 / 3, 4)  # JPNGOV is not JAP
    assert s["category_prf"] == {"precision": 1.0, "recall": round(2 / 3, 4), "f1": 0.8}


def test_cameo_scoring_is_a_pass_list() -> None:
    rows = [{"id": "r1", "events": [{"code": "040", "source": "ARN", "target": "GON"}]},
            {"id": "r2", "events": []},
            {"id": "r3", "events": [{"code": "222", "source": "A", "target": "B"}]},
            {"id": "r4", "events": [{"code": "190", "source": "A", "target": "B"}]},
            {"id": "r5", "events": [], "expected_error": "dateline"}]
    docs = [_doc([_event("042", "CONSULT", None, None)]), _doc([]),
            _doc([_event("040", "CONSULT", None, None)]),
            _doc([_event("111", "ACCUSE", None, None)]), _doc([])]
    s = score_cameo(rows, docs, valid=None)
    assert s["passed_ids"] == ["r1", "r2"]  # r3: test code 222, not CAMEO; r5: skipped
    assert s["skipped"] == {"no_cameo_code": 1, "expected_error": 1}
    assert s["root_recall"] == 0.5 and s["code_recall"] == 0.0
    assert s["detection_passed_ids"] == ["r1", "r2", "r3", "r4"]  # event iff gold has one


def test_cli_eval_events_detects_the_format(nlp: Language, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {"id": "g1", "text": "Chinese troops attacked Indian soldiers near the border.",
         "events": [{"source": "CHNMIL", "target": "INDMIL", "code": None,
                     "plover": "FIGHT"}]},
        {"id": "g2", "text": "Japan and South Korea signed a trade agreement on Monday.",
         "events": [{"source": "JPN", "target": None, "code": None, "plover": "SUPPORT"},
                    {"source": "KOR", "target": None, "code": None, "plover": "SUPPORT"}]}]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setattr(cli, "_pipeline", lambda name: nlp)
    result = CliRunner().invoke(cli.app, ["eval", "events", "--gold", str(gold), "-f", "json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["format"] == "plover" and scores["records"] == 2
    assert scores["plover_accuracy"] == 1.0 and scores["dyad_accuracy"] == 1.0
    text = CliRunner().invoke(cli.app, ["eval", "events", "--gold", str(gold)])
    assert text.exit_code == 0 and "plover_accuracy: 1.0" in text.output


# --- gates on the shared gold sets ------------------------------------------------------------

def _gold(name: str) -> Path:
    path = EVENTS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.mark.gate
def test_plover_gold_standard_gate(nlp: Language) -> None:
    s = evaluate_events(_gold("plover_gsr_cameo_manual.jsonl"), nlp=nlp)
    print(json.dumps(s))
    assert s["records"] == 322
    assert s["plover_accuracy"] >= PLOVER_ACCURACY, s
    assert s["dyad_accuracy"] >= PLOVER_DYAD, s


@pytest.mark.gate
def test_conflibert_penta_class_gate(nlp: Language) -> None:
    s = evaluate_events(_gold("conflibert_cameo_class.jsonl"), nlp=nlp, split="test")
    print(json.dumps(s))
    assert s["sentences"] == 451
    assert s["accuracy"] >= PENTA_TEST_ACCURACY, s
    assert sum(map(sum, s["confusion"])) == 451


@pytest.mark.gate
def test_conflibert_actor_spans_gate(nlp: Language) -> None:
    s = evaluate_events(_gold("conflibert_cameo_ner.jsonl"), nlp=nlp, split="test")
    for side, bar in SPAN_F1.items():
        assert s[side]["f1"] >= bar, s


@pytest.mark.gate
@pytest.mark.parametrize(("name", "pinned", "detection"), [
    ("petrarch2_unittest_records.jsonl", UNITTEST_PASSED, UNITTEST_DETECTION),
    ("petrarch_validate_records_140226.jsonl", VALIDATE_PASSED, VALIDATE_DETECTION)])
def test_petrarch_suites_regression(nlp: Language, name: str, pinned: frozenset[str],
                                    detection: int) -> None:
    s = evaluate_events(_gold(name), nlp=nlp)
    lost = sorted(pinned - set(s["passed_ids"]))
    assert not lost, f"{name}: records that passed and now fail: {lost}"
    assert s["detection_passed"] >= detection, s
