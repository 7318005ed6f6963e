"""``evenhand eval ...``: score evenhand against gold annotations (logic in evenhand.evaluation
and evenhand.stories.evaluate)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..render import make_console, render_scores
from ._shared import (
    EmbeddingsOption,
    LimitOption,
    ModelOption,
    ScoreFormat,
    ScoreFormatOption,
    ThresholdOption,
    WindowOption,
    eval_app,
    guard,
    pipeline,
)


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
    from ..evaluation.quotes import evaluate_quotes, load_gold

    with guard():
        next(load_gold(gold), None)  # a bad gold file fails before the pipeline is loaded
        scores = evaluate_quotes(gold, nlp=pipeline(model), limit=limit).to_dict()
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

    from ..evaluation.bias import evaluate_babe

    with guard():
        scores = evaluate_babe(gold, nlp=pipeline(model), limit=limit,
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

    from ..evaluation.tone import evaluate_basil

    with guard():
        scores = evaluate_basil(gold, nlp=pipeline(model), limit=limit)
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

    from ..evaluation.events import evaluate_events, format_scores, load_event_gold

    with guard():
        load_event_gold(gold)  # a bad gold file fails before the pipeline is loaded
        scores = evaluate_events(gold, nlp=pipeline(model), limit=limit,
                                 split=None if split is EventSplit.all else split.value)
        typer.echo(json.dumps(scores, indent=2) if fmt is ScoreFormat.json
                   else format_scores(scores))


@eval_app.command("stories", epilog="Exit status: 0 on success; 1 when the data cannot be "
                  "read.")
def eval_stories(
    gold: Annotated[Path, typer.Option(
        "--gold", metavar="FILE.jsonl", show_default=False,
        help="Articles with a gold \"story\" field (corpus/basil_articles.jsonl).")],
    window: WindowOption = 3,
    threshold: ThresholdOption = 0.2,
    embeddings: EmbeddingsOption = False,
    limit: LimitOption = None,
) -> None:
    """Score story clustering against gold stories: B-cubed precision, recall, F1 (JSON)."""
    import json

    from ..stories.evaluate import evaluate_clustering

    with guard():
        options: dict[str, Any] = {"window_days": window, "threshold": threshold}
        if embeddings:
            from ..stories.embeddings import load_encoder

            options["encoder"] = load_encoder()
        scores = evaluate_clustering(gold, limit=limit, **options)
        typer.echo(json.dumps(scores, indent=2))
