"""Analysis inside the app: the spaCy pipeline is loaded once per app, lazily (a few seconds,
on the first article), and every analysis runs in a worker thread so that the event loop
keeps serving pages meanwhile.

One analysis runs at a time: the work is CPU-bound under the GIL, so more threads would not
go faster, and one pipeline object is not shared between threads. At most
``queue`` requests wait for it; beyond that the app answers 503 with Retry-After rather
than pile up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread

from ..api import analyze, load_pipeline
from ..article import Article
from ..report import Report
from .errors import ApiError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Analyzer"]

T = TypeVar("T")


class Analyzer:
    """The app's analyser: ``await analyzer.analyze(article)``."""

    def __init__(self, model: str | None = None, queue: int = 8,
                 loader: Callable[[str | None], Language] = load_pipeline) -> None:
        self.model = model
        self.queue = queue
        self._loader = loader
        self._nlp: Language | None = None
        self._load_lock = threading.Lock()
        self._limiter: anyio.CapacityLimiter | None = None
        self._waiting = 0

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    def pipeline(self) -> Language:
        """The pipeline, loaded on first use (thread-safe: loaded once)."""
        if self._nlp is None:
            with self._load_lock:
                if self._nlp is None:
                    self._nlp = self._loader(self.model)
        return self._nlp

    def analyze_sync(self, article: Article) -> Report:
        return analyze(article, nlp=self.pipeline())

    async def analyze(self, article: Article) -> Report:
        report: Report = await self.run(self.analyze_sync, article)
        return report

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in the analysis thread (it may call :meth:`pipeline`)."""
        if self._waiting >= self.queue + 1:
            raise ApiError(503, f"the analyser is busy ({self._waiting} requests in progress "
                                "or waiting); retry in a few seconds",
                           headers={"Retry-After": "5"})
        if self._limiter is None:  # made here: it belongs to the running event loop
            self._limiter = anyio.CapacityLimiter(1)
        self._waiting += 1
        try:
            return await anyio.to_thread.run_sync(work, *args, limiter=self._limiter)
        finally:
            self._waiting -= 1
