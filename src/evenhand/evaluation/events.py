"""Event coding scored against the gold sets in ``../shared/data/events`` (read in place).

The files there share one record schema (``{"id", "text", "events": [...] | null, ...}``,
see that folder's README); :func:`detect_format` tells which scoring a file gets from what
its records carry:

* ``plover`` — events with a ``plover`` category (the PLOVER gold-standard records made from
  the CAMEO manual): PLOVER category accuracy, category P/R/F1, actor-dyad accuracy;
* ``cameo`` — events with CAMEO ``code`` s (the PETRARCH unit-test and validation suites, the
  PETRARCH-2 validation records): which records pass as a regression test, code and root
  recall, precision and actor-dyad accuracy;
* ``class`` — sentences with a ``penta_class`` (ConfliBERT's CAMEO penta-class): 5-way
  accuracy, macro-F1 and the confusion matrix, on the ``test`` rows by default;
* ``actor_spans`` — token-tagged source/target spans (ConfliBERT's cameo_ner): how often the
  coder's source and target phrases match the annotated ones.

Every metric is defined in docs/events.md. An event *counts* as coded when its mode is null
(reported as happened), ``claimed`` (reported by a quoted speaker) or ``intended`` (coded as
an intent, 03x/13x, as CAMEO does); ``hypothetical`` and ``negated`` events do not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ..events.classify import PENTA_NAMES, penta_class
from ..events.modes import COUNTED_MODES, main_event
from ..events.modes import counted as counted_events
from ._jsonl import read_jsonl

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["COUNTED_MODES", "PENTA_NAMES", "PLOVER_RENAMES", "detect_format",
           "evaluate_events", "format_scores", "load_event_gold", "main_event", "penta_class"]

# PLOVER 0.5b1 (the gold-standard records) -> the current categories (Draft 0.8, 2021)
PLOVER_RENAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
                  "FIGHT": "ASSAULT"}
# old CAMEO country codes the gold files still use, with their ISO 3166 equivalents
LEGACY_COUNTRIES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
FORMATS = ("plover", "cameo", "class", "actor_spans")


def country(code: str | None) -> str | None:
    """The country (or IGO, or ``---``) part of an actor code."""
    if not code:
        return None
    head = code[:3].upper()
    return LEGACY_COUNTRIES.get(head, head)


def full_code(code: str | None) -> str | None:
    if not code:
        return None
    return (country(code) or "") + code[3:].upper()


def detect_format(rows: Sequence[dict[str, Any]], path: str | Path = "gold") -> str:
    """The scoring a file gets (see the module docstring), from its records."""
    if not rows:
        raise EvaluationError(f"{path}: no records")
    languages = {str(r.get("language") or "en") for r in rows}
    if languages - {"en"}:
        raise EvaluationError(f"{path}: language {', '.join(sorted(languages - {'en'}))}: "
                              "evenhand codes English text only")
    events = [e for r in rows for e in (r.get("events") or []) if isinstance(e, dict)]
    if any("penta_class" in r for r in rows):
        return "class"
    if any("tags" in r and "tokens" in r for r in rows):
        return "actor_spans"
    if any(e.get("plover") for e in events):
        return "plover"
    if any(e.get("code") for e in events):
        return "cameo"
    raise EvaluationError(f"{path}: records carry no PLOVER categories, CAMEO codes, "
                          "penta-classes or actor spans to score against")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _side(event: dict[str, Any], key: str) -> str | None:
    part = event.get(key)
    return part.get("code") if part else None


# -- PLOVER ----------------------------------------------------------------------------------
def score_plover(rows: Sequence[dict[str, Any]], docs: Sequence[Doc]) -> dict[str, Any]:
    scored = correct = covered = 0
    tp = fp = fn = 0
    gold_events = dyad_country = dyad_full = event_ok = 0
    per_category: dict[str, Counter[str]] = {}
    for row, doc in zip(rows, docs, strict=True):
        gold = [e for e in row.get("events") or [] if e.get("plover")]
        if not gold:
            continue
        events = doc._.evenhand_events or []
        counted = counted_events(events)
        gold_cats = {PLOVER_RENAMES.get(e["plover"], e["plover"]) for e in gold}
        pred_cats = {e["plover"] for e in counted if e["plover"]}
        scored += 1
        main = main_event(doc, events, keep=lambda e: bool(e["plover"]))
        if main is not None:
            covered += 1
            correct += main["plover"] in gold_cats
        tp += len(gold_cats & pred_cats)
        fp += len(pred_cats - gold_cats)
        fn += len(gold_cats - pred_cats)
        for cat in gold_cats:
            tally = per_category.setdefault(cat, Counter())
            tally["gold"] += 1
            tally["found"] += cat in pred_cats
        for g in gold:
            if not g.get("source"):
                continue
            gold_events += 1
            cat = PLOVER_RENAMES.get(g["plover"], g["plover"])
            gs, gt = g.get("source"), g.get("target")
            same = [e for e in counted if country(_side(e, "source")) == country(gs)
                    and country(_side(e, "target")) == country(gt)]
            dyad_country += bool(same)
            event_ok += any(e["plover"] == cat for e in same)
            dyad_full += any(full_code(_side(e, "source")) == full_code(gs) and
                             full_code(_side(e, "target")) == full_code(gt) for e in counted)
    return {
        "format": "plover",
        "records": scored,
        "plover_accuracy": _ratio(correct, scored),
        "coverage": _ratio(covered, scored),
        "plover_accuracy_where_coded": _ratio(correct, covered),
        "category_prf": _prf(tp, fp, fn),
        "gold_events_with_source": gold_events,
        "dyad_accuracy": _ratio(dyad_country, gold_events),
        "dyad_accuracy_full_code": _ratio(dyad_full, gold_events),
        "event_accuracy": _ratio(event_ok, gold_events),
        "recall_by_category": {c: _ratio(t["found"], t["gold"])
                               for c, t in sorted(per_category.items())},
        "renamed_categories": PLOVER_RENAMES,
    }


# -- CAMEO codes (PETRARCH suites) -----------------------------------------------------------
def _valid_codes(path: Path) -> frozenset[str] | None:
    """The CAMEO code list beside the gold file (cameo_codes.tsv), when there is one."""
    table = path.parent / "cameo_codes.tsv"
    if not table.is_file():
        return None
    with table.open(encoding="utf-8") as handle:
        next(handle, None)
        return frozenset(line.split("\t", 1)[0] for line in handle if line.strip())


def _comparable(code: str | None, valid: frozenset[str] | None) -> bool:
    if not code or not code.isdigit() or not 1 <= int(code[:2]) <= 20:
        return False
    return valid is None or code in valid


def score_cameo(rows: Sequence[dict[str, Any]], docs: Sequence[Doc],
                valid: frozenset[str] | None) -> dict[str, Any]:
    passed: list[str] = []  # the root test (below)
    failed: list[str] = []
    detected: list[str] = []  # the detection test: an event coded iff the record has one
    detection_scored = 0
    skipped = Counter[str]()
    gold_n = root_hits = code_hits = quad_hits = dyad_hits = 0
    pred_n = pred_hits = 0
    for row, doc in zip(rows, docs, strict=True):
        rid = str(row.get("id"))
        if row.get("expected_error"):
            skipped["expected_error"] += 1
            continue
        counted = counted_events(doc._.evenhand_events or [])
        gold = row.get("events") or []
        detection_scored += 1
        if bool(gold) == bool(counted):
            detected.append(rid)
        if not gold:
            (passed if not counted else failed).append(rid)
            continue
        comparable = [g for g in gold if _comparable(g.get("code"), valid)]
        if not comparable:
            skipped["no_cameo_code"] += 1
            continue
        roots = {e["code"][:2] for e in counted}
        codes = {e["code"] for e in counted}
        quads = {e["quad"] for e in counted}
        gold_roots = {g["code"][:2] for g in comparable}
        (passed if gold_roots <= roots else failed).append(rid)
        for g in comparable:
            gold_n += 1
            root_hits += g["code"][:2] in roots
            code_hits += g["code"] in codes
            quad_hits += _gold_quad(g["code"]) in quads
            dyad_hits += any(e["code"][:2] == g["code"][:2] and
                             country(_side(e, "source")) == country(g.get("source")) and
                             country(_side(e, "target")) == country(g.get("target"))
                             for e in counted)
        pred_n += len(counted)
        pred_hits += sum(e["code"][:2] in gold_roots for e in counted)
    scored = len(passed) + len(failed)
    return {
        "format": "cameo",
        "records": len(rows),
        "scored": scored,
        "skipped": dict(skipped),
        "passed": len(passed),
        "pass_rate": _ratio(len(passed), scored),
        "detection_scored": detection_scored,
        "detection_passed": len(detected),
        "detection_rate": _ratio(len(detected), detection_scored),
        "gold_events": gold_n,
        "root_recall": _ratio(root_hits, gold_n),
        "code_recall": _ratio(code_hits, gold_n),
        "quad_recall": _ratio(quad_hits, gold_n),
        "root_precision": _ratio(pred_hits, pred_n),
        "dyad_accuracy": _ratio(dyad_hits, gold_n),
        "passed_ids": passed,
        "detection_passed_ids": detected,
    }


def _gold_quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


# -- penta-class ----------------------------------------------------------------------------
def score_class(rows: Sequence[dict[str, Any]], docs: Sequence[Doc]) -> dict[str, Any]:
    from ..events.classify import sentence_class

    confusion = [[0] * 5 for _ in range(5)]
    by_dictionary = dictionary_ok = 0
    for row, doc in zip(rows, docs, strict=True):
        gold = int(row["penta_class"])
        predicted, source = sentence_class(doc)
        confusion[gold][predicted] += 1
        if source == "dictionary":
            by_dictionary += 1
            dictionary_ok += predicted == gold
    n = len(rows)
    correct = sum(confusion[i][i] for i in range(5))
    f1s = []
    for k in range(5):
        tp = confusion[k][k]
        fp = sum(confusion[g][k] for g in range(5)) - tp
        fn = sum(confusion[k]) - tp
        f1s.append(_prf(tp, fp, fn)["f1"])
    majority = max(sum(r) for r in confusion) if n else 0
    return {
        "format": "class",
        "sentences": n,
        "accuracy": _ratio(correct, n),
        "macro_f1": round(sum(f1s) / 5, 4) if n else None,
        "f1_by_class": dict(zip(PENTA_NAMES, f1s, strict=True)),
        "majority_baseline": _ratio(majority, n),
        "decided_by_dictionary": by_dictionary,
        "dictionary_accuracy": _ratio(dictionary_ok, by_dictionary),
        "labels": list(PENTA_NAMES),
        "confusion": confusion,
    }


# -- actor spans ----------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    return {w.strip(".,'’\"").lower() for w in text.split()} - {""}


def score_actor_spans(rows: Sequence[dict[str, Any]], docs: Sequence[Doc]) -> dict[str, Any]:
    out: dict[str, Any] = {"format": "actor_spans", "sentences": len(rows)}
    for side, key in (("source", "source_spans"), ("target", "target_spans")):
        tp = fp = fn = 0
        for row, doc in zip(rows, docs, strict=True):
            gold = [_words(s) for s in row.get(key) or []]
            pred = [_words(e[side]["text"]) for e in counted_events(doc._.evenhand_events or [])
                    if e.get(side)]
            pred = [p for i, p in enumerate(pred) if p not in pred[:i]]
            hit = [any(len(g & p) / len(g | p) >= 0.5 for p in pred) for g in gold if g]
            tp += sum(hit)
            fn += len(hit) - sum(hit)
            fp += sum(not any(len(g & p) / len(g | p) >= 0.5 for g in gold if g)
                      for p in pred if p)
        out[side] = _prf(tp, fp, fn)
    return out


# -- running ----------------------------------------------------------------------------------
def _docs(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    from ..article import Article

    masked = (Article.from_text(t).masked_text() if t.strip() else t for t in texts)
    yield from nlp.pipe(masked, batch_size=batch_size)


def load_event_gold(path: str | Path) -> tuple[str, list[dict[str, Any]]]:
    """The records of an event gold file and the scoring they get; an
    :class:`EvaluationError` names the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"{path}: cannot read (no such file)")
    rows = [row for _, row in read_jsonl(path)]
    fmt = detect_format(rows, path)
    for n, row in enumerate(rows, 1):
        if not isinstance(row.get("text"), str):
            raise EvaluationError(f"{path}: record {row.get('id', n)} has no \"text\"")
    return fmt, rows


