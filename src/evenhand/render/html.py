"""A standalone HTML view of a report: one page, inline CSS, no external resources.

The page shows the findings first (each evidence passage links to its place in the
article), two charts (who is heard and who is only talked about, by side; tone by actor
when the report has ``tone``), the article itself with every quote highlighted in its
side's colour, then tables of sides, actors and quotes, and the optional sections
(``sentences``: loaded terms; ``attribution``: vague and slanted attributions), each shown
only when its key is in the report with a value other than None.

Everything taken from the report or the article is escaped with :func:`html.escape`; the
only URL made into a link is an ``http(s)`` one. The page reads fine without JavaScript; a
few lines of it only extend the highlight of a followed evidence link to every piece of the
passage (without it, CSS ``:target`` highlights the first piece).

**Highlighting.** The article is cut at every boundary of every annotation (quotes and
their fragments, speakers, cues, excluded regions, loaded terms, attributions, linked
passages) and rebuilt with a stack of open elements: annotations are ordered outermost
first (earlier start, then later end, then layer: excluded region, linked passage, quote,
speaker/cue, term), and where the set of annotations changes, elements are closed down to
the common prefix and reopened. So a quote nested inside another gets a nested ``<mark>``
(drawn with a heavier underline), and partly overlapping spans are split into pieces, each
piece correctly nested; an element's id, and its label, go on its first and last piece.
Paragraphs (blank-line separated) are kept; single line breaks become ``<br>``.

**Colours.** Each side gets a colour from a fixed palette of ten, chosen by a hash of its
name (CRC-32 of the case-folded name), so the same side has the same colour in every report;
when two sides of one report hash to the same colour, the one later in alphabetical order
takes the next free one. Actors without a side, and unattributed quotes, are grey.
"""

from __future__ import annotations

import html
import re
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TextIO

from ..report import Report
from .markdown import (
    SEVERITY_LABEL,
    article_text,
    claims_summary,
    event_mode,
    event_party,
    excerpt,
    label,
    percent,
    speaker_text,
    term_category,
)

__all__ = ["PALETTE", "REPORT_SCRIPT", "HtmlWriter", "render_html", "render_html_fragment",
           "render_html_page", "report_css", "side_colours"]

# (strong, tint): the strong colour has >= 4.5:1 contrast with white (labels, bars); the tint
# is a highlight background under dark text.
PALETTE: tuple[tuple[str, str], ...] = (
    ("#1f5fa8", "#dbe7f6"),  # blue
    ("#b35900", "#fbe2c8"),  # orange
    ("#237a35", "#d5eedb"),  # green
    ("#b83232", "#f7d6d6"),  # red
    ("#6f45a8", "#e7dcf5"),  # purple
    ("#0e6f7c", "#cfebef"),  # teal
    ("#7d4f33", "#eddfd3"),  # brown
    ("#a83779", "#f6d7e9"),  # pink
    ("#66640f", "#ebeac6"),  # olive
    ("#35407d", "#dcdff0"),  # navy
)
NO_SIDE = ("#5b6270", "#e6e8ec")

ROLE_SHORT = {
    "head_of_state_or_government": "leader", "minister_or_ministry": "ministry",
    "diplomat": "diplomat", "military": "military", "legislator": "legislator",
    "party": "party", "state_media": "state media", "independent_media": "media",
    "expert_or_academic": "expert", "think_tank": "think tank",
    "ngo_or_civil_society": "civil society", "business": "business",
    "citizen_or_witness": "citizen", "unnamed_source": "unnamed source",
    "document": "document", "international_organization": "int’l org",
}
REGION_LABEL = {"headline": "headline", "headline-repeat": "headline repeat",
                "boilerplate": "boilerplate"}
EVIDENCE_CHARS = 34
EVIDENCE_SHOWN = 6  # evidence links shown per finding; the others fold away
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def side_colours(names: Iterable[str]) -> dict[str, int]:
    """Palette index for each side name: a hash of the name, the next free colour on a
    clash (names taken in alphabetical order, so the result depends only on the set)."""
    taken: set[int] = set()
    colours: dict[str, int] = {}
    for name in sorted(set(names), key=lambda n: (n.casefold(), n)):
        index = zlib.crc32(name.casefold().encode("utf-8")) % len(PALETTE)
        if len(taken) < len(PALETTE):
            while index in taken:
                index = (index + 1) % len(PALETTE)
        taken.add(index)
        colours[name] = index
    return colours


# --- the highlighted article ----------------------------------------------------------------

