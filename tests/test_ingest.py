"""Ingest (evenhand.ingest, ``evenhand ingest``): every reader on written fixtures,
metadata normalisation, exact duplicates skipped and recorded, near-duplicates linked
(never dropped), bad input reported while the rest goes on, resuming an interrupted ingest,
and BASIL + PolNeAR ingested identically into SQLite and PostgreSQL.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from evenhand import cli
from evenhand.errors import ConfigError
from evenhand.ingest import (
    RawItem,
    content_hash,
    detect_language,
    ingest,
    ingest_items,
    iter_items,
    jaccard,
    normalise_date,
    outlet_from_url,
    parse_fields,
    shingles,
)
from evenhand.store import Store, open_store
from evenhand.store import models as m
from store_fixtures import COUNCIL, FOREST, GERMAN, WIRE, WIRE_COPY


@pytest.fixture
def store(tmp_path: Path) -> Any:
    st = open_store(f"sqlite:///{tmp_path / 'ingest.db'}")
    yield st
    st.close()


def articles(store: Store) -> list[m.Article]:
    with store.session() as s:
        return list(s.scalars(select(m.Article).order_by(m.Article.id)))


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli.app, list(args))


def jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def page(title: str, body: str, *, site: str | None = None, date: str | None = None) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    meta = (f'<meta property="og:site_name" content="{site}">' if site else "") + (
        f'<meta property="article:published_time" content="{date}">' if date else "")
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{meta}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
            f"<h1>{title}</h1>{paras}</article><footer>© The Paper</footer></body></html>")


# --- normalisation --------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "iso"), [
    ("2011-04-07", "2011-04-07"),
    ("April 7, 2011", "2011-04-07"),
    ("Thu, 07 Apr 2011 12:30:00 GMT", "2011-04-07T12:30:00Z"),
    ("2016-09-12T10:00:00-04:00", "2016-09-12T10:00:00-04:00"),
    ("2016-09", "2016-09"),
    ("07 April 2011 09:15", "2011-04-07T09:15:00"),
    (1302179400, "2011-04-07T12:30:00Z"),
    ("soon", None), ("Tuesday", None), ("", None), (None, None), ("2016-13", None),
])
def test_dates_are_normalised_to_iso_8601(given: Any, iso: str | None) -> None:
    assert normalise_date(given) == iso


@pytest.mark.parametrize(("url", "outlet"), [
    ("http://thecaucus.blogs.nytimes.com/2011/04/07/story/", "nytimes.com"),
    ("https://www.bbc.co.uk/news/world-123", "bbc.co.uk"),
    ("www.foxnews.com/politics/x", "foxnews.com"),
    ("https://news.example.com.au/a", "example.com.au"),
    ("not a url", None), (None, None),
])
def test_the_outlet_is_the_domain_of_the_url(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


def test_language_is_detected_from_function_words_and_scripts() -> None:
    assert detect_language(WIRE) == "en"
    assert detect_language(GERMAN) == "de"
    assert detect_language("Два человека погибли и ещё трое были ранены в результате "
                           "пожара, который начался в жилом доме в центре города, "
                           "сообщили в МЧС. По данным ведомства, огонь удалось потушить "
                           "только через четыре часа, и на месте работают следователи.") == "ru"
    assert detect_language("東京都は月曜日、新しい防災計画を発表した。") == "ja"
    assert detect_language("Too short to tell.") == "und"


def test_the_content_hash_ignores_white_space_layout_only() -> None:
    assert content_hash("A  story\r\nin two lines.") == content_hash("A story in two lines.")
    assert content_hash("A story.") != content_hash("A story!")


def test_field_mappings_are_checked() -> None:
    assert parse_fields(["text=body", "Outlet = paper"]) == {"text": "body", "outlet": "paper"}
    with pytest.raises(ConfigError, match="expected NAME=COLUMN"):
        parse_fields(["text"])
    with pytest.raises(ConfigError, match="unknown field 'author'"):
        parse_fields(["author=byline"])


# --- readers --------------------------------------------------------------------------------

def test_a_folder_of_text_and_html_files(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Valdora dockers strike\n\n" + WIRE, encoding="utf-8")
    (folder / "sub" / "b.html").write_text(
        page("Libraries to close", COUNCIL, site="Brennick Post", date="2024-03-04"),
        encoding="utf-8")
    (folder / ".hidden.txt").write_text(FOREST, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    result = ingest([str(folder)], store)
    assert (result.added, result.failures) == (2, [])
    assert [s.source for s in result.skipped] == [str(folder / "notes.pdf")]
    a, b = articles(store)
    assert (a.source, a.source_format, a.title, a.text) == (
        str(folder / "a.txt"), "txt", "Valdora dockers strike",
        "Valdora dockers strike\n\n" + WIRE)
    assert (b.source_format, b.title, b.outlet, b.date) == (
        "html", "Libraries to close", "Brennick Post", "2024-03-04")
    assert "Home" not in b.text and "The city council of Brennick" in b.text
    assert a.language == b.language == "en"


def test_jsonl_fields_by_common_names_and_the_rest_kept(tmp_path: Path, store: Store) -> None:
    path = jsonl(tmp_path / "polnear-like.jsonl", [
        {"id": "p1", "text": WIRE, "publisher": "valdora-times",
         "publication_date": "2015-11-11", "title": " Dockers  strike ", "split": "train",
         "quotes": [{"start": 1, "end": 5}]},
        {"id": 7, "text": COUNCIL, "url": "https://www.brennick-post.com/libraries",
         "date": "Thu, 07 Apr 2011 12:30:00 +0100", "story": "s-42"},
    ])
    result = ingest([str(path)], store)
    assert result.added == 2 and not result.failures
    a, b = articles(store)
    assert (a.external_id, a.outlet, a.date, a.title, a.source) == (
        "p1", "valdora-times", "2015-11-11", "Dockers strike", f"{path}:1")
    assert a.extra == {"split": "train", "quotes": [{"start": 1, "end": 5}]}
    assert (b.external_id, b.outlet, b.date, b.extra) == (
        "7", "brennick-post.com", "2011-04-07T12:30:00+01:00", {"story": "s-42"})


def test_csv_with_a_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Body,Paper,When,link,section\n"
        f'"{WIRE}",Valdora Times,"March 4, 2024",https://valdora.example.org/a,ports\n'
        f'"{COUNCIL}",,2024-03-05,https://www.brennick.example.net/b,\n',
        encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'csv.db'}"
    result = invoke("ingest", "--db", url, "--field", "text=body", "--field", "outlet=Paper",
                    "--field", "date=When", str(path))
    assert result.exit_code == 0, result.stderr
    store = open_store(url)
    try:
        a, b = articles(store)
    finally:
        store.close()
    assert (a.text, a.outlet, a.date, a.url, a.extra, a.source) == (
        WIRE, "Valdora Times", "2024-03-04", "https://valdora.example.org/a",
        {"section": "ports"}, f"{path}:2")
    assert (b.outlet, b.date, b.source) == ("example.net", "2024-03-05",
                                            f"{path}:{2 + WIRE.count(chr(10)) + 1}")


def test_standard_input_is_read_as_jsonl_or_as_one_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stdin.db'}"
    lines = json.dumps({"text": WIRE, "publisher": "valdora-times"}) + "\nnot json\n"
    result = CliRunner().invoke(cli.app, ["ingest", "--db", url, "-"], input=lines)
    assert result.exit_code == 1 and "<stdin>:2: invalid JSON" in result.stderr
    result = CliRunner().invoke(cli.app, ["ingest", "--db", url, "-"], input=COUNCIL)
    assert result.exit_code == 0, result.stderr
    store = open_store(url)
    try:
        a, b = articles(store)
    finally:
        store.close()
    assert (a.text, a.outlet, a.source, a.source_format) == (WIRE, "valdora-times",
                                                             "<stdin>:1", "jsonl")
    assert (b.text, b.source, b.source_format) == (COUNCIL, "<stdin>", "txt")


def test_a_csv_without_a_text_column_is_one_clear_failure_and_writes_nothing(
        tmp_path: Path) -> None:
    path = tmp_path / "no-text.csv"
    path.write_text("headline,paper\nDockers strike,Valdora Times\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = invoke("ingest", "--db", url, "--quiet", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"evenhand: {path}: no text column (columns: headline, paper); name it with "
        "--field text=COLUMN")
    result = invoke("ingest", "--db", url, "--quiet", "--field", "text=body", str(path))
    assert result.exit_code == 1 and 'no column "body"' in result.stderr
    store = open_store(url)
    try:
        assert store.counts()["articles"] == 0
    finally:
        store.close()


def _warc(records: list[tuple[str, str, bytes, str]], *, gz: bool) -> bytes:
    """A WARC of (url, content type, body, HTTP status) responses and one request."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for url, ctype, body, status in records:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response",
                                                      payload=io.BytesIO(body),
                                                      http_headers=http))
        if url.endswith("/dockers"):
            req = StatusAndHeaders("GET /dockers HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request",
                                                          payload=io.BytesIO(b""),
                                                          http_headers=req))
    return out.getvalue()