def evaluate_events(path: str | Path, nlp: Language | None = None, limit: int | None = None,
                    split: str | None = "test", batch_size: int = 64) -> dict[str, Any]:
    """Score ``evenhand_events`` against an event gold file of ``../shared/data/events``.

    ``split``: for files with a ``split`` field (ConfliBERT), the rows scored (``test`` by
    default; None for all). ``limit``: the first N records only. ``nlp``: a pipeline from
    :func:`evenhand.load_pipeline`; ``evenhand_events`` is added when it lacks it."""
    from ..api import load_pipeline
    from ..pipeline import events as _events  # noqa: F401  registers the factory

    path = Path(path)
    fmt, rows = load_event_gold(path)
    if split is not None and any("split" in r for r in rows):
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            raise EvaluationError(f"{path}: no records in split {split!r}")
    if limit is not None:
        rows = rows[:limit]
    if nlp is None:
        nlp = load_pipeline()
    if "evenhand_events" not in nlp.pipe_names:
        nlp.add_pipe("evenhand_events")
    docs = list(_docs(nlp, [r["text"] for r in rows], batch_size))
    if fmt == "plover":
        scores = score_plover(rows, docs)
    elif fmt == "cameo":
        scores = score_cameo(rows, docs, _valid_codes(path))
    elif fmt == "class":
        scores = score_class(rows, docs)
        scores["split"] = split
    else:
        scores = score_actor_spans(rows, docs)
        scores["split"] = split
    return {"gold": str(path), **scores}


def format_scores(scores: dict[str, Any]) -> str:
    """A plain-text view of :func:`evaluate_events`' result."""
    lines = [f"{scores.get('gold', '')} ({scores['format']})"]
    skip = {"gold", "format", "passed_ids", "detection_passed_ids", "confusion", "labels",
            "renamed_categories"}
    for key, value in scores.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items())
            lines.append(f"  {key}: {inner}")
        else:
            lines.append(f"  {key}: {value}")
    if "confusion" in scores:
        labels = scores["labels"]
        lines.append("  confusion (rows gold, columns predicted):")
        lines.append("    " + " ".join(f"{i:>6}" for i in range(len(labels))))
        for i, row in enumerate(scores["confusion"]):
            lines.append(f"  {i} " + " ".join(f"{v:>6}" for v in row) + f"   {labels[i]}")
    return "\n".join(lines)
