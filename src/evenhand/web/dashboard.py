"""The corpus dashboard's figures: voice share by outlet × side over time, with the
aggregation of :mod:`evenhand.stats` (the same definitions as ``evenhand stats``), and the
stories of the store for the comparison pages.

Both read the whole corpus, so the app keeps each result for a minute
(:class:`TimedCache`) rather than recomputing it on every page view.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..render.html import NO_SIDE as NO_SIDE_COLOUR
from ..render.html import PALETTE, side_colours
from ..stats import aggregate, compute_stats
from ..stats.aggregate import NO_SIDE, UNKNOWN
from ..store import Store

__all__ = ["TOP_SIDES", "TimedCache", "dashboard_data"]

TOP_SIDES = 8  # sides drawn in their own colour; the others are summed as "other sides"
OTHER = "other sides"
T = TypeVar("T")


class TimedCache:
    """One value per key, recomputed when older than ``ttl`` seconds."""

    def __init__(self, ttl: float = 60.0) -> None:
        self.ttl = ttl
        self._values: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], T]) -> T:
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            value: T = hit[1]
            return value
        value = make()
        with self._lock:
            self._values[key] = (time.monotonic(), value)
        return value


def _slim(report: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a report the aggregation reads (reports are large; a corpus's many)."""
    attribution = report.get("attribution") or {}
    return {"quotes": [None] * len(report.get("quotes") or []),
            "actors": [{k: a.get(k) for k in ("role", "quoted", "quote_count", "quoted_words")}
                       for a in report.get("actors") or [] if isinstance(a, Mapping)],
            "sides": report.get("sides") or [],
            "attribution": {k: attribution.get(k) for k in ("claims", "attributed_claims")}
            if isinstance(attribution, Mapping) else {},
            "sentences": [{"loaded": s.get("loaded") or []}
                          for s in report.get("sentences") or [] if isinstance(s, Mapping)]}


def dashboard_data(store: Store) -> dict[str, Any]:
    """Per outlet: its figures overall and, month by month, the share of quoted words of
    each side (pooled over the month's articles)."""
    overall = compute_stats(store, "outlet")
    if not overall.articles:
        return {"articles": 0, "analyzer_version": overall.analyzer_version, "outlets": [],
                "sides": [], "colours": {}}
    by_outlet: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for meta, report in store.iter_analyses(overall.analyzer_version):
        by_outlet[meta.outlet or UNKNOWN].append((meta, _slim(report)))
    words: dict[str, float] = defaultdict(float)  # quoted words of each side, corpus-wide
    outlets = []
    for row in overall.rows:
        quoted = (row["quoted_words_per_article"] or 0) * row["articles"]
        for side, share in row["voice_share_by_side"].items():
            words[side] += (share["pooled"] or 0) * quoted
        outlets.append({"outlet": row["key"], "overall": row,
                        "months": aggregate(by_outlet.get(row["key"], []), "month").rows})
    top = [s for s in sorted(words, key=lambda s: (-words[s], s)) if s != NO_SIDE][:TOP_SIDES]
    for o in outlets:
        for m in o["months"]:
            m["bars"] = _bars(m["voice_share_by_side"], top)
        o["bars"] = _bars(o["overall"]["voice_share_by_side"], top)
    shown = [*top, OTHER, NO_SIDE]
    return {"articles": overall.articles, "analyzer_version": overall.analyzer_version,
            "outlets": outlets, "sides": shown, "colours": _colours(top),
            "definitions": overall.definitions}


def _bars(shares: Mapping[str, Mapping[str, Any]], top: list[str]) -> list[dict[str, Any]]:
    """(side, pooled share) for the top sides, then the other sides summed, then no side."""
    pairs = [(s, float(shares[s]["pooled"] or 0.0)) for s in top if s in shares]
    pairs.append((OTHER, sum(float(v["pooled"] or 0.0) for s, v in shares.items()
                             if s not in top and s != NO_SIDE)))
    pairs.append((NO_SIDE, float((shares.get(NO_SIDE) or {}).get("pooled") or 0.0)))
    return [{"side": s, "share": share} for s, share in pairs if share > 0]


def _colours(top: list[str]) -> dict[str, str]:
    """The report palette's colour of each side (the same as on article pages)."""
    colours = {side: PALETTE[index][0] for side, index in side_colours(top).items()}
    colours[OTHER], colours[NO_SIDE] = "#a3a8b1", NO_SIDE_COLOUR[0]
    return colours
