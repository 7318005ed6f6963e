"""Reading the corpus store for the pages: article lists with search and filters, one
article with its newest analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select

from ..errors import InputError, NotFoundError
from ..store import Store
from ..store import models as sm

__all__ = ["ArticleFilters", "ArticleRow", "ArticleView", "filter_choices", "get_article",
           "list_articles"]


@dataclass(frozen=True)
class ArticleFilters:
    q: str | None = None  # words in the title or text
    outlet: str | None = None
    date_from: str | None = None  # ISO dates, compared as text (the store keeps ISO 8601)
    date_to: str | None = None
    never_heard: str | None = None  # a side mentioned but never quoted
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 500:
            raise InputError("limit", f"{self.limit}: expected 1 to 500")
        if self.offset < 0:
            raise InputError("offset", f"{self.offset}: expected 0 or more")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value and not (len(value) >= 4 and value[:4].isdigit()):
                raise InputError(name, f"{value!r}: expected an ISO date such as 2018-09-11")


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    n_words: int
    analysed: bool
    never_heard: list[str]


@dataclass(frozen=True)
class ArticleView:
    id: int
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    source: str
    text: str
    analysis_id: int | None
    analyzer_version: str | None
    report: dict[str, Any] | None


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_articles(store: Store, filters: ArticleFilters) -> tuple[list[ArticleRow], int]:
    """One page of articles matching the filters (newest date first) and the total."""
    a = sm.Article
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        for word in filters.q.split()[:8]:
            pattern = _like(word)
            conditions.append(a.title.ilike(pattern, escape="\\")
                              | a.text.ilike(pattern, escape="\\"))
    if filters.outlet:
        conditions.append(a.outlet == filters.outlet)
    if filters.date_from:
        conditions.append(a.date >= filters.date_from)
    if filters.date_to:
        # "2018-09-30" must include "2018-09-30T12:00": compare with the day's last instant
        conditions.append(a.date <= filters.date_to + "\uffff")
    if filters.never_heard:
        conditions.append(exists().where(sm.Side.article_id == a.id,
                                         sm.Side.name == filters.never_heard,
                                         sm.Side.heard.is_(False)).is_(True))
    with store.session() as s:
        total = int(s.scalar(select(func.count()).select_from(a).where(*conditions)) or 0)
        rows = s.execute(select(a.id, a.title, a.outlet, a.date, a.url, a.n_words)
                         .where(*conditions)
                         .order_by(a.date.desc().nulls_last(), a.id.desc())
                         .limit(filters.limit).offset(filters.offset)).all()
        ids = [r[0] for r in rows]
        analysed = set(s.scalars(select(sm.Analysis.article_id).distinct()
                                 .where(sm.Analysis.article_id.in_(ids))))
        unheard: dict[int, set[str]] = {}
        for article_id, name in s.execute(select(sm.Side.article_id, sm.Side.name)
                                          .where(sm.Side.article_id.in_(ids),
                                                 sm.Side.heard.is_(False))):
            unheard.setdefault(article_id, set()).add(name)
    return [ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5], r[0] in analysed,
                       sorted(unheard.get(r[0], ()))) for r in rows], total


def filter_choices(store: Store) -> dict[str, list[str]]:
    """The outlets and the sides never heard somewhere, for the filter menus."""
    with store.session() as s:
        outlets = s.scalars(select(sm.Article.outlet).distinct()
                            .where(sm.Article.outlet.is_not(None)).order_by(sm.Article.outlet))
        sides = s.scalars(select(sm.Side.name).distinct().where(sm.Side.heard.is_(False))
                          .order_by(sm.Side.name))
        return {"outlets": [o for o in outlets if o], "sides": list(sides)}


def get_article(store: Store, article_id: int) -> ArticleView:
    """The article with its newest analysis (None when it has not been analysed yet)."""
    with store.session() as s:
        article = s.get(sm.Article, article_id)
        if article is None:
            raise NotFoundError(f"no article with id {article_id}")
        analysis = s.scalar(select(sm.Analysis).where(sm.Analysis.article_id == article_id)
                            .order_by(sm.Analysis.id.desc()).limit(1))
        return ArticleView(article.id, article.title, article.outlet, article.date,
                           article.url, article.source, article.text,
                           analysis.id if analysis else None,
                           analysis.analyzer_version if analysis else None,
                           analysis.report if analysis else None)
