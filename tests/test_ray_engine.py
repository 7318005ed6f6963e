"""The Ray engine (``evenhand run --engine ray``) on a real local Ray cluster of 2 CPUs.

It must give the same reports as the local engine, record the same failures, resume like
it (a second run analyses nothing) and name the extra to install when Ray is missing.
Skipped only when Ray is not importable (it is an optional extra, ``evenhand[ray]``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_fixtures import BAD_TEXTS, add_articles, good_texts
from evenhand.batch import analyzer_version, run_batch
from evenhand.store import open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                       reason="Ray is not installed (pip install 'evenhand[ray]')"),
]


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Ray cluster of 2 CPUs for the module. Ray 2.60 writes an auth token under
    $HOME/.ray: the cluster gets a HOME of its own."""
    import os

    home = tmp_path_factory.mktemp("ray-home")
    saved = {k: os.environ.get(k) for k in ("HOME", "RAY_USAGE_STATS_ENABLED")}
    os.environ.update(HOME=str(home), RAY_USAGE_STATS_ENABLED="0")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _reports(url: str) -> dict[str, dict[str, Any]]:
    """Each stored report by its article's fixture source (ids differ between stores)."""
    store = open_store(url)
    try:
        return {meta.source: report for meta, report in store.iter_analyses()}
    finally:
        store.close()


def test_ray_engine_gives_the_local_engine_s_results(ray_cluster: Any, tmp_path: Path) -> None:
    texts = good_texts(6) + list(BAD_TEXTS.values())
    urls = {}
    for engine in ("local", "ray"):
        url = urls[engine] = f"sqlite:///{tmp_path / f'{engine}.db'}"
        store = open_store(url)
        add_articles(store, texts)
        summary = run_batch(store, engine=engine, workers=2, quiet=True, chunk_size=2)
        assert (summary.pending, summary.analysed, summary.failed) == (9, 6, 3), engine
        assert summary.engine == engine
        store.close()
    ray_reports, local_reports = _reports(urls["ray"]), _reports(urls["local"])
    assert len(ray_reports) == 6
    assert ray_reports == local_reports

    store = open_store(urls["ray"])
    failures = sorted(reason for _, _, reason in store.failures(analyzer_version()))
    assert failures == sorted(reason for _, _, reason in open_store(urls["local"]).failures())
    # resumable and idempotent like the local engine: only new articles are analysed
    assert run_batch(store, engine="ray", workers=2, quiet=True).pending == 0
    add_articles(store, good_texts(8)[6:], start_date=4)
    again = run_batch(store, engine="ray", workers=1, quiet=True)
    assert (again.pending, again.analysed, again.failed) == (2, 2, 0)
    assert store.counts()["analyses"] == 8
    store.close()
    assert ray_cluster.is_initialized()  # a cluster the engine joined is left running

