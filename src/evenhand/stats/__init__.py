"""Aggregates over the corpus store (``evenhand stats``): voice share per side, share of
mentioned sides never quoted, attributed-claim share and loaded-term rate, by outlet,
month, side or actor role; as a table, JSON or an HTML page with charts (docs/stats.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError
from .aggregate import SCHEMA, By, StatsResult, aggregate, article_facts
from .render import render_html, render_json, render_table, write_stats

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["SCHEMA", "By", "StatsResult", "aggregate", "article_facts", "compute_stats",
           "render_html", "render_json", "render_table", "write_stats"]


def compute_stats(store: Store, by: By | str, analyzer_version: str | None = None
                  ) -> StatsResult:
    """Aggregate the store's analyses by one analyser version: ``analyzer_version``, else
    the one ``evenhand run`` would use now when the store has analyses by it, else the
    store's most recent one (so that no article is ever counted twice)."""
    versions = dict(store.analyzer_versions())
    if analyzer_version is None:
        from ..batch import analyzer_version as current

        now = current()
        analyzer_version = now if now in versions or not versions else next(iter(versions))
    elif analyzer_version not in versions:
        known = ", ".join(versions) or "none: run `evenhand run` first"
        raise ConfigError(f"no analyses by analyser {analyzer_version!r} in the store "
                          f"(analyser versions there: {known})")
    return aggregate(store.iter_analyses(analyzer_version), by, analyzer_version)
