"""Reading corpora: folders of ``.txt``/``.html`` files, JSONL, CSV/TSV, WARC and RSS/Atom.

:func:`iter_items` yields one :class:`RawItem` per article found, an
:class:`~evenhand.article.InputFailure` for each input (or line, row, record, entry) that
cannot be read, and a :class:`Skipped` for things that are not articles (a WARC's CSS and
redirects, a file of another kind inside a folder). It never raises for bad input.

JSONL and CSV records name their fields by column: ``text`` is required; ``id``, ``title``,
``outlet``, ``date``, ``url`` and ``language`` are looked up by the names in
:data:`ALIASES` (case-insensitively) unless a ``--field NAME=COLUMN`` mapping names the
column. Every other field is kept in the article's ``extra`` metadata.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from .._util import jsonl_lines, one_line, read_errors
from ..article import InputFailure, iter_articles
from ..errors import ConfigError
from .normalise import normalise_date

__all__ = ["ALIASES", "FIELDS", "FORMATS", "RawItem", "Skipped", "iter_items", "parse_fields"]

FIELDS = ("text", "id", "title", "outlet", "date", "url", "language")
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "article_text",
             "maintext"),
    "id": ("id", "article_id", "doc_id", "docid", "guid", "uid"),
    "title": ("title", "headline"),
    # NELA-GT calls the outlet "source"; PolNeAR "publisher"
    "outlet": ("outlet", "publisher", "source", "site", "site_name", "sitename", "domain",
               "publication", "newspaper", "media"),
    "date": ("date", "publication_date", "published", "published_at", "pubdate", "pub_date",
             "date_published", "datetime", "timestamp", "time"),
    "url": ("url", "link", "href", "uri", "source_url"),
    "language": ("language", "lang"),
}
FORMATS = ("txt", "html", "jsonl", "csv", "tsv", "warc", "rss")
_SUFFIXES = {
    ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
    ".warc": "warc", ".arc": "warc", ".rss": "rss", ".atom": "rss", ".xml": "rss",
}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass
class RawItem:
    """One article as read, before normalisation."""

    text: str
    source: str  # path, path:line (JSONL, CSV), path@offset (WARC), path#n (feed entry)
    source_format: str
    external_id: Any = None
    title: Any = None
    outlet: Any = None
    date: Any = None
    url: Any = None
    language: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """Something read that is not an article (not a failure)."""

    source: str
    reason: str


Item = RawItem | InputFailure | Skipped


def parse_fields(specs: Sequence[str]) -> dict[str, str]:
    """``["text=body", "outlet=publisher"]`` → ``{"text": "body", "outlet": "publisher"}``."""
    out: dict[str, str] = {}
    for spec in specs:
        name, sep, column = spec.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not sep or not name or not column:
            raise ConfigError(f"--field {spec!r}: expected NAME=COLUMN, e.g. text=body")
        if name not in FIELDS:
            raise ConfigError(f"--field {spec!r}: unknown field {name!r}; one of "
                              f"{', '.join(FIELDS)}")
        out[name] = column
    return out


def format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".warc.gz", ".arc.gz")):
        return "warc"
    return _SUFFIXES.get(path.suffix.lower())


def iter_items(paths: Sequence[str | os.PathLike[str]], *, fields: Mapping[str, str] | None = None,
               fmt: str | None = None, max_chars: int = 1_000_000) -> Iterator[Item]:
    """Articles from files and folders (walked recursively, hidden entries and files of
    unknown kinds skipped), in a stable order. ``fmt`` forces one format for every file."""
    fields = dict(fields or {})
    if fmt is not None and fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                kind = fmt or format_of(file)
                if kind is None:
                    yield Skipped(str(file), "not a known article file (by its extension)")
                    continue
                yield from _read(file, kind, fields, max_chars)
        else:
            yield from _read(path, fmt or format_of(path) or "txt", fields, max_chars)


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _read(path: Path, kind: str, fields: dict[str, str], max_chars: int) -> Iterator[Item]:
    source = str(path)
    if source == "-":
        yield from _stdin_items(fields, max_chars)
        return
    try:
        if kind in ("txt", "html"):
            yield from _via_article(path, kind, max_chars)
            return
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield InputFailure(source, _os_problem(exc))
            return
        with handle:
            if kind == "jsonl":
                yield from _jsonl_items(handle, source, fields, max_chars)
            elif kind in ("csv", "tsv"):
                yield from _csv_items(handle, source, fields, "\t" if kind == "tsv" else ",")
            elif kind == "warc":
                yield from _warc_items(handle, source, max_chars)
            else:
                yield from _feed_items(handle, source, max_chars)
    # only what the OS and the parsing libraries raise is the file's problem: a bug of ours
    # must surface as one (an internal error), not be blamed on the user's file
    except read_errors() as exc:
        yield InputFailure(source, f"cannot read: {one_line(exc)}")


def _os_problem(exc: OSError) -> str:
    return {FileNotFoundError: "no such file", PermissionError: "permission denied",
            IsADirectoryError: "is a directory"}.get(type(exc)) or \
        (exc.strerror or one_line(exc)).lower()


class _Prefixed(io.RawIOBase):
    """A byte stream that first gives back ``head`` (already read to look at), then the
    rest of ``rest``."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.head[:len(buffer)]
        self.head = self.head[len(data):]
        if not data:
            data = self.rest.read(len(buffer)) or b""
        buffer[:len(data)] = data
        return len(data)


