"""Views of a :class:`~evenhand.stats.aggregate.StatsResult`: a terminal table, JSON, and a
standalone HTML page with charts.

**Charts.** Each chart is declared once as data and drawn twice: as inline SVG in the page
(what a reader sees; no script, no network) and as an Altair (Vega-Lite) specification
embedded in the page as JSON (``<script type="application/json" id="vega-lite">``) for
anyone who wants to restyle or re-render it with Vega. Rendering Vega-Lite in the page
itself would need the vega, vega-lite and vega-embed scripts; Altair ships none of them (its
offline ``inline`` mode needs the separate vl-convert package), and a page that loads them
from a CDN would show nothing offline, so the SVG is the view.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from .._version import __version__
from ..render.html import PALETTE, side_colours
from ..render.text import make_console
from .aggregate import NO_SIDE, StatsResult

__all__ = ["render_html", "render_json", "render_table", "write_stats"]

TOP_SIDES = 8  # sides with their own colour in the stacked chart; the rest are "other sides"
MAX_BAR_ROWS = 30  # rows per bar chart (side and role views)
OTHER = "other sides"
OTHER_COLOUR = "#aab0bb"
NO_SIDE_COLOUR = "#c9cdd4"


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def _per100(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _both(share: dict[str, Any], fmt: Callable[[float | None], str] = _pct) -> str:
    """``pooled (per-article mean)``."""
    return f"{fmt(share.get('pooled'))} ({fmt(share.get('per_article'))})"


def _top_voices(row: dict[str, Any], n: int = 3) -> str:
    items = list(row["voice_share_by_side"].items())[:n]
    return ", ".join(f"{side} {_pct(v['pooled'], 1 if (v['pooled'] or 0) < 0.1 else 0)}"
                     for side, v in items) or "–"


# --- table ----------------------------------------------------------------------------------

def _columns(result: StatsResult) -> tuple[list[str], list[list[str]]]:
    by = result.by
    if by in ("outlet", "month"):
        header = [by, "articles", "quotes/article", "sides never quoted",
                  "attributed claims", "loaded terms /100 sentences", "top voices (pooled)"]
        rows = [[r["key"], str(r["articles"]), f"{r['quotes_per_article']:.1f}",
                 _both(r["never_quoted_side_share"]), _both(r["attributed_claim_share"]),
                 _both(r["loaded_term_rate"], _per100), _top_voices(r)]
                for r in result.rows + ([result.total] if result.total else [])]
        return header, rows
    if by == "side":
        header = ["side", "articles", "heard in", "never quoted", "voice share",
                  "voice share where mentioned", "mentions/article"]
        rows = [[r["key"], str(r["articles"]), str(r["articles_heard"]),
                 _pct(r["never_quoted_share"]), _pct(r["voice_share"], 1),
                 _pct(r["voice_share_where_mentioned"], 1),
                 f"{r['mentions_per_article']:.1f}"] for r in result.rows]
        return header, rows
    header = ["role", "actors", "quoted", "quoted share", "quotes", "voice share",
              "articles"]
    rows = [[r["key"], str(r["actors"]), str(r["quoted_actors"]),
             _pct(r["quoted_actor_share"]), str(r["quotes"]), _pct(r["voice_share"], 1),
             str(r["articles"])] for r in result.rows]
    return header, rows


def _left(result: StatsResult, column: int, columns: int) -> bool:
    """Text columns: the group, and the top voices of an outlet or month."""
    return column == 0 or (column == columns - 1 and result.by in ("outlet", "month"))


def render_table(result: StatsResult, out: TextIO, *, plain: bool = False) -> None:
    from rich.table import Table

    header, rows = _columns(result)
    table = Table(title=f"{result.articles} articles by {result.by}"
                  + (f" · {result.analyzer_version}" if result.analyzer_version else "")
                  + (f" · sides from {result.sides}" if result.sides else ""),
                  caption="pooled (per-article mean); see docs/stats.md"
                  if result.by in ("outlet", "month") else "see docs/stats.md")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if _left(result, i, len(header)) else "right",
                         no_wrap=i == 0)
    for i, row in enumerate(rows):
        table.add_row(*row, end_section=result.total is not None and i == len(rows) - 2)
    make_console(out, plain=plain).print(table)


def render_json(result: StatsResult, out: TextIO) -> None:
    out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


# --- charts ---------------------------------------------------------------------------------

@dataclass
class _Bars:
    """A horizontal bar chart: one bar per label (``value``), with an optional tick
    (``mark``: the per-article mean beside the pooled bar)."""

    id: str
    title: str
    rows: Sequence[tuple[str, float | None, float | None]]
    fmt: Callable[[float | None], str]
    scale: float = 1.0  # the value at the right end of the axis
    note: str = ""


@dataclass
class _Stacked:
    """A 100% stacked bar per label: ``(label, [(segment, share), ...])``."""

    id: str
    title: str
    rows: list[tuple[str, list[tuple[str, float]]]]
    colours: dict[str, str]
    note: str = ""


_W, _LABEL, _ROW, _PAD = 720, 190, 24, 8


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _svg_bars(chart: _Bars) -> str:
    plot = _W - _LABEL - 70
    height = _ROW * len(chart.rows) + 2 * _PAD + 18
    parts = [f'<svg class="chart" role="img" aria-label="{_e(chart.title)}" '
             f'viewBox="0 0 {_W} {height}" width="{_W}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for frac in (0, 0.25, 0.5, 0.75, 1):
        x = _LABEL + plot * frac
        parts.append(f'<line x1="{x:.1f}" y1="{_PAD}" x2="{x:.1f}" '
                     f'y2="{height - _PAD - 14}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{height - _PAD}" class="axis" '
                     f'text-anchor="middle">{_e(chart.fmt(chart.scale * frac))}</text>')
    for i, (label, value, mark) in enumerate(chart.rows):
        y = _PAD + i * _ROW
        parts.append(f'<text x="{_LABEL - 8}" y="{y + _ROW / 2 + 4:.1f}" class="label" '
                     f'text-anchor="end">{_e(_clip(label, 26))}<title>{_e(label)}</title>'
                     "</text>")
        if value is None:
            parts.append(f'<text x="{_LABEL + 4}" y="{y + _ROW / 2 + 4:.1f}" class="none">'
                         "no data</text>")
            continue
        width = plot * min(value / chart.scale, 1.0) if chart.scale else 0
        tip = f"{label}: {chart.fmt(value)}" + (
            f" (per-article mean {chart.fmt(mark)})" if mark is not None else "")
        parts.append(f'<rect x="{_LABEL}" y="{y + 4}" width="{width:.1f}" '
                     f'height="{_ROW - 8}" class="bar"><title>{_e(tip)}</title></rect>')
        right = _LABEL + width
        if mark is not None:
            mx = _LABEL + plot * min(mark / chart.scale, 1.0)
            parts.append(f'<line x1="{mx:.1f}" y1="{y + 1}" x2="{mx:.1f}" y2="{y + _ROW - 1}" '
                         f'class="mark"><title>{_e(tip)}</title></line>')
            right = max(right, mx)  # the value goes clear of the tick
        parts.append(f'<text x="{right + 6:.1f}" y="{y + _ROW / 2 + 4:.1f}" '
                     f'class="value">{_e(chart.fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_stacked(chart: _Stacked) -> str:
    plot = _W - _LABEL - 20
    height = _ROW * len(chart.rows) + 2 * _PAD
    parts = [f'<svg class="chart" role="img" aria-label="{_e(chart.title)}" '
             f'viewBox="0 0 {_W} {height}" width="{_W}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, segments) in enumerate(chart.rows):
        y = _PAD + i * _ROW
        parts.append(f'<text x="{_LABEL - 8}" y="{y + _ROW / 2 + 4:.1f}" class="label" '
                     f'text-anchor="end">{_e(_clip(label, 26))}<title>{_e(label)}</title>'
                     "</text>")
        if not segments:
            parts.append(f'<text x="{_LABEL + 4}" y="{y + _ROW / 2 + 4:.1f}" class="none">'
                         "no quoted words</text>")
            continue
        x = float(_LABEL)
        for name, share in segments:
            width = plot * share
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" '
                         f'height="{_ROW - 8}" fill="{chart.colours[name]}">'
                         f"<title>{_e(label)}: {_e(name)} {_pct(share, 1)}</title></rect>")
            if width > 34:
                light = name in (OTHER, NO_SIDE)  # pale greys: dark text
                parts.append(f'<text x="{x + width / 2:.1f}" y="{y + _ROW / 2 + 4:.1f}" '
                             f'class="in{" dark" if light else ""}" text-anchor="middle">'
                             f"{_pct(share)}</text>")
            x += width
    parts.append("</svg>")
    legend = "".join(f'<span class="lg"><span class="sw" style="background:{c}"></span>'
                     f"{_e(name)}</span>" for name, c in chart.colours.items())
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _charts(result: StatsResult) -> list[_Bars | _Stacked]:
    rows = result.rows
    if result.by in ("outlet", "month"):
        groups = rows + ([result.total] if result.total and len(rows) > 1 else [])
        totals = result.total["voice_share_by_side"] if result.total else {}
        named = [s for s in totals if s != NO_SIDE][:TOP_SIDES]
        keep = set(named)
        colour_index = side_colours(named)
        colours = {s: PALETTE[colour_index[s]][0] for s in named}
        stacked_rows = []
        for r in groups:
            shares = r["voice_share_by_side"]
            segs = [(s, shares[s]["pooled"] or 0.0) for s in named if s in shares]
            other = sum((v["pooled"] or 0.0) for s, v in shares.items()
                        if s not in keep and s != NO_SIDE)
            if other:
                segs.append((OTHER, other))
            if NO_SIDE in shares:
                segs.append((NO_SIDE, shares[NO_SIDE]["pooled"] or 0.0))
            stacked_rows.append((r["key"], [(s, v) for s, v in segs if v > 0]))
        if any(s == OTHER for _, segs in stacked_rows for s, _ in segs):
            colours[OTHER] = OTHER_COLOUR
        if any(s == NO_SIDE for _, segs in stacked_rows for s, _ in segs):
            colours[NO_SIDE] = NO_SIDE_COLOUR

        def bars(key: str, title: str, fmt: Callable[[float | None], str], note: str,
                 scale: float | None = None) -> _Bars:
            data = [(r["key"], r[key]["pooled"], r[key]["per_article"]) for r in groups]
            top = max([v for _, p, a in data for v in (p, a) if v is not None] or [0])
            return _Bars(key, title, data, fmt, scale or _nice(top), note)

        return [
            _Stacked("voice_share_by_side", "Who is heard: share of quoted words by side",
                     stacked_rows, colours,
                     "Pooled over each group's articles; the side of an actor is its country "
                     "unless a sides file says otherwise."),
            bars("never_quoted_side_share", "Sides mentioned but never quoted", _pct,
                 "Share of the sides an article mentions that it never quotes.", 1.0),
            bars("attributed_claim_share", "Factual claims with an attribution", _pct,
                 "Share of factual-claim sentences that say where the claim comes from.",
                 1.0),
            bars("loaded_term_rate", "Loaded terms per 100 sentences", _per100,
                 "The writer's loaded terms and labels, quotations excluded."),
        ]
    shown = rows[:MAX_BAR_ROWS]
    more = f" (the first {MAX_BAR_ROWS} of {len(rows)})" if len(rows) > MAX_BAR_ROWS else ""
    if result.by == "side":
        voice = [(r["key"], r["voice_share_where_mentioned"], None) for r in shown]
        return [
            _Bars("never_quoted_share", f"Articles that mention a side but never quote "
                  f"it{more}", [(r["key"], r["never_quoted_share"], None) for r in shown],
                  _pct, 1.0, "Share of the articles mentioning the side."),
            _Bars("voice_share_where_mentioned", f"Voice share where mentioned{more}", voice,
                  _pct, _nice(max([v or 0 for _, v, _ in voice] or [0])),
                  "The side's quoted words ÷ all quoted words of the articles mentioning it."),
        ]
    voice = [(r["key"], r["voice_share"], None) for r in shown]
    return [
        _Bars("voice_share", f"Share of all quoted words by role{more}", voice, _pct,
              _nice(max([v or 0 for _, v, _ in voice] or [0]))),
        _Bars("quoted_actor_share", f"Actors quoted, by role{more}",
              [(r["key"], r["quoted_actor_share"], None) for r in shown], _pct, 1.0,
              "Share of the actors of each role who are quoted at least once."),
    ]


def _nice(top: float) -> float:
    """A round axis end at or above ``top``."""
    if top <= 0:
        return 1.0
    # ends whose quarter ticks are round numbers, as percentages and per 100
    for step in (0.02, 0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0):
        if top <= step:
            return step
    return float(int(top) + 1)


def _vega_lite(chart: _Bars | _Stacked, by: str) -> dict[str, Any]:
    """The same chart as an Altair (Vega-Lite) specification."""
    import altair as alt

    if isinstance(chart, _Stacked):
        values = [{by: label, "side": s, "share": v} for label, segs in chart.rows
                  for s, v in segs]
        spec = alt.Chart(alt.Data(values=values), title=chart.title).mark_bar().encode(
            y=alt.Y(f"{by}:N", title=None, sort=[label for label, _ in chart.rows]),
            x=alt.X("share:Q", stack="zero", axis=alt.Axis(format="%"), title=None),
            color=alt.Color("side:N", scale=alt.Scale(domain=list(chart.colours),
                                                      range=list(chart.colours.values()))),
            tooltip=[f"{by}:N", "side:N", alt.Tooltip("share:Q", format=".1%")])
    else:
        values = [{by: label, "pooled": v, "per_article": mk} for label, v, mk in chart.rows]
        base = alt.Chart(alt.Data(values=values), title=chart.title)
        y = alt.Y(f"{by}:N", title=None, sort=[label for label, _, _ in chart.rows])
        spec = base.mark_bar().encode(
            y=y, x=alt.X("pooled:Q", title=None, scale=alt.Scale(domain=[0, chart.scale])),
            tooltip=[f"{by}:N", "pooled:Q", "per_article:Q"])
        if any(mk is not None for _, _, mk in chart.rows):
            spec = spec + base.mark_tick(color="black").encode(y=y, x="per_article:Q")
    return dict(spec.to_dict())


# --- the page -------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1d2129;--muted:#5f6673;--line:#e3e5ea;--soft:#f6f7f9;--bar:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.15em;margin:0 0 8px}
.meta,.note{color:var(--muted);font-size:.9em}figcaption .note{font-weight:400}
section,figure{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:16px;margin:16px 0}
figure figcaption{font-weight:600;margin-bottom:6px}
svg.chart{max-width:100%;height:auto;display:block}
svg .label{font-size:12px;fill:var(--ink)}svg .axis{font-size:11px;fill:var(--muted)}
svg .value{font-size:11px;fill:var(--ink)}svg .none{font-size:11px;fill:var(--muted)}
svg .in{font-size:10px;fill:#fff}svg .in.dark{fill:var(--ink)}
svg .grid{stroke:var(--line)}svg .bar{fill:var(--bar)}svg .mark{stroke:#111;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.85em;margin-top:6px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
.key .mk{display:inline-block;width:2px;height:12px;background:#111;margin:0 5px 0 10px;
vertical-align:-2px}.key .bk{display:inline-block;width:12px;height:10px;
background:var(--bar);margin-right:5px}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right;
vertical-align:top}th:first-child,td:first-child,th.l,td.l{text-align:left}
tr.total td{font-weight:600;border-top:2px solid var(--ink)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;font-size:.9em}
dt{font-weight:600}dd{margin:0}
"""