@dataclass
class _Ann:
    """One annotation of the article: an element around ``text[start:end]``."""

    start: int
    end: int
    layer: int  # among spans with the same extent: lower is outer
    tag: str
    cls: str
    attrs: dict[str, str] = field(default_factory=dict)
    id: str | None = None  # on the first piece only
    prefix: str = ""  # HTML at the start of the first piece
    suffix: str = ""  # HTML at the end of the last piece
    seq: int = 0

    def key(self) -> tuple[int, int, int, int]:
        return (self.start, -self.end, self.layer, self.seq)

    def open(self, first: bool) -> str:
        attrs = "".join(f' {k}="{esc(v)}"' for k, v in self.attrs.items())
        ident = f' id="{esc(self.id)}"' if first and self.id else ""
        return (f'<{self.tag} class="{esc(self.cls)}"{ident}{attrs}>'
                + (self.prefix if first else ""))

    def close(self, last: bool) -> str:
        return (self.suffix if last else "") + f"</{self.tag}>"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, outer whitespace trimmed."""
    spans, pos = [], 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        start, stop = pos + lead, pos + len(chunk.rstrip())
        if stop > start:
            spans.append((start, stop))
        if match:
            pos = match.end()
    return spans


def _text_html(text: str, start: int | None = None) -> str:
    """``text`` escaped, line breaks as ``<br>``. With ``start`` (the offset of ``text`` in
    the article), each line is a ``<span data-o="OFFSET">`` so that a script can map a
    selection in the page back to character offsets in the article."""
    if start is None:
        return esc(text).replace("\r\n", "\n").replace("\n", "<br>\n")
    out, pos = [], start
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<br>\n")
        shown = line.removesuffix("\r")
        if shown:
            out.append(f'<span class="t" data-o="{pos}">{esc(shown)}</span>')
        pos += len(line) + 1
    return "".join(out)


def highlight(text: str, annotations: Sequence[_Ann], offsets: bool = False) -> str:
    """``text`` as HTML paragraphs with the annotations as properly nested elements;
    ``offsets``: every run of text carries its offset (see :func:`_text_html`)."""
    anns = sorted((a for a in annotations if 0 <= a.start < a.end <= len(text)),
                  key=_Ann.key)
    opened: set[int] = set()
    out: list[str] = []
    paragraphs = _paragraphs(text)
    ends = [pe for _, pe in paragraphs]
    buckets: list[list[_Ann]] = [[] for _ in paragraphs]  # the annotations of each paragraph
    for a in anns:
        i = bisect_right(ends, a.start)
        while i < len(paragraphs) and paragraphs[i][0] < a.end:
            buckets[i].append(a)
            i += 1
    for n, (ps, pe) in enumerate(paragraphs):
        next_start = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else len(text)
        inside = buckets[n]
        cuts = sorted({ps, pe, *(a.start for a in inside if a.start > ps),
                       *(a.end for a in inside if a.end < pe)})
        stack: list[_Ann] = []
        out.append("<p>")
        for b0, b1 in pairwise(cuts):
            active = [a for a in inside if a.start <= b0 and a.end >= b1]
            keep = 0
            while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
                keep += 1
            for a in reversed(stack[keep:]):
                out.append(a.close(last=a.end <= b0))
            for a in active[keep:]:
                out.append(a.open(first=a.seq not in opened))
                opened.add(a.seq)
            stack = active
            out.append(_text_html(text[b0:b1], b0 if offsets else None))
        for a in reversed(stack):
            out.append(a.close(last=a.end <= next_start))
        out.append("</p>\n")
    return "".join(out)


# --- pieces of the page ---------------------------------------------------------------------

class _View:
    """What the page's parts share: the report as a dict, its text, colours, anchors."""

    def __init__(self, report: Report, text: str | None, prefix: str) -> None:
        self.data: dict[str, Any] = report.to_dict()
        self.text = article_text(report, text)
        self.p = prefix  # ids are prefixed so that several reports can share a page
        self.actors: dict[str, Mapping[str, Any]] = {a["id"]: a for a in self.data["actors"]}
        self.names = {a["id"]: a["name"] for a in self.data["actors"]}
        sides = [s["name"] for s in self.data.get("sides") or []]
        sides += [a["side"] for a in self.data["actors"] if a.get("side")]
        # colour by side; in a report without sides, by quoted actor instead
        self.by_side = bool(sides)
        self.colours = side_colours(sides or [
            self.names[q["actor"]] for q in self.data["quotes"] if q.get("actor") in self.names])
        self.targets: dict[tuple[int, int], str] = {}  # linked passages → their ids

    def side_class(self, side: str | None) -> str:
        return f"s{self.colours[side]}" if self.by_side and side in self.colours else "sx"

    def colour_key(self, actor: Mapping[str, Any] | None) -> str | None:
        """What an actor's colour follows: its side, or its name when there are no sides."""
        if not actor:
            return None
        return actor.get("side") if self.by_side else actor.get("name")

    def actor_class(self, actor: Mapping[str, Any] | None) -> str:
        key = self.colour_key(actor)
        return f"s{self.colours[key]}" if key in self.colours else "sx"

    def quote_key(self, quote: Mapping[str, Any]) -> str | None:
        return self.colour_key(self.actors.get(quote.get("actor") or ""))

    def link(self, start: int, end: int, body: str, title: str | None = None,
             cls: str = "ev") -> str:
        """A link to the passage ``text[start:end]`` in the article (made an anchor)."""
        ident = self.targets.setdefault((start, end), f"{self.p}t{start}-{end}")
        title = excerpt(self.text[start:end], 200) if title is None else title
        return (f'<a class="{cls}" href="#{esc(ident)}" title="{esc(title)}">{body}</a>')