def _stdin_items(fields: dict[str, str], max_chars: int) -> Iterator[Item]:
    """Standard input: JSONL when it opens with a JSON object, else one text article."""
    raw = getattr(sys.stdin, "buffer", sys.stdin)
    try:
        head = raw.read(1 << 13) or b""
        if isinstance(head, str):
            head = head.encode("utf-8", "surrogateescape")
        stream = io.BufferedReader(_Prefixed(head, raw))
        if head.lstrip().removeprefix(b"\xef\xbb\xbf").startswith(b"{"):
            yield from _jsonl_items(stream, "<stdin>", fields, max_chars)
            return
    except read_errors() as exc:  # the input's problem; a bug of ours surfaces as one
        yield InputFailure("<stdin>", f"cannot read: {one_line(exc)}")
        return
    for got in iter_articles(["-"], stdin=stream, max_chars=max_chars):
        if isinstance(got, InputFailure):
            yield got
        else:
            yield RawItem(text=got.text, source=got.source, source_format="txt",
                          title=got.title)


# --- plain text and HTML: evenhand's own reader ---------------------------------------------

def _via_article(path: Path, kind: str, max_chars: int) -> Iterator[Item]:
    # iter_articles picks the reader by extension; a forced format on another extension
    # is read as plain text (HTML needs its extension to be recognised as such)
    for got in iter_articles([str(path)], max_chars=max_chars):
        if isinstance(got, InputFailure):
            yield got
            continue
        yield RawItem(text=got.text, source=got.source,
                      source_format="html" if got.extracted else kind,
                      title=got.title, outlet=got.outlet, date=got.date, url=got.url)


# --- records: JSONL and CSV -----------------------------------------------------------------

def _column(keys: Mapping[str, str], name: str, fields: Mapping[str, str]) -> str | None:
    """The record's key for field ``name``: the mapped column, else the first alias."""
    if name in fields:
        return keys.get(fields[name].lower())
    for alias in ALIASES[name]:
        if alias in keys:
            return keys[alias]
    return None


def _record(rec: Mapping[str, Any], source: str, fmt: str, fields: Mapping[str, str],
            keys: Mapping[str, str] | None = None) -> RawItem | InputFailure:
    keys = keys if keys is not None else {k.lower(): k for k in rec}
    text_key = _column(keys, "text", fields)
    wanted = fields.get("text", "text")
    if text_key is None:
        return InputFailure(source, f'no "{wanted}" field')
    text = rec[text_key]
    if not isinstance(text, str):
        return InputFailure(source, f'"{text_key}" is not a string')
    if not text.strip():
        return InputFailure(source, f'"{text_key}" is empty')
    used = {text_key}
    meta: dict[str, Any] = {}
    for name in FIELDS[1:]:
        key = _column(keys, name, fields)
        if key is not None:
            used.add(key)
            meta[name] = rec[key]
    extra = {k: v for k, v in rec.items() if k not in used and v not in ("", None)}
    return RawItem(text=text, source=source, source_format=fmt,
                   external_id=meta.get("id"), title=meta.get("title"),
                   outlet=meta.get("outlet"), date=meta.get("date"), url=meta.get("url"),
                   language=meta.get("language"), extra=extra)


def _jsonl_items(handle: BinaryIO, source: str, fields: Mapping[str, str],
                 max_chars: int) -> Iterator[Item]:
    limit = 6 * max_chars + 1024  # a JSON string may spell a character as \uXXXX
    for line in jsonl_lines(iter(partial(handle.read, 1 << 16), b""), limit):
        where = f"{source}:{line.lineno}" if line.lineno else source
        if line.too_long:
            yield InputFailure(where, f"line longer than the {limit:,}-byte limit")
        elif line.obj is None:
            yield InputFailure(where, line.problem or "unreadable")
        else:
            yield _record(line.obj, where, "jsonl", fields)


