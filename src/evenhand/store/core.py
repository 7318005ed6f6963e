"""The corpus store: open (create or migrate), read pending work, save results.

A store is one database: a SQLite file by default (WAL mode, no set-up) or PostgreSQL by
URL. :func:`open_store` resolves the URL (argument, else ``$EVENHAND_DB``, else
``sqlite:///evenhand.db``), connects, refuses a database whose schema is newer than this
evenhand, and migrates an older or empty one to the head revision in one transaction.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    and_,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
    tuple_,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from .._util import one_line, utc_now
from .._version import __version__
from ..errors import StoreError
from . import models as m
from .derive import DERIVED_TABLES, derive_rows, json_safe

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "ArticleMeta",
    "PendingArticle",
    "Store",
    "StoredArticle",
    "analyzer_version",
    "open_store",
    "resolve_url",
]

DEFAULT_URL = "sqlite:///evenhand.db"
ENV_VAR = "EVENHAND_DB"
MIGRATIONS = Path(__file__).with_name("migrations")
# How long a SQLite writer waits for another one (busy timeout), and opening waits for WAL
SQLITE_BUSY_SECONDS = 60.0
_PAGE = 500  # rows fetched per query when streaming; no cursor stays open between pages
_DERIVED_MODELS: dict[str, type[Any]] = {
    "actors": m.Actor, "quotes": m.Quote, "sides": m.Side, "events": m.Event,
    "findings": m.Finding, "indicators": m.Indicator}
assert set(_DERIVED_MODELS) == set(DERIVED_TABLES)


# --- what the store hands out ---------------------------------------------------------------

@dataclass(frozen=True)
class PendingArticle:
    """An article still to be analysed by some analyser version."""

    article_id: int
    content_hash: str
    text: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    source: str | None = None
    external_id: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class StoredArticle:
    """An article's metadata (and text, unless asked not to) as stored."""

    article_id: int
    content_hash: str
    outlet: str | None
    url: str | None
    title: str | None
    date: str | None
    language: str | None
    source: str
    source_format: str
    external_id: str | None
    duplicate_of: int | None
    extra: dict[str, Any]
    text: str | None = None


@dataclass(frozen=True)
class ArticleMeta:
    """The article and analysis an :meth:`Store.iter_analyses` report belongs to."""

    article_id: int
    content_hash: str
    outlet: str | None
    url: str | None
    title: str | None
    date: str | None
    language: str | None
    source: str
    source_format: str
    external_id: str | None
    duplicate_of: int | None
    analysis_id: int
    analyzer_version: str
    created_at: datetime


_LENGTHS: dict[str, dict[str, int]] = {}


def _lengths(model: type[Any]) -> dict[str, int]:
    name = model.__tablename__
    if name not in _LENGTHS:
        _LENGTHS[name] = {c.name: c.type.length for c in model.__table__.columns
                          if isinstance(c.type, String) and c.type.length}
    return _LENGTHS[name]


_VERSION_MAX = _lengths(m.Analysis)["analyzer_version"]


