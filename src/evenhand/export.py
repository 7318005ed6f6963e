"""Export the corpus store as Parquet, JSONL or CSV: one file per table in a folder.

``evenhand export --format parquet|jsonl|csv --output DIR`` writes ``DIR/articles.EXT``,
``exact_duplicates``, ``near_duplicates``, ``analyses``, ``failures`` (articles the analyser
could not analyse, with the reason), ``quotes``, ``actors``, ``sides``, ``events``,
``findings`` and ``indicators``, plus ``manifest.json`` (row counts, columns,
analyser version). Every row derived from a report carries its article's source metadata
(outlet, date, url, title, source, source format, external id, language) and the analyser
version, so a table is usable on its own. Offsets (``start``/``end``) are character offsets
into ``articles.text`` (or into the report's own text for HTML input).

The export reads one consistent snapshot (one read transaction) even while a batch run
writes, and replaces the files in DIR only once every table has been written, each file
whole. ``manifest.json`` is removed first and written last: when DIR has one, it describes
the files it lists; an export interrupted while replacing files leaves DIR without one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlalchemy import JSON, Boolean, Connection, DateTime, Float, Integer, Select, select
from sqlalchemy.sql.elements import ColumnElement

from ._util import utc_now
from ._version import __version__
from .errors import ConfigError, StoreError
from .store import Store
from .store import models as m

__all__ = ["ARTICLE_META", "EXPORT_FORMATS", "TABLES", "ExportResult", "export"]

EXPORT_FORMATS = ("parquet", "jsonl", "csv")
TABLES = ("articles", "exact_duplicates", "near_duplicates", "analyses", "failures",
          "quotes", "actors", "sides", "events", "findings", "indicators")
# The article's source metadata copied onto every row derived from its reports.
ARTICLE_META = ("outlet", "date", "url", "title", "source", "source_format", "external_id",
                "language")
_DERIVED = {"quotes": m.Quote, "actors": m.Actor, "sides": m.Side, "events": m.Event,
            "findings": m.Finding, "indicators": m.Indicator}
_BATCH = 2000


@dataclass
class ExportResult:
    path: Path
    format: str
    analyzer_version: str | None  # None: no analyses, or every version ("all")
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.rows.items())
        return f"exported {counts} to {self.path} ({self.format})"


def _columns(stmt: Select[Any]) -> list[tuple[str, Any]]:
    return [(c.name, c.type) for c in stmt.selected_columns]


def _queries(version: str | None, include_text: bool,
             include_reports: bool) -> dict[str, Select[Any]]:
    a, an = m.Article, m.Analysis
    meta: list[ColumnElement[Any]] = [getattr(a, name) for name in ARTICLE_META]
    article_cols = [c for c in m.Article.__table__.columns
                    if include_text or c.name != "text"]
    queries: dict[str, Select[Any]] = {
        "articles": select(*[c.label("article_id") if c.name == "id" else c
                             for c in article_cols]).order_by(a.id),
        "exact_duplicates": select(*m.ExactDuplicate.__table__.columns)
        .order_by(m.ExactDuplicate.article_id, m.ExactDuplicate.id),
        "near_duplicates": select(*m.NearDuplicate.__table__.columns)
        .order_by(m.NearDuplicate.article_id, m.NearDuplicate.duplicate_of),
    }
    analyses = select(an.id.label("analysis_id"), an.article_id, an.content_hash,
                      an.analyzer_version, an.created_at, *meta,
                      *([an.report] if include_reports else [])
                      ).join(a, a.id == an.article_id).order_by(an.article_id, an.id)
    if version is not None:
        analyses = analyses.where(an.analyzer_version == version)
    queries["analyses"] = analyses
    failures = (select(m.Failure.article_id, m.Failure.analyzer_version, m.Failure.reason,
                       m.Failure.at, *meta)
                .join(a, a.id == m.Failure.article_id)
                .order_by(m.Failure.article_id, m.Failure.analyzer_version))
    if version is not None:
        failures = failures.where(m.Failure.analyzer_version == version)
    queries["failures"] = failures
    for name, model in _DERIVED.items():
        table = model.__table__
        keys = ("id", "analysis_id", "article_id")  # first, whatever the model's order
        cols = [table.c[k] for k in keys] + [c for c in table.columns if c.name not in keys]
        stmt = (select(*cols, an.analyzer_version, *meta)
                .join(an, an.id == table.c.analysis_id).join(a, a.id == table.c.article_id)
                .order_by(table.c.article_id, table.c.analysis_id, table.c.id))
        if version is not None:
            stmt = stmt.where(an.analyzer_version == version)
        queries[name] = stmt
    for name, query in queries.items():
        names = [c for c, _ in _columns(query)]
        assert len(names) == len(set(names)), f"{name}: duplicate column names {names}"
    return queries


def _value(value: Any) -> Any:
    """Backend-independent values: datetimes in UTC (SQLite hands them back naive)."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))
    return value


def _rows(conn: Connection, stmt: Select[Any]) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(stmt)
    for part in result.mappings().partitions(_BATCH):
        yield [{k: _value(v) for k, v in row.items()} for row in part]


