"""What the Ray engine needs of the store beyond its public methods: the pending article ids
alone (the driver lists work without reading every text) and the still-pending articles of
one shard of ids (read inside a Ray task, which opens the store by URL itself).

"Pending" here is exactly :meth:`Store.pending`'s condition (no analysis of the article's
text by this analyser version, no failure recorded for it): the test suite checks that both
list the same articles.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.engine import make_url

from ..store import PendingArticle, Store, open_store
from ..store import models as m

__all__ = ["fetch_pending", "pending_ids", "store_url"]

_PAGE = 10_000  # ids per query when listing the work
_STORES: dict[str, Store] = {}  # one open store per URL per Ray worker process


def _pending(version: str) -> Any:
    done = exists().where(m.Analysis.content_hash == m.Article.content_hash,
                          m.Analysis.analyzer_version == version)
    failed = exists().where(m.Failure.article_id == m.Article.id,
                            m.Failure.analyzer_version == version)
    return and_(~done, ~failed)


def store_url(store: Store) -> str:
    """The store's URL as another process can open it: a relative SQLite path made
    absolute (Ray workers do not share the driver's working directory)."""
    url = make_url(store.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(url.database).expanduser().resolve()))
    return url.render_as_string(hide_password=False)


def pending_ids(store: Store, version: str, limit: int | None = None) -> Iterator[int]:
    """The ids of :meth:`Store.pending`'s articles, in id order, without their texts."""
    last, given = 0, 0
    while limit is None or given < limit:
        page = _PAGE if limit is None else min(_PAGE, limit - given)
        with store.session() as s:
            ids = list(s.scalars(select(m.Article.id)
                                 .where(m.Article.id > last, _pending(version))
                                 .order_by(m.Article.id).limit(page)))
        if not ids:
            return
        yield from ids
        given += len(ids)
        last = ids[-1]


def fetch_pending(url: str, version: str, ids: Sequence[int]) -> list[PendingArticle]:
    """Those of ``ids`` still pending for ``version``, with their texts, in id order."""
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = open_store(url)
    cols = (m.Article.id, m.Article.content_hash, m.Article.text, m.Article.title,
            m.Article.outlet, m.Article.date, m.Article.url)
    with store.session() as s:
        rows = s.execute(select(*cols).where(m.Article.id.in_(list(ids)), _pending(version))
                         .order_by(m.Article.id)).all()
    return [PendingArticle(*row) for row in rows]
