"""The corpus store (evenhand.store) on SQLite and PostgreSQL: schema creation and
migration, the schema-version check, bad URLs, pending work, idempotent saves of reports
with their derived rows, failures, and concurrent writers.

Every test taking ``store_url`` runs once per backend; PostgreSQL is a throwaway server
started by tests/conftest.py (skipped when its binaries are missing, unless
EVENHAND_REQUIRE_PG=1).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from evenhand import cli
from evenhand.errors import EvenhandError, StoreError
from evenhand.ingest import RawItem, ingest_items
from evenhand.store import analyzer_version, open_store, resolve_url
from evenhand.store import models as m
from evenhand.store.core import MIGRATIONS
from store_fixtures import COUNCIL, FOREST, GERMAN, WIRE, report_for

V1 = "evenhand-test/one"
V2 = "evenhand-test/two"


def fill(url: str, texts: list[str]) -> list[int]:
    """Ingest ``texts`` (one outlet each) and return their article ids in order."""
    store = open_store(url)
    try:
        items = [RawItem(text=t, source=f"fixture-{i}.txt", source_format="txt",
                         outlet=f"outlet{i}") for i, t in enumerate(texts)]
        ingest_items(items, store)
        with store.session() as s:
            return list(s.scalars(select(m.Article.id).order_by(m.Article.id)))
    finally:
        store.close()


def counts(url: str) -> dict[str, int]:
    store = open_store(url)
    try:
        return store.counts()
    finally:
        store.close()


# --- opening, URLs, schema ------------------------------------------------------------------

def test_a_new_sqlite_store_is_created_in_wal_mode_at_the_head_revision(tmp_path: Path) -> None:
    path = tmp_path / "corpus.db"
    store = open_store(f"sqlite:///{path}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert set(store.counts()) >= {"articles", "analyses", "failures", "actors", "quotes",
                                       "sides", "events", "findings", "near_duplicates",
                                       "exact_duplicates", "indicators"}
    finally:
        store.close()
    with sqlite3.connect(path) as raw:
        (rev,) = raw.execute("SELECT version_num FROM alembic_version").fetchone()
    from alembic.script import ScriptDirectory

    from evenhand.store.core import _alembic_config

    assert {rev} == set(ScriptDirectory.from_config(_alembic_config()).get_heads())


def test_the_url_comes_from_the_argument_then_evenhand_db_then_the_default(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EVENHAND_DB", raising=False)
    assert resolve_url(None) == "sqlite:///evenhand.db"
    monkeypatch.setenv("EVENHAND_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    store = open_store()
    store.close()
    assert (tmp_path / "env.db").is_file()
    monkeypatch.delenv("EVENHAND_DB")
    monkeypatch.chdir(tmp_path)
    open_store().close()
    assert (tmp_path / "evenhand.db").is_file()


@pytest.mark.parametrize(("url", "message"), [
    ("not a url at all", "bad database URL"),
    ("mysql://user@localhost/db", "unsupported database"),
    ("sqlite:////no/such/folder/evenhand.db", "no such folder"),
    ("postgresql+psycopg://nobody@127.0.0.1:1/nothing", "cannot open database"),
])
def test_a_bad_url_is_one_clear_store_error(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as info:
        open_store(url)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, EvenhandError)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a database"):
        open_store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_password_is_never_shown_in_an_error() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql+psycopg://someone:s3cret-pw@127.0.0.1:1/db")
    assert "s3cret-pw" not in str(info.value)


def test_the_cli_reports_a_bad_db_url_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["ingest", "--db", "mysql://x@y/z", str(tmp_path)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("evenhand: unsupported database")


def test_a_database_from_a_newer_schema_is_refused_and_nothing_is_written(
        store_url: str) -> None:
    fill(store_url, [WIRE, COUNCIL])
    store = open_store(store_url)
    with store.session(write=True) as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    store.close()
    before = _raw_counts(store_url)
    with pytest.raises(StoreError, match=r"database schema 0099_from_the_future is newer "
                                         r"than this evenhand \(.*\); upgrade evenhand"):
        open_store(store_url)
    result = CliRunner().invoke(cli.app, ["ingest", "--db", store_url, "--quiet", "-"])
    assert result.exit_code == 1 and "is newer than this evenhand" in result.stderr
    assert _raw_counts(store_url) == before


def _raw_counts(url: str) -> dict[str, Any]:
    """Row counts and the schema version, read without evenhand's checks."""
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            out: dict[str, Any] = {t: conn.scalar(select(func.count()).select_from(
                m.Base.metadata.tables[t])) for t in ("articles", "analyses", "store_meta")}
            out["version"] = conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalar()
        return out
    finally:
        engine.dispose()


