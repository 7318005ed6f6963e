"""Small helpers shared across the package (internal: not part of the public API)."""

from __future__ import annotations

import codecs
import csv
import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

__all__ = ["JsonLine", "json_type", "jsonl_lines", "load_yaml", "one_line", "read_errors",
           "utc_now"]

_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true/false", type(None): "null", dict: "an object"}


def one_line(exc: BaseException, *, first_line: bool = False, limit: int = 200) -> str:
    """``exc``'s message on one line (white space collapsed, cut at ``limit`` characters),
    or its type's name when it has none. ``first_line`` keeps only the first line: a
    database driver's message goes on with DETAIL/LINE context that is no use in one line."""
    text = str(exc).strip()
    if first_line:
        text = text.splitlines()[0] if text else ""
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def load_yaml(source: Any) -> Any:
    """``yaml.safe_load`` of a string or text stream, with libyaml's parser when PyYAML was
    built with it: the same safe loader, ~10x faster (the knowledge base's YAML took ~1 s to
    parse in pure Python, paid at every pipeline load: each batch worker, each CLI call)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return yaml.load(source, Loader=loader)  # a safe loader, C or Python


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@cache
def read_errors() -> tuple[type[BaseException], ...]:
    """What reading someone's file can raise from outside evenhand: the OS, decoding,
    the csv module, compression, and the WARC, HTML/XML and feed libraries. A reader
    reports these against the file; anything else is a bug of ours and must surface as
    one (imported on first use: the libraries are slow to load and not always needed)."""
    import lxml.etree
    from feedparser.exceptions import ThingsNobodyCaresAboutButMe
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    return (OSError, UnicodeError, EOFError, csv.Error, zlib.error, ArchiveLoadFailed,
            StatusAndHeadersParserException, lxml.etree.LxmlError,
            ThingsNobodyCaresAboutButMe)


def json_type(value: object) -> str:
    """What a JSON value is, in words: "an array", "a number", "null", ..."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


class JsonLine(NamedTuple):
    """One non-blank line of a JSONL input: its object, or the problem with it.
    ``lineno`` 0 is the input as a whole (empty, or only white space)."""

    lineno: int
    obj: dict[str, Any] | None
    problem: str | None
    size: int  # bytes in the line
    too_long: bool = False  # over the limit: not read at all, ``problem`` is None


def jsonl_lines(chunks: Iterable[bytes], max_bytes: int) -> Iterator[JsonLine]:
    """The one JSONL reader (articles, ingest, evaluation data): each non-blank line of the
    byte ``chunks`` as a JSON object or a one-line problem, so that a caller can fail that
    line and read on. A line over ``max_bytes`` is skipped without being held in memory.
    A UTF-8 byte-order mark before the first line is dropped."""
    seen_line = seen_item = False
    for lineno, line, size in _lines(chunks, max_bytes):
        seen_line = True
        if line is None:
            seen_item = True
            yield JsonLine(lineno, None, None, size, too_long=True)
            continue
        if not line.strip():
            continue
        seen_item = True
        if lineno == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield JsonLine(lineno, None, f"invalid UTF-8 at byte {exc.start} of the line", size)
            continue
        except json.JSONDecodeError as exc:
            yield JsonLine(lineno, None, f"invalid JSON: {exc.msg} (column {exc.colno})", size)
            continue
        except RecursionError:
            yield JsonLine(lineno, None, "invalid JSON: nested too deeply", size)
            continue
        if not isinstance(obj, dict):
            yield JsonLine(lineno, None, f"expected a JSON object, got {json_type(obj)}", size)
            continue
        yield JsonLine(lineno, obj, None, size)
    if not seen_item:
        yield JsonLine(0, None, "contains only whitespace" if seen_line else "empty file", 0)


def _lines(chunks: Iterable[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """``(line number, line, size)`` for each line; the line is None (and not kept in
    memory) when it is longer than ``max_bytes``."""
    buf = bytearray()
    dropped = 0  # bytes of the current line already dropped for being too long
    lineno = 1
    for chunk in chunks:
        pos = 0
        while True:
            nl = chunk.find(b"\n", pos)
            piece = chunk[pos:] if nl < 0 else chunk[pos:nl]
            if dropped:
                dropped += len(piece)
            else:
                buf += piece
                if len(buf) > max_bytes:
                    dropped, buf = len(buf), bytearray()
            if nl < 0:
                break
            yield lineno, (None if dropped else bytes(buf)), dropped or len(buf)
            buf, dropped, lineno, pos = bytearray(), 0, lineno + 1, nl + 1
    if buf or dropped:
        yield lineno, (None if dropped else bytes(buf)), dropped or len(buf)
