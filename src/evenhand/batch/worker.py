"""The one worker function both batch engines run: a batch of stored articles in, their
reports and their failures out.

:func:`analyze_records` is what a process-pool worker (:mod:`evenhand.batch.local`) and a
Ray actor (:mod:`evenhand.batch.ray_engine`) both call, with the pipeline each of them
loaded once (:func:`worker_pipeline`). It never lets an article's exception escape and never
drops one: every article comes back either as a report or as a failure with its reason. Only
what no article causes (the pipeline cannot be loaded) is raised.

The analyser version keys the results in the store (an article is analysed once per
version): :func:`analyzer_version` computes it from evenhand's version and the spaCy
pipeline's meta without loading the pipeline, and :func:`worker_pipeline` checks that the
pipeline it loads really is that version, so results can never be filed under the wrong key.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._logging import logger
from .._version import __version__
from ..api import analyze_many, default_pipeline_name, load_pipeline
from ..article import Article, InputFailure, article_from_text
from ..errors import EvenhandError, InputError, PipelineError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["BatchOutcome", "WorkItem", "analyze_records", "analyzer_version", "as_work_item",
           "worker_pipeline"]

# The longest article analysed: the CLI's default --max-chars.
MAX_CHARS = 1_000_000
# Batch size handed to nlp.pipe: spaCy's own default for a CPU pipeline of this size.
PIPE_BATCH = 16


@dataclass(frozen=True)
class WorkItem:
    """What a worker needs of a stored article: plain, picklable, engine-neutral."""

    article_id: int
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass
class BatchOutcome:
    """``results``: ``(article_id, analyzer_version, report_dict)``; ``failures``:
    ``(article_id, analyzer_version, reason)``: the shapes the store's ``save_results`` and
    ``record_failures`` take."""

    results: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    failures: list[tuple[int, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.results) + len(self.failures)


def as_work_item(record: Any) -> WorkItem:
    """A :class:`WorkItem` from a store ``PendingArticle`` (attributes) or a mapping (a Ray
    Data row)."""
    get: Callable[[str], Any] = record.get if isinstance(record, Mapping) else (
        lambda key: getattr(record, key, None))
    return WorkItem(article_id=int(get("article_id")), text=get("text"),
                    title=get("title"), outlet=get("outlet"), date=_iso(get("date")),
                    url=get("url"))


def _iso(value: Any) -> str | None:
    """Dates may come back from the store as ``date``/``datetime`` objects or strings."""
    if value is None:
        return None
    iso = getattr(value, "isoformat", None)
    return iso() if callable(iso) else str(value)


# --- the analyser version -----------------------------------------------------------------

def _pipeline_meta(name: str) -> dict[str, Any]:
    """The spaCy pipeline's meta.json, read from the installed package or the directory
    ``name`` without importing spaCy (the batch driver never loads the pipeline)."""
    path = Path(name)
    if not (path / "meta.json").is_file():
        spec = importlib.util.find_spec(name) if name.isidentifier() else None
        locations = list(spec.submodule_search_locations or []) if spec else []
        if not locations:
            raise PipelineError(f"cannot find spaCy pipeline {name!r}: not an installed "
                                "package or a pipeline directory")
        path = Path(locations[0])
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(f"spaCy pipeline {name!r}: cannot read meta.json: {exc}") from exc
    if not isinstance(meta, dict):
        raise PipelineError(f"spaCy pipeline {name!r}: meta.json is not an object")
    return meta


def _pipeline_id(meta: Mapping[str, Any]) -> str:
    # The same string as a report's analyzer.pipeline (api.report_from_doc).
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def analyzer_version(model: str | None = None) -> str:
    """The key results are stored under: ``evenhand-<version>/<pipeline>-<version>``, e.g.
    ``evenhand-0.1.0/en_core_web_sm-3.8.0``. A new evenhand or pipeline version means every
    article is analysed again; the same one means a re-run analyses nothing twice."""
    name = model or default_pipeline_name()
    return f"evenhand-{__version__}/{_pipeline_id(_pipeline_meta(name))}"


# --- the pipeline, once per process -------------------------------------------------------

_PIPELINES: dict[str | None, tuple[Language, str]] = {}


def worker_pipeline(model: str | None = None) -> tuple[Language, str]:
    """The pipeline and its analyser version, loaded once per process (per pool worker, per
    Ray actor) and reused for every batch."""
    if model not in _PIPELINES:
        nlp = load_pipeline(model)
        version = f"evenhand-{__version__}/{_pipeline_id(nlp.meta)}"
        _PIPELINES[model] = (nlp, version)
    return _PIPELINES[model]


# --- the worker function ------------------------------------------------------------------

def _article(item: WorkItem) -> Article | InputFailure:
    """The article, with the checks `evenhand analyze` gives a file (empty, whitespace
    only, binary junk, too long; a warning when it does not read as English)."""
    if not isinstance(item.text, str):
        return InputFailure(str(item.article_id), f"text is {type(item.text).__name__}, "
                                                  "not a string")
    return article_from_text(item.text, source=item.url or f"article {item.article_id}",
                             max_chars=MAX_CHARS, id=str(item.article_id), title=item.title,
                             outlet=item.outlet, date=item.date, url=item.url)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    detail = " ".join(str(exc).split())
    if isinstance(exc, EvenhandError):
        return detail or type(exc).__name__
    return f"internal error: {type(exc).__name__}{': ' + detail if detail else ''}"


def analyze_records(records: Iterable[Any], *, model: str | None = None,
                    expected_version: str | None = None,
                    nlp: Language | None = None) -> BatchOutcome:
    """Analyse a batch of stored articles (``PendingArticle`` objects, mappings or
    :class:`WorkItem` objects) and return their reports and failures.

    The batch goes through ``analyze_many`` (spaCy's batched ``nlp.pipe``). When an article
    raises, the reports already made are kept and the rest of the batch is analysed one
    article at a time, so the exception fails that article alone, with its reason. An
    article whose text is empty or binary fails without reaching the pipeline.

    ``expected_version``: the version the driver files results under; a pipeline of another
    version raises :class:`PipelineError` rather than mislabel every result.
    """
    if nlp is None:
        nlp, version = worker_pipeline(model)
    else:
        version = f"evenhand-{__version__}/{_pipeline_id(nlp.meta)}"
    if expected_version is not None and version != expected_version:
        raise PipelineError(f"the loaded pipeline is {version!r}, the run expects "
                            f"{expected_version!r}")
    outcome = BatchOutcome()
    good: list[tuple[WorkItem, Article]] = []
    for record in records:
        item = as_work_item(record)
        article = _article(item)
        if isinstance(article, InputFailure):
            outcome.failures.append((item.article_id, version, article.problem))
        else:
            good.append((item, article))
    for item, result in _analyse(good, nlp):
        if isinstance(result, BaseException):
            logger.warning("article %s failed: %s", item.article_id, _reason(result),
                           exc_info=not isinstance(result, EvenhandError))
            outcome.failures.append((item.article_id, version, _reason(result)))
        else:
            outcome.results.append((item.article_id, version, result))
    return outcome


def _analyse(items: Sequence[tuple[WorkItem, Article]], nlp: Language
             ) -> Iterator[tuple[WorkItem, dict[str, Any] | Exception]]:
    done = 0
    try:
        for report in analyze_many((a for _, a in items), nlp=nlp, batch_size=PIPE_BATCH):
            yield items[done][0], report.to_dict()
            done += 1
        return
    except Exception:  # one article broke the batch: find which, one by one
        logger.debug("batch of %d failed after %d; retrying one by one", len(items), done,
                     exc_info=True)
    for item, article in items[done:]:
        try:
            report = next(analyze_many([article], nlp=nlp))
        except Exception as exc:
            yield item, exc
        else:
            yield item, report.to_dict()
