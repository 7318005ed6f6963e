"""The corpus store: articles, their near-duplicate links, analyses and the rows derived
from each report, in SQLite (default, no set-up) or PostgreSQL. See docs/store.md.

>>> from evenhand.store import open_store, analyzer_version
>>> store = open_store("sqlite:///:memory:")
>>> store.count_pending(analyzer_version())
0
"""

from ..errors import StoreError
from .core import (
    DEFAULT_URL,
    ENV_VAR,
    ArticleMeta,
    PendingArticle,
    Store,
    StoredArticle,
    analyzer_version,
    open_store,
    resolve_url,
)
from .derive import DERIVED_TABLES, derive_rows

__all__ = [
    "DEFAULT_URL",
    "DERIVED_TABLES",
    "ENV_VAR",
    "ArticleMeta",
    "PendingArticle",
    "Store",
    "StoreError",
    "StoredArticle",
    "analyzer_version",
    "derive_rows",
    "open_store",
    "resolve_url",
]