def _capped(model: type[Any], row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with strings cut to their column's length: PostgreSQL refuses a longer
    value where SQLite keeps it, and a report must store the same on both."""
    for name, length in _lengths(model).items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > length:
            row[name] = value[:length]
    return row


# --- the analyser version -------------------------------------------------------------------

def analyzer_version(analyzer: dict[str, str] | None = None) -> str:
    """The key results are stored under, e.g. ``evenhand-0.1.0/en_core_web_sm-3.8.0``.

    With a report's ``analyzer`` object (``report.analyzer`` or ``report["analyzer"]``), the
    version that report was made by; without, the version this installation would make with
    its default pipeline (read from the pipeline package's metadata, not loaded). Reports
    from a new evenhand or a new spaCy pipeline get a new key, so a batch run analyses the
    corpus again rather than mixing versions.
    """
    if analyzer:
        return f"evenhand-{analyzer.get('evenhand', '?')}/{analyzer.get('pipeline', '?')}"
    return f"evenhand-{__version__}/{_default_pipeline_version()}"


@lru_cache(maxsize=1)
def _default_pipeline_version() -> str:
    from ..api import default_pipeline_name

    name = default_pipeline_name()
    try:
        import spacy.util

        meta = spacy.util.get_package_path(name) / "meta.json"
        data = json.loads(meta.read_text(encoding="utf-8"))
        # the same "lang_name-version" that report_from_doc writes into report.analyzer
        return f"{data.get('lang', 'en')}_{data.get('name', '?')}-{data.get('version', '?')}"
    except (OSError, ValueError, ImportError):
        return name


# --- URLs and engines -----------------------------------------------------------------------

def resolve_url(url: str | None = None) -> str:
    """``url``, else ``$EVENHAND_DB``, else ``sqlite:///evenhand.db``."""
    if url is not None and url.strip():
        return url.strip()
    env = os.environ.get(ENV_VAR, "").strip()
    return env or DEFAULT_URL


def _redact(url: str | URL) -> str:
    try:
        parsed = make_url(url) if isinstance(url, str) else url
        return parsed.render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", str(url))


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"bad database URL {_redact(url)!r}: expected sqlite:///PATH or "
                         "postgresql+psycopg://USER@HOST:PORT/DB") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "postgresql" and parsed.get_driver_name() in ("psycopg2", "postgres",
                                                               "postgresql"):
        # psycopg (3) is what evenhand installs; postgresql:// means it
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {_redact(url)!r}: evenhand stores corpora in "
                         "SQLite (sqlite:///PATH) or PostgreSQL (postgresql+psycopg://...)")
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    path = url.database or ""
    memory = path in ("", ":memory:") or path.startswith("file::memory:")
    if not memory:
        folder = Path(path).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(f"cannot open database {_redact(url)!r}: no such folder {folder}")
    engine = create_engine(
        url, json_serializer=_dumps,
        **({"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
           if memory else {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module (which would not BEGIN before
        # DDL), so migrations and each write are one real transaction (SQLAlchemy's
        # documented recipe for pysqlite).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if not memory:
            _wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock when they begin, so two writers queue on
        # busy_timeout instead of one failing when it upgrades a read lock.
        write = conn.get_execution_options().get("evenhand_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _wal(cursor: Any, wait: float = SQLITE_BUSY_SECONDS) -> None:
    """Put the database in WAL mode (a lasting property of the file). Switching modes needs
    the database to itself, and SQLite answers "database is locked" at once, without its
    busy timeout, when another connection is opening the same new file: so the mode is
    read first (set already: nothing to do) and the switch retried for up to ``wait``
    seconds."""
    import sqlite3

    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity somewhere: null instead (see json_safe)
        return json.dumps(json_safe(value), ensure_ascii=False, allow_nan=False)


def _make_engine(url: str) -> Engine:
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, json_serializer=_dumps, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError, TypeError, ValueError) as exc:
        raise StoreError(f"bad database URL {_redact(parsed)!r}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error, which says it
    return one_line(orig if isinstance(orig, BaseException) else exc, first_line=True)


# --- migrations -----------------------------------------------------------------------------

def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision_number(rev: str) -> int | None:
    match = re.match(r"\d+", rev)
    return int(match.group()) if match else None


def _check_version(current: set[str], heads: set[str], known: set[str], url: str) -> None:
    unknown = sorted(current - known)
    if not unknown:
        return
    head = ", ".join(sorted(heads))
    newest = max((_revision_number(h) or 0) for h in heads)
    if any((_revision_number(r) or 0) > newest for r in unknown) or \
            all(_revision_number(r) is None for r in unknown):
        raise StoreError(f"database schema {', '.join(unknown)} is newer than this "
                         f"evenhand ({head}); upgrade evenhand ({_redact(url)})")
    raise StoreError(f"database schema {', '.join(unknown)} is unknown to this "
                     f"evenhand ({head}) ({_redact(url)})")


def _migrate(engine: Engine, url: str) -> None:
    """Check the schema version and bring the database to the head revision."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config()
    script = ScriptDirectory.from_config(cfg)
    heads = set(script.get_heads())
    known = {rev.revision for rev in script.walk_revisions()}
    # A store at the head is only read here: opening one never waits for a writer.
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    _check_version(current, heads, known, url)
    if current == heads:
        return
    with engine.connect().execution_options(evenhand_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # one migrator at a time when several workers open a new store together
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7268011)")
        current = set(MigrationContext.configure(conn).get_current_heads())  # again, locked
        _check_version(current, heads, known, url)
        if current == heads:
            return
        if not current:
            ours = {t.name for t in m.Base.metadata.sorted_tables}
            clash = sorted(ours & set(inspect(conn).get_table_names()))
            if clash:
                raise StoreError(f"database {_redact(url)} has tables {', '.join(clash[:5])} "
                                 "but no evenhand schema version: not an evenhand store")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


# --- the store ------------------------------------------------------------------------------

def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open the corpus store at ``url`` (default ``$EVENHAND_DB``, else
    ``sqlite:///evenhand.db``), creating or migrating its schema to the head revision.

    Raises :class:`~evenhand.errors.StoreError` for a bad URL, a server that cannot be
    reached, a file that is not a database, or a database whose schema is newer than this
    evenhand (then nothing is written).
    """
    resolved = resolve_url(url)
    engine = _make_engine(resolved)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        if migrate:
            _migrate(engine, resolved)
    except StoreError:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StoreError(f"cannot open database {_redact(resolved)}: "
                         f"{_first_line(exc)}") from exc
    return Store(resolved, engine)


class Store:
    """A corpus store. Thread-safe to share within a process; open one per process."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._writer = engine.execution_options(evenhand_write=True)

    def __repr__(self) -> str:
        return f"Store({_redact(self.url)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A SQLAlchemy Session, committed when the block ends without an exception and
        rolled back otherwise. Database errors come out as StoreError. ``write=True`` takes
        SQLite's write lock at once (for blocks that write)."""
        session = Session(self._writer if write else self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(f"{_redact(self.url)}: {_first_line(exc)}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ---------------------------------------------------------------------------

    def _pending_where(self, version: str) -> Any:
        done = exists().where(m.Analysis.content_hash == m.Article.content_hash,
                              m.Analysis.analyzer_version == version)
        failed = exists().where(m.Failure.article_id == m.Article.id,
                                m.Failure.analyzer_version == version)
        return and_(~done, ~failed)

    def pending(self, analyzer_version: str, limit: int | None = None
                ) -> Iterator[PendingArticle]:
        """Articles with neither an analysis nor a recorded failure for
        ``analyzer_version``, in id order, fetched a page at a time (no transaction stays
        open while the caller works, so it may save results as it goes)."""
        last, given = 0, 0
        cols = (m.Article.id.label("article_id"), m.Article.content_hash, m.Article.text,
                m.Article.title,
                m.Article.outlet, m.Article.date, m.Article.url, m.Article.source,
                m.Article.external_id, m.Article.language)
        while limit is None or given < limit:
            page = _PAGE if limit is None else min(_PAGE, limit - given)
            with self.session() as s:
                rows = s.execute(select(*cols).where(
                    m.Article.id > last, self._pending_where(analyzer_version))
                    .order_by(m.Article.id).limit(page)).all()
            if not rows:
                return
            for row in rows:
                yield PendingArticle(**row._asdict())
            given += len(rows)
            last = rows[-1].article_id

    def count_pending(self, analyzer_version: str) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(m.Article)
                                .where(self._pending_where(analyzer_version))) or 0)

    def iter_articles(self, *, text: bool = True, since_id: int = 0
                      ) -> Iterator[StoredArticle]:
        """Every article in id order (``text=False`` leaves the text out)."""
        last = since_id
        cols = [m.Article.id.label("article_id"), m.Article.content_hash, m.Article.outlet,
                m.Article.url,
                m.Article.title, m.Article.date, m.Article.language, m.Article.source,
                m.Article.source_format, m.Article.external_id, m.Article.duplicate_of,
                m.Article.extra]
        if text:
            cols.append(m.Article.text)
        while True:
            with self.session() as s:
                rows = s.execute(select(*cols).where(m.Article.id > last)
                                 .order_by(m.Article.id).limit(_PAGE)).all()
            if not rows:
                return
            for row in rows:
                yield StoredArticle(**row._asdict())
            last = rows[-1].article_id

    def iter_analyses(self, analyzer_version: str | None = None
                      ) -> Iterator[tuple[ArticleMeta, dict[str, Any]]]:
        """``(ArticleMeta, report dict)`` for every stored analysis (of
        ``analyzer_version`` only, when given), ordered by article id, then analysis id."""
        a, an = m.Article, m.Analysis
        cols = (a.id.label("article_id"), a.content_hash, a.outlet, a.url, a.title, a.date,
                a.language, a.source, a.source_format, a.external_id, a.duplicate_of,
                an.id.label("analysis_id"), an.analyzer_version, an.created_at, an.report)
        last = (0, 0)
        page = max(1, _PAGE // 5)  # reports are large
        while True:
            stmt = (select(*cols).join(a, a.id == an.article_id)
                    .where(tuple_(an.article_id, an.id) > tuple_(*last))
                    .order_by(an.article_id, an.id).limit(page))
            if analyzer_version is not None:
                stmt = stmt.where(an.analyzer_version == analyzer_version)
            with self.session() as s:
                rows = s.execute(stmt).all()
            if not rows:
                return
            for row in rows:
                fields = row._asdict()
                report = fields.pop("report")
                yield ArticleMeta(**fields), report
            last = (rows[-1].article_id, rows[-1].analysis_id)

    def analyzer_versions(self) -> list[tuple[str, int]]:
        """Each analyser version with stored analyses and how many, most recent first."""
        with self.session() as s:
            rows = s.execute(select(m.Analysis.analyzer_version, func.count(),
                                    func.max(m.Analysis.created_at))
                             .group_by(m.Analysis.analyzer_version)).all()
        ordered = sorted(rows, key=lambda r: (r[2], r[0]), reverse=True)
        return [(r[0], int(r[1])) for r in ordered]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        out = {}
        with self.session() as s:
            for table in m.Base.metadata.sorted_tables:
                out[table.name] = int(s.scalar(select(func.count()).select_from(table)) or 0)
        return out

    # --- writing ---------------------------------------------------------------------------

    def save_results(self, results: Sequence[tuple[int, str, dict[str, Any]]]) -> int:
        """Store ``(article_id, analyzer_version, report_dict)`` results in one transaction:
        the analyses row and every derived row. A result whose (content hash, analyser
        version) is already stored is skipped, never doubled; a recorded failure of the
        same article and version is cleared. Returns how many results were new."""
        if not results:
            return 0
        ids = {int(r[0]) for r in results}
        saved = 0
        with self.session(write=True) as s:
            found = dict(s.execute(select(m.Article.id, m.Article.content_hash)
                                   .where(m.Article.id.in_(ids))).all())
            missing = sorted(ids - set(found))
            if missing:
                raise StoreError(f"save_results: no article with id "
                                 f"{', '.join(map(str, missing[:5]))} in {_redact(self.url)}")
            texts: dict[int, str] | None = None
            for article_id, version, report in results:
                article_id = int(article_id)
                if not isinstance(report, dict):
                    raise StoreError(f"save_results: the report for article {article_id} "
                                     f"is {type(report).__name__}, not a dict")
                if not version or len(version) > _VERSION_MAX:
                    raise StoreError(f"save_results: the analyzer version for article "
                                     f"{article_id} is empty or over {_VERSION_MAX} "
                                     "characters")
                new_id = s.execute(
                    self._insert(m.Analysis).values(
                        article_id=article_id, content_hash=found[article_id],
                        analyzer_version=version, report=report, created_at=utc_now())
                    .on_conflict_do_nothing(index_elements=["content_hash", "analyzer_version"])
                    .returning(m.Analysis.id)).scalar_one_or_none()
                if new_id is None:
                    continue
                saved += 1
                if texts is None and any(q.get("spans") for q in report.get("quotes") or []
                                         if isinstance(q, dict)):
                    texts = dict(s.execute(select(m.Article.id, m.Article.text)
                                           .where(m.Article.id.in_(ids))).all())
                rows = derive_rows(report, (texts or {}).get(article_id))
                for table, items in rows.items():
                    if items:
                        model = _DERIVED_MODELS[table]
                        s.execute(insert(model), [
                            {**_capped(model, item), "analysis_id": new_id,
                             "article_id": article_id} for item in items])
                s.execute(delete(m.Failure).where(m.Failure.article_id == article_id,
                                                  m.Failure.analyzer_version == version))
        return saved

    def record_failures(self, failures: Sequence[tuple[int, str, str]]) -> int:
        """Record ``(article_id, analyzer_version, reason)`` failures in one transaction;
        :meth:`pending` then skips those articles for that version. A failure already
        recorded gets the new reason. Returns how many were recorded."""
        if not failures:
            return 0
        with self.session(write=True) as s:
            for article_id, version, reason in failures:
                stmt = self._insert(m.Failure).values(
                    article_id=int(article_id), analyzer_version=version,
                    reason=str(reason)[:10_000], at=utc_now())
                s.execute(stmt.on_conflict_do_update(
                    index_elements=["article_id", "analyzer_version"],
                    set_={"reason": stmt.excluded.reason, "at": stmt.excluded.at}))
        return len(failures)

    def clear_failures(self, analyzer_version: str) -> int:
        """Forget the failures recorded for ``analyzer_version`` so that a run retries
        them. Returns how many were cleared."""
        with self.session(write=True) as s:
            result = s.execute(delete(m.Failure)
                               .where(m.Failure.analyzer_version == analyzer_version))
            return int(getattr(result, "rowcount", 0) or 0)

    def failures(self, analyzer_version: str | None = None) -> list[tuple[int, str, str]]:
        """``(article_id, analyzer_version, reason)`` of the recorded failures."""
        stmt = select(m.Failure.article_id, m.Failure.analyzer_version, m.Failure.reason
                      ).order_by(m.Failure.article_id, m.Failure.analyzer_version)
        if analyzer_version is not None:
            stmt = stmt.where(m.Failure.analyzer_version == analyzer_version)
        with self.session() as s:
            return [(int(r[0]), r[1], r[2]) for r in s.execute(stmt).all()]

    def _insert(self, model: type[Any]) -> Any:
        """INSERT with ON CONFLICT support on either backend."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(model)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(model)
