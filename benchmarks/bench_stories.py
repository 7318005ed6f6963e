"""Benchmark: story clustering time as the corpus grows (blocking keeps it near-linear).

Larger corpora are built from the BASIL articles (read in place from ../shared): replica k
of every story is shifted by ``k * SHIFT_DAYS`` days and loses a random fifth of its
sentences, so no two replicas are identical and each replica of a story is a story of its
own (the gold for the B-cubed column is (story, replica)). Two layouts:

* ``dense`` (default): the replicas pile up in about the same decade, so the articles per
  day grow with the corpus: 10,000 articles put ~34 times as many articles in each date
  window as 300 do. Date blocking alone would then grow quadratically; the name/word keys
  (and the cap on keys too common inside a window) are what keep it near-linear.
* ``spread``: replica k moves a whole decade further, so the density stays constant.

Prints, per size: seconds, the pairs scored (candidates) against all pairs, B-cubed F1
against the replica gold, and at the end time(largest)/time(smallest) beside the linear
ratio (size ratio) and the quadratic one. Timings on a shared machine are noisy: each size
is timed ``--repeat`` times and the best kept.

    .venv/bin/python benchmarks/bench_stories.py [--sizes 1000,2000,5000,10000]
        [--layout dense|spread] [--repeat 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from evenhand.stories import StoryArticle, bcubed, cluster_stories
from evenhand.stories.text import sentence_spans

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / \
    "basil_articles.jsonl"
SHIFT_DAYS = 7  # apart enough that two replicas of one story never share a date window
DECADE_DAYS = 4000
DROP = 0.2


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def build(rows: list[dict[str, str]], size: int, layout: str, seed: int = 0
          ) -> tuple[list[StoryArticle], dict[str, str]]:
    rnd = random.Random(seed)
    articles: list[StoryArticle] = []
    gold: dict[str, str] = {}
    replica = 0
    while len(articles) < size:
        shift = replica * (SHIFT_DAYS if layout == "dense" else DECADE_DAYS)
        for row in rows:
            if len(articles) >= size:
                break
            text = row["text"]
            if replica:
                spans = sentence_spans(text)
                kept = [text[s:e] for s, e in spans if rnd.random() >= DROP] or \
                    [text[s:e] for s, e in spans[:1]]
                text = " ".join(kept)
            day = date.fromisoformat(row["date"]) + timedelta(days=shift)
            ident = f"{row['id']}#{replica}"
            articles.append(StoryArticle(id=ident, text=text, title=row["title"],
                                         outlet=row["outlet"], date=day.isoformat()))
            gold[ident] = f"{row['story']}#{replica}"
        replica += 1
    return articles, gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--layout", choices=("dense", "spread"), default="dense")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"bench_stories: {args.corpus} is absent (the BASIL corpus in ../shared)",
              file=sys.stderr)
        return 1
    rows = load(args.corpus)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = []
    print(f"layout {args.layout}; BASIL {len(rows)} articles replicated; best of "
          f"{args.repeat}")
    print(f"{'articles':>9} {'seconds':>8} {'ms/article':>10} {'pairs scored':>13} "
          f"{'all pairs':>12} {'share':>8} {'stories':>8} {'B3 F1':>6}")
    for size in sizes:
        articles, gold = build(rows, size, args.layout)
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            clustering = cluster_stories(articles)
            best = min(best, time.perf_counter() - start)
        all_pairs = size * (size - 1) // 2
        p, r, f = bcubed(clustering.story_of, gold)
        results.append({"articles": size, "seconds": round(best, 3),
                        "pairs_scored": clustering.candidates, "all_pairs": all_pairs,
                        "stories": len(clustering.stories), "precision": round(p, 4),
                        "recall": round(r, 4), "f1": round(f, 4)})
        print(f"{size:>9} {best:>8.2f} {1000 * best / size:>10.2f} {clustering.candidates:>13,} "
              f"{all_pairs:>12,} {clustering.candidates / all_pairs:>8.2%} "
              f"{len(clustering.stories):>8} {f:>6.3f}")
    first, last = results[0], results[-1]
    scale = last["articles"] / first["articles"]
    ratio = last["seconds"] / first["seconds"]
    pair_ratio = last["pairs_scored"] / max(1, first["pairs_scored"])
    print(f"time({last['articles']})/time({first['articles']}) = {ratio:.1f}  "
          f"(linear: {scale:.0f}, quadratic: {scale * scale:.0f}); pairs scored grew "
          f"{pair_ratio:.1f}x")
    if args.json:
        args.json.write_text(json.dumps({"layout": args.layout, "sizes": results,
                                         "time_ratio": round(ratio, 2),
                                         "linear_ratio": scale}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
