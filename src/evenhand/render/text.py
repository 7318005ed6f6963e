"""The Rich terminal view of a report (and of evaluation scores).

Article text is always wrapped in :class:`rich.text.Text`, never parsed as markup, so square
brackets in an article print as they are. Colour comes from Rich: none when the output is
not a terminal, none at all with ``make_console(..., plain=True)``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..report import QuoteRecord, Report

__all__ = ["make_console", "render_report", "render_scores"]

QUOTE_CHARS = 160  # quote text is cut to this many characters in the table
EXCLUDED_CHARS = 70
PLAIN_WIDTH = 120  # width when writing to a file or a pipe (Rich would use 80)

_KIND_STYLE = {"direct": "green", "mixed": "yellow", "indirect": "cyan"}
_REGION_LABEL = {"headline": "headline", "headline-repeat": "headline repeat",
                 "boilerplate": "boilerplate"}


def make_console(file: TextIO, *, plain: bool = False) -> Console:
    """A console writing to ``file``. ``plain``: no colour or styles whatever the file is
    (for ``--output FILE``); otherwise Rich decides (colour on a terminal only)."""
    if plain:
        return Console(file=file, width=PLAIN_WIDTH, color_system=None, no_color=True,
                       force_terminal=False, highlight=False, emoji=False, soft_wrap=False)
    console = Console(file=file, highlight=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PLAIN_WIDTH
    return console


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bare(name: str) -> str:
    name = name.casefold()
    return name[4:] if name.startswith("the ") else name


def _speaker(quote: QuoteRecord, names: Mapping[str, str]) -> Text:
    said = _one_line(quote.speaker.text, 50) if quote.speaker else None
    actor = names.get(quote.actor) if quote.actor else None
    if said is None and actor is None:
        return Text("—", style="dim")
    if actor is None:
        return Text(said or "")
    if said is None or _bare(said) == _bare(actor):
        # no speaker span (a floating quote carried over from the previous speaker)
        return Text.assemble(("→ " if said is None else "", "dim"), (actor, "bold"))
    return Text.assemble(said, (" → ", "dim"), (actor, "bold"))


def _header(report: Report) -> list[Text]:
    lines = []
    meta = [("source", report.source), ("id", report.id if report.id != report.source else None),
            ("outlet", report.outlet), ("date", report.date), ("url", report.url)]
    parts = [Text.assemble((f"{key}: ", "dim"), value) for key, value in meta if value]
    if parts:
        lines.append(Text("   ").join(parts))
    kinds = Counter(q.kind for q in report.quotes)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    count = len(report.quotes)
    lines.append(Text(
        f"{count} quote{'s' if count != 1 else ''}" + (f" ({summary})" if summary else "")
        + f", {len(report.actors)} actor{'s' if len(report.actors) != 1 else ''}"))
    return lines


def _excluded(report: Report) -> Table | None:
    if not report.excluded:
        return None
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(no_wrap=True)
    table.add_column(style="dim", overflow="ellipsis", no_wrap=True)
    for i, region in enumerate(report.excluded):
        kind = str(region.get("kind", "?"))
        table.add_row("set aside:" if i == 0 else "", _REGION_LABEL.get(kind, kind),
                      Text(_one_line(str(region.get("text", "")), EXCLUDED_CHARS)))
    return table


def _quotes_table(report: Report, names: Mapping[str, str]) -> Table:
    table = Table(title="Quotes", title_justify="left", box=box.SIMPLE_HEAD, expand=False,
                  show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("speaker → actor", ratio=2, min_width=14)
    table.add_column("cue", ratio=1, min_width=6)
    table.add_column("quote", ratio=5, min_width=20)
    for n, q in enumerate(report.quotes, 1):
        table.add_row(str(n), Text(q.kind, style=_KIND_STYLE.get(q.kind, "")),
                      _speaker(q, names),
                      Text(_one_line(q.cue.text, 30)) if q.cue else Text("—", style="dim"),
                      Text(_one_line(q.text, QUOTE_CHARS)))
    return table


def _actors_table(report: Report) -> Table:
    quoted = Counter(q.actor for q in report.quotes if q.actor)
    order = {a.id: i for i, a in enumerate(report.actors)}
    actors = sorted(report.actors,
                    key=lambda a: (-quoted[a.id], -len(a.mentions), order[a.id]))
    table = Table(title="Actors", title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    table.add_column("actor", min_width=12)
    table.add_column("type", no_wrap=True)
    table.add_column("role")
    table.add_column("side")
    table.add_column("mentions", justify="right", no_wrap=True)
    table.add_column("quotes", justify="right", no_wrap=True)
    for a in actors:
        table.add_row(Text(a.name, style="bold" if quoted[a.id] else ""), a.type,
                      (a.role or "").replace("_", " "), a.side or "",
                      str(len(a.mentions)), str(quoted[a.id]))
    return table


_SEVERITY_STYLE = {"warning": "bold red", "notice": "yellow", "info": "dim"}


def _sides_table(report: Report) -> Table:
    table = Table(title="Sides", title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    table.add_column("side")
    table.add_column("quotes", justify="right", no_wrap=True)
    table.add_column("quoted words", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("mentions", justify="right", no_wrap=True)
    for row in report.sides:
        style = "" if row["heard"] else "dim"
        table.add_row(Text(row["name"], style=style), str(row["quotes"]),
                      str(row["quoted_words"]), f"{100 * row['share']:.0f}%",
                      str(row["mentions"]) + ("" if row["heard"] else "  never quoted"))
    return table


def _party(part: Mapping[str, Any] | None, names: Mapping[str, str]) -> Text:
    if not part:
        return Text("—", style="dim")
    who = names.get(part.get("actor") or "") or _one_line(str(part.get("text") or ""), 30)
    return Text.assemble(who, (f" {part['code']}" if part.get("code") else "", "dim"))


def _events_table(report: Report, names: Mapping[str, str]) -> Table:
    table = Table(title="Events", title_justify="left", box=box.SIMPLE_HEAD,
                  show_edge=False, pad_edge=False)
    table.add_column("event (CAMEO)", ratio=2, min_width=14)
    table.add_column("source → target", ratio=2, min_width=14)
    table.add_column("mode", no_wrap=True)
    table.add_column("passage", ratio=4, min_width=20)
    for e in report.events or []:
        mode = e.get("mode") or "reported"
        if e.get("claimed_by") in names:
            mode += f" ({names[e['claimed_by']]})"
        table.add_row(Text(f"{e['code']} {e['name']}"),
                      Text.assemble(_party(e.get("source"), names), (" → ", "dim"),
                                    _party(e.get("target"), names)),
                      Text(mode, style="" if mode.startswith("reported") else "yellow"),
                      Text(_one_line(str(e.get("text") or ""), 90)))
    return table


def _findings(report: Report, console: Console) -> None:
    console.print(Text("Findings", style="italic"))
    for f in report.findings:
        console.print(Text.assemble((f"{f['severity']:>8}  ", _SEVERITY_STYLE.get(
            f["severity"], "")), f["text"]))


def render_report(report: Report, console: Console) -> None:
    """Print one report: title, source, what was set aside, quotes, actors, warnings."""
    title = _one_line(report.title, 100) if report.title else "(untitled)"
    console.print(Rule(Text(title, style="bold"), align="left"))
    for line in _header(report):
        console.print(line)
    excluded = _excluded(report)
    if excluded is not None:
        console.print(excluded)
    names = {a.id: a.name for a in report.actors}
    if report.quotes:
        console.print()
        console.print(_quotes_table(report, names))
    if report.actors:
        console.print()
        console.print(_actors_table(report))
    if report.sides:
        console.print()
        console.print(_sides_table(report))
    if report.events:
        console.print()
        console.print(_events_table(report, names))
    if report.findings:
        console.print()
        _findings(report, console)
    if report.warnings:
        console.print()
        for warning in report.warnings:
            console.print(Text.assemble(("warning: ", "bold yellow"), warning))
    console.print()


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_scores(scores: Mapping[str, Any], console: Console, *, title: str = "") -> None:
    """Print quote-extraction scores (``QuoteScores.to_dict()``) as tables."""
    heading = (f"Quote extraction{': ' + title if title else ''} — "
               f"{scores.get('documents', 0)} documents, {scores.get('gold_quotes', 0)} gold "
               f"quotes, {scores.get('predicted_quotes', 0)} predicted")
    console.print(Text(heading, style="bold"))
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("match")
    for column in ("precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for key, label in (("f1_0.3", "overlap > 0.3"), ("f1_0.8", "overlap > 0.8"),
                       ("exact", "exact")):
        prf = scores.get(key) or {}
        table.add_row(label, *(_fmt(prf.get(k, 0.0)) for k in ("precision", "recall", "f1")))
    console.print(table)
    console.print(Text.assemble(
        "speaker accuracy: ", (_fmt(scores.get("speaker_accuracy", 0.0)), "bold"),
        f" (over {scores.get('speaker_scored', 0)} quotes found at 0.3 with a gold speaker)"))
    by_kind = scores.get("recall_by_kind") or {}
    if by_kind:
        kinds = Table(title="Recall by kind (overlap > 0.3)", title_justify="left",
                      box=box.SIMPLE_HEAD)
        kinds.add_column("kind")
        kinds.add_column("recall", justify="right")
        for kind, recall in by_kind.items():
            kinds.add_row(kind, _fmt(recall))
        console.print()
        console.print(kinds)
