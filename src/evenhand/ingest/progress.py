"""A live progress line for ``evenhand ingest`` on a terminal (Rich, on stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .core import IngestResult

__all__ = ["ingest_progress"]


@contextmanager
def ingest_progress(enabled: bool) -> Iterator[Callable[[IngestResult], None] | None]:
    """A callback for :func:`evenhand.ingest.ingest`'s ``on_progress`` that shows counts
    and rate, or None when ``enabled`` is false (not a terminal, or --quiet)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn(
        "ingest: {task.fields[read]:,} read, {task.fields[added]:,} added, "
        "{task.fields[dups]:,} exact duplicates, {task.fields[failed]:,} failed "
        "· {task.fields[rate]:.0f} articles/s"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("ingest", read=0, added=0, dups=0, failed=0, rate=0.0)

        def update(result: IngestResult) -> None:
            progress.update(task, read=result.read, added=result.added,
                            dups=result.exact_duplicates, failed=len(result.failures),
                            rate=result.read / result.seconds if result.seconds else 0.0)

        yield update
