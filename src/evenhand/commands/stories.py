"""``evenhand stories`` and ``evenhand compare``: same story, different outlets (logic in
evenhand.stories)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..article import iter_articles
from ..balance import load_sides
from ..render import make_console
from ._shared import (
    DEFAULT_MAX_CHARS,
    MAX_EXIT_FAILURES,
    DbOption,
    EmbeddingsOption,
    MaxCharsOption,
    ModelOption,
    OutputOption,
    ThresholdOption,
    WindowOption,
    app,
    err,
    guard,
    open_output,
    pipeline,
)

# --- stories and compare (same story, different outlets; logic in evenhand.stories) --------

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
    from ..stories.run import store_articles, story_article, unique_articles

    if paths:
        return [story_article(a) for a in unique_articles(
            iter_articles(paths, stdin=sys.stdin, max_chars=max_chars), fail)], None
    from ..store import open_store

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

    from ..stories.run import cluster_articles, story_table

    failed = [0]

    def fail(source: str, problem: str) -> None:
        failed[0] += 1
        err(f"{source}: {problem}")

    with guard():
        articles, store = _story_corpus(paths, db, max_chars, fail)
        if store is not None:
            store.close()
        clustering = cluster_articles(articles, window_days=window, threshold=threshold,
                                      embeddings=embeddings)
        with open_output(output) as out:
            if fmt is StoriesFormat.jsonl:
                for row in clustering.to_rows():
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                from ..stories.views import render_story_table

                render_story_table(story_table(articles, clustering),
                                   make_console(out, plain=out is not sys.stdout))
        if failed[0]:
            err(f"{failed[0]} inputs could not be read")
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

    from ..stories.page import render_comparison_html
    from ..stories.run import (
        analyse_and_compare,
        cluster_articles,
        read_story_map,
        resolve_story,
        store_reports,
    )
    from ..stories.views import render_comparison_markdown, render_comparison_text

    failed = [0]

    def fail(source: str, problem: str) -> None:
        failed[0] += 1
        err(f"{source}: {problem}")

    with guard():
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
        data = analyse_and_compare(story, members, nlp=lambda: pipeline(model),
                                   reports=reports, sides=sides)
        with open_output(output) as out:
            if fmt is CompareFormat.json:
                out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            elif fmt is CompareFormat.html:
                out.write(render_comparison_html(data))
            elif fmt is CompareFormat.md:
                out.write(render_comparison_markdown(data))
            else:
                out.write(render_comparison_text(data))
        if failed[0]:
            err(f"{failed[0]} inputs could not be read")
            raise typer.Exit(min(failed[0], MAX_EXIT_FAILURES))