def _csv_items(handle: BinaryIO, source: str, fields: Mapping[str, str],
               delimiter: str) -> Iterator[Item]:
    fmt = "tsv" if delimiter == "\t" else "csv"
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article texts are long fields
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    line = 0
    try:
        header = next(reader, None)
        if header is None:
            yield InputFailure(source, "empty file")
            return
        columns = [h.strip() for h in header]
        keys = {c.lower(): c for c in columns if c}
        if _column(keys, "text", fields) is None:
            wanted = (f'no column "{fields["text"]}"' if "text" in fields
                      else "no text column")
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            yield InputFailure(source, f"{wanted} (columns: {shown}); name it with "
                                       "--field text=COLUMN")
            return
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            where = f"{source}:{start}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                yield InputFailure(where, f"{len(row)} fields where the header has "
                                          f"{len(columns)}")
                continue
            yield _record(dict(zip(columns, row, strict=True)), where, fmt, fields, keys)
    except UnicodeDecodeError as exc:
        yield InputFailure(f"{source}:{line + 1}", f"invalid UTF-8 (byte "
                           f"0x{exc.object[exc.start]:02x}); the rest of the file is not read")
    except csv.Error as exc:
        yield InputFailure(f"{source}:{line + 1}", f"malformed CSV: {one_line(exc)}; the "
                                                   "rest of the file is not read")
    finally:
        text.detach()


# --- WARC -----------------------------------------------------------------------------------

