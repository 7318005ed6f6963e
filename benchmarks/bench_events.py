"""What the events component adds to analysis time.

    .venv/bin/python benchmarks/bench_events.py [--n 100] [--repeats 3] [--json out.json]

Texts are the ``text`` fields of ../shared/data/quotes/polnear/dev.jsonl and
../shared/data/corpus/basil_articles.jsonl (research data beside the checkout, read in place);
``--n`` cuts them to N or repeats them up to N.

One pipeline (:func:`evenhand.load_pipeline`) analyses the same texts with
:func:`evenhand.analyze_many`, every report serialised with ``to_json()``, in two modes that
run in rotating order, ``--repeats`` times each (the best time counts):

* ``without``: ``evenhand_events`` disabled (``nlp.select_pipes``);
* ``with``: the whole default pipeline.

Printed: both times, ``with / without`` (the acceptance bar is <= 1.10: events add at most
10%), and, as a steadier figure, the time spent inside the events component itself over the
``with`` runs, as a share of the ``without`` time.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
SOURCES = ("data/quotes/polnear/dev.jsonl", "data/corpus/basil_articles.jsonl")
MAX_RATIO = 1.10
COMPONENT = "evenhand_events"


def load_texts(shared: Path, n: int) -> list[str]:
    texts: list[str] = []
    for rel in SOURCES:
        path = shared / rel
        if not path.exists():
            raise SystemExit(f"bench: {path} not found (is ../shared beside the checkout?)")
        with path.open(encoding="utf-8") as fh:
            texts.extend(t for line in fh if line.strip() and (t := json.loads(line).get("text")))
    if not texts:
        raise SystemExit("bench: no texts found")
    return [texts[i % len(texts)] for i in range(n)]


def component_seconds(nlp: Any, texts: list[str], batch_size: int) -> float:
    """The events component alone, on Docs the rest of the pipeline already made."""
    from evenhand import Article

    with nlp.select_pipes(disable=[COMPONENT]):
        docs = list(nlp.pipe((Article.from_text(t).masked_text() for t in texts),
                             batch_size=batch_size))
    component = nlp.get_pipe(COMPONENT)
    t0 = time.perf_counter()
    for doc in docs:
        component(doc)
    return time.perf_counter() - t0


def run(nlp: Any, texts: list[str], events: bool, batch_size: int) -> float:
    from evenhand import Article, analyze_many

    articles = [Article.from_text(t) for t in texts]
    t0 = time.perf_counter()
    if events:
        for report in analyze_many(articles, nlp=nlp, batch_size=batch_size):
            report.to_json()
    else:
        with nlp.select_pipes(disable=[COMPONENT]):
            for report in analyze_many(articles, nlp=nlp, batch_size=batch_size):
                report.to_json()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="articles (default 100)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per mode; best counts")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    import evenhand

    texts = load_texts(args.shared, args.n)
    nlp = evenhand.load_pipeline()
    if COMPONENT not in nlp.pipe_names:
        raise SystemExit(f"bench: the pipeline has no {COMPONENT}")
    run(nlp, texts[:4], True, args.batch_size)  # warm-up: lazy loads, caches
    run(nlp, texts[:4], False, args.batch_size)
    best = {"with": float("inf"), "without": float("inf")}
    inside: list[float] = []
    for r in range(args.repeats):
        order = ("with", "without") if r % 2 == 0 else ("without", "with")
        for mode in order:
            seconds = run(nlp, texts, mode == "with", args.batch_size)
            best[mode] = min(best[mode], seconds)
            print(f"  run {r + 1} {mode:>7}: {seconds:7.2f} s", flush=True)
        inside.append(component_seconds(nlp, texts, args.batch_size))
    ratio = best["with"] / best["without"]
    share = min(inside) / best["without"]
    figures = {
        "articles": len(texts), "chars": sum(len(t) for t in texts),
        "repeats": args.repeats, "python": platform.python_version(),
        "seconds_without_events": round(best["without"], 3),
        "seconds_with_events": round(best["with"], 3),
        "ratio_with_over_without": round(ratio, 4),
        "events_component_seconds": round(min(inside), 3),
        "events_component_share": round(share, 4),
        "max_ratio": MAX_RATIO, "ok": ratio <= MAX_RATIO,
    }
    print(f"{len(texts)} articles: without events {best['without']:.2f} s, with events "
          f"{best['with']:.2f} s, ratio {ratio:.3f} (bar <= {MAX_RATIO}); time inside "
          f"evenhand_events {min(inside):.2f} s = {100 * share:.1f}% of the analysis without it")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
