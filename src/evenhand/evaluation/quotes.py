"""Scoring quote extraction against PolNeAR-style gold (``../shared/data/quotes/README.md``).

The Gender Gap Tracker metric: a gold quote is *found* when the characters it shares with a
prediction exceed ``threshold`` × its own length; each prediction matches at most one gold
quote (greedy by overlap share, largest first). Precision, recall and F1 over all quotes, at
0.3 and 0.8. *Exact* match compares both contents once quotation marks, punctuation and
spaces are trimmed at the edges. *Speaker accuracy*, over quotes found at 0.3 whose gold
has a speaker span: the predicted speaker mention, or any mention of the predicted actor,
overlaps the gold speaker span.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..report import Report
from ._jsonl import read_jsonl

__all__ = ["QuoteScores", "load_gold", "score_quotes", "trim"]


def _is_edge_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim quotation marks, punctuation and spaces at both edges of text[start:end]."""
    while start < end and _is_edge_char(text[start]):
        start += 1
    while end > start and _is_edge_char(text[end - 1]):
        end -= 1
    return start, end


def load_gold(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream gold documents from a JSONL file."""
    for lineno, doc in read_jsonl(path):
        if not isinstance(doc.get("text"), str) or not isinstance(doc.get("quotes"), list):
            raise EvaluationError(f"{path}:{lineno}: expected an object with 'text' "
                                  "and 'quotes'")
        yield doc


@dataclass
class _Counts:
    gold: int = 0
    pred: int = 0
    found: int = 0

    def prf(self) -> dict[str, float]:
        p = self.found / self.pred if self.pred else 0.0
        r = self.found / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class QuoteScores:
    documents: int = 0
    at_03: _Counts = field(default_factory=_Counts)
    at_08: _Counts = field(default_factory=_Counts)
    exact: _Counts = field(default_factory=_Counts)
    speaker_total: int = 0
    speaker_correct: int = 0
    by_kind: dict[str, _Counts] = field(default_factory=dict)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "gold_quotes": self.at_03.gold,
            "predicted_quotes": self.at_03.pred,
            "f1_0.3": self.at_03.prf(),
            "f1_0.8": self.at_08.prf(),
            "exact": self.exact.prf(),
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "speaker_scored": self.speaker_total,
            "recall_by_kind": {
                k: round(c.found / c.gold, 4) if c.gold else 0.0
                for k, c in sorted(self.by_kind.items())
            },
        }


def _chars(spans: Iterable[Iterable[int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        out.update(range(s, e))
    return out


def _match(gold: list[set[int]], pred: list[set[int]], threshold: float) -> dict[int, int]:
    pairs = []
    for gi, g in enumerate(gold):
        if not g:
            continue
        for pi, p in enumerate(pred):
            share = len(g & p) / len(g)
            if share > threshold:
                pairs.append((share, gi, pi))
    pairs.sort(reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pi in pairs:
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_document(scores: QuoteScores, gold_doc: dict[str, Any], report: Report) -> None:
    text = gold_doc["text"]
    gold_quotes = gold_doc["quotes"]
    gold_chars = [_chars(q.get("quote_spans") or [[q["quote_start"], q["quote_end"]]])
                  for q in gold_quotes]
    pred_chars = [_chars(q.spans or [[q.start, q.end]]) for q in report.quotes]
    scores.documents += 1
    for counts, threshold in ((scores.at_03, 0.3), (scores.at_08, 0.8)):
        counts.gold += len(gold_quotes)
        counts.pred += len(report.quotes)
        counts.found += len(_match(gold_chars, pred_chars, threshold))
    found = _match(gold_chars, pred_chars, 0.3)
    for gi, q in enumerate(gold_quotes):
        kind = scores.by_kind.setdefault(q.get("kind", "?"), _Counts())
        kind.gold += 1
        kind.found += gi in found

    # exact match on trimmed content
    gold_keys = [trim(text, q["quote_start"], q["quote_end"]) for q in gold_quotes]
    pred_keys = [trim(text, q.start, q.end) for q in report.quotes]
    scores.exact.gold += len(gold_keys)
    scores.exact.pred += len(pred_keys)
    remaining = list(pred_keys)
    for key in gold_keys:
        if key in remaining:
            remaining.remove(key)
            scores.exact.found += 1

    mentions = {a.id: [tuple(m) for m in a.mentions] for a in report.actors}
    for gi, pi in found.items():
        gq = gold_quotes[gi]
        if gq.get("speaker_start") is None:
            continue
        gspans = [tuple(s) for s in (gq.get("speaker_spans") or
                                     [[gq["speaker_start"], gq["speaker_end"]]])]
        pq = report.quotes[pi]
        candidates: list[tuple[int, int]] = []
        if pq.speaker:
            candidates.append((pq.speaker.start, pq.speaker.end))
        if pq.actor:
            candidates.extend(mentions.get(pq.actor, []))  # type: ignore[arg-type]
        scores.speaker_total += 1
        if any(_overlaps(c, g) for c in candidates for g in gspans):
            scores.speaker_correct += 1


def score_quotes(pairs: Iterable[tuple[dict[str, Any], Report]]) -> QuoteScores:
    """Score (gold document, report) pairs."""
    scores = QuoteScores()
    for gold_doc, report in pairs:
        score_document(scores, gold_doc, report)
    return scores


def evaluate_quotes(gold_path: str | Path, nlp: Any = None, limit: int | None = None,
                    batch_size: int = 16) -> QuoteScores:
    """Analyse every gold document's text with evenhand and score the quotes found."""
    from itertools import islice

    from ..api import analyze_many
    from ..article import Article

    golds = list(islice(load_gold(gold_path), limit))
    articles = (Article.from_text(g["text"], source=f"{gold_path}:{g.get('id')}",
                                  id=g.get("id"), title=g.get("title")) for g in golds)
    return score_quotes(zip(golds, analyze_many(articles, nlp=nlp, batch_size=batch_size),
                            strict=True))
