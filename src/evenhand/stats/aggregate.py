"""Aggregates over stored reports: voice share per side, share of mentioned sides never
quoted, attributed-claim share and loaded-term rate, per outlet, month, side or role.

Everything is computed from the report JSON the store keeps (``evenhand/report-1``: its
``sides``, ``actors``, ``attribution`` and ``sentences``), the same fields the report's own
indicators come from, so a figure here can be traced to the articles' reports. Definitions
are in docs/stats.md.

Each group figure is given two ways:

* ``pooled``: counts summed over the group's articles, then divided (quoted words of a side
  over all quoted words; never-quoted sides over sides mentioned; ...): the group as one
  long text, where long articles weigh more;
* ``per_article``: the mean of the same ratio computed for each article that has a
  denominator: the typical article.

Means are exact sums (``math.fsum``) of each article's ratio, so the result does not depend
on the order the store returns the reports in (SQLite and PostgreSQL give the same figures).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["SCHEMA", "By", "StatsResult", "aggregate", "article_facts"]

SCHEMA = "evenhand/stats-1"
UNKNOWN = "(unknown)"
NO_SIDE = "(no side)"
ROUND = 6


class By(StrEnum):
    outlet = "outlet"
    side = "side"
    month = "month"
    role = "role"


@dataclass
class StatsResult:
    by: str
    analyzer_version: str | None
    articles: int
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    definitions: dict[str, str] = field(default_factory=dict)
    # the sides file the actors were grouped by (``stats --sides``); None: as analysed
    sides: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"schema": SCHEMA, "by": self.by,
                               "analyzer_version": self.analyzer_version,
                               "articles": self.articles, "definitions": self.definitions,
                               "rows": self.rows}
        if self.sides is not None:
            out["sides"] = self.sides
        if self.total is not None:
            out["total"] = self.total
        return out


# --- one article ----------------------------------------------------------------------------

@dataclass
class _Facts:
    quotes: int
    quoted_words: int  # of all actors, the denominator of the report's side shares
    sides: list[dict[str, Any]]  # name, quotes, quoted_words, mentions, heard
    claims: int | None
    attributed_claims: int | None
    sentences: int
    loaded_terms: int
    actors: list[dict[str, Any]]  # role, quoted, quote_count, quoted_words


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def article_facts(report: Mapping[str, Any]) -> _Facts:
    """The counts one report contributes, read with defaults (reports only gain fields)."""
    actors = [a for a in report.get("actors") or [] if isinstance(a, Mapping)]
    sides = [s for s in report.get("sides") or [] if isinstance(s, Mapping) and s.get("name")]
    attribution = report.get("attribution") or {}
    claims = attribution.get("claims") if isinstance(attribution, Mapping) else None
    attributed = (attribution.get("attributed_claims") if isinstance(attribution, Mapping)
                  else None)
    sentences = [s for s in report.get("sentences") or [] if isinstance(s, Mapping)]
    # the writer's loaded terms and labels, as the report's loaded_term_rate counts them
    loaded = sum(1 for s in sentences for t in s.get("loaded") or []
                 if isinstance(t, Mapping) and not t.get("quoted")
                 and t.get("category") in ("loaded", "label"))
    return _Facts(
        quotes=len(report.get("quotes") or []),
        quoted_words=sum(_int(a.get("quoted_words")) for a in actors),
        sides=[{"name": str(s["name"]), "quotes": _int(s.get("quotes")),
                "quoted_words": _int(s.get("quoted_words")),
                "mentions": _int(s.get("mentions")),
                "heard": bool(s.get("heard", _int(s.get("quotes")) > 0))} for s in sides],
        claims=_int(claims) if claims is not None else None,
        attributed_claims=_int(attributed) if attributed is not None else None,
        sentences=len(sentences), loaded_terms=loaded,
        actors=[{"role": a.get("role") or UNKNOWN, "quoted": bool(a.get("quoted")),
                 "quote_count": _int(a.get("quote_count")),
                 "quoted_words": _int(a.get("quoted_words"))} for a in actors])


# --- accumulators ---------------------------------------------------------------------------

def _r(value: float | None) -> float | None:
    return None if value is None else round(value, ROUND)


def _ratio(num: float, den: float) -> float | None:
    return _r(num / den) if den else None


def _mean(values: list[float], n: int) -> float | None:
    return _r(math.fsum(values) / n) if n else None


class _Share:
    """A ratio pooled over articles and averaged per article."""

    def __init__(self) -> None:
        self.num = 0
        self.den = 0
        self.ratios: list[float] = []

    def add(self, num: int, den: int | None) -> None:
        if not den:
            return
        self.num += num
        self.den += den
        self.ratios.append(num / den)

    def to_dict(self) -> dict[str, Any]:
        return {"pooled": _ratio(self.num, self.den),
                "per_article": _mean(self.ratios, len(self.ratios)),
                "articles": len(self.ratios)}


class _Group:
    """Outlet or month: the four indicators for the articles of one group."""

    def __init__(self) -> None:
        self.articles = 0
        self.quotes = 0
        self.quoted_words = 0
        self.sides = 0
        self.voiced = 0  # articles with quoted words
        self.side_words: dict[str, int] = defaultdict(int)
        self.side_ratios: dict[str, list[float]] = defaultdict(list)
        self.never = _Share()
        self.claims = _Share()
        self.loaded = _Share()

    def add(self, f: _Facts) -> None:
        self.articles += 1
        self.quotes += f.quotes
        self.quoted_words += f.quoted_words
        self.sides += len(f.sides)
        if f.quoted_words:
            self.voiced += 1
            sided = 0
            for s in f.sides:
                if s["quoted_words"]:
                    self.side_words[s["name"]] += s["quoted_words"]
                    self.side_ratios[s["name"]].append(s["quoted_words"] / f.quoted_words)
                    sided += s["quoted_words"]
            if f.quoted_words > sided:  # words of actors with no side
                self.side_words[NO_SIDE] += f.quoted_words - sided
                self.side_ratios[NO_SIDE].append((f.quoted_words - sided) / f.quoted_words)
        self.never.add(sum(1 for s in f.sides if not s["heard"]), len(f.sides))
        if f.claims is not None:
            self.claims.add(f.attributed_claims or 0, f.claims)
        self.loaded.add(f.loaded_terms, f.sentences)

    def to_dict(self, key: str) -> dict[str, Any]:
        order = sorted(self.side_words, key=lambda s: (-self.side_words[s], s))
        return {
            "key": key,
            "articles": self.articles,
            "quotes_per_article": _ratio(self.quotes, self.articles),
            "quoted_words_per_article": _ratio(self.quoted_words, self.articles),
            "sides_per_article": _ratio(self.sides, self.articles),
            "articles_with_quoted_words": self.voiced,
            "voice_share_by_side": {
                side: {"pooled": _ratio(self.side_words[side], self.quoted_words),
                       "per_article": _mean(self.side_ratios[side], self.voiced)}
                for side in order},
            "never_quoted_side_share": self.never.to_dict(),
            "attributed_claim_share": self.claims.to_dict(),
            "loaded_term_rate": self.loaded.to_dict(),
        }


class _SideRow:
    def __init__(self) -> None:
        self.mentioned = 0
        self.heard = 0
        self.quotes = 0
        self.quoted_words = 0
        self.mentions = 0
        self.words_where_mentioned = 0  # all quoted words of the articles mentioning it

    def to_dict(self, key: str, corpus_words: int) -> dict[str, Any]:
        return {"key": key, "articles": self.mentioned, "articles_heard": self.heard,
                "never_quoted_share": _ratio(self.mentioned - self.heard, self.mentioned),
                "quotes": self.quotes, "quoted_words": self.quoted_words,
                "voice_share": _ratio(self.quoted_words, corpus_words),
                "voice_share_where_mentioned": _ratio(self.quoted_words,
                                                      self.words_where_mentioned),
                "mentions_per_article": _ratio(self.mentions, self.mentioned)}


class _RoleRow:
    def __init__(self) -> None:
        self.actors = 0
        self.quoted = 0
        self.quotes = 0
        self.quoted_words = 0
        self.articles = 0
        self.articles_quoted = 0

    def to_dict(self, key: str, corpus_words: int, corpus_articles: int) -> dict[str, Any]:
        return {"key": key, "actors": self.actors, "quoted_actors": self.quoted,
                "quoted_actor_share": _ratio(self.quoted, self.actors),
                "quotes": self.quotes, "quoted_words": self.quoted_words,
                "voice_share": _ratio(self.quoted_words, corpus_words),
                "articles": self.articles, "articles_quoted": self.articles_quoted,
                "article_share": _ratio(self.articles, corpus_articles)}


# --- the aggregate --------------------------------------------------------------------------

DEFINITIONS = {
    "voice_share_by_side": "quoted words of a side's actors ÷ quoted words of all actors "
                           "(actors with no side: '(no side)')",
    "never_quoted_side_share": "sides mentioned but never quoted ÷ sides mentioned",
    "attributed_claim_share": "factual-claim sentences with an attribution ÷ factual-claim "
                              "sentences",
    "loaded_term_rate": "the writer's loaded terms and labels (not inside quotation marks) "
                        "÷ analysed sentences",
    "pooled": "counts summed over the group's articles, then divided",
    "per_article": "the mean of each article's ratio, over the articles where it is defined",
}


def _key(meta: Any, by: By) -> str:
    value = meta.get(by.value if by is By.outlet else "date") if isinstance(meta, Mapping) \
        else getattr(meta, by.value if by is By.outlet else "date", None)
    if not value:
        return UNKNOWN
    value = str(value)
    return value[:7] if by is By.month else value


def aggregate(pairs: Iterable[tuple[Any, Mapping[str, Any]]], by: By | str,
              analyzer_version: str | None = None) -> StatsResult:
    """Aggregate ``(article metadata, report dict)`` pairs (``Store.iter_analyses``) by
    outlet, month (of the article's ISO date), side or actor role."""
    by = By(by)
    groups: dict[str, _Group] = defaultdict(_Group)
    total = _Group()
    side_rows: dict[str, _SideRow] = defaultdict(_SideRow)
    role_rows: dict[str, _RoleRow] = defaultdict(_RoleRow)
    articles = 0
    for meta, report in pairs:
        facts = article_facts(report)
        articles += 1
        total.add(facts)
        if by in (By.outlet, By.month):
            groups[_key(meta, by)].add(facts)
        elif by is By.side:
            for s in facts.sides:
                row = side_rows[s["name"]]
                row.mentioned += 1
                row.heard += s["heard"]
                row.quotes += s["quotes"]
                row.quoted_words += s["quoted_words"]
                row.mentions += s["mentions"]
                row.words_where_mentioned += facts.quoted_words
        else:
            seen: set[str] = set()
            quoted: set[str] = set()
            for a in facts.actors:
                row_r = role_rows[a["role"]]
                row_r.actors += 1
                row_r.quoted += a["quoted"]
                row_r.quotes += a["quote_count"]
                row_r.quoted_words += a["quoted_words"]
                seen.add(a["role"])
                if a["quoted"]:
                    quoted.add(a["role"])
            for role in seen:
                role_rows[role].articles += 1
                role_rows[role].articles_quoted += role in quoted
    if by in (By.outlet, By.month):
        # months in order (undated last); outlets by size
        keys = sorted(groups, key=lambda k: (k == UNKNOWN, k)) if by is By.month else sorted(
            groups, key=lambda k: (-groups[k].articles, k))
        rows = [groups[k].to_dict(k) for k in keys]
        return StatsResult(by.value, analyzer_version, articles, rows,
                           total.to_dict("all") if articles else None, DEFINITIONS)
    if by is By.side:
        rows = [side_rows[k].to_dict(k, total.quoted_words) for k in
                sorted(side_rows, key=lambda k: (-side_rows[k].mentioned, k))]
    else:
        rows = [role_rows[k].to_dict(k, total.quoted_words, articles) for k in
                sorted(role_rows, key=lambda k: (-role_rows[k].quoted_words,
                                                 -role_rows[k].actors, k))]
    return StatsResult(by.value, analyzer_version, articles, rows, None, DEFINITIONS)