def test_an_older_store_is_migrated_to_the_head(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from evenhand.store.core import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # a store made by the first schema
    engine.dispose()
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        from alembic.script import ScriptDirectory

        assert {version} == set(ScriptDirectory.from_config(cfg).get_heads())
    finally:
        store.close()


def test_a_database_with_clashing_tables_but_no_version_is_not_taken_over(
        tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT)")
        raw.execute("INSERT INTO articles (body) VALUES ('theirs')")
    with pytest.raises(StoreError, match="not an evenhand store"):
        open_store(f"sqlite:///{path}")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT body FROM articles").fetchall() == [("theirs",)]
        assert raw.execute("SELECT name FROM sqlite_master WHERE name='alembic_version'"
                           ).fetchall() == []


def test_several_openers_of_a_new_store_create_it_once(store_url: str) -> None:
    errors: list[BaseException] = []

    def open_close() -> None:
        try:
            open_store(store_url).close()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    # daemon: a thread stuck on a lock must fail the test, not hang the interpreter's exit
    threads = [threading.Thread(target=open_close, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread still runs after 120 s"
    assert not errors, errors
    assert counts(store_url)["articles"] == 0


def test_the_migrations_are_packaged_with_the_code() -> None:
    assert (MIGRATIONS / "env.py").is_file()
    assert sorted(p.name for p in (MIGRATIONS / "versions").glob("0001_*.py"))


# --- pending, saving, failures --------------------------------------------------------------

def test_pending_lists_unanalysed_articles_in_id_order_and_honours_limit(
        store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL, FOREST, GERMAN])
    store = open_store(store_url)
    try:
        assert [p.article_id for p in store.pending(V1)] == ids
        assert [p.article_id for p in store.pending(V1, limit=2)] == ids[:2]
        assert store.count_pending(V1) == 4
        first = next(store.pending(V1))
        assert first.text == WIRE and first.outlet == "outlet0" and len(first.content_hash) == 64
        assert store.save_results([(ids[0], V1, report_for(WIRE))]) == 1
        assert store.record_failures([(ids[1], V1, "the parser ran out of memory")]) == 1
        assert [p.article_id for p in store.pending(V1)] == ids[2:]
        assert store.count_pending(V1) == 2
        # another analyser version has everything still to do
        assert store.count_pending(V2) == 4
        assert store.failures(V1) == [(ids[1], V1, "the parser ran out of memory")]
        assert store.clear_failures(V1) == 1
        assert [p.article_id for p in store.pending(V1)] == ids[1:]
    finally:
        store.close()


def test_pending_can_be_consumed_while_results_are_saved(store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL, FOREST, GERMAN])
    store = open_store(store_url)
    try:
        seen = []
        for item in store.pending(V1):
            seen.append(item.article_id)
            store.save_results([(item.article_id, V1, report_for(COUNCIL))])
        assert seen == ids and store.count_pending(V1) == 0
    finally:
        store.close()


def test_save_results_writes_the_analysis_and_every_derived_row(store_url: str) -> None:
    (aid,) = fill(store_url, [WIRE])
    report = report_for(WIRE)
    store = open_store(store_url)
    try:
        assert store.save_results([(aid, V1, report)]) == 1
        c = store.counts()
        assert (c["analyses"], c["quotes"], c["actors"], c["sides"], c["events"],
                c["findings"]) == (1, 1, 2, 2, 1, 1)
        # the scalar indicators, one row each (the per-side shares are in sides)
        assert c["indicators"] == 6
        with store.session() as s:
            quote = s.scalars(select(m.Quote)).one()
            assert WIRE[quote.start:quote.end] == quote.text == report["quotes"][0]["text"]
            assert (quote.actor_key, quote.actor_name, quote.side) == ("a1", "Speaker One",
                                                                      "XKX")
            assert quote.n_words == len(quote.text.split())
            actors = {a.actor_key: a for a in s.scalars(select(m.Actor))}
            assert actors["a2"].tone_label == "negative" and actors["a2"].tone_score == -0.25
            assert actors["a1"].quoted and actors["a1"].quote_count == 1
            event = s.scalars(select(m.Event)).one()
            assert (event.code, event.plover, event.goldstein, event.source_actor,
                    event.target_code) == ("014", "PROTEST", -6.5, "a2", "GOV")
            finding = s.scalars(select(m.Finding)).one()
            assert finding.kind == "one-sided-voices" and finding.evidence[0] == [
                report["quotes"][0]["start"], report["quotes"][0]["end"]]
            heard = dict(s.execute(select(m.Side.name, m.Side.heard)).all())
            assert heard == {"XKX": True, "other": False}
            share = s.scalar(select(m.Indicator.value)
                             .where(m.Indicator.name == "attributed_claim_share"))
            assert share == pytest.approx(1 / 3)
    finally:
        store.close()


def test_a_report_without_events_is_stored_without_event_rows(store_url: str) -> None:
    (aid,) = fill(store_url, [COUNCIL])
    store = open_store(store_url)
    try:
        report = report_for(COUNCIL, events=False)
        assert "events" not in report
        assert store.save_results([(aid, V1, report)]) == 1
        assert store.counts()["events"] == 0 and store.counts()["quotes"] == 1
    finally:
        store.close()


def test_saving_again_is_idempotent_per_content_hash_and_version(store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL])
    store = open_store(store_url)
    try:
        batch = [(ids[0], V1, report_for(WIRE)), (ids[1], V1, report_for(COUNCIL))]
        assert store.save_results(batch) == 2
        once = store.counts()
        assert store.save_results(batch) == 0
        assert store.save_results(batch + batch) == 0
        assert store.counts() == once
        # a new analyser version is a new analysis
        assert store.save_results([(ids[0], V2, report_for(WIRE))]) == 1
        assert store.counts()["analyses"] == 3
    finally:
        store.close()


