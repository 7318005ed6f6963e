"""Aggregates over the corpus store (``evenhand stats``): voice share per side, share of
mentioned sides never quoted, attributed-claim share and loaded-term rate, by outlet,
month, side or actor role; as a table, JSON or an HTML page with charts (docs/stats.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .aggregate import SCHEMA, By, StatsResult, aggregate, article_facts
from .render import render_html, render_json, render_table, write_stats

if TYPE_CHECKING:
    from ..balance import SideMap
    from ..store import Store

__all__ = ["SCHEMA", "By", "StatsResult", "aggregate", "article_facts", "compute_stats",
           "regroup_sides", "render_html", "render_json", "render_table", "write_stats"]


def compute_stats(store: Store, by: By | str, analyzer_version: str | None = None,
                  sides: SideMap | None = None) -> StatsResult:
    """Aggregate the store's analyses by one analyser version: ``analyzer_version``, else
    the one ``evenhand run`` would use now when the store has analyses by it, else the
    store's most recent one (so that no article is ever counted twice).

    ``sides`` (from :func:`evenhand.balance.load_sides`): group the actors into these camps
    instead of the sides they were analysed with; see :func:`regroup_sides`."""
    versions = dict(store.analyzer_versions())
    if analyzer_version is None:
        from ..batch import analyzer_version as current

        now = current()
        analyzer_version = now if now in versions or not versions else next(iter(versions))
    elif analyzer_version not in versions:
        known = ", ".join(versions) or "none: run `evenhand run` first"
        raise ConfigError(f"no analyses by analyser {analyzer_version!r} in the store "
                          f"(analyser versions there: {known})")
    pairs: Iterable[tuple[Any, Mapping[str, Any]]] = store.iter_analyses(analyzer_version)
    if sides is None:
        return aggregate(pairs, by, analyzer_version)
    result = aggregate(regroup_sides(pairs, sides), by, analyzer_version)
    return replace(result, sides=sides.source)


def regroup_sides(pairs: Iterable[tuple[Any, Mapping[str, Any]]], sides: SideMap
                  ) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The stored reports with their actors grouped into ``sides``: each report's
    ``sides``, ledger, findings and indicators are worked out again from its actors, as
    ``evenhand analyze --sides`` would have, without analysing the article again (a side is
    a grouping of the actors the analysis found, not a finding of its own)."""
    from ..balance import annotate_balance
    from ..kb import load_kb
    from ..report import Report

    kb = load_kb()
    for meta, report in pairs:
        yield meta, annotate_balance(Report.from_dict(dict(report)), sides, kb).to_dict()
