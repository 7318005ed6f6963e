"""Export (evenhand.export, ``evenhand export``): every table in Parquet, JSONL and CSV with
the articles' source metadata on every derived row, analyser-version selection, the same
export from SQLite and PostgreSQL, and bad output paths.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evenhand import cli
from evenhand.errors import ConfigError
from evenhand.export import ARTICLE_META, TABLES, export
from evenhand.ingest import RawItem, ingest_items
from evenhand.store import open_store
from store_fixtures import COUNCIL, FOREST, WIRE, WIRE_COPY, report_for

V1 = "evenhand-test/one"
V2 = "evenhand-test/two"
TIMESTAMPS = {"ingested_at", "created_at", "seen_at", "at"}


def build(url: str) -> None:
    """Four articles (one a wire copy, one found twice), three analysed by V1, one by V2."""
    store = open_store(url)
    try:
        items = [
            RawItem(WIRE, "wire.jsonl:1", "jsonl", external_id="w1", outlet="Valdora Times",
                    url="https://valdora.example.com/dockers", date="2024-03-04",
                    title="Dockers strike", extra={"desk": "ports"}),
            RawItem(COUNCIL, "council.txt", "txt", url="https://www.brennick.example.net/l",
                    date="March 5, 2024"),
            RawItem(WIRE_COPY, "wire.jsonl:2", "jsonl", outlet="Coast Herald",
                    date="2024-03-04T18:00:00+01:00"),
            RawItem(FOREST, "forest.txt", "txt", outlet="Fire Watch"),
            RawItem(COUNCIL, "copy-of-council.txt", "txt", outlet="Mirror"),
        ]
        ingest_items(items, store)
        ids = [p.article_id for p in store.pending(V1)]
        store.save_results([(ids[0], V1, report_for(WIRE)),
                            (ids[1], V1, report_for(COUNCIL, events=False)),
                            (ids[2], V1, report_for(WIRE_COPY))])
        store.save_results([(ids[3], V2, report_for(FOREST))])
        store.record_failures([(ids[3], V1, "the pipeline gave up")])
    finally:
        store.close()


def read(folder: Path, fmt: str, table: str) -> list[dict[str, Any]]:
    path = folder / f"{table}.{fmt}"
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(path).to_pylist())
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_every_table_is_written_with_source_metadata(store_url: str, tmp_path: Path,
                                                     fmt: str) -> None:
    build(store_url)
    store = open_store(store_url)
    try:
        result = export(store, fmt, tmp_path / "out", analyzer_version=V1)
    finally:
        store.close()
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.{fmt}" for t in TABLES] + ["manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["analyzer_version"] == V1
    rows = {t: read(out, fmt, t) for t in TABLES}
    assert {t: len(r) for t, r in rows.items()} == result.rows == {
        t: manifest["tables"][t]["rows"] for t in TABLES} == {
        "articles": 4, "exact_duplicates": 1, "near_duplicates": 1, "analyses": 3,
        "failures": 1, "quotes": 3, "actors": 6, "sides": 6, "events": 2, "findings": 3,
        "indicators": 18}
    articles = {str(a["article_id"]): a for a in rows["articles"]}
    wire = next(a for a in articles.values() if a["external_id"] == "w1")
    assert (wire["outlet"], wire["date"], wire["title"], wire["source"], wire["text"]) == (
        "Valdora Times", "2024-03-04", "Dockers strike", "wire.jsonl:1", WIRE)
    extra = wire["extra"] if fmt == "jsonl" else json.loads(wire["extra"])
    assert extra == {"desk": "ports"}
    council = next(a for a in articles.values() if a["source"] == "council.txt")
    assert (council["outlet"], council["date"]) == ("example.net", "2024-03-05")
    for quote in rows["quotes"]:
        article = articles[str(quote["article_id"])]
        for name in ARTICLE_META:
            assert quote[name] == article[name], name
        assert quote["analyzer_version"] == V1
        text = article["text"]
        assert text[int(quote["start"]):int(quote["end"])] == quote["text"]
    (event_row, _) = rows["events"]
    assert (event_row["plover"], float(event_row["goldstein"])) == ("PROTEST", -6.5)
    (link,) = rows["near_duplicates"]
    assert str(link["cross_outlet"]).lower() == "true"
    assert articles[str(link["duplicate_of"])]["external_id"] == "w1"
    (failure,) = rows["failures"]
    assert (failure["reason"], failure["outlet"], failure["analyzer_version"]) == (
        "the pipeline gave up", "Fire Watch", V1)
    (dup,) = rows["exact_duplicates"]
    assert (dup["source"], dup["outlet"]) == ("copy-of-council.txt", "Mirror")
    assert str(dup["article_id"]) == str(council["article_id"])


def test_parquet_columns_have_their_types(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    url = f"sqlite:///{tmp_path / 'types.db'}"
    build(url)
    store = open_store(url)
    try:
        export(store, "parquet", tmp_path / "pq", analyzer_version="all")
    finally:
        store.close()
    quotes = pq.read_schema(tmp_path / "pq" / "quotes.parquet")
    assert quotes.field("start").type == pa.int64()
    assert quotes.field("speaker_start").nullable
    links = pq.read_schema(tmp_path / "pq" / "near_duplicates.parquet")
    assert links.field("similarity").type == pa.float64()
    assert links.field("cross_outlet").type == pa.bool_()
    analyses = pq.read_schema(tmp_path / "pq" / "analyses.parquet")
    assert analyses.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert pq.read_schema(tmp_path / "pq" / "articles.parquet").field("extra").type == \
        pa.string()


def test_the_analyzer_version_is_chosen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    build(url)
    store = open_store(url)
    try:
        latest = export(store, "jsonl", tmp_path / "latest")
        assert latest.analyzer_version == V2 and latest.rows["analyses"] == 1
        assert {q["analyzer_version"] for q in read(tmp_path / "latest", "jsonl", "quotes")
                } == {V2}
        every = export(store, "jsonl", tmp_path / "all", analyzer_version="all")
        assert every.analyzer_version is None and every.rows["analyses"] == 4
        with pytest.raises(ConfigError, match="no analyses of analyzer version 'nope'"):
            export(store, "jsonl", tmp_path / "none", analyzer_version="nope")
        assert not (tmp_path / "none").exists()
    finally:
        store.close()
    result = CliRunner().invoke(cli.app, ["export", "--db", url, "--format", "csv",
                                          "--output", str(tmp_path / "cli"),
                                          "--analyzer", "nope"])
    assert result.exit_code == 1 and result.stderr.startswith("evenhand: no analyses of")


def test_text_can_be_left_out_and_reports_put_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    build(url)
    result = CliRunner().invoke(cli.app, ["export", "--db", url, "-f", "jsonl", "-o",
                                          str(tmp_path / "x"), "--no-text", "--reports",
                                          "--analyzer", V2])
    assert result.exit_code == 0, result.stderr
    assert "text" not in read(tmp_path / "x", "jsonl", "articles")[0]
    (analysis,) = read(tmp_path / "x", "jsonl", "analyses")
    assert analysis["report"] == report_for(FOREST)


def test_the_same_export_from_sqlite_and_postgresql(tmp_path: Path, pg_url: str) -> None:
    exported = {}
    for name, url in (("sqlite", f"sqlite:///{tmp_path / 'a.db'}"), ("postgresql", pg_url)):
        build(url)
        store = open_store(url)
        try:
            export(store, "jsonl", tmp_path / name, analyzer_version="all")
        finally:
            store.close()
        exported[name] = {t: [{k: v for k, v in row.items() if k not in TIMESTAMPS}
                              for row in read(tmp_path / name, "jsonl", t)] for t in TABLES}
    assert exported["sqlite"] == exported["postgresql"]
    assert exported["sqlite"]["quotes"]


def test_an_empty_store_exports_empty_tables(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        result = export(store, "csv", tmp_path / "empty")
    finally:
        store.close()
    assert set(result.rows.values()) == {0}
    with (tmp_path / "empty" / "quotes.csv").open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert {"article_id", "start", "end", "text", "outlet", "analyzer_version"} <= set(header)


def test_bad_output_paths_are_clear_errors_and_other_files_are_left(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    build(url)
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli.app, ["export", "--db", url, "-o", str(tmp_path / "a-file")])
    assert result.exit_code != 0 and (tmp_path / "a-file").read_text() == "mine"
    store = open_store(url)
    try:
        with pytest.raises(ConfigError, match="exists and is not a folder"):
            export(store, "csv", tmp_path / "a-file")
        with pytest.raises(ConfigError, match="no such folder"):
            export(store, "csv", tmp_path / "no" / "such" / "out")
        folder = tmp_path / "kept"
        folder.mkdir()
        (folder / "notes.txt").write_text("keep me", encoding="utf-8")
        (folder / "quotes.csv").write_text("old", encoding="utf-8")
        export(store, "csv", folder, analyzer_version=V1)
    finally:
        store.close()
    assert (folder / "notes.txt").read_text() == "keep me"
    assert (folder / "quotes.csv").read_text(encoding="utf-8").startswith("id,analysis_id")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kept.")]


@pytest.mark.slow
def test_a_real_analysis_exports_offsets_into_the_text(nlp: Any, tmp_path: Path) -> None:
    import evenhand
    from evenhand.store import analyzer_version

    url = f"sqlite:///{tmp_path / 'real.db'}"
    store = open_store(url)
    try:
        ingest_items([RawItem(WIRE, "wire.txt", "txt", outlet="Valdora Times")], store)
        (item,) = list(store.pending(analyzer_version()))
        report = evenhand.analyze(item.text, nlp=nlp).to_dict()
        store.save_results([(item.article_id, analyzer_version(report["analyzer"]), report)])
        export(store, "parquet", tmp_path / "real")
    finally:
        store.close()
    quotes = read(tmp_path / "real", "parquet", "quotes")
    assert len(quotes) == len(report["quotes"]) > 0
    assert all(WIRE[q["start"]:q["end"]] == q["text"] for q in quotes)
    assert {q["outlet"] for q in quotes} == {"Valdora Times"}


def test_an_interrupted_export_never_leaves_a_manifest_of_mixed_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'i.db'}"
    build(url)
    folder = tmp_path / "out"
    store = open_store(url)
    try:
        export(store, "jsonl", folder, analyzer_version=V1)
        assert json.loads((folder / "manifest.json").read_text())["analyzer_version"] == V1
        # a folder where sides.jsonl goes stops the move midway ("sides" sorts after
        # "manifest"), as an interruption would: some files new, some old
        (folder / "sides.jsonl").unlink()
        (folder / "sides.jsonl").mkdir()
        (folder / "sides.jsonl" / "x").write_text("in the way", encoding="utf-8")
        with pytest.raises(ConfigError, match="cannot write"):
            export(store, "jsonl", folder, analyzer_version=V2)
        # the tables moved in so far are V2's, the rest V1's: no manifest may describe them
        assert {r["analyzer_version"] for r in read(folder, "jsonl", "actors")} == {V2}
        assert not (folder / "manifest.json").exists()
        (folder / "sides.jsonl" / "x").unlink()
        (folder / "sides.jsonl").rmdir()
        export(store, "jsonl", folder, analyzer_version=V2)
    finally:
        store.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["analyzer_version"] == V2
    assert manifest["tables"]["sides"]["rows"] == len(read(folder, "jsonl", "sides"))