PAGES = [
    ("https://www.valdora-times.example.com/dockers", "text/html; charset=utf-8",
     page("Dockers strike", WIRE).encode(), "200 OK"),
    ("https://www.valdora-times.example.com/style.css", "text/css", b"p { margin: 0 }",
     "200 OK"),
    ("https://www.valdora-times.example.com/gone", "text/html", b"<p>Not found</p>",
     "404 Not Found"),
    ("https://fire.example.org/sorrel-bay", "text/html",
     page("Wildfire near Sorrel Bay", FOREST).encode(), "200 OK"),
]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_a_warc_gives_its_article_pages(tmp_path: Path, store: Store, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc(PAGES, gz=gz))
    result = ingest([str(path)], store)
    assert (result.added, result.failures) == (2, [])
    assert sorted(s.reason for s in result.skipped) == ["HTTP status 404",
                                                        "not a page (text/css)"]
    a, b = articles(store)
    assert (a.url, a.outlet, a.title, a.source_format) == (
        PAGES[0][0], "example.com", "Dockers strike", "warc")
    assert a.source.startswith(f"{path}@") and a.extra["warc_date"]
    assert "Marta Quell" in a.text and b.url == PAGES[3][0] and b.outlet == "example.org"


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_a_truncated_warc_keeps_the_whole_records_and_fails_the_cut_one(
        tmp_path: Path, store: Store, gz: bool) -> None:
    pages = [PAGES[0], PAGES[3], ("https://council.example.net/libraries", "text/html",
                                  page("Libraries", COUNCIL).encode(), "200 OK")]
    data = _warc(pages, gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[:len(data) - (120 if gz else 700)])  # inside the last record
    result = ingest([str(path)], store)
    assert result.added == 2
    assert len(result.failures) == 1 and "truncated WARC" in result.failures[0].problem
    texts = [a.text for a in articles(store)]
    assert "Marta Quell" in texts[0] and "Sorrel Bay" in texts[1]
    assert not any("Brennick" in t for t in texts)  # nothing of the cut record