def _style() -> str:
    palette = "\n".join(f".s{i}{{--c:{c};--t:{t}}}" for i, (c, t) in enumerate(PALETTE))
    return _CSS + palette + f"\n.sx{{--c:{NO_SIDE[0]};--t:{NO_SIDE[1]}}}\n"


def _header(v: _View) -> str:
    d = v.data
    parts = []
    for key in ("outlet", "date"):
        if d.get(key):
            parts.append(f'<span class="{key}">{esc(d[key])}</span>')
    url = d.get("url")
    if url:
        body = esc(excerpt(url, 80))
        parts.append(f'<a href="{esc(url)}">{body}</a>' if re.match(r"https?://", url, re.I)
                     else f"<span>{body}</span>")
    if d.get("source"):
        parts.append(f'<span class="src">source: {esc(d["source"])}</span>')
    if d.get("id") and d.get("id") != d.get("source"):
        parts.append(f'<span class="src">id: {esc(d["id"])}</span>')
    kinds = Counter(q["kind"] for q in d["quotes"])
    never = [s for s in d.get("sides") or [] if not s.get("heard")]
    count = len(d["quotes"])
    stats = [f"<b>{count}</b> quote{'s' if count != 1 else ''}"
             + (" (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")"
                if kinds else ""),
             f"<b>{len(d['actors'])}</b> actor{'s' if len(d['actors']) != 1 else ''}"]
    if d.get("sides"):
        stats.append(f"<b>{len(d['sides'])}</b> side{'s' if len(d['sides']) != 1 else ''}"
                     + (f", <b>{len(never)}</b> never quoted" if never else ""))
    title = d.get("title") or "(untitled)"
    return (f'<header><p class="kicker">evenhand · balance of coverage</p>'
            f"<h1>{esc(title)}</h1>"
            + (f'<p class="meta">{" · ".join(parts)}</p>' if parts else "")
            + f'<p class="stats">{" · ".join(stats)}</p></header>\n')


def _findings(v: _View) -> str:
    findings = v.data.get("findings") or []
    if not findings:
        return ""
    items = []
    for f in findings:
        severity = str(f.get("severity", "info"))
        chips = []
        for start, end in f.get("evidence") or []:
            cut = excerpt(v.text[start:end], EVIDENCE_CHARS)
            chips.append(v.link(start, end, f'<span class="x">{esc(cut)}</span>'
                                f'<span class="o">{start}–{end}</span>'))
        shown, rest = chips[:EVIDENCE_SHOWN], chips[EVIDENCE_SHOWN:]
        more = (f'<details class="more"><summary>{len(rest)} more passage'
                f'{"s" if len(rest) != 1 else ""}</summary>{" ".join(rest)}</details>'
                if rest else "")
        evidence = (f'<div class="evidence"><span class="lbl">evidence</span> {" ".join(shown)}'
                    f"{more}</div>" if chips else "")
        items.append(f'<li class="finding {esc(severity)}"><span class="badge {esc(severity)}">'
                     f"{esc(SEVERITY_LABEL.get(severity, severity))}</span>"
                     f'<p>{esc(f.get("text", ""))}</p>{evidence}</li>')
    return f'<section id="{v.p}findings"><h2>Findings</h2><ul class="findings">' \
           + "".join(items) + "</ul></section>\n"


def _voice_chart(v: _View) -> str:
    sides = v.data.get("sides") or []
    if not sides:
        return ""
    total_mentions = sum(s.get("mentions", 0) for s in sides) or 1
    rows = []
    for s in sides:
        cls = v.side_class(s["name"])
        share = float(s.get("share") or 0.0)
        mention_share = s.get("mentions", 0) / total_mentions
        quotes = s.get("quotes", 0)
        voice = (f"<b>{percent(share)}</b> of quoted words · {quotes} quote"
                 f"{'s' if quotes != 1 else ''} · {s.get('quoted_words', 0)} words"
                 if s.get("heard") else '<span class="never">never quoted</span>')
        rows.append(
            f'<div class="row {cls}"><div class="name"><span class="sw"></span>'
            f'{esc(s["name"])}</div><div class="bars">'
            f'<div class="track"><div class="box"><div class="bar voice" style="width:'
            f'{100 * share:.1f}%"></div></div><span class="num">{voice}</span></div>'
            f'<div class="track"><div class="box"><div class="bar mentions" style="width:'
            f'{100 * mention_share:.1f}%"></div></div><span class="num">'
            f'{s.get("mentions", 0)} mention{"s" if s.get("mentions", 0) != 1 else ""} '
            f"({percent(mention_share)})</span></div></div></div>")
    return ('<figure class="chart voice-chart"><figcaption>Who is heard, and who is talked '
            'about <span class="key"><span class="k voice"></span>share of quoted words '
            '<span class="k mentions"></span>share of mentions</span></figcaption>'
            + "".join(rows) + "</figure>\n")


