"""Batch analysis of the corpus store (``evenhand run``): one worker function
(:func:`analyze_records`) run by two engines, a local process pool and Ray Data.

>>> from evenhand.store import open_store
>>> from evenhand.batch import run_batch
>>> summary = run_batch(open_store("sqlite:///corpus.db"), workers=2)  # doctest: +SKIP
"""

from .local import DEFAULT_CHUNK, run_local
from .run import Engine, RunSummary, available_cpus, failure_lines, run_batch
from .worker import BatchOutcome, WorkItem, analyze_records, analyzer_version, worker_pipeline

__all__ = [
    "DEFAULT_CHUNK",
    "BatchOutcome",
    "Engine",
    "RunSummary",
    "WorkItem",
    "analyze_records",
    "analyzer_version",
    "available_cpus",
    "failure_lines",
    "run_batch",
    "run_local",
    "worker_pipeline",
]
