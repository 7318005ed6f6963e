"""``evenhand ingest``, ``run``, ``stats`` and ``export``: the corpus store (logic in
evenhand.ingest, evenhand.batch, evenhand.stats and evenhand.export)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ._shared import (
    DEFAULT_MAX_CHARS,
    MAX_EXIT_FAILURES,
    DbOption,
    MaxCharsOption,
    ModelOption,
    OutputOption,
    SidesOption,
    app,
    err,
    guard,
    open_output,
)

# --- run and stats (batch analysis and aggregates of the corpus store) ---------------------

class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


class StatsBy(StrEnum):
    outlet = "outlet"
    side = "side"
    month = "month"
    role = "role"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


@app.command("run", epilog="Exit status: 0 when every pending article was analysed; "
             "otherwise the number that failed, at most 100 (1 also when the run cannot "
             "start: a bad --db, no pipeline, Ray not installed; 101 for an internal error).")
def run(
    db: DbOption = None,
    engine: Annotated[EngineChoice, typer.Option(
        "--engine", case_sensitive=False,
        help="local: a process pool on this machine; ray: a Ray Data actor pool "
             "(pip install 'evenhand[ray]'; joins $RAY_ADDRESS's cluster, else starts a "
             "local one).")] = EngineChoice.local,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", metavar="N", min=1, show_default=False,
        help="Worker processes (local) or actors (ray), each loading the pipeline once "
             "(default: the CPUs available).")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="N", min=1, show_default=False,
        help="Analyse at most N of the pending articles (in id order).")] = None,
    model: ModelOption = None,
    chunk: Annotated[int, typer.Option(
        "--chunk", metavar="N", min=1,
        help="Articles per task and per transaction: a killed run loses at most the "
             "chunks in flight.")] = 16,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Forget this analyser version's recorded failures first, so "
                               "that those articles are tried again.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no summary line (failures are still "
                              "listed).")] = False,
) -> None:
    """Analyse every stored article not yet analysed by this analyser version.

    Resumable: results are saved as they come, keyed by the article's content hash and the
    analyser version, so a run that is stopped (even killed) goes on where it stopped when
    started again, and nothing is analysed twice. An article that cannot be analysed is
    recorded with its reason and the run goes on; they are listed at the end.
    """
    with guard():
        from ..batch import analyzer_version, failure_lines, run_batch
        from ..store import open_store

        store = open_store(db)
        try:
            if retry_failed:
                store.clear_failures(analyzer_version(model))
            summary = run_batch(store, engine=engine.value, workers=workers, limit=limit,
                                model=model, quiet=quiet, chunk_size=chunk)
        finally:
            store.close()
        for line in failure_lines(summary):
            err(line)
        if not quiet:
            err(summary.line() if summary.pending else
                 f"nothing to analyse: every article is analysed by "
                 f"{summary.analyzer_version} (or failed; --retry-failed tries those again)")
        if summary.failed:
            raise typer.Exit(min(summary.failed, MAX_EXIT_FAILURES))


@app.command("stats", epilog="Exit status: 0 on success; 1 when the store cannot be read "
             "or the output written.")
def stats(
    by: Annotated[StatsBy, typer.Option(
        "--by", case_sensitive=False,
        help="outlet, month (of the article's date), side (each side mentioned) or role "
             "(of each actor).")] = StatsBy.outlet,
    fmt: Annotated[StatsFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table: a terminal table; json: every figure; html: a standalone page with "
             "charts that works offline.")] = StatsFormat.table,
    db: DbOption = None,
    output: OutputOption = None,
    analyzer: Annotated[str | None, typer.Option(
        "--analyzer", metavar="VERSION", show_default=False,
        help="Aggregate the analyses of this analyser version (default: this evenhand's, "
             "else the store's most recent).")] = None,
    sides_file: SidesOption = None,
) -> None:
    """Aggregate the stored analyses: voice share per side, share of mentioned sides never
    quoted, attributed-claim share and loaded-term rate, pooled and per article.

    With --sides the stored actors are grouped into that file's camps (e.g. parties for a
    domestic corpus) without analysing anything again. Definitions are in docs/stats.md.
    """
    with guard():
        from ..balance import load_sides
        from ..stats import compute_stats, write_stats
        from ..store import open_store

        sides = load_sides(sides_file) if sides_file is not None else None
        store = open_store(db)
        try:
            result = compute_stats(store, by.value, analyzer, sides)
        finally:
            store.close()
        with open_output(output) as out:
            write_stats(result, fmt.value, out, plain=out is not sys.stdout)


# --- ingest and export (the corpus store; logic in evenhand.ingest and evenhand.export) ----

class IngestFormat(StrEnum):
    auto = "auto"
    txt = "txt"
    html = "html"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    warc = "warc"
    rss = "rss"


class ExportFormat(StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


@app.command("ingest", epilog="Exit status: 0 when every item was ingested (or skipped as "
             "a duplicate); otherwise the number of items that failed, at most 100 (1 also "
             "when the store cannot be opened; 101 for an internal error).")
def ingest(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Files or folders (read recursively): .txt, .html, .jsonl, .csv, .tsv, "
             ".warc[.gz], .rss/.atom/.xml.")],
    db: DbOption = None,
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="NAME=COLUMN", show_default=False,
        help="Read field NAME (text, id, title, outlet, date, url, language) from COLUMN "
             "of CSV/JSONL records, e.g. --field text=body; repeatable. Without it common "
             "names are tried (text/body/content, outlet/publisher/source, "
             "date/publication_date/published, ...).")] = None,
    fmt: Annotated[IngestFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="Read every file as this format (default: by extension).")] = IngestFormat.auto,
    outlet: Annotated[str | None, typer.Option(
        "--outlet", metavar="NAME", show_default=False,
        help="The outlet of items that name none and have no URL (whose domain is used).")
    ] = None,
    near_threshold: Annotated[float, typer.Option(
        "--near-threshold", metavar="J", min=0.05, max=1.0,
        help="Link two articles as near-duplicates from this Jaccard similarity of their "
             "word 5-grams.")] = 0.5,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No summary line (failures are still listed).")] = False,
) -> None:
    """Read articles into the corpus store, metadata normalised (outlet from the URL's
    domain when not given, dates as ISO 8601, language detected).

    Exact duplicates (same text) are skipped, and where they came from is recorded;
    near-duplicates and wire copy are linked to the earlier article, never dropped. Items
    that cannot be read do not stop the others; they are listed at the end on stderr, one
    line each. Written in transactions of 200 articles: an interrupted ingest can simply be
    run again.
    """
    with guard():
        from ..ingest import ingest as run_ingest
        from ..ingest import parse_fields
        from ..ingest.progress import ingest_progress
        from ..store import open_store

        fields = parse_fields(field or [])
        store = open_store(db)
        failures: list[Any] = []
        try:
            with ingest_progress(not quiet and sys.stderr.isatty()) as on_progress:
                result = run_ingest(
                    paths, store, fields=fields, outlet=outlet,
                    near_threshold=near_threshold, max_chars=max_chars,
                    fmt=None if fmt is IngestFormat.auto else fmt.value,
                    on_failure=failures.append, on_progress=on_progress)
        finally:
            store.close()
            for failure in failures:  # listed at the end, even when the ingest stopped
                err(failure.message)
        if not quiet:
            err(result.summary())
        if result.failures:
            raise typer.Exit(min(len(result.failures), MAX_EXIT_FAILURES))


@app.command("export", epilog="Exit status: 0 on success; 1 when the store cannot be read "
             "or the folder written.")
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="parquet, jsonl or csv: one file per table.")] = ExportFormat.parquet,
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="DIR", file_okay=False, show_default=False,
        help="The folder to write (created if absent; its table files are replaced).")
    ] = Path("evenhand-export"),
    db: DbOption = None,
    analyzer: Annotated[str | None, typer.Option(
        "--analyzer", metavar="VERSION", show_default=False,
        help="Export the analyses of this analyser version, or 'all' (default: the "
             "version of the most recent analysis).")] = None,
    no_text: Annotated[bool, typer.Option(
        "--no-text", help="Leave the article texts out of articles.")] = False,
    reports: Annotated[bool, typer.Option(
        "--reports", help="Add each full report (JSON) to analyses.")] = False,
) -> None:
    """Export the store: articles (with full source metadata), exact and near duplicates,
    analyses, failures, quotes, actors, sides, events, findings and indicators, one file
    per table in DIR, plus manifest.json.

    Every row derived from a report carries its article's outlet, date, url, title,
    source and language, and the analyser version.
    """
    with guard():
        from ..export import export as run_export
        from ..store import open_store

        store = open_store(db)
        try:
            result = run_export(store, fmt.value, output, analyzer_version=analyzer,
                                include_text=not no_text, include_reports=reports)
        finally:
            store.close()
        err(result.summary())
