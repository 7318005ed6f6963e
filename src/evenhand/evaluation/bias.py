"""Scoring the wording analysis against BABE, and fitting the bias score's weights.

BABE (``../shared/data/bias/babe/babe_dev.jsonl``; research data, AGPL, not shipped): one news
sentence a line, ``label`` ``biased|non-biased`` and the ``biased_words`` the annotators marked.

* Sentence level: a text is predicted biased when any of its sentences is (its score is the
  highest sentence score). Macro-F1, accuracy, precision/recall/F1 per class.
* Word level: the words of the flags outside quotation marks in the ``loaded`` and ``label``
  categories, against ``biased_words`` (both lower-cased, split into words; one count per
  distinct word per sentence). Also reported with every category, and with quoted flags.

BABE dev is split in two by a hash of each row's ``id`` (:func:`babe_part`): the ``fit`` part
is what the bias score's weights were fitted on (and what guided the word lists); the
``held-out`` part is what the score is judged on. ``fit_weights`` is a numpy logistic
regression (Newton's method, L2, classes weighted to balance); see
``docs/model-card-bias.md``. ``python -m evenhand.evaluation.bias --help``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EvaluationError
from ._jsonl import read_jsonl

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["PARTS", "babe_part", "evaluate_babe", "fit_model", "fit_weights", "load_babe",
           "main"]

_WORD = re.compile(r"[\w]+(?:[-'][\w]+)*")
WRITER_CATEGORIES = ("loaded", "label")
PARTS = ("fit", "held-out")


def babe_part(row_id: str) -> str:
    """``fit`` or ``held-out``: a stable half of BABE dev, by the SHA-1 of the row id."""
    return PARTS[int(hashlib.sha1(row_id.encode("utf-8")).hexdigest(), 16) % 2]


def load_babe(path: str | Path, limit: int | None = None, part: str | None = None
              ) -> list[dict[str, Any]]:
    """BABE rows labelled biased or non-biased (no-agreement rows are skipped); only those of
    ``part`` (``fit``/``held-out``, see :func:`babe_part`) when given."""
    if part is not None and part not in PARTS:
        raise EvaluationError(f"unknown BABE part {part!r}: expected one of {PARTS}")
    rows: list[dict[str, Any]] = []
    for lineno, row in read_jsonl(path):
        text, label = row.get("text"), row.get("label")
        if not isinstance(text, str) or label not in ("biased", "non-biased", "no-agreement"):
            raise EvaluationError(f"{path}:{lineno}: needs 'text' and a BABE 'label'")
        row_id = str(row.get("id", lineno))
        if label == "no-agreement" or (part is not None and babe_part(row_id) != part):
            continue
        words = row.get("biased_words") or []
        if not isinstance(words, list):
            raise EvaluationError(f"{path}:{lineno}: 'biased_words' is not a list")
        rows.append({"id": row_id, "text": text,
                     "biased": label == "biased", "biased_words": [str(w) for w in words]})
        if limit is not None and len(rows) >= limit:
            break
    if not rows:
        raise EvaluationError(f"{path}: no labelled rows")
    return rows


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _wording_pipeline(nlp: Language | None) -> Language:
    from ..pipeline import wording as _wording  # noqa: F401  registers the factory

    if nlp is None:
        from ..api import load_pipeline

        nlp = load_pipeline()
    if "evenhand_wording" not in nlp.pipe_names:
        nlp.add_pipe("evenhand_wording")
    return nlp


def evaluate_babe(path: str | Path, nlp: Language | None = None, limit: int | None = None,
                  part: str | None = None, batch_size: int = 64) -> dict[str, Any]:
    """Score ``evenhand_wording`` against BABE (all of the file, or one ``part``). ``nlp``
    defaults to :func:`evenhand.load_pipeline` with the component added (added too when it
    lacks it)."""
    rows = load_babe(path, limit, part)
    nlp = _wording_pipeline(nlp)
    conf = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    # word level: (tp, fp, fn) for writer flags / all flags / all flags incl. quoted
    word = {k: [0, 0, 0] for k in ("writer", "all_categories", "with_quoted")}
    per_category: dict[str, list[int]] = {}
    scores: list[float] = []
    for row, doc in zip(rows, nlp.pipe((r["text"] for r in rows), batch_size=batch_size),
                        strict=True):
        sents = doc._.evenhand_sentences or []
        bias = max((s["bias"] for s in sents), default=0.0)
        predicted = any(s["biased"] for s in sents)
        scores.append(bias)
        gold = row["biased"]
        key = ("t" if predicted == gold else "f") + ("p" if predicted else "n")
        conf[key] += 1
        gold_words = set().union(*(_words(w) for w in row["biased_words"])) \
            if row["biased_words"] else set()
        flags = [f for s in sents for f in s["loaded"]]
        selections = {
            "writer": [f for f in flags if f["category"] in WRITER_CATEGORIES
                       and not f["quoted"]],
            "all_categories": [f for f in flags if not f["quoted"]],
            "with_quoted": flags,
        }
        for name, chosen in selections.items():
            predicted_words = set().union(*(_words(f["text"]) for f in chosen)) \
                if chosen else set()
            word[name][0] += len(predicted_words & gold_words)
            word[name][1] += len(predicted_words - gold_words)
            word[name][2] += len(gold_words - predicted_words)
        for f in flags:
            counts = per_category.setdefault(f["category"], [0, 0])
            counts[0] += 1
            counts[1] += bool(_words(f["text"]) & gold_words)
    biased = _prf(conf["tp"], conf["fp"], conf["fn"])
    neutral = _prf(conf["tn"], conf["fn"], conf["fp"])
    n = sum(conf.values())
    return {
        "data": str(path),
        "part": part or "all",
        "n": n,
        "sentence": {
            "macro_f1": round((biased["f1"] + neutral["f1"]) / 2, 4),
            "accuracy": round((conf["tp"] + conf["tn"]) / n, 4),
            "biased": biased,
            "non_biased": neutral,
            "confusion": conf,
        },
        "words": {name: _prf(*counts) for name, counts in word.items()},
        "flag_precision_by_category": {
            cat: {"flags": c[0], "precision": round(c[1] / c[0], 4) if c[0] else 0.0}
            for cat, c in sorted(per_category.items())},
    }


# -- fitting -------------------------------------------------------------------------------
def features_of(texts: Sequence[str], nlp: Language | None = None, batch_size: int = 64
                ) -> tuple[list[list[float]], list[list[float]]]:
    """For each text, scored as one unit: its wording features and the mean of the
    pipeline's tok2vec output (``doc.tensor``) over its tokens."""
    from ..pipeline.wording import WordingAnalyzer, quoted_spans

    nlp = _wording_pipeline(nlp)
    analyzer = WordingAnalyzer()
    feats, tensors = [], []
    with nlp.select_pipes(disable=["evenhand_wording"]):
        for doc in nlp.pipe(texts, batch_size=batch_size):
            feats.append(analyzer.sentence(doc[:], quoted_spans(doc.text)).features)
            tensors.append([float(v) for v in doc.tensor.mean(axis=0)] if len(doc) else [])
    return feats, tensors


