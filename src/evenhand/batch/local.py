"""The local engine: a process pool on this machine, streaming through the store.

The driver (this process) reads the pending articles lazily, in chunks, and hands each chunk
to a pool worker; each worker loaded the pipeline once, in its initializer. As each chunk
comes back, its reports are saved in one transaction and its failures recorded, so:

* memory stays flat: at most ``2 × workers`` chunks are in flight, whatever the corpus size;
* a killed run (even ``kill -9``) loses only the chunks in flight; a restart asks the store
  for what is still pending and goes on, and since results are keyed by article and
  analyser version nothing is analysed or stored twice;
* only the driver writes to the store (one writer suits SQLite).

Workers use the ``spawn`` start method: forking a driver that already runs a progress
thread and holds database connections is not safe. A worker exits on its own when the
driver dies (a watchdog thread), so a ``kill -9`` of the driver leaves no orphans behind.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..errors import EvenhandError
from .worker import BatchOutcome, WorkItem, analyze_records, as_work_item, worker_pipeline

__all__ = ["DEFAULT_CHUNK", "run_local"]

DEFAULT_CHUNK = 16  # articles per task and per transaction
IN_FLIGHT_PER_WORKER = 2  # one running, one queued: workers never wait for the driver
WATCHDOG_SECONDS = 0.5


# --- the worker side ----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(WATCHDOG_SECONDS)
        if os.getppid() != parent:  # the driver is gone (kill -9): stop, leave no orphan
            os._exit(1)


def _init_worker(model: str | None, version: str, parent: int) -> None:
    # Ctrl-C is the driver's to handle: it saves what is done and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="evenhand-watchdog").start()
    _WORKER.update(model=model, version=version, error=None)
    try:
        worker_pipeline(model)  # load now, once: every chunk after this reuses it
    except EvenhandError as exc:
        # An exception out of an initializer only breaks the pool, and its message is lost;
        # raised from a task instead, it reaches the driver whole.
        _WORKER["error"] = exc


def _analyze_chunk(items: Sequence[WorkItem]) -> BatchOutcome:
    if _WORKER["error"] is not None:
        raise _WORKER["error"]
    return analyze_records(items, model=_WORKER["model"], expected_version=_WORKER["version"])


# --- the driver side ----------------------------------------------------------------------

def _chunks(records: Iterator[Any], size: int) -> Iterator[list[WorkItem]]:
    while chunk := [as_work_item(r) for r in itertools.islice(records, size)]:
        yield chunk


def run_local(pending: Iterator[Any], save: Callable[[BatchOutcome], None], *,
              version: str, model: str | None = None, workers: int = 1,
              chunk_size: int = DEFAULT_CHUNK) -> None:
    """Analyse ``pending`` records on a pool of ``workers`` processes; ``save`` is called in
    this process with each chunk's outcome as soon as it is back (completion order)."""
    context = multiprocessing.get_context("spawn")
    chunks = _chunks(pending, chunk_size)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_init_worker,
                               initargs=(model, version, os.getpid()))
    in_flight: set[Future[BatchOutcome]] = set()
    try:
        def refill() -> None:
            while len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                in_flight.add(pool.submit(_analyze_chunk, chunk))

        refill()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.discard(future)
                save(future.result())
            refill()
    except BrokenProcessPool as exc:
        raise EvenhandError(
            f"a worker process died ({exc}); what was saved is kept: run again to resume"
        ) from exc
    except BaseException:
        # Interrupted or the store failed: drop the queued chunks and do not wait for the
        # running ones (they are re-analysed on the next run); workers exit on their own.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
