"""Streaming report writers for the three output formats: text, json and jsonl.

* ``jsonl``: one compact JSON object per line, written and flushed as each report comes.
* ``json``: one indented object when the run holds a single article, a JSON array when it
  holds several. Whether it holds several is asked of ``several()`` (the CLI answers from
  the number of inputs read, failures included), so the shape follows from the input, not
  from how many reports succeeded. The first report is held back only until that is known.
* ``text``: the Rich view of :mod:`evenhand.render.text`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TextIO

from ..report import Report
from .text import make_console, render_report

__all__ = ["FORMATS", "JsonWriter", "JsonlWriter", "ReportWriter", "TextWriter", "make_writer"]

FORMATS = ("text", "json", "jsonl", "md", "html")


class ReportWriter(Protocol):
    def write(self, report: Report, text: str | None = None) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, report: Report, text: str | None = None) -> None:
        self.out.write(report.to_json() + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class JsonWriter:
    """An object for one article, an array for several; ``several`` is asked at each write
    and at close (default: an array as soon as a second report arrives)."""

    def __init__(self, out: TextIO, several: Callable[[], bool] | None = None,
                 indent: int = 2) -> None:
        self.out = out
        self.several = several
        self.indent = indent
        self._held: Report | None = None
        self._count = 0  # reports written into the array
        self._array = False

    def _item(self, report: Report) -> None:
        self.out.write(("[\n" if not self._count else ",\n") + report.to_json(self.indent))
        self._count += 1

    def write(self, report: Report, text: str | None = None) -> None:
        if not self._array and (self._held is not None
                                or (self.several is not None and self.several())):
            self._array = True
            if self._held is not None:
                self._item(self._held)
                self._held = None
        if self._array:
            self._item(report)
            self.out.flush()
        else:
            self._held = report

    def close(self) -> None:
        several = self.several() if self.several is not None else False
        if self._held is not None and not several:
            self.out.write(self._held.to_json(self.indent) + "\n")
        elif self._held is not None or self._array:
            if self._held is not None:
                self._item(self._held)
            self.out.write("\n]\n")
        elif several:
            self.out.write("[]\n")
        self._held = None
        self.out.flush()


class TextWriter:
    def __init__(self, out: TextIO, *, plain: bool = False) -> None:
        self.out = out
        self.console = make_console(out, plain=plain)

    def write(self, report: Report, text: str | None = None) -> None:
        render_report(report, self.console)
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


def make_writer(fmt: str, out: TextIO, *, plain: bool = False,
                several: Callable[[], bool] | None = None) -> ReportWriter:
    """The writer for ``fmt`` (one of :data:`FORMATS`) writing to ``out``. ``plain``: text
    without colour; ``several``: see :class:`JsonWriter`."""
    if fmt == "text":
        return TextWriter(out, plain=plain)
    if fmt == "json":
        return JsonWriter(out, several=several)
    if fmt == "jsonl":
        return JsonlWriter(out)
    if fmt == "md":
        from .markdown import MarkdownWriter

        return MarkdownWriter(out)
    if fmt == "html":
        from .html import HtmlWriter

        return HtmlWriter(out)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
