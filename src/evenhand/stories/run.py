"""What the ``stories`` and ``compare`` commands do, as library functions: read articles,
cluster them, find one story, analyse its articles and compare them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api import analyze_many
from ..article import Article, InputFailure
from ..errors import ConfigError, EvenhandError, InputError
from ..evaluation._jsonl import read_jsonl
from .cluster import Clustering, StoryArticle, cluster_stories, parse_date
from .compare import compare_story

if TYPE_CHECKING:
    from spacy.language import Language

    from ..balance import SideMap
    from ..store import Store

__all__ = ["analyse_and_compare", "analyse_missing", "cluster_articles", "read_story_map",
           "resolve_story", "store_articles", "store_reports", "story_article", "story_table",
           "unique_articles"]

Fail = Callable[[str, str], None]


def unique_articles(items: Iterable[Article | InputFailure], fail: Fail) -> list[Article]:
    """The readable articles, each id once: an unreadable input or a repeated id is passed
    to ``fail(source, problem)`` and left out. Articles without an id take their source."""
    seen: dict[str, str] = {}
    out: list[Article] = []
    for item in items:
        if isinstance(item, InputFailure):
            fail(item.source, item.problem)
            continue
        item.id = item.id or item.source
        if item.id in seen:
            fail(item.source, f"duplicate id {item.id!r} (first at {seen[item.id]})")
            continue
        seen[item.id] = item.source
        out.append(item)
    return out


def story_article(a: Article) -> StoryArticle:
    return StoryArticle(id=str(a.id), text=a.text, title=a.title, outlet=a.outlet, date=a.date,
                        url=a.url)


def cluster_articles(articles: Sequence[StoryArticle], *, window_days: int, threshold: float,
                     embeddings: bool = False) -> Clustering:
    encoder = None
    if embeddings:
        from .embeddings import load_encoder

        encoder = load_encoder()
    return cluster_stories(articles, window_days=window_days, threshold=threshold,
                           encoder=encoder)


def store_articles(store: Store) -> list[StoryArticle]:
    """Every article of the corpus store, with the actors and events of its latest analysis
    (when it has one) for clustering. Ids are the store's article ids, as strings."""
    latest: dict[int, tuple[list[str], list[str]]] = {}
    for meta, report in store.iter_analyses():  # by article, then analysis: the last wins
        lite = StoryArticle.from_report({"id": meta.article_id, "text": ""}, report)
        latest[meta.article_id] = (list(lite.actors), list(lite.events))
    out = []
    for a in store.iter_articles(text=True):
        actors, events = latest.get(a.article_id, ([], []))
        out.append(StoryArticle(id=str(a.article_id), text=a.text or "", title=a.title,
                                outlet=a.outlet, date=a.date, actors=actors, events=events,
                                url=a.url))
    return out


def store_reports(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The latest stored report of each of the articles ``ids`` that has one (only those
    articles' analyses are read, not the corpus's)."""
    from sqlalchemy import select

    from ..store import models as sm

    wanted = sorted({int(i) for i in ids})
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):  # bounded IN lists
        with store.session() as s:
            rows = s.execute(select(sm.Analysis.article_id, sm.Analysis.report)
                             .where(sm.Analysis.article_id.in_(wanted[start:start + 500]))
                             .order_by(sm.Analysis.article_id, sm.Analysis.id)).all()
        for article_id, report in rows:  # by analysis id: the last wins
            out[str(article_id)] = report
    return out


def story_table(articles: Sequence[StoryArticle], clustering: Clustering
                ) -> list[dict[str, Any]]:
    """One row per article, grouped by story (stories in order of their first date), for
    the table view."""
    by_id = {str(a.id): a for a in articles}

    def when(ident: str) -> str:
        day = parse_date(by_id[ident].date)
        return day.isoformat() if day else "9999"

    order = sorted(clustering.stories.items(),
                   key=lambda kv: (min(when(i) for i in kv[1]), kv[0]))
    rows = []
    for story, members in order:
        for ident in sorted(members, key=lambda i: (when(i), by_id[i].outlet or "", i)):
            a = by_id[ident]
            rows.append({"story": story, "size": len(members), "id": ident,
                         "date": a.date, "outlet": a.outlet, "title": a.title})
    return rows


def read_story_map(path: Path) -> dict[str, str]:
    """``{"id", "story"}`` lines (the output of ``evenhand stories``) as id → story."""
    out: dict[str, str] = {}
    try:
        for lineno, row in read_jsonl(path):
            if not isinstance(row.get("id"), str | int) or not isinstance(row.get("story"), str):
                raise InputError(f"{path}:{lineno}", 'expected {"id": ..., "story": ...}')
            out[str(row["id"])] = row["story"]
    except EvenhandError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(str(path), str(exc).split(": ", 1)[-1]) from exc
    if not out:
        raise InputError(str(path), "no stories in the file")
    return out


def resolve_story(story: str, articles: Sequence[StoryArticle],
                  story_of: Mapping[str, str]) -> tuple[str, list[StoryArticle]]:
    """The story's id and its articles. ``story`` is a story id, or the id of one of its
    articles."""
    if story not in set(story_of.values()) and story in story_of:
        story = story_of[story]
    members = [a for a in articles if story_of.get(str(a.id)) == story]
    if not members:
        count = len(set(story_of.values()))
        raise ConfigError(f"{story}: no such story or article ({count} stories; "
                          "`evenhand stories FILE` lists them)")
    return story, members


def analyse_missing(articles: Sequence[StoryArticle], reports: Mapping[str, Any], *,
                    nlp: Callable[[], Language], sides: SideMap | None = None
                    ) -> dict[str, dict[str, Any]]:
    """Reports (as dicts) of the ``articles`` with none in ``reports``, made now (``nlp()``
    is called only when one is missing)."""
    missing = [a for a in articles if a.id not in reports]
    if not missing:
        return {}
    docs = [Article.from_text(a.text, source=a.id, id=a.id, title=a.title, outlet=a.outlet,
                              date=a.date, url=a.url) for a in missing]
    return {a.id: report.to_dict() for a, report in
            zip(missing, analyze_many(docs, nlp=nlp(), sides=sides), strict=True)}


def analyse_and_compare(story: str, articles: Sequence[StoryArticle], *,
                        nlp: Callable[[], Language], reports: Mapping[str, Mapping[str, Any]]
                        | None = None, sides: SideMap | None = None,
                        max_facts: int | None = None) -> dict[str, Any]:
    """Compare the story's articles (``evenhand/comparison-1`` data), analysing those with
    no report in ``reports`` (``nlp()`` gives the pipeline, loaded only then)."""
    reports = {**(reports or {}), **analyse_missing(articles, reports or {}, nlp=nlp,
                                                    sides=sides)}
    items = [({"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date,
               "url": a.url, "text": a.text}, reports[a.id]) for a in articles]
    return compare_story(items, story, max_facts=max_facts)