class _GzipWatch:
    """Passes a file's bytes through to warcio while checking the gzip members it holds:
    warcio silently drops a record cut off inside a gzip member, which this notices."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.gzip = raw.peek(2)[:2] == b"\x1f\x8b" if hasattr(raw, "peek") else False
        self._z = zlib.decompressobj(31)
        self.inside = False  # bytes of a member seen, its end not yet
        self.members = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if self.gzip and data:
            self._feed(data)
        return data

    def _feed(self, data: bytes) -> None:
        while data:
            try:
                self._z.decompress(data, 1 << 16)
                while self._z.unconsumed_tail and not self._z.eof:
                    self._z.decompress(self._z.unconsumed_tail, 1 << 16)
            except zlib.error:
                self.gzip = False  # warcio reports corrupt data itself
                return
            if self._z.eof:
                data = self._z.unused_data
                self._z = zlib.decompressobj(31)
                self.members += 1
                self.inside = False
            else:
                self.inside = True
                data = b""


def _warc_items(handle: BinaryIO, source: str, max_chars: int) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    watch = _GzipWatch(handle)
    records = 0
    cut = False
    try:
        iterator = ArchiveIterator(watch)
        for record in iterator:
            records += 1
            if record.rec_type not in ("response", "resource"):
                continue
            http = record.http_headers
            ctype = (http.get_header("Content-Type") if http is not None
                     else record.rec_headers.get_header("Content-Type")) or ""
            mime = ctype.split(";")[0].strip().lower()
            status = http.get_statuscode() if http is not None else None
            url = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response" and http is None:
                continue  # dns: and other non-HTTP responses
            skip = (f"HTTP status {status}" if status is not None and not status.startswith("2")
                    else None if mime in _HTML_TYPES or mime == "text/plain"
                    else f"not a page ({mime or 'no content type'})")
            if skip is None:
                stream = record.content_stream()
                data = stream.read(12 * max_chars + 1)
                while stream.read(1 << 16):
                    pass  # to the end, for the truncation check below
            # (the offset is known once the record is read: warcio reads it to get there)
            where = f"{source}@{iterator.get_record_offset()}"
            if skip is not None:
                yield Skipped(where, skip)
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                cut = True
                yield InputFailure(where, "truncated WARC: the file ends inside this record")
                continue
            yield _warc_item(data, where, url, mime, ctype, record, max_chars)
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as exc:
        yield InputFailure(source, f"not a readable WARC after {records} records: "
                                   f"{one_line(exc)}")
        return
    if watch.gzip and watch.inside and not cut:
        yield InputFailure(source, f"truncated WARC: the file ends inside a compressed "
                                   f"record (after {watch.members} complete records)")
    elif records == 0:
        yield InputFailure(source, "no WARC records")


def _warc_item(data: bytes, where: str, url: str | None, mime: str, ctype: str,
               record: Any, max_chars: int) -> Item:
    if len(data) > 12 * max_chars:
        return InputFailure(where, "page too large")
    extra = {"warc_date": record.rec_headers.get_header("WARC-Date"),
             "warc_record_id": record.rec_headers.get_header("WARC-Record-ID")}
    if mime == "text/plain":
        charset = re.search(r"charset=([\w-]+)", ctype)
        try:
            text = data.decode(charset.group(1) if charset else "utf-8")
        except (LookupError, UnicodeDecodeError):
            return InputFailure(where, "text/plain record that is not valid UTF-8")
        return RawItem(text=text, source=where, source_format="warc", url=url, extra=extra)
    doc = _extract_html(data, url)
    if doc is None or len(str(doc.get("text") or "").split()) < 5:
        return Skipped(where, "no main text found in the page")
    site = doc.get("sitename")
    host = (urlsplit(url).hostname or "").lower() if url else ""
    if isinstance(site, str) and site.lower() in (host, host.removeprefix("www.")):
        site = None  # trafilatura's stand-in for a missing site name: not the outlet's name
    return RawItem(text=doc["text"], source=where, source_format="warc",
                   title=doc.get("title"), outlet=site, date=doc.get("date"),
                   url=url or doc.get("url"), extra=extra)


def _extract_html(data: bytes, url: str | None) -> dict[str, Any] | None:
    import trafilatura

    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True,
                                      include_comments=False)
    if doc is None:
        return None
    if not isinstance(doc, dict):
        doc = {k: getattr(doc, k, None) for k in ("text", "title", "sitename", "date", "url")}
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in doc.items()}


# --- RSS and Atom ---------------------------------------------------------------------------

_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
          "pre", "table", "tr", "section", "article", "figure", "figcaption", "header",
          "footer"}


def html_to_text(html: str) -> str:
    """Paragraph text of an HTML fragment (a feed entry's content), one blank line between
    blocks."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    # lxml refuses some fragments (ValueError: NUL and control characters, an encoding
    # declaration in a str); fall back to dropping the tags
    except (lxml.etree.LxmlError, ValueError):
        plain = re.sub(r"<[^>]+>", " ", html)
    else:
        for el in root.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag in ("script", "style"):
                el.text = ""
            if tag == "br":
                el.tail = "\n" + (el.tail or "")
            elif tag in _BLOCK:
                el.text = "\n\n" + (el.text or "")
                el.tail = "\n\n" + (el.tail or "")
        plain = root.text_content()
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", plain))
    return "\n\n".join(p for p in paragraphs if p)


def _feed_items(handle: BinaryIO, source: str, max_chars: int) -> Iterator[Item]:
    import feedparser

    data = handle.read(20 * max_chars + 1)
    if len(data) > 20 * max_chars:
        yield InputFailure(source, "feed file too large")
        return
    if not data.strip():
        yield InputFailure(source, "empty file")
        return
    parsed = feedparser.parse(data)  # bytes: never fetched from anywhere
    if not parsed.entries:
        bozo = parsed.get("bozo_exception")
        why = one_line(bozo) if parsed.get("bozo") and isinstance(bozo, BaseException) else ""
        yield InputFailure(source, "not an RSS or Atom feed" + (f": {why}" if why else "")
                           if not parsed.get("version") else "the feed has no entries")
        return
    feed = parsed.get("feed", {})
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{source}#{n}"
        contents = [c for c in entry.get("content", []) if c.get("value")]
        body = max(contents, key=lambda c: len(c["value"])) if contents else None
        value = body["value"] if body else entry.get("summary") or ""
        mime = (body.get("type") if body else
                entry.get("summary_detail", {}).get("type")) or "text/html"
        text = html_to_text(value) if "html" in mime else value.strip()
        if not text.strip():
            yield InputFailure(where, "feed entry without text")
            continue
        # the date as written keeps its UTC offset; feedparser's own parse is in UTC
        date: Any = entry.get("published") or entry.get("updated")
        parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")
        if normalise_date(date) is None and parsed_time is not None:
            y, mo, d, h, mi, sec = tuple(parsed_time)[:6]
            date = datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
        yield RawItem(text=text, source=where, source_format="rss",
                      external_id=entry.get("id"), title=entry.get("title"),
                      date=date, url=entry.get("link"),
                      language=feed.get("language"),
                      extra={k: v for k, v in (("feed_title", feed.get("title")),
                                               ("feed_link", feed.get("link")),
                                               ("author", entry.get("author")))
                             if isinstance(v, str) and v})
