"""Scoring a clustering against gold stories: B-cubed precision, recall and F1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import EvaluationError
from ..evaluation._jsonl import read_jsonl
from .cluster import StoryArticle, cluster_stories

__all__ = ["bcubed", "evaluate_clustering"]


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed (Bagga & Baldwin 1998) precision, recall and F1 of ``predicted`` (item →
    cluster) against ``gold`` (item → class), over the items of ``gold``: each item's
    precision is the share of its cluster that is in its class, its recall the share of its
    class that is in its cluster; both are averaged over items."""
    missing = [i for i in gold if i not in predicted]
    if missing:
        raise EvaluationError(f"{len(missing)} gold items have no predicted cluster, e.g. "
                              f"{missing[0]!r}")
    if not gold:
        raise EvaluationError("no gold items to score")
    clusters: dict[str, set[str]] = defaultdict(set)
    classes: dict[str, set[str]] = defaultdict(set)
    for item, cls in gold.items():
        clusters[predicted[item]].add(item)
        classes[cls].add(item)
    precision = recall = 0.0
    for item, cls in gold.items():
        cluster, klass = clusters[predicted[item]], classes[cls]
        shared = len(cluster & klass)
        precision += shared / len(cluster)
        recall += shared / len(klass)
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate_clustering(path: Path, *, gold_field: str = "story", limit: int | None = None,
                        **options: Any) -> dict[str, Any]:
    """Cluster the articles of a JSONL file (``id``, ``text``, ``title``, ``outlet``,
    ``date``, and the gold ``story``) and score the result with B-cubed.

    ``options`` go to :func:`cluster_stories` (``window_days``, ``threshold``, ``encoder``)."""
    articles: list[StoryArticle] = []
    gold: dict[str, str] = {}
    for n, row in read_jsonl(path):
        if limit is not None and len(articles) >= limit:
            break
        if not isinstance(row.get("text"), str) or row.get(gold_field) is None:
            raise EvaluationError(f"{path}:{n}: needs a \"text\" and a \"{gold_field}\"")
        ident = str(row.get("id") or f"{path}:{n}")
        articles.append(StoryArticle(id=ident, text=row["text"], title=row.get("title"),
                                     outlet=row.get("outlet"), date=row.get("date")))
        gold[ident] = str(row[gold_field])
    clustering = cluster_stories(articles, **options)
    precision, recall, f1 = bcubed(clustering.story_of, gold)
    return {"articles": len(articles), "gold_stories": len(set(gold.values())),
            "predicted_stories": len(clustering.stories), "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4),
            "pairs_scored": clustering.candidates}
