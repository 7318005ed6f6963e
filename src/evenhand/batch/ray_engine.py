"""The Ray engine (``evenhand run --engine ray``; ``pip install evenhand[ray]``).

A Ray Data pipeline of three stages:

1. **read, in shards**: the driver lists the pending article ids (ids only), one row each,
   in blocks of one shard; per shard, a Ray worker opens the store by URL and reads the
   shard's articles (those still pending: another run may have got there first). Ray fuses
   this stage into the next, so the read runs in the actor that analyses the shard, and the
   article texts never pass through the driver;
2. **analyse**: ``map_batches`` with a callable class on an actor pool
   (``ray.data.ActorPoolStrategy(size=workers)``): each actor loads the spaCy pipeline once,
   in its constructor, and runs the same worker function as the local engine on every batch
   (a shard: both stages take batches of ``batch_size`` rows, so a fused task is one shard);
3. **write, in shards**: the driver takes each analysed batch as it streams out and saves it
   in one transaction, so a killed run resumes from the store like a local one.

Reports cross the Ray object store as JSON strings: their nested, article-dependent shape
is not an Arrow schema. Ray is imported only here, lazily; without it the engine says how
to install it. With ``RAY_ADDRESS`` set the run joins that cluster (whose workers must reach
the store: PostgreSQL, or a SQLite file on a shared disk); otherwise it starts a local one.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, PipelineError
from . import _store_io
from .worker import BatchOutcome, analyze_records, worker_pipeline

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["import_ray", "run_ray"]

BATCH = 16  # articles per shard: read, analysed and saved (one transaction) together
INSTALL_HINT = "the Ray engine needs Ray: pip install 'evenhand[ray]'"


def import_ray() -> Any:
    """``ray`` and ``ray.data``, or a ConfigError saying how to get them."""
    # Ray phones home unless told not to; evenhand never does.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray = importlib.import_module("ray")
        importlib.import_module("ray.data")
    except ImportError as exc:
        raise ConfigError(f"{INSTALL_HINT} ({exc})") from exc
    return ray


def _article_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("article_id", pa.int64()), ("text", pa.large_string()),
                      ("title", pa.string()), ("outlet", pa.string()),
                      ("date", pa.string()), ("url", pa.string())])


def _result_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("article_id", pa.int64()), ("report", pa.large_string()),
                      ("reason", pa.string())])


def _read_shard(batch: Any, url: str, version: str) -> Any:
    """Stage 1: a shard of ids in, its still-pending articles out."""
    import pyarrow as pa

    ids = batch.column("article_id").to_pylist()
    rows = [{"article_id": a.article_id, "text": a.text, "title": a.title,
             "outlet": a.outlet, "date": a.date, "url": a.url}
            for a in _store_io.fetch_pending(url, version, ids)]
    return pa.Table.from_pylist(rows, schema=_article_schema())


class Analyzer:
    """Stage 2, a Ray actor: loads the pipeline once, then analyses batch after batch."""

    def __init__(self, model: str | None, version: str) -> None:
        self.nlp, loaded = worker_pipeline(model)
        if loaded != version:
            raise PipelineError(f"a Ray actor loaded {loaded!r}, the run expects {version!r}")
        self.version = version

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        outcome = analyze_records(batch.to_pylist(), nlp=self.nlp,
                                  expected_version=self.version)
        rows = [{"article_id": a, "report": json.dumps(r, ensure_ascii=False),
                 "reason": None} for a, _, r in outcome.results]
        rows += [{"article_id": a, "report": None, "reason": reason}
                 for a, _, reason in outcome.failures]
        return pa.Table.from_pylist(rows, schema=_result_schema())


def _quiet_ray_logs() -> None:
    # Ray Data logs every execution plan at INFO, and a warning that progress bars are off:
    # evenhand reports progress itself; Ray's errors still come through.
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _init(ray: Any, workers: int) -> bool:
    """Join RAY_ADDRESS's cluster or start a local one; True when this call started it."""
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                               "logging_level": logging.ERROR}
    if not os.environ.get("RAY_ADDRESS"):
        # One CPU per actor plus one spare; more when the machine has them.
        options["num_cpus"] = max(workers + 1, os.cpu_count() or 1)
    ray.init(**options)
    return True


def run_ray(store: Store, save: Callable[[BatchOutcome], None], *, version: str,
            model: str | None = None, workers: int = 1, limit: int | None = None,
            batch_size: int = BATCH) -> None:
    """Analyse the pending articles on a Ray actor pool of ``workers`` actors; ``save`` is
    called in this process with each analysed shard."""
    ray = import_ray()
    url = _store_io.store_url(store)
    ids = [{"article_id": i} for i in _store_io.pending_ids(store, version, limit)]
    if not ids:
        return
    started = _init(ray, workers)
    _quiet_ray_logs()
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # evenhand draws its own
        dataset = (
            # one block per shard: the fused read-and-analyse task takes a shard whole
            ray.data.from_items(ids, override_num_blocks=math.ceil(len(ids) / batch_size))
            .map_batches(_read_shard, fn_kwargs={"url": url, "version": version},
                         batch_size=batch_size, batch_format="pyarrow")
            # Ray 2.60 logs "Actor ... has constructor arguments in the object store" for
            # every actor pool (ray-project/ray#57733): harmless, whatever the arguments.
            .map_batches(Analyzer, fn_constructor_kwargs={"model": model, "version": version},
                         batch_size=batch_size, batch_format="pyarrow",
                         compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1)
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            outcome = BatchOutcome()
            for row in batch.to_pylist():
                if row["report"] is not None:
                    outcome.results.append((row["article_id"], version,
                                            json.loads(row["report"])))
                else:
                    outcome.failures.append((row["article_id"], version, row["reason"]))
            save(outcome)
    except Exception as exc:
        cause = getattr(exc, "cause", None)  # a RayTaskError wraps what the actor raised
        if isinstance(cause, PipelineError):
            raise cause from exc
        raise
    finally:
        if started:
            ray.shutdown()