def _tone_chart(v: _View) -> str:
    if v.data.get("tone") is None:
        return ""
    tone: Mapping[str, Any] = v.data["tone"] or {}
    if not tone:
        return ('<figure class="chart tone-chart"><figcaption>Tone by actor</figcaption>'
                '<p class="empty">No tone measured.</p></figure>\n')
    scores = [float(t.get("score") or 0.0) for t in tone.values()]
    scale = max(1.0, *(abs(s) for s in scores))
    rows = []
    for actor_id, t in sorted(tone.items(), key=lambda kv: -float(kv[1].get("score") or 0.0)):
        actor = v.actors.get(actor_id, {})
        score = float(t.get("score") or 0.0)
        width = 50 * abs(score) / scale
        left = 50 - width if score < 0 else 50
        evidence = " ".join(
            v.link(e["start"], e["end"], esc(excerpt(v.text[e["start"]:e["end"]], 28)),
                   title=f"{e.get('polarity', '')}: {excerpt(v.text[e['start']:e['end']], 200)}",
                   cls=f"ev tone-{esc(e.get('polarity', ''))}")
            for e in (t.get("evidence") or [])[:3])
        clauses = t.get("clauses")
        rows.append(
            f'<div class="row {v.actor_class(actor)}"><div class="name">'
            f'<span class="sw"></span>{esc(actor.get("name") or actor_id)}</div>'
            f'<div class="diverge"><div class="axis"></div><div class="bar '
            f'{"neg" if score < 0 else "pos"}" style="left:{left:.1f}%;width:{width:.1f}%">'
            f'</div></div><div class="num"><b>{score:+.2f}</b> {esc(t.get("label") or "")}'
            + (f" · {esc(clauses)} clause{'s' if clauses != 1 else ''}"
               if clauses is not None else "")
            + (f'<div class="tone-ev">{evidence}</div>' if evidence else "") + "</div></div>")
    return ('<figure class="chart tone-chart"><figcaption>Tone by actor <span class="key">'
            '<span class="k neg"></span>negative <span class="k pos"></span>positive'
            "</span></figcaption>" + "".join(rows) + "</figure>\n")


def _quote_title(v: _View, q: Mapping[str, Any]) -> tuple[str, str]:
    """The hover text and the superscript label of a quote."""
    actor = v.actors.get(q.get("actor") or "")
    role = actor.get("role") if actor else None
    side = actor.get("side") if actor else None
    who = speaker_text(q, v.names)
    lines = [who if who != "—" else "unattributed"]
    lines.append(" · ".join(x for x in (label(role), f"side: {side}" if side else "") if x))
    cue = q.get("cue")
    lines.append(" · ".join(x for x in (
        f"cue: “{excerpt(cue['text'], 40)}”" if cue else "", f"{q['kind']} quote",
        f"{q['start']}–{q['end']}") if x))
    name = actor["name"] if actor else (excerpt(q["speaker"]["text"], 30)
                                        if q.get("speaker") else "unattributed")
    tag = esc(excerpt(name, 32)) + (f' <i>{esc(ROLE_SHORT.get(role, label(role)))}</i>'
                                    if role else "")
    return "\n".join(x for x in lines if x), tag


def _annotations(v: _View) -> list[_Ann]:
    anns: list[_Ann] = []

    def add(a: _Ann) -> None:
        a.seq = len(anns)
        anns.append(a)

    for region in v.data.get("excluded") or []:
        kind = REGION_LABEL.get(region.get("kind", ""), str(region.get("kind", "")))
        add(_Ann(region["start"], region["end"], 0, "span", "excluded",
                 {"title": f"not analysed: {kind}"},
                 prefix=f'<span class="na">not analysed · {esc(kind)}</span> '))
    seen: set[tuple[str, int, int]] = set()
    for n, q in enumerate(v.data["quotes"], 1):
        side = v.actor_class(v.actors.get(q.get("actor") or ""))
        title, tag = _quote_title(v, q)
        pieces = q.get("spans") or [[q["start"], q["end"]]]
        for i, (start, end) in enumerate(pieces):
            add(_Ann(start, end, 2, "mark", f"q {q['kind']} {side}",
                     {"title": title, "data-q": str(n)},
                     id=f"{v.p}q{n}" if i == 0 else None,
                     suffix=(f'<sup class="who">{tag}</sup>' if i == len(pieces) - 1 else "")))
        for key, layer, cls in (("speaker", 3, "spk"), ("cue", 3, "cue")):
            span = q.get(key)
            if span and (key, span["start"], span["end"]) not in seen:
                seen.add((key, span["start"], span["end"]))
                add(_Ann(span["start"], span["end"], layer, "span", f"{cls} {side}",
                         {"title": f"{'speaker' if key == 'speaker' else 'cue'}: {title}"}))
    for s in v.data.get("sentences") or []:
        for term in s.get("loaded") or []:
            add(_Ann(term["start"], term["end"], 4, "span",
                     "loaded inq" if term.get("quoted") else "loaded",
                     {"title": " · ".join(x for x in (
                         f"loaded term: {term_category(term)}", term.get("why") or "") if x)}))
    attribution = v.data.get("attribution") or {}
    for item in attribution.get("vague") or []:
        add(_Ann(item["start"], item["end"], 4, "span", "vague",
                 {"title": f"vague attribution: {item.get('pattern') or ''}".rstrip(": ")}))
    for item in attribution.get("slanted") or []:
        add(_Ann(item["start"], item["end"], 4, "span", "slanted",
                 {"title": "slanted verb: " + " · ".join(
                     label(x) for x in (item.get("verb"), item.get("category")) if x)}))
    for (start, end), ident in v.targets.items():
        add(_Ann(start, end, 1, "span", "target", {"data-ev": ident}, id=ident))
    return anns


