"""Batch analysis (evenhand.batch, ``evenhand run``) on real stores, SQLite and PostgreSQL.

The local engine end to end (bad articles recorded as failures while the rest goes on),
idempotence (a second run analyses nothing), a run killed with SIGKILL half-way and
restarted (every article analysed exactly once, no derived row doubled, no worker left
behind), the worker function's per-article failures, and the run command's exit status.
Everything that loads the pipeline is marked slow.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import evenhand
from batch_fixtures import BAD_TEXTS, add_articles, good_texts
from evenhand.batch import analyze_records, analyzer_version, run_batch
from evenhand.batch._store_io import pending_ids
from evenhand.batch._store_io import store_url as portable_url
from evenhand.errors import ConfigError
from evenhand.store import analyzer_version as store_analyzer_version
from evenhand.store import models as m
from evenhand.store import open_store

PROG = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PROG, *args], capture_output=True, text=True, timeout=timeout)


def analyses_per_article(url: str) -> Counter[int]:
    store = open_store(url)
    try:
        with store.session() as s:
            return Counter(dict(s.execute(select(m.Analysis.article_id, func.count())
                                          .group_by(m.Analysis.article_id)).all()))
    finally:
        store.close()


def derived_rows_match_reports(url: str) -> None:
    """Every analysis has exactly the derived rows its report gives: none half-written,
    none doubled."""
    store = open_store(url)
    try:
        reports = list(store.iter_analyses())
        counts = store.counts()
    finally:
        store.close()
    assert counts["quotes"] == sum(len(r.get("quotes") or []) for _, r in reports)
    assert counts["actors"] == sum(len(r.get("actors") or []) for _, r in reports)
    assert counts["sides"] == sum(len(r.get("sides") or []) for _, r in reports)


# --- without the pipeline -------------------------------------------------------------------

def test_analyzer_version_is_the_store_s_and_the_report_s() -> None:
    version = analyzer_version()
    assert version == store_analyzer_version()
    assert version.startswith(f"evenhand-{evenhand.__version__}/")


def test_pending_ids_list_what_store_pending_lists(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    ids = add_articles(store, good_texts(7))
    version = "evenhand-test/none"
    store.record_failures([(ids[1], version, "a recorded failure")])
    store.save_results([(ids[4], version, {"quotes": [], "actors": []})])
    store.record_failures([(ids[5], "another-version", "not this version's")])
    expected = [a.article_id for a in store.pending(version)]
    assert expected == [i for i in ids if i not in (ids[1], ids[4])]
    assert list(pending_ids(store, version)) == expected
    assert list(pending_ids(store, version, limit=2)) == expected[:2]


def test_store_url_is_absolute_for_other_processes(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///relative.db")
    assert portable_url(store) == f"sqlite:///{tmp_path / 'relative.db'}"


def test_bad_options_are_config_errors(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'o.db'}")
    with pytest.raises(ConfigError, match="unknown engine"):
        run_batch(store, engine="spark")
    with pytest.raises(ConfigError, match="--workers"):
        run_batch(store, workers=0)


def test_nothing_pending_starts_no_worker(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    summary = run_batch(store, workers=2, quiet=True)
    assert (summary.pending, summary.analysed, summary.failed) == (0, 0, 0)


def test_run_with_an_unknown_model_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'model.db'}"
    result = run_cli("run", "--db", url, "--model", "no_such_pipeline")
    assert result.returncode == 1
    assert result.stderr.strip() == ("evenhand: cannot find spaCy pipeline "
                                     "'no_such_pipeline': not an installed package or a "
                                     "pipeline directory")


def test_progress_bar_only_on_a_terminal_and_not_quiet() -> None:
    from evenhand.batch.progress import RunProgress

    stream = io.StringIO()
    with RunProgress(10, stream=stream) as progress:
        progress.advance(4, failed=1)
        progress.advance(6)
    assert not progress.enabled and progress.failed == 1
    assert stream.getvalue() == ""  # not a terminal: nothing drawn
    assert not RunProgress(10, quiet=True).enabled


def test_run_with_a_bad_db_url_is_one_line() -> None:
    result = run_cli("run", "--db", "nosuchdb://x/y", "--quiet")
    assert result.returncode == 1
    assert result.stderr.startswith("evenhand: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_ray_is_a_clear_error(tmp_path: Path) -> None:
    # sys.modules["ray"] = None makes `import ray` fail as if Ray were not installed
    code = ("import sys; sys.modules['ray'] = None\n"
            "from evenhand.cli import app; app(prog_name='evenhand')")
    url = f"sqlite:///{tmp_path / 'noray.db'}"
    store = open_store(url)
    add_articles(store, good_texts(1))
    store.close()
    result = subprocess.run([sys.executable, "-c", code, "run", "--db", url, "--engine", "ray"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("evenhand: the Ray engine needs Ray: pip install "
                                    "'evenhand[ray]' (")


# --- the worker function --------------------------------------------------------------------

@pytest.mark.slow
def test_worker_fails_only_the_article_that_raises() -> None:
    import spacy.language

    @spacy.language.Language.component("evenhand_test_explode")
    def explode(doc: Any) -> Any:
        if "EXPLODE" in doc.text:
            raise RuntimeError("boom in a pipeline component")
        return doc

    nlp = evenhand.load_pipeline()
    nlp.add_pipe("evenhand_test_explode", first=True)
    texts = good_texts(3)
    records = [{"article_id": 1, "text": texts[0]},
               {"article_id": 2, "text": texts[1] + "\n\nEXPLODE"},
               {"article_id": 3, "text": BAD_TEXTS["binary"]},
               {"article_id": 4, "text": texts[2]},
               {"article_id": 5, "text": ""}]
    outcome = analyze_records(records, nlp=nlp)
    assert [r[0] for r in outcome.results] == [1, 4]
    reasons = {a: reason for a, _, reason in outcome.failures}
    assert set(reasons) == {2, 3, 5}
    assert reasons[2] == "internal error: RuntimeError: boom in a pipeline component"
    assert reasons[3].startswith("binary content")
    assert "whitespace" in reasons[5]
    # the batch that broke gave the same reports as the good articles alone
    alone = analyze_records([records[0], records[3]], nlp=nlp)
    assert [r[2] for r in outcome.results] == [r[2] for r in alone.results]


@pytest.mark.slow
def test_worker_reports_are_the_api_s(nlp: Any) -> None:
    texts = good_texts(4)
    outcome = analyze_records([{"article_id": i, "text": t} for i, t in enumerate(texts)],
                              nlp=nlp, expected_version=analyzer_version())
    assert not outcome.failures
    for (article_id, version, report), text in zip(outcome.results, texts, strict=True):
        direct = evenhand.analyze(text, nlp=nlp).to_dict()
        assert version == analyzer_version()
        assert report["id"] == str(article_id)
        assert report["quotes"] == direct["quotes"]
        assert report["actors"] == direct["actors"]
        assert report["indicators"] == direct["indicators"]


# --- the local engine, end to end, on SQLite and PostgreSQL ---------------------------------

@pytest.mark.slow
def test_local_run_records_bad_articles_and_goes_on(store_url: str) -> None:
    store = open_store(store_url)
    good = add_articles(store, good_texts(8))
    bad = add_articles(store, list(BAD_TEXTS.values()), start_date=9)
    summary = run_batch(store, workers=2, quiet=True, chunk_size=3)
    assert (summary.pending, summary.analysed, summary.failed) == (11, 8, 3)
    version = analyzer_version()
    failures = {a: reason for a, v, reason in store.failures(version)}
    assert set(failures) == set(bad)
    assert "whitespace" in failures[bad[0]] and "whitespace" in failures[bad[1]]
    assert failures[bad[2]].startswith("binary content, not text")
    assert sorted(a for a, _ in summary.failures) == sorted(bad)
    stored = {meta.article_id: report for meta, report in store.iter_analyses(version)}
    assert sorted(stored) == sorted(good)
    assert all(r["id"] == str(a) and r["outlet"] for a, r in stored.items())
    derived_rows_match_reports(store_url)

    # idempotent: nothing is pending, a second run analyses nothing
    again = run_batch(store, workers=2, quiet=True)
    assert (again.pending, again.analysed, again.failed) == (0, 0, 0)
    assert sum(analyses_per_article(store_url).values()) == 8

    # new articles alone are analysed by the next run; --limit caps a run
    more = add_articles(store, good_texts(12)[8:], start_date=3)
    limited = run_batch(store, workers=1, quiet=True, limit=2)
    assert limited.analysed == 2
    rest = run_batch(store, workers=1, quiet=True)
    assert rest.analysed == 2
    assert set(analyses_per_article(store_url)) == set(good) | set(more)
    store.close()


@pytest.mark.slow
def test_run_command_exit_status_is_the_number_of_failures(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    add_articles(store, good_texts(2))
    bad = add_articles(store, list(BAD_TEXTS.values()))
    store.close()
    result = run_cli("run", "--db", url, "--workers", "1")
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert [f"evenhand: article {i}:" in "\n".join(lines) for i in bad] == [True] * 3
    assert "2 articles analysed, 3 failed" in lines[-1]
    assert "Traceback" not in result.stderr
    # a rerun finds nothing to do (the failures are recorded) and says so
    again = run_cli("run", "--db", url)
    assert again.returncode == 0
    assert "nothing to analyse" in again.stderr
    # --retry-failed tries them again, and they fail again
    retry = run_cli("run", "--db", url, "--retry-failed", "--quiet")
    assert retry.returncode == 3


# --- kill -9 half-way, restart ----------------------------------------------------------------

def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(c) for c in text.split()}


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_kill_9_half_way_then_restart_analyses_every_article_once(store_url: str) -> None:
    n = 30
    store = open_store(store_url)
    ids = add_articles(store, good_texts(n, paragraphs=3))
    store.close()
    proc = subprocess.Popen([*PROG, "run", "--db", store_url, "--workers", "1", "--chunk",
                             "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: set[int] = set()
    saved = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers |= _children(proc.pid)
            saved = sum(analyses_per_article(store_url).values())
            if saved >= 4:
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it could be killed: " \
                                    f"{proc.stderr.read() if proc.stderr else ''}"
        workers |= _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    at_kill = analyses_per_article(store_url)
    assert 4 <= sum(at_kill.values()) < n, "not killed half-way"
    assert all(c == 1 for c in at_kill.values())
    # the pool's workers notice that the driver is gone and exit: no orphans
    assert workers, "no worker process was seen"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers), "worker processes outlived the driver"

    result = run_cli("run", "--db", store_url, "--workers", "1", "--chunk", "4")
    assert result.returncode == 0, result.stderr
    assert f"{n - sum(at_kill.values())} articles analysed, 0 failed" in result.stderr
    final = analyses_per_article(store_url)
    assert sorted(final) == sorted(ids)
    assert set(final.values()) == {1}
    derived_rows_match_reports(store_url)
    # the reports of the articles analysed before the kill were kept as they were
    store = open_store(store_url)
    versions = {meta.analyzer_version for meta, _ in store.iter_analyses()}
    store.close()
    assert versions == {analyzer_version()}


@pytest.mark.slow
def test_run_json_reports_are_stored_whole(tmp_path: Path) -> None:
    """What the run stores is the report `evenhand analyze --format json` gives."""
    url = f"sqlite:///{tmp_path / 'whole.db'}"
    store = open_store(url)
    (article_id,) = add_articles(store, good_texts(1))
    run_batch(store, workers=1, quiet=True)
    ((meta, report),) = list(store.iter_analyses())
    store.close()
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": str(article_id), "text": good_texts(1)[0],
                                "outlet": meta.outlet, "date": meta.date}) + "\n")
    result = run_cli("analyze", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    direct = json.loads(result.stdout)
    for key in ("quotes", "actors", "sides", "ledger", "findings", "indicators", "sentences",
                "attribution", "tone", "analyzer"):
        assert report[key] == direct[key], key
