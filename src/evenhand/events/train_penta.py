"""Train the penta-class fallback (:class:`evenhand.events.classify.PentaFallback`).

Usage::

    python -m evenhand.events.train_penta ../shared/data/events/conflibert_cameo_class.jsonl \\
        --output src/evenhand/events/penta_fallback.json

Only the ``train`` rows are read. Each sentence goes through evenhand's pipeline; the
features are those of :func:`~evenhand.events.classify.sentence_features` (lemmas seen in at
least ``--min-count`` training sentences). The model is a multinomial logistic regression
fitted by full-batch gradient descent with L2 in numpy, on every training sentence (the
fallback only ever sees sentences in which the dictionary found no event, but those are too
few to fit on alone). Only weights and feature names are written (no sentence text); see
docs/model-card-events.md.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..evaluation._jsonl import read_jsonl
from .classify import PentaFallback, sentence_class, sentence_features

__all__ = ["fit", "main"]


def fit(features: Sequence[Sequence[str]], labels: Sequence[int], min_count: int = 2,
        l2: float = 1e-3, epochs: int = 300, lr: float = 0.5) -> PentaFallback:
    counts = Counter(f for feats in features for f in set(feats))
    vocab = sorted(f for f, c in counts.items() if c >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(features), len(vocab)), dtype=np.float64)
    for i, feats in enumerate(features):
        for f in feats:
            if f in index:
                x[i, index[f]] = 1.0
    y = np.eye(5)[np.asarray(labels)]
    w = np.zeros((len(vocab), 5))
    b = np.zeros(5)
    for _ in range(epochs):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / len(labels)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    weights = {f: tuple(float(v) for v in w[i]) for f, i in index.items()
               if float(np.abs(w[i]).max()) >= 1e-3}
    return PentaFallback(weights, tuple(float(v) for v in b),
                         {"features": len(weights), "sentences": len(labels),
                          "l2": l2, "epochs": epochs, "min_count": min_count})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="conflibert_cameo_class.jsonl")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--folds", type=int, default=5,
                        help="cross-validate on the sentences the dictionary leaves (0: skip)")
    args = parser.parse_args(argv)

    from ..api import load_pipeline

    rows = [row for _, row in read_jsonl(args.gold) if row.get("split") == "train"]
    nlp = load_pipeline()
    features: list[list[str]] = []
    labels: list[int] = []
    undecided: list[bool] = []
    empty = PentaFallback({}, (0.0,) * 5, {})
    for row, doc in zip(rows, nlp.pipe((r["text"] for r in rows), batch_size=64),
                        strict=True):
        features.append(sentence_features(doc))
        labels.append(int(row["penta_class"]))
        undecided.append(sentence_class(doc, fallback=empty)[1] == "fallback")
    if args.folds:
        order = list(range(len(rows)))
        random.Random(0).shuffle(order)
        right = total = 0
        for k in range(args.folds):
            held = set(order[k::args.folds])
            train = [i for i in order if i not in held]
            model = fit([features[i] for i in train], [labels[i] for i in train],
                        args.min_count, args.l2)
            for i in held:
                if undecided[i]:
                    total += 1
                    right += model.predict(features[i]) == labels[i]
        print(f"cross-validated accuracy on the {total} sentences the dictionary leaves: "
              f"{right / total:.3f}" if total else "no sentence left to the fallback")
    model = fit(features, labels, args.min_count, args.l2)
    model.meta.update({"trained_on": "ConfliBERT cameo_class train rows "
                                     "(eventdata/ConfliBERT data/cameo_class/train.tsv)"})
    args.output.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(model.weights)} features from {len(rows)} sentences")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
