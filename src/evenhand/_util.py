"""Small helpers shared across the package (internal: not part of the public API)."""

from __future__ import annotations

import csv
import zlib
from datetime import UTC, datetime
from functools import cache

__all__ = ["one_line", "read_errors", "utc_now"]


def one_line(exc: BaseException, *, first_line: bool = False, limit: int = 200) -> str:
    """``exc``'s message on one line (white space collapsed, cut at ``limit`` characters),
    or its type's name when it has none. ``first_line`` keeps only the first line: a
    database driver's message goes on with DETAIL/LINE context that is no use in one line."""
    text = str(exc).strip()
    if first_line:
        text = text.splitlines()[0] if text else ""
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