# --- writers --------------------------------------------------------------------------------

def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class _JsonlWriter:
    def __init__(self, path: Path, columns: list[tuple[str, Any]]) -> None:
        self.handle: TextIO = path.open("w", encoding="utf-8", newline="\n")

    def write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.handle.write(json.dumps(row, ensure_ascii=False, default=_json_default))
            self.handle.write("\n")

    def close(self) -> None:
        self.handle.close()


class _CsvWriter:
    def __init__(self, path: Path, columns: list[tuple[str, Any]]) -> None:
        self.handle: TextIO = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.names = [c for c, _ in columns]
        self.writer.writerow(self.names)

    @staticmethod
    def _cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return value

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.writer.writerows([self._cell(row[c]) for c in self.names] for row in rows)

    def close(self) -> None:
        self.handle.close()


class _ParquetWriter:
    def __init__(self, path: Path, columns: list[tuple[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.json_columns = [name for name, kind in columns if isinstance(kind, JSON)]
        self.schema = pa.schema([(name, self._arrow(kind)) for name, kind in columns])
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")

    def _arrow(self, kind: Any) -> Any:
        pa = self.pa
        if isinstance(kind, Boolean):
            return pa.bool_()
        if isinstance(kind, Integer):
            return pa.int64()
        if isinstance(kind, Float):
            return pa.float64()
        if isinstance(kind, DateTime):
            return pa.timestamp("us", tz="UTC")
        return pa.string()  # text, and JSON as its text

    def write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for name in self.json_columns:
                if row[name] is not None:
                    row[name] = json.dumps(row[name], ensure_ascii=False,
                                           separators=(",", ":"))
        self.writer.write_batch(self.pa.RecordBatch.from_pylist(rows, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


class _Writer(Protocol):
    def __init__(self, path: Path, columns: list[tuple[str, Any]]) -> None: ...
    def write(self, rows: list[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


_WRITERS: dict[str, type[_Writer]] = {"jsonl": _JsonlWriter, "csv": _CsvWriter,
                                      "parquet": _ParquetWriter}


# --- export ---------------------------------------------------------------------------------

def _pick_version(store: Store, version: str | None) -> str | None:
    if version == "all":
        return None
    versions = store.analyzer_versions()
    if version is None:
        return versions[0][0] if versions else None
    if version not in {v for v, _ in versions}:
        known = ", ".join(v for v, _ in versions) or "none"
        raise ConfigError(f"no analyses of analyzer version {version!r} in the store "
                          f"(stored: {known})")
    return version


def export(store: Store, fmt: str, output: str | os.PathLike[str], *,
           analyzer_version: str | None = None, include_text: bool = True,
           include_reports: bool = False, tables: Sequence[str] = TABLES) -> ExportResult:
    """Write ``tables`` of ``store`` into the folder ``output`` as ``fmt`` files.

    ``analyzer_version``: the analyses to export: a version string, ``"all"``, or None for
    the version with the most recent analysis. ``include_text=False`` leaves the article
    text out; ``include_reports=True`` adds each full report (JSON) to ``analyses``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ConfigError(f"unknown table {unknown[0]!r}; one of {', '.join(TABLES)}")
    target = Path(output)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target}: exists and is not a folder")
    parent = target.resolve().parent
    if not parent.is_dir():
        raise ConfigError(f"{target}: no such folder {parent}")
    version = _pick_version(store, analyzer_version)
    result = ExportResult(target, fmt, version)
    queries = _queries(version, include_text, include_reports)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    try:
        _write_tables(store, fmt, staging, queries, tables, result)
        manifest = {
            "evenhand": __version__, "format": fmt, "analyzer_version": version,
            "exported_at": utc_now().isoformat(timespec="seconds"),
            "tables": {t: {"file": f"{t}.{fmt}", "rows": result.rows[t],
                           "columns": [c for c, _ in _columns(queries[t])]}
                       for t in tables}}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                               encoding="utf-8")
        target.mkdir(exist_ok=True)
        # The manifest goes first and comes back last: while DIR has a manifest.json it
        # describes the files beside it, so an export interrupted while moving its files
        # in leaves none rather than one that describes a mix of old and new files.
        (target / "manifest.json").unlink(missing_ok=True)
        for file in sorted(staging.iterdir(), key=lambda f: (f.name == "manifest.json",
                                                             f.name)):
            os.replace(file, target / file.name)  # each file appears whole, never half
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _write_tables(store: Store, fmt: str, staging: Path, queries: dict[str, Select[Any]],
                  tables: Sequence[str], result: ExportResult) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with store.engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # one snapshot for every table
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                for table in tables:
                    writer = _WRITERS[fmt](staging / f"{table}.{fmt}", _columns(queries[table]))
                    count = 0
                    try:
                        for rows in _rows(conn, queries[table]):
                            writer.write(rows)
                            count += len(rows)
                    finally:
                        writer.close()
                    result.rows[table] = count
    except SQLAlchemyError as exc:
        raise StoreError(f"{store!r}: cannot read for export: "
                         f"{' '.join(str(getattr(exc, 'orig', exc)).split())[:300]}") from exc