def test_a_save_that_fails_writes_nothing(store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL])
    store = open_store(store_url)
    try:
        before = store.counts()
        with pytest.raises(StoreError, match="no article with id 9999"):
            store.save_results([(ids[0], V1, report_for(WIRE)), (9999, V1, report_for(WIRE))])
        with pytest.raises(StoreError, match="not a dict"):
            store.save_results([(ids[0], V1, report_for(WIRE)),
                                (ids[1], V1, ["not", "a", "report"])])  # type: ignore[list-item]
        assert store.counts() == before
    finally:
        store.close()


def test_saving_clears_a_recorded_failure_of_the_same_version(store_url: str) -> None:
    (aid,) = fill(store_url, [FOREST])
    store = open_store(store_url)
    try:
        store.record_failures([(aid, V1, "first try failed")])
        store.record_failures([(aid, V1, "second try failed")])
        assert store.failures() == [(aid, V1, "second try failed")]
        store.save_results([(aid, V1, report_for(FOREST))])
        assert store.failures() == [] and store.count_pending(V1) == 0
    finally:
        store.close()


def test_reports_read_back_equal_with_nan_as_null(store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL])
    store = open_store(store_url)
    try:
        odd = report_for(COUNCIL)
        odd["indicators"]["loaded_term_rate"] = math.nan
        store.save_results([(ids[1], V1, odd), (ids[0], V1, report_for(WIRE))])
        store.save_results([(ids[0], V2, report_for(WIRE, events=False))])
        got = list(store.iter_analyses())
        assert [(meta.article_id, meta.analyzer_version) for meta, _ in got] == [
            (ids[0], V1), (ids[0], V2), (ids[1], V1)]
        assert got[0][1] == report_for(WIRE)
        assert got[2][1]["indicators"]["loaded_term_rate"] is None
        assert [meta.article_id for meta, _ in store.iter_analyses(V2)] == [ids[0]]
        meta = got[0][0]
        assert (meta.outlet, meta.source, meta.source_format) == ("outlet0", "fixture-0.txt",
                                                                  "txt")
        assert [v for v, _ in store.analyzer_versions()] == [V2, V1]
    finally:
        store.close()