def test_a_file_that_is_not_a_warc_is_one_failure(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(os.urandom(2048))
    result = ingest([str(path)], store)
    assert result.added == 0 and len(result.failures) == 1
    assert result.failures[0].source == str(path)


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valdora Times</title><link>https://valdora.example.com/</link>
<language>en</language>
<item><title>Dockers strike</title><link>https://valdora.example.com/dockers</link>
<guid>urn:vt:1</guid><pubDate>Mon, 04 Mar 2024 08:15:00 +0100</pubDate>
<content:encoded><![CDATA[{paras}]]></content:encoded></item>
<item><title>Headline only</title><link>https://valdora.example.com/empty</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Fire Watch</title><id>urn:fw</id>
<updated>2024-03-02T10:00:00Z</updated>
<entry><title>Wildfire near Sorrel Bay</title><id>urn:fw:1</id>
<link href="https://www.firewatch.example.org/sorrel"/>
<updated>2024-03-02T10:00:00Z</updated>
<content type="html">{paras}</content></entry></feed>"""


def test_rss_and_atom_feeds(tmp_path: Path, store: Store) -> None:
    import html

    def paras(text: str) -> str:
        return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))

    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "vt.rss").write_text(RSS.format(paras=paras(WIRE)), encoding="utf-8")
    (tmp_path / "feeds" / "fw.atom").write_text(
        ATOM.format(paras=html.escape(paras(FOREST))), encoding="utf-8")
    result = ingest([str(tmp_path / "feeds")], store)
    assert result.added == 2
    assert [(f.source, f.problem) for f in result.failures] == [
        (f"{tmp_path / 'feeds' / 'vt.rss'}#2", "feed entry without text")]
    fire, dock = articles(store)
    assert (dock.title, dock.url, dock.outlet, dock.date, dock.external_id) == (
        "Dockers strike", "https://valdora.example.com/dockers", "example.com",
        "2024-03-04T08:15:00+01:00", "urn:vt:1")
    assert dock.text == WIRE  # paragraphs kept, one blank line apart
    assert dock.extra["feed_title"] == "Valdora Times"
    assert (fire.outlet, fire.date, fire.text) == ("example.org", "2024-03-02T10:00:00Z",
                                                   FOREST)


# --- duplicates -----------------------------------------------------------------------------

def test_an_exact_duplicate_is_skipped_and_where_it_was_found_is_kept(
        tmp_path: Path, store: Store) -> None:
    (tmp_path / "a.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(WIRE.replace("\n\n", "\r\n\r\n") + "\n", encoding="utf-8")
    result = ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store,
                    outlet="wire")
    assert (result.added, result.exact_duplicates) == (1, 1)
    with store.session() as s:
        (dup,) = s.scalars(select(m.ExactDuplicate)).all()
    assert (dup.source, dup.outlet) == (str(tmp_path / "b.txt"), "wire")
    before = store.counts()
    again = ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], store)
    assert (again.added, again.exact_duplicates) == (0, 2)
    assert store.counts() == before  # running an ingest twice changes nothing


def test_wire_copy_across_outlets_is_linked_never_dropped(tmp_path: Path,
                                                          store: Store) -> None:
    path = jsonl(tmp_path / "wire.jsonl", [
        {"text": WIRE, "outlet": "valdora-times"},
        {"text": COUNCIL, "outlet": "brennick-post"},
        {"text": WIRE_COPY, "outlet": "coast-herald"},
    ])
    result = ingest([str(path)], store)
    assert (result.added, result.flagged, result.near_duplicate_links) == (3, 1, 1)
    wire, council, copy = articles(store)
    assert (wire.duplicate_of, council.duplicate_of, copy.duplicate_of) == (None, None,
                                                                           wire.id)
    with store.session() as s:
        (link,) = s.scalars(select(m.NearDuplicate)).all()
    assert (link.article_id, link.duplicate_of, link.cross_outlet) == (copy.id, wire.id, True)
    assert link.similarity == pytest.approx(jaccard(shingles(WIRE), shingles(WIRE_COPY)),
                                            abs=1e-6)
    assert store.count_pending("any-version") == 3  # both copies are still analysed


def test_near_duplicates_are_found_across_ingests_and_grouped_by_the_first(
        tmp_path: Path, store: Store) -> None:
    third = WIRE_COPY.replace("declined to comment", "did not reply to questions")
    ingest_items([RawItem(WIRE, "one", "txt", outlet="a")], store)
    ingest_items([RawItem(WIRE_COPY, "two", "txt", outlet="a")], store)
    ingest_items([RawItem(third, "three", "txt", outlet="b")], store)
    first, second, last = articles(store)
    assert second.duplicate_of == first.id and last.duplicate_of == first.id
    with store.session() as s:
        links = {(n.article_id, n.duplicate_of): n.cross_outlet
                 for n in s.scalars(select(m.NearDuplicate))}
    assert links == {(second.id, first.id): False, (last.id, second.id): True,
                     (last.id, first.id): True}


def test_the_near_duplicate_threshold_is_honoured(tmp_path: Path, store: Store) -> None:
    similarity = jaccard(shingles(WIRE), shingles(WIRE_COPY))
    result = ingest_items([RawItem(WIRE, "one", "txt"), RawItem(WIRE_COPY, "two", "txt")],
                          store, near_threshold=min(1.0, similarity + 0.05))
    assert result.added == 2 and result.near_duplicate_links == 0


# --- metadata -------------------------------------------------------------------------------

def test_outlet_date_and_language_are_normalised(tmp_path: Path, store: Store) -> None:
    path = jsonl(tmp_path / "meta.jsonl", [
        {"text": WIRE, "url": "https://www.example-news.co.uk/x", "date": "March 4, 2024"},
        {"text": GERMAN, "date": "someday", "lang": "en"},
        {"text": FOREST, "outlet": "  Fire   Watch ", "url": "https://other.example.org/"},
    ])
    ingest([str(path)], store, outlet="Desk Default")
    a, b, c = articles(store)
    assert (a.outlet, a.date, a.language) == ("example-news.co.uk", "2024-03-04", "en")
    assert (b.outlet, b.date, b.language) == ("Desk Default", None, "de")
    assert b.extra == {"date_raw": "someday", "declared_language": "en"}
    assert c.outlet == "Fire Watch"


# --- bad input ------------------------------------------------------------------------------

def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(WIRE, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 society news".encode("latin-1") * 5)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    lines = jsonl(tmp_path / "lines.jsonl", [{"text": COUNCIL}, {"title": "no text"},
                                             {"text": ""}])
    with lines.open("a", encoding="utf-8") as f:
        f.write('{"text": "unfinished\n[1, 2]\n')
    nul = jsonl(tmp_path / "nul.jsonl", [{"text": "A story\u0000 with a NUL character."}])
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    paths = [str(good), str(tmp_path / "missing.txt"), str(tmp_path / "binary.txt"),
             str(tmp_path / "latin1.txt"), str(tmp_path / "empty.txt"), str(lines), str(nul)]
    result = invoke("ingest", "--db", url, *paths)
    failures = [line for line in result.stderr.splitlines()[:-1]]
    assert result.exit_code == len(failures) == 9, result.stderr
    expected = [f"{tmp_path / 'missing.txt'}: no such file", f"{tmp_path / 'binary.txt'}: ",
                f"{tmp_path / 'latin1.txt'}: invalid UTF-8", f"{tmp_path / 'empty.txt'}: empty",
                f'{lines}:2: no "text" field', f'{lines}:3: "text" is empty',
                f"{lines}:4: invalid JSON", f"{lines}:5: expected a JSON object",
                f"{nul}:1: the text contains NUL characters"]
    assert all(line.startswith("evenhand: ") for line in failures)
    for line, start in zip(failures, expected[:len(failures)], strict=False):
        assert line.removeprefix("evenhand: ").startswith(start), (line, start)
    assert result.stderr.splitlines()[-1].startswith("evenhand: 2 articles read: 2 added")
    store = open_store(url)
    try:
        assert [a.text for a in articles(store)] == [WIRE, COUNCIL]
    finally:
        store.close()


def test_a_nul_character_fails_the_item(tmp_path: Path, store: Store) -> None:
    result = ingest_items([RawItem("A story\x00 with a NUL.", "nul", "txt")], store)
    assert [f.problem for f in result.failures] == ["the text contains NUL characters"]
    assert store.counts()["articles"] == 0


# root reads files whatever their mode through the DAC-override capabilities, and CI runs
# as root: there the ingest runs as root without them, so a mode-0 file is unreadable to it
_NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"]
PROG = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]


@pytest.mark.parametrize("kind", ["txt", "jsonl", "csv"])
def test_an_unreadable_file_is_a_failure_and_the_rest_goes_on(tmp_path: Path,
                                                              kind: str) -> None:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop the capability to read any file")
    secret = tmp_path / f"secret.{kind}"
    secret.write_text({"txt": WIRE, "jsonl": json.dumps({"text": WIRE}) + "\n",
                       "csv": f"text\n{WIRE}\n"}[kind], encoding="utf-8")
    secret.chmod(0)
    good = tmp_path / "good.txt"
    good.write_text(COUNCIL, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'unreadable.db'}"
    proc = subprocess.run([*(_NO_DAC if os.geteuid() == 0 else []), *PROG, "ingest", "--db",
                           url, "--quiet", str(secret), str(good)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[0] == f"evenhand: {secret}: permission denied"
    store = open_store(url)
    try:
        assert [a.text for a in articles(store)] == [COUNCIL]
    finally:
        store.close()


def test_a_bug_of_ours_is_raised_never_blamed_on_the_file(tmp_path: Path) -> None:
    # a field mapping that is not text is the caller's mistake, not the file's: it must
    # surface, where a catch-all once reported it as "cannot read" against the file
    path = jsonl(tmp_path / "a.jsonl", [{"body": WIRE}])
    with pytest.raises(AttributeError):
        list(iter_items([str(path)], fields={"text": 5}))  # type: ignore[dict-item]


def test_an_unreadable_folder_entry_is_a_failure_even_as_root(tmp_path: Path,
                                                              store: Store) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text(WIRE, encoding="utf-8")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "in" / "broken.txt")
    result = ingest([str(tmp_path / "in")], store)
    assert result.added == 1
    assert [(f.source, f.problem) for f in result.failures] == [
        (str(tmp_path / "in" / "broken.txt"), "no such file")]


def test_the_exit_status_is_the_number_of_failures_capped_at_100(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("not json\n" * 120 + json.dumps({"text": WIRE}) + "\n", encoding="utf-8")
    result = invoke("ingest", "--db", f"sqlite:///{tmp_path / 'm.db'}", "--quiet", str(path))
    assert result.exit_code == 100
    assert len(result.stderr.splitlines()) == 120


def test_an_interrupted_ingest_keeps_whole_chunks_and_resumes(tmp_path: Path,
                                                              store: Store) -> None:
    path = jsonl(tmp_path / "five.jsonl",
                 [{"text": t} for t in (WIRE, COUNCIL, FOREST, GERMAN, WIRE_COPY)])

    def stop(progress: Any) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([str(path)], store, batch_size=2, on_progress=stop)
    assert store.counts()["articles"] == 2 and store.counts()["minhash_bands"] > 0
    result = ingest([str(path)], store, batch_size=2)
    assert (result.added, result.exact_duplicates) == (3, 2)
    assert [a.text for a in articles(store)] == [WIRE, COUNCIL, FOREST, GERMAN, WIRE_COPY]
    assert store.counts()["exact_duplicates"] == 0  # the same source, not a second copy
    assert store.counts()["near_duplicates"] == 1


def test_a_gzip_file_of_text_is_not_mistaken_for_a_warc(tmp_path: Path, store: Store) -> None:
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "story.txt.gz"
    path.write_bytes(gzip.compress(WIRE.encode()))
    result = ingest([str(tmp_path / "in")], store)
    assert result.added == 0 and [s.source for s in result.skipped] == [str(path)]


# --- the two real corpora on both backends --------------------------------------------------

def _snapshot(url: str) -> dict[str, Any]:
    store = open_store(url)
    try:
        with store.session() as s:
            by_id = dict(s.execute(select(m.Article.id, m.Article.content_hash)).all())
            rows = sorted(
                (a.content_hash, a.external_id, a.outlet, a.url, a.title, a.date, a.language,
                 a.source, a.source_format, a.n_chars, a.n_words, a.text,
                 by_id.get(a.duplicate_of) if a.duplicate_of else None,
                 json.dumps(a.extra, sort_keys=True))
                for a in s.scalars(select(m.Article)))
            links = sorted((by_id[n.article_id], by_id[n.duplicate_of], n.similarity,
                            n.cross_outlet) for n in s.scalars(select(m.NearDuplicate)))
            exact = sorted((by_id[d.article_id], d.source, d.outlet)
                           for d in s.scalars(select(m.ExactDuplicate)))
        counts = store.counts()
        return {"counts": counts, "articles": rows, "links": links, "exact": exact}
    finally:
        store.close()


@pytest.mark.slow
def test_basil_and_polnear_ingest_identically_into_sqlite_and_postgresql(
        shared_dir: Path, tmp_path: Path, pg_url: str) -> None:
    paths = [shared_dir / "data" / "corpus" / "basil_articles.jsonl",
             shared_dir / "data" / "quotes" / "polnear" / "train.jsonl",
             shared_dir / "data" / "quotes" / "polnear" / "dev.jsonl"]
    for path in paths:
        if not path.is_file():
            pytest.skip(f"{path} is absent")
    sqlite_url = f"sqlite:///{tmp_path / 'corpora.db'}"
    results = {}
    for url in (sqlite_url, pg_url):
        store = open_store(url)
        try:
            results[url] = ingest([str(p) for p in paths], store)
        finally:
            store.close()
    lite, pg = results[sqlite_url], results[pg_url]
    assert (lite.read, lite.failures) == (1224, [])
    # one PolNeAR article appears twice (two dates, the same text); six pairs of PolNeAR
    # articles are updated versions of one story (Jaccard of word 5-grams 0.52 to 0.93)
    assert (lite.added, lite.exact_duplicates, lite.flagged, lite.near_duplicate_links) == (
        1223, 1, 6, 6)
    assert (pg.added, pg.exact_duplicates, pg.flagged, pg.near_duplicate_links) == (
        lite.added, lite.exact_duplicates, lite.flagged, lite.near_duplicate_links)
    a, b = _snapshot(sqlite_url), _snapshot(pg_url)
    assert a["counts"] == b["counts"]
    assert a["links"] == b["links"] and a["exact"] == b["exact"]
    assert a["articles"] == b["articles"]
    outlets = {row[2] for row in a["articles"]}
    assert {"nyt", "fox", "hpo", "breitbart"} <= outlets
    assert all(row[5] and len(row[5]) == 10 for row in a["articles"])  # every date ISO
    assert {row[6] for row in a["articles"]} == {"en"}


def test_jsonl_problems_read_the_same_for_articles_ingest_and_evaluation(
        tmp_path: Path) -> None:
    from evenhand.article import InputFailure, iter_articles
    from evenhand.errors import EvaluationError
    from evenhand.evaluation._jsonl import read_jsonl

    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "ok"}\n\n[1]\n{"text": "caf\xe9"}\n{"text": \n')
    problems = ["expected a JSON object, got an array", "invalid UTF-8 at byte 13 of the line",
                "invalid JSON: Expecting value (column 10)"]
    for got in (list(iter_articles([str(path)])), list(iter_items([str(path)]))):
        assert [(f.source, f.problem) for f in got if isinstance(f, InputFailure)] == [
            (f"{path}:{n}", p) for n, p in zip((3, 4, 5), problems, strict=True)]
    with pytest.raises(EvaluationError) as err:
        list(read_jsonl(path))
    assert str(err.value) == f"{path}:3: {problems[0]}"
