"""``evenhand run``: analyse every article of the store not yet analysed by this analyser
version, on the local process pool or on Ray, saving as it goes.

:func:`run_batch` asks the store what is pending, hands it to an engine and saves each
chunk's reports (one transaction) and failures as the engine returns them. Both engines run
the same worker function (:func:`evenhand.batch.worker.analyze_records`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO

from ..errors import ConfigError
from .local import DEFAULT_CHUNK, run_local
from .progress import RunProgress
from .worker import BatchOutcome, analyzer_version

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["MAX_LISTED_FAILURES", "Engine", "RunSummary", "available_cpus", "failure_lines",
           "run_batch"]

# Failures kept in the summary to list at the end of a run; all of them are in the store.
MAX_LISTED_FAILURES = 1000


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@dataclass
class RunSummary:
    engine: str
    workers: int
    analyzer_version: str
    pending: int  # articles this run set out to analyse
    analysed: int = 0
    failed: int = 0
    seconds: float = 0.0
    # (article_id, reason), the first MAX_LISTED_FAILURES of them
    failures: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        done = self.analysed + self.failed
        return done / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.analysed} article{'s' if self.analysed != 1 else ''} analysed, "
                f"{self.failed} failed, in {self.seconds:.1f} s ({self.rate:.1f} articles/s, "
                f"{self.engine}, {self.workers} worker{'s' if self.workers != 1 else ''}; "
                f"analyser {self.analyzer_version})")


def failure_lines(summary: RunSummary, limit: int = 20) -> list[str]:
    """One line per failed article (the first ``limit``), then how many more."""
    lines = [f"article {article_id}: {reason}"
             for article_id, reason in summary.failures[:limit]]
    if summary.failed > limit:
        lines.append(f"... and {summary.failed - limit} more failed articles (all recorded "
                     "in the store's failures table, with their reasons)")
    return lines


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_batch(store: Store, *, engine: Engine | str = Engine.local, workers: int | None = None,
              limit: int | None = None, model: str | None = None, quiet: bool = False,
              chunk_size: int = DEFAULT_CHUNK, progress_stream: TextIO | None = None,
              on_saved: Callable[[BatchOutcome], None] | None = None) -> RunSummary:
    """Analyse the store's pending articles (at most ``limit``) and save the results.

    ``workers``: pool processes or Ray actors (default: the CPUs available). Returns a
    :class:`RunSummary`; per-article failures are recorded in the store and counted, never
    raised. ``on_saved`` is called after each chunk is saved (tests, benchmarks)."""
    try:
        engine = Engine(engine)
    except ValueError:
        raise ConfigError(f"unknown engine {engine!r}: use local or ray") from None
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    version = analyzer_version(model)
    pending = store.count_pending(version)
    if limit is not None:
        pending = min(pending, limit)
    workers = workers or available_cpus()
    if engine is Engine.local:
        # no process that would never get a chunk
        workers = max(1, min(workers, math.ceil(pending / chunk_size)))
    summary = RunSummary(engine=engine.value, workers=workers, analyzer_version=version,
                         pending=pending)
    if not pending:
        return summary
    started = time.perf_counter()
    with RunProgress(pending, quiet=quiet, stream=progress_stream) as progress:
        def save(outcome: BatchOutcome) -> None:
            # Reports first, one transaction; a kill before the failures are recorded
            # only means those articles are tried, and fail, again.
            if outcome.results:
                store.save_results(outcome.results)
            if outcome.failures:
                store.record_failures(outcome.failures)
            summary.analysed += len(outcome.results)
            summary.failed += len(outcome.failures)
            room = MAX_LISTED_FAILURES - len(summary.failures)
            summary.failures.extend((a, reason) for a, _, reason in outcome.failures[:room])
            progress.advance(len(outcome), failed=len(outcome.failures))
            if on_saved is not None:
                on_saved(outcome)

        try:
            if engine is Engine.local:
                run_local(store.pending(version, limit=limit), save, version=version,
                          model=model, workers=workers, chunk_size=chunk_size)
            else:
                from .ray_engine import run_ray

                run_ray(store, save, version=version, model=model, workers=workers,
                        limit=limit, batch_size=chunk_size)
        finally:
            summary.seconds = time.perf_counter() - started
    return summary