def test_over_long_strings_in_a_report_are_cut_alike_on_both_backends(
        store_url: str) -> None:
    (aid,) = fill(store_url, [WIRE])
    report = report_for(WIRE)
    report["sides"][0]["name"] = "a side with a very long name " * 20
    report["events"][0]["code"] = "0" * 40
    store = open_store(store_url)
    try:
        assert store.save_results([(aid, V1, report)]) == 1
        with store.session() as s:
            assert len(s.scalars(select(m.Side.name).order_by(m.Side.id)).first() or "") == 255
            assert s.scalar(select(m.Event.code)) == "0" * 16
        ((_, back),) = list(store.iter_analyses())
        assert back == report  # the report itself is kept whole
        with pytest.raises(StoreError, match="over 200 characters"):
            store.save_results([(aid, "v" * 201, report)])
    finally:
        store.close()


def test_two_writers_saving_the_same_results_store_them_once(store_url: str) -> None:
    ids = fill(store_url, [WIRE, COUNCIL, FOREST, GERMAN])
    batch = [(aid, V1, report_for(WIRE)) for aid in ids]
    errors: list[BaseException] = []

    def write() -> None:
        store = open_store(store_url)
        try:
            for _ in range(3):
                store.save_results(batch)
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            store.close()

    # daemon: a thread stuck on a lock must fail the test, not hang the interpreter's exit
    threads = [threading.Thread(target=write, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread still runs after 120 s"
    assert not errors, errors
    c = counts(store_url)
    assert c["analyses"] == 4 and c["quotes"] == 4 and c["actors"] == 8


def test_the_default_analyzer_version_names_evenhand_and_the_pipeline() -> None:
    from evenhand._version import __version__

    version = analyzer_version()
    assert version.startswith(f"evenhand-{__version__}/")
    assert analyzer_version({"evenhand": "1.2.3", "pipeline": "en_x-3.8.0"}) == \
        "evenhand-1.2.3/en_x-3.8.0"


@pytest.mark.slow
def test_a_real_report_is_stored_and_read_back(nlp: Any, store_url: str) -> None:
    import evenhand

    (aid,) = fill(store_url, [WIRE])
    report = evenhand.analyze(WIRE, nlp=nlp).to_dict()
    version = analyzer_version(report["analyzer"])
    assert version == analyzer_version()  # what a batch run would key it under
    store = open_store(store_url)
    try:
        assert store.save_results([(aid, version, report)]) == 1
        ((meta, back),) = list(store.iter_analyses(version))
        assert back == report and meta.article_id == aid
        with store.session() as s:
            quotes = s.scalars(select(m.Quote).order_by(m.Quote.idx)).all()
            assert len(quotes) == len(report["quotes"]) > 0
            assert all(WIRE[q.start:q.end] == q.text for q in quotes)
            assert s.scalar(select(func.count()).select_from(m.Actor)) == len(report["actors"])
    finally:
        store.close()
