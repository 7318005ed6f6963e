"""The ``evenhand`` command line: thin wrappers over the library.

::

    evenhand analyze PATH... [--format text|json|jsonl] [--output FILE] [--model NAME]
    evenhand eval quotes --gold FILE.jsonl [--limit N] [--format text|json] [--model NAME]

Errors are one line on stderr, ``evenhand: <input>: <problem>``, never a traceback (``--debug``
shows the traceback of an internal error). Exit status:

* 0: every input was analysed;
* 1..100: ``analyze``: the number of inputs that failed, capped at 100 (the others were
  still analysed and written); 1 also for an error that stops a command outright (the
  pipeline cannot be loaded, the output or the gold file cannot be read or written);
* 2: a usage error (Typer/Click); two failed inputs also give 2, the stderr lines tell which;
* 101: an internal error (a bug in evenhand); 130: interrupted; 141: the reader of
  standard output went away (``evenhand analyze ... | head``).
"""

from __future__ import annotations

import itertools
import sys
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from ._version import __version__
from .api import analyze_many
from .article import Article, InputFailure, iter_articles
from .balance import SideMap, load_sides

# Importing the command modules registers their commands on `app`.
from .commands import _shared, corpus, evaluate, newsroom, stories  # noqa: F401
from .commands._shared import (
    DEFAULT_MAX_CHARS,
    EXIT_INTERNAL,
    MAX_EXIT_FAILURES,
    PIPELINES,
    Format,
    FormatOption,
    MaxCharsOption,
    ModelOption,
    OutputOption,
    SidesOption,
    State,
    app,
    err,
    guard,
    open_output,
    problem,
)
from .errors import EvenhandError
from .render import make_writer
from .report import Report

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["app"]

# Kept under these names for the tests that stand in for them.
_PIPELINES = PIPELINES
_EXIT_INTERNAL = EXIT_INTERNAL


def _pipeline(name: str | None) -> Language:
    """The spaCy pipeline, loaded once per process (see commands._shared.pipeline)."""
    return _shared.pipeline(name)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"evenhand {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version_callback, is_eager=True,
        help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", envvar="EVENHAND_DEBUG",
        help="On an internal error, show the Python traceback instead of one line.")] = False,
) -> None:
    """Measure the balance of news coverage: who is quoted, who is only talked about, and
    how.

    Errors are reported on stderr, one line each: `evenhand: INPUT: PROBLEM`.
    """
    State.debug = debug


# --- analyze --------------------------------------------------------------------------------

def _stdin_problem() -> str | None:
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        return "standard input is closed"
    try:
        if stdin.isatty():
            return "standard input is a terminal; pipe an article in, or give a file path"
    except (ValueError, OSError):
        return None
    return None


class _Feed:
    """The articles of the inputs, lazily and in order, as an iterator of Articles only.

    Inputs that cannot be read are reported on stderr as they are met (and counted) rather
    than passed on. ``pending`` holds the articles handed out but not yet reported on, so
    that a failure inside a batch can be retried article by article.
    """

    def __init__(self, paths: list[str], max_chars: int) -> None:
        self._items = self._read(paths, max_chars)
        self.pending: deque[Article] = deque()
        self.total = 0
        self.failed = 0

    @staticmethod
    def _read(paths: list[str], max_chars: int) -> Iterator[Article | InputFailure]:
        for path in paths:
            if path == "-" and (problem := _stdin_problem()):
                yield InputFailure("<stdin>", problem)
                continue
            yield from iter_articles([path], stdin=sys.stdin, max_chars=max_chars)

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> Article:
        for item in self._items:
            self.total += 1
            if isinstance(item, InputFailure):
                self.fail(item.source, item.problem)
                continue
            if item.id is None:  # every report names its input, in every format
                item.id = item.source
            self.pending.append(item)
            return item
        raise StopIteration

    def fail(self, source: str, problem: str) -> None:
        self.failed += 1
        err(f"{source}: {problem}")


def _reports(feed: _Feed, model: str | None, sides: SideMap | None = None
             ) -> Iterator[tuple[Report, str]]:
    """Reports for the feed's articles, streamed through analyze_many. An EvenhandError in a
    batch fails only the article that raises it: the batch is retried one by one."""
    first = next(feed, None)
    if first is None:  # nothing readable: no need to load the pipeline
        return
    nlp = _pipeline(model)
    articles: Iterator[Article] = itertools.chain([first], feed)
    while True:
        try:
            for report in analyze_many(articles, nlp=nlp, sides=sides):
                article = feed.pending.popleft()
                yield report, article.text
            return
        except EvenhandError:
            stuck = list(feed.pending)
            feed.pending.clear()
            if not stuck:  # not caused by an article: retrying would not help
                raise
        for article in stuck:
            try:
                report = next(analyze_many([article], nlp=nlp, sides=sides))
            except EvenhandError as exc:
                feed.fail(article.source, problem(exc))
            else:
                yield report, article.text
        articles = feed


@app.command(epilog="Exit status: 0 when every input was analysed; otherwise the number of "
             "inputs that failed, at most 100 (1 also when nothing could run, e.g. an "
             "unknown --model; 2 also for a usage error; 101 for an internal error).")
def analyze(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Plain-text (UTF-8), HTML or JSONL files (one article per line with a "
             "\"text\" field); - reads standard input.")],
    fmt: FormatOption = Format.text,
    output: OutputOption = None,
    model: ModelOption = None,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    sides_file: SidesOption = None,
) -> None:
    """Find the quotes in articles, who said them, and who is mentioned.

    Inputs are read and analysed as a stream, in order; each report is written as soon as
    it is ready. An input that cannot be read or analysed is reported on stderr in one line
    and the others go on. Reports with no id of their own take their input's name as id.
    With --format json: one object when the inputs hold one article, a JSON array when they
    hold several (several PATHs or JSONL lines), even if some of them fail.
    """
    with guard():
        sides = load_sides(sides_file) if sides_file is not None else None
        feed = _Feed(paths, max_chars)
        with open_output(output) as out:
            writer = make_writer(fmt.value, out, plain=out is not sys.stdout,
                                 several=lambda: feed.total > 1)
            for report, text in _reports(feed, model, sides):
                writer.write(report, text)
            writer.close()
        if feed.failed:
            err(f"{feed.failed} of {feed.total} inputs failed")
            raise typer.Exit(min(feed.failed, MAX_EXIT_FAILURES))


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="evenhand")