def _legend(v: _View) -> str:
    keys = [v.quote_key(q) for q in v.data["quotes"]]
    names = [s["name"] for s in v.data.get("sides") or [] if s.get("heard")]
    names += [x for x in dict.fromkeys(keys) if x and x not in names]
    items = [f'<span class="item s{v.colours[n]}"><mark class="q">{esc(n)}</mark></span>'
             for n in names if n in v.colours]
    if None in keys:
        items.append('<span class="item sx"><mark class="q">'
                     f'{"no side" if v.by_side else "unattributed"}</mark></span>')
    items += ['<span class="item"><span class="spk sx">speaker</span></span>',
              '<span class="item"><span class="cue sx">cue</span></span>']
    if any(s.get("loaded") for s in v.data.get("sentences") or []):
        items.append('<span class="item"><span class="loaded">loaded term</span></span>')
    attribution = v.data.get("attribution") or {}
    if attribution.get("vague"):
        items.append('<span class="item"><span class="vague">vague attribution</span></span>')
    if attribution.get("slanted"):
        items.append('<span class="item"><span class="slanted">slanted verb</span></span>')
    if v.data.get("excluded"):
        items.append('<span class="item"><span class="excluded">not analysed</span></span>')
    caption = "quotes by side" if v.by_side else "quotes by speaker (no sides found)"
    return (f'<div class="legend"><span class="lbl">{caption}</span> '
            + " ".join(items) + "</div>\n")