def render_html(result: StatsResult, out: TextIO) -> None:
    """A standalone page: charts (inline SVG), the table, the definitions, and each chart's
    Vega-Lite specification as JSON."""
    title = f"evenhand: coverage by {result.by}"
    charts = _charts(result) if result.rows else []
    figures = []
    for chart in charts:
        body = _svg_stacked(chart) if isinstance(chart, _Stacked) else _svg_bars(chart)
        key = ('<span class="key"><span class="bk"></span>pooled<span class="mk"></span>'
               "per-article mean</span>") if isinstance(chart, _Bars) and any(
                   m is not None for _, _, m in chart.rows) else ""
        figures.append(f'<figure id="chart-{_e(chart.id)}"><figcaption>{_e(chart.title)} '
                       f'{key}<div class="note">{_e(chart.note)}</div></figcaption>'
                       f"{body}</figure>")
    header, rows = _columns(result)
    has_total = result.total is not None
    def cls(j: int) -> str:
        return " class=l" if _left(result, j, len(header)) else ""

    table_rows = "".join(
        f'<tr{" class=total" if has_total and i == len(rows) - 1 else ""}>'
        + "".join(f"<td{cls(j)}>{_e(c)}</td>" for j, c in enumerate(row)) + "</tr>"
        for i, row in enumerate(rows))
    table = ("<table><thead><tr>" + "".join(
        f"<th{cls(j)}>{_e(h)}</th>" for j, h in enumerate(header))
        + f"</tr></thead><tbody>{table_rows}</tbody></table>")
    definitions = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>"
                          for k, v in result.definitions.items())
    specs = {chart.id: _vega_lite(chart, result.by) for chart in charts}
    # no "<", ">" or "&" in the script element, whatever a label contains (a "</script>"
    # would end it early); the \u escapes read back as the same JSON
    spec_json = (json.dumps(specs, ensure_ascii=False).replace("<", "\\u003c")
                 .replace(">", "\\u003e").replace("&", "\\u0026"))
    empty = "" if result.rows else '<section><p>No analyses to aggregate.</p></section>'
    out.write(
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>Coverage by {_e(result.by)}</h1><p class=meta>{result.articles} "
        f"analysed article{'s' if result.articles != 1 else ''}"
        + (f" · analyser {_e(result.analyzer_version)}" if result.analyzer_version else "")
        + (f" · sides from {_e(result.sides)}" if result.sides else "")
        + f" · evenhand {_e(__version__)}</p></header>{empty}"
        + "".join(figures)
        + (f'<section id="table"><h2>Figures</h2>{table}<p class="note">'
           + ("Each share: pooled (per-article mean). " if result.by in ("outlet", "month")
              else "") + "Definitions below and in docs/stats.md.</p></section>"
           if result.rows else "")
        + f'<section id="definitions"><h2>Definitions</h2><dl>{definitions}</dl></section>'
        f'<script type="application/json" id="vega-lite">{spec_json}</script>'
        "</main></body></html>\n")


def write_stats(result: StatsResult, fmt: str, out: TextIO, *, plain: bool = False) -> None:
    writers: dict[str, Callable[..., None]] = {"json": render_json, "html": render_html}
    if fmt == "table":
        render_table(result, out, plain=plain)
    else:
        writers[fmt](result, out)