def fit_weights(x: Any, y: Sequence[bool], l2: float = 1.0,
                iterations: int = 50) -> tuple[float, list[float]]:
    """Logistic regression by Newton's method, classes weighted to balance, L2 on the
    coefficients (not the intercept). Returns (intercept, coefficients)."""
    import numpy as np

    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    pos = ya.sum()
    sw = np.where(ya > 0, len(ya) / (2 * pos), len(ya) / (2 * (len(ya) - pos)))
    design = np.hstack([np.ones((len(xa), 1)), xa])
    w = np.zeros(design.shape[1])
    reg = np.full(design.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        grad = design.T @ (sw * (p - ya)) + reg * w
        hess = (design * (sw * p * (1 - p))[:, None]).T @ design + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), [float(v) for v in w[1:]]


def fit_model(feats: Sequence[Sequence[float]], tensors: Sequence[Sequence[float]] | None,
              y: Sequence[bool], l2: float = 10.0) -> dict[str, Any]:
    """Fit the lexical model and, when ``tensors`` are given, the lexical+tensor one (tensor
    columns standardised for the fit, then folded back into raw-scale weights)."""
    import numpy as np

    from ..pipeline.wording import FEATURES

    def named(intercept: float, coef: Sequence[float]) -> dict[str, float]:
        out = {"intercept": round(intercept, 6)}
        out.update({n: round(c, 6) for n, c in zip(FEATURES, coef, strict=True)})
        return out

    models: dict[str, Any] = {"lexical": {"weights": named(*fit_weights(feats, y, l2=l2))}}
    if tensors:
        t = np.asarray(tensors, dtype=float)
        mu, sd = t.mean(axis=0), t.std(axis=0) + 1e-6
        x = np.hstack([np.asarray(feats, dtype=float), (t - mu) / sd])
        intercept, coef = fit_weights(x, y, l2=l2)
        k = len(FEATURES)
        tw = np.asarray(coef[k:]) / sd
        intercept -= float(tw @ mu)
        models["lexical+tensor"] = {"weights": named(intercept, coef[:k]),
                                    "tensor_width": int(t.shape[1]),
                                    "tensor_weights": [round(float(v), 6) for v in tw]}
    return models


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evenhand.evaluation.bias",
                                     description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="score against BABE")
    ev.add_argument("--gold", default="../shared/data/bias/babe/babe_dev.jsonl")
    ev.add_argument("--part", choices=PARTS, help="only this half of BABE dev")
    ev.add_argument("--limit", type=int)
    fit = sub.add_parser("fit", help="fit the bias-score weights on BABE dev's fit part")
    fit.add_argument("--gold", default="../shared/data/bias/babe/babe_dev.jsonl")
    fit.add_argument("--l2", type=float, default=10.0)
    fit.add_argument("--output", default="src/evenhand/lexicons/bias_weights.json")
    args = parser.parse_args(argv)
    try:
        if args.command == "eval":
            print(json.dumps(evaluate_babe(args.gold, limit=args.limit, part=args.part),
                             indent=2))
            return 0
        from ..lexicons import LEXICON_VERSION
        from ..pipeline.wording import BIAS_THRESHOLD, FEATURES

        rows = load_babe(args.gold, part="fit")
        feats, tensors = features_of([r["text"] for r in rows])
        labels = [r["biased"] for r in rows]
        model = {
            "model": "evenhand wording bias score: logistic regression",
            "version": "bias-1",
            "lexicon_version": LEXICON_VERSION,
            "features": list(FEATURES),
            "threshold": BIAS_THRESHOLD,
            "l2": args.l2,
            "training": {"data": "BABE dev (babe_dev.jsonl), part 'fit' (sha1(id) even)",
                         "licence": "AGPL-3.0 upstream; research use",
                         "biased": sum(labels), "non_biased": len(labels) - sum(labels)},
            "card": "docs/model-card-bias.md",
            "models": fit_model(feats, tensors, labels, l2=args.l2),
        }
        Path(args.output).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(json.dumps({k: v for k, v in model.items() if k != "models"}, indent=2))
        return 0
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