def _article(v: _View, anns: list[_Ann], offsets: bool = False) -> str:
    return (f'<section id="{v.p}article"><h2>Article</h2>{_legend(v)}'
            '<p class="hint">Hover a highlighted quote for its speaker, actor, role and cue; '
            "a nested quote has a heavier underline.</p>"
            f'<div class="article">{highlight(v.text, anns, offsets)}</div></section>\n')


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], num: Sequence[int] = (),
           row_cls: Sequence[str] | None = None) -> str:
    head = "".join(f'<th{" class=n" if i in num else ""}>{h}</th>'
                   for i, h in enumerate(header))
    body = []
    for r, row in enumerate(rows):
        cls = f' class="{row_cls[r]}"' if row_cls and row_cls[r] else ""
        body.append(f"<tr{cls}>" + "".join(
            f'<td{" class=n" if i in num else ""}>{c}</td>' for i, c in enumerate(row))
            + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _swatch(cls: str, body: str) -> str:
    """A colour swatch and its (escaped) label, kept on one line."""
    return f'<span class="nw {cls}"><span class="sw"></span>{body}</span>'


def _sides_table(v: _View) -> str:
    sides = v.data.get("sides") or []
    if not sides:
        return ""
    rows = [(_swatch(v.side_class(s["name"]), esc(s["name"])), str(s.get("quotes", 0)),
             str(s.get("quoted_words", 0)), percent(s.get("share")), str(s.get("mentions", 0)),
             "yes" if s.get("heard") else '<span class="never">never quoted</span>')
            for s in sides]
    return (f'<section id="{v.p}sides"><h2>Sides</h2>'
            + _table(["side", "quotes", "quoted words", "share", "mentions", "heard"], rows,
                     num=(1, 2, 3, 4),
                     row_cls=["" if s.get("heard") else "dim" for s in sides])
            + "</section>\n")


def _actors_table(v: _View) -> str:
    actors = v.data["actors"]
    if not actors:
        return ""
    quoted = Counter(q["actor"] for q in v.data["quotes"] if q.get("actor"))
    order = {a["id"]: i for i, a in enumerate(actors)}
    ranked = sorted(actors, key=lambda a: (-quoted[a["id"]], -len(a["mentions"]),
                                           order[a["id"]]))
    rows = [(_swatch(v.actor_class(a),
                     f"<b>{esc(a['name'])}</b>" if quoted[a["id"]] else esc(a["name"])),
             esc(a.get("type") or ""), esc(label(a.get("role"))), esc(a.get("country") or ""),
             esc(a.get("gender") or ""), esc(a.get("side") or ""), str(len(a["mentions"])),
             str(quoted[a["id"]])) for a in ranked]
    return (f'<section id="{v.p}actors"><h2>Actors</h2>'
            + _table(["actor", "type", "role", "country", "gender", "side", "mentions",
                      "quotes"], rows, num=(6, 7))
            + "</section>\n")


def _quotes_table(v: _View) -> str:
    quotes = v.data["quotes"]
    if not quotes:
        return ""
    rows = []
    for n, q in enumerate(quotes, 1):
        actor = v.actors.get(q.get("actor") or "", {})
        cue = q.get("cue")
        rows.append((f'<a href="#{v.p}q{n}">{n}</a>', esc(speaker_text(q, v.names)),
                     esc(ROLE_SHORT.get(actor.get("role") or "", label(actor.get("role")))),
                     _swatch(v.actor_class(actor), esc(actor.get("side") or ""))
                     if actor.get("side") else "",
                     esc(excerpt(cue["text"], 30)) if cue else "—", esc(q["kind"]),
                     esc(excerpt(q["text"], 120))))
    return (f'<section id="{v.p}quotes"><details><summary><h2>Quotes ({len(quotes)})</h2>'
            "</summary>"
            + _table(["#", "speaker → actor", "role", "side", "cue", "kind", "quote"], rows,
                     num=(0,))
            + "</details></section>\n")


def _sentences(v: _View) -> str:
    if not v.data.get("sentences"):
        return ""
    sentences = v.data["sentences"] or []
    biased = sum(1 for s in sentences if s.get("biased"))
    terms = [(s, t) for s in sentences for t in s.get("loaded") or []]
    rows = [(v.link(t["start"], t["end"], esc(t.get("text") or v.text[t["start"]:t["end"]])),
             esc(term_category(t)), esc(t.get("why") or ""),
             esc(excerpt(v.text[s["start"]:s["end"]], 90)),
             (f"<b>{s['bias']:.2f}</b>" if s.get("biased") else f"{s['bias']:.2f}")
             if isinstance(s.get("bias"), int | float) else "") for s, t in terms]
    return (f'<section id="{v.p}loaded"><h2>Loaded language</h2><p>{biased} of '
            f"{len(sentences)} sentence{'s' if len(sentences) != 1 else ''} flagged as biased."
            "</p>" + (_table(["term", "category", "why", "sentence", "bias"], rows, num=(4,))
                      if rows
                      else "<p>No loaded terms found.</p>") + "</section>\n")


def _attribution(v: _View) -> str:
    if v.data.get("attribution") is None:
        return ""
    att: Mapping[str, Any] = v.data["attribution"] or {}
    parts = [f'<section id="{v.p}attribution"><h2>Attribution</h2>']
    parts.append(f"<p>{esc(claims_summary(att))}</p>")
    for key, title in (("vague", "Vague attributions"), ("slanted", "Slanted attribution verbs")):
        items = att.get(key) or []
        if not items:
            continue
        lis = []
        for item in items:
            detail = item.get("pattern") if key == "vague" else " · ".join(
                label(x) for x in (item.get("verb"), item.get("category")) if x)
            body = esc(excerpt(item.get("text") or v.text[item["start"]:item["end"]], 80))
            lis.append(f"<li>{v.link(item['start'], item['end'], body)}"
                       + (f' <span class="detail">{esc(detail)}</span>' if detail else "")
                       + "</li>")
        parts.append(f"<h3>{title}</h3><ul class=\"plain\">{''.join(lis)}</ul>")
    return "".join(parts) + "</section>\n"


def _events(v: _View) -> str:
    if v.data.get("events") is None:
        return ""
    events = v.data["events"] or []
    if not events:
        return f'<section id="{v.p}events"><h2>Events</h2><p>No events coded.</p></section>\n'
    rows = [(f"{esc(e['code'])} {esc(e['name'])}", esc(e.get("plover") or "—"),
             esc(event_party(e.get("source"), v.names)),
             esc(event_party(e.get("target"), v.names)),
             f"{e['goldstein']:+.1f}" if isinstance(e.get("goldstein"), int | float) else "",
             esc(event_mode(e, v.names)),
             v.link(e["start"], e["end"], esc(excerpt(v.text[e["start"]:e["end"]], 90))))
            for e in events]
    return (f'<section id="{v.p}events"><details><summary><h2>Events ({len(events)})</h2>'
            "</summary>"
            + _table(["event (CAMEO)", "PLOVER", "source", "target", "Goldstein", "mode",
                      "passage"], rows, num=(4,))
            + "</details></section>\n")


def _footer(v: _View) -> str:
    d = v.data
    warnings = "".join(f"<li>{esc(w)}</li>" for w in d.get("warnings") or [])
    analyzer = " · ".join(f"{esc(k)} {esc(val)}" for k, val in (d.get("analyzer") or {}).items())
    return ((f'<section class="warnings"><h2>Warnings</h2><ul>{warnings}</ul></section>\n'
             if warnings else "")
            + f'<footer>{analyzer}{" · " if analyzer else ""}{esc(d.get("schema", ""))} · '
            "offsets are character positions in the article text</footer>\n")


def _body(report: Report, text: str | None, prefix: str = "", offsets: bool = False) -> str:
    """One report as an ``<article>`` element (ids prefixed with ``prefix``)."""
    v = _View(report, text, prefix)
    # the parts that link into the article come first: the article's anchors follow them
    findings, charts = _findings(v), _voice_chart(v) + _tone_chart(v)
    sentences, attribution, events = _sentences(v), _attribution(v), _events(v)
    article = _article(v, _annotations(v), offsets)
    charts_html = f'<section class="charts">{charts}</section>\n' if charts else ""
    return (f'<article class="report" id="{prefix}report">{_header(v)}{findings}{charts_html}'
            f"{article}{_sides_table(v)}{_actors_table(v)}{_quotes_table(v)}{events}"
            f"{sentences}{attribution}{_footer(v)}</article>\n")


def _head(title: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{_style()}</style></head><body>\n")


def _tail() -> str:
    return f"<script>{_SCRIPT}</script>\n</body></html>\n"


def render_html(report: Report, text: str | None = None) -> str:
    """The report as one standalone HTML page. ``text``: the article text the offsets point
    into, needed unless the report carries it (HTML input)."""
    title = f"evenhand · {report.title or report.id or report.source or 'report'}"
    return _head(title) + _body(report, text) + _tail()


def render_html_page(items: Iterable[tuple[Report, str | None]],
                     title: str = "evenhand reports") -> str:
    """Several reports on one page, one ``<article>`` each (ids prefixed ``r1-``, …)."""
    body = "".join(_body(r, t, f"r{n}-") for n, (r, t) in enumerate(items, 1))
    return _head(title) + body + _tail()


def render_html_fragment(report: Report, text: str | None = None, prefix: str = "",
                         offsets: bool = False) -> str:
    """The report as one ``<article>`` element, for a page of one's own that links
    :func:`report_css` and :data:`REPORT_SCRIPT`. ``offsets``: the article's text runs
    carry their character offsets (``<span class="t" data-o="N">``)."""
    return _body(report, text, prefix, offsets)


def report_css() -> str:
    """The stylesheet of the report view (the palette included)."""
    return _style()


class HtmlWriter:
    """Streams reports into one page: the page's head at the first report, one
    ``<article>`` per report as it comes, the end of the page at close. A single report
    gives the same page as :func:`render_html`."""

    def __init__(self, out: TextIO, title: str | None = None) -> None:
        self.out = out
        self.title = title
        self._count = 0

    def write(self, report: Report, text: str | None = None) -> None:
        if not self._count:
            self.out.write(_head(self.title or "evenhand · "
                                 + (report.title or report.id or report.source or "report")))
        self._count += 1
        self.out.write(_body(report, text, "" if self._count == 1 else f"r{self._count}-"))
        self.out.flush()

    def close(self) -> None:
        if not self._count:
            self.out.write(_head(self.title or "evenhand") + "<p>No reports.</p>\n")
        self.out.write(_tail())
        self.out.flush()


_SCRIPT = """
(function () {
  function mark() {
    document.querySelectorAll('.target.hit').forEach(function (e) { e.classList.remove('hit'); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    document.querySelectorAll('.target[data-ev="' + CSS.escape(id) + '"]')
      .forEach(function (e) { e.classList.add('hit'); });
  }
  window.addEventListener('hashchange', mark);
  mark();
})();
"""

REPORT_SCRIPT = _SCRIPT

_CSS = """
:root{--ink:#1d2129;--muted:#5f6673;--line:#e3e5ea;--paper:#fff;--soft:#f6f7f9;
--warn:#b42318;--warn-t:#fde8e6;--note:#8a5a00;--note-t:#fdf1d6;--info:#46506a;--info-t:#e9ecf3;
--pos:#1b7a5a;--neg:#b8402f}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans","Liberation Sans",sans-serif}
article.report{max-width:940px;margin:24px auto;background:var(--paper);padding:28px 44px 20px;
border:1px solid var(--line);border-radius:10px}
header{border-bottom:1px solid var(--line);padding-bottom:14px;margin-bottom:8px}
.kicker{margin:0;color:var(--muted);font-size:12px;letter-spacing:.08em;text-transform:uppercase}
h1{font:700 30px/1.2 Georgia,"DejaVu Serif","Liberation Serif",serif;margin:6px 0 8px}
.meta{margin:0;color:var(--muted);font-size:14px}
.meta .outlet{font-weight:600;color:var(--ink)}
.src{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
.stats{margin:6px 0 0;color:var(--muted);font-size:14px}.stats b{color:var(--ink)}
h2{font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);
margin:26px 0 10px}
h3{font-size:14px;margin:16px 0 6px}
ul.findings{list-style:none;margin:0;padding:0}
.finding{border-left:4px solid var(--info);background:var(--info-t);border-radius:6px;
padding:10px 14px;margin:0 0 10px}
.finding.warning{border-color:var(--warn);background:var(--warn-t)}
.finding.notice{border-color:var(--note);background:var(--note-t)}
.finding p{margin:2px 0 6px;font-size:15.5px}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.06em;
text-transform:uppercase;color:#fff;background:var(--info);border-radius:4px;padding:1px 7px}
.badge.warning{background:var(--warn)}.badge.notice{background:var(--note)}
.evidence{font-size:12.5px;line-height:1.9;color:var(--muted)}
.lbl{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
margin-right:4px}
a.ev{display:inline-block;line-height:1.35;text-decoration:none;color:var(--ink);
background:rgba(255,255,255,.75);border:1px solid rgba(0,0,0,.12);border-radius:4px;
padding:0 6px;margin:1px 1px}
a.ev:hover{border-color:var(--ink)}
details.more{display:inline}details.more summary{display:inline;cursor:pointer;
color:var(--ink);text-decoration:underline dotted;margin-left:4px}
details.more[open] summary{display:none}
a.ev .o{color:var(--muted);font-family:ui-monospace,"DejaVu Sans Mono",monospace;
font-size:11px;margin-left:5px}
.charts{display:grid;gap:18px;margin-top:18px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
figcaption{font-weight:600;margin-bottom:10px}
.key{font-weight:400;font-size:12.5px;color:var(--muted);margin-left:10px}
.k{display:inline-block;width:12px;height:10px;border-radius:2px;margin:0 4px 0 10px;
vertical-align:-1px;background:#8a8f98}
.k.mentions{background:#c4c8cf;height:7px}
.k.pos{background:var(--pos)}.k.neg{background:var(--neg)}
.chart .row{display:grid;grid-template-columns:150px 1fr;gap:12px;align-items:center;
padding:5px 0;border-top:1px solid var(--soft)}
.chart .row:first-of-type{border-top:0}
.chart .name{font-weight:600;overflow-wrap:anywhere}
.sw{display:inline-block;width:11px;height:11px;border-radius:3px;background:var(--c);
margin-right:7px;vertical-align:-1px}
.track{display:grid;grid-template-columns:1fr 300px;align-items:center;gap:10px;height:20px}
.box{position:relative;height:14px}
.bar{height:14px;border-radius:3px;min-width:2px}
.bar.voice{background:var(--c)}
.bar.mentions{background:color-mix(in srgb,var(--t) 55%,var(--c) 45%);height:8px;
margin-top:3px;opacity:.6}
.num{font-size:12.5px;color:var(--muted);white-space:nowrap}.num b{color:var(--ink)}
.never{color:var(--warn);font-weight:600;font-size:12px}
.tone-chart .row{grid-template-columns:150px 1fr 300px}
.diverge{position:relative;height:16px;background:var(--soft);border-radius:3px}
.diverge .axis{position:absolute;left:50%;top:-3px;bottom:-3px;width:1px;background:#9aa0aa}
.diverge .bar{position:absolute;top:2px;height:12px}
.bar.pos{background:var(--pos)}.bar.neg{background:var(--neg)}
.tone-chart .num{white-space:normal}.tone-ev a.ev{font-size:11.5px}
.legend{font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;gap:6px 14px;
align-items:center;margin-bottom:4px}
.legend .item{white-space:nowrap;color:var(--ink)}
.hint{font-size:12.5px;color:var(--muted);margin:4px 0 10px}
.article{font:18px/1.75 Georgia,"DejaVu Serif","Liberation Serif",serif;color:#20242c}
.article p{margin:0 0 1em}
mark.q{background:var(--t);color:inherit;border-bottom:2px solid var(--c);padding:1px 1px;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.q mark.q{border-bottom-width:4px;padding:1px 0;
background:linear-gradient(rgba(0,0,0,.08),rgba(0,0,0,.08)),var(--t)}
sup.who{font:600 10.5px/1 system-ui,"DejaVu Sans",sans-serif;color:#fff;background:var(--c);
border-radius:3px;padding:1px 4px 2px;margin-left:3px;white-space:nowrap;vertical-align:5px}
sup.who i{font-style:normal;font-weight:400;opacity:.9}
.spk{font-weight:700;color:color-mix(in srgb,var(--c) 75%,#000)}
.cue{text-decoration:underline solid var(--c) 2px;text-underline-offset:4px}
.loaded{text-decoration:underline dotted #7a2e8e 2px;text-underline-offset:5px;cursor:help}
.loaded.inq{text-decoration-color:#b89bc4}
.vague{text-decoration:underline wavy #b07500 1.5px;text-underline-offset:5px}
.slanted{text-decoration:underline double #b8402f;text-underline-offset:5px}
.excluded{color:#80868f;background:#f1f2f4;border-radius:3px;padding:2px 4px;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
.na{font:600 10.5px/1 system-ui,"DejaVu Sans",sans-serif;text-transform:uppercase;
letter-spacing:.06em;color:#fff;background:#9aa0aa;border-radius:3px;padding:2px 5px;
vertical-align:3px}
.legend .excluded{padding:0 4px}
.target:target,.target.hit{outline:2px solid #f2b705;outline-offset:1px;background:#fff3c4;
border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;
letter-spacing:.04em;border-bottom:1px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid var(--soft);padding:5px 8px;vertical-align:top}
th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.dim td{color:var(--muted)}
.nw{white-space:nowrap}
details summary{cursor:pointer;list-style-position:outside}
details summary h2{display:inline-block;margin:26px 0 10px}
ul.plain{padding-left:18px}.detail{color:var(--muted);font-size:13px}
.warnings ul{color:var(--note)}
footer{margin-top:26px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);
font-size:12px}
@media (max-width:700px){article.report{padding:18px}.chart .row,.tone-chart .row{
grid-template-columns:1fr}}
"""
