"""A standalone HTML page comparing the coverage of one story, the outlets in columns.

Built from the plain ``evenhand/comparison-1`` data (so the web app can render it too):
:func:`render_comparison_html` returns the whole page, :func:`comparison_body` only its
``<article>`` element and :data:`COMPARISON_CSS` its styles, for embedding. One stylesheet,
no external resources, no JavaScript. Everything taken from the articles, their reports or
their metadata is escaped (:func:`evenhand.render.html.esc`); only ``http(s)`` URLs become
links.

The look follows the single-report page (:mod:`evenhand.render.html`): the same fonts,
greys and palette, each outlet keeping one colour (by the same hash of its name as sides
there, so an outlet has the same colour on every page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..render.html import NO_SIDE, PALETTE, esc, side_colours
from ..render.markdown import excerpt, label, percent
from .views import date_span, event_label, story_title

__all__ = ["COMPARISON_CSS", "comparison_body", "render_comparison_html"]

FACTS_SHOWN = 12  # per column; the rest fold away
SHARED_SHOWN = 6


def _link(url: object, body: str) -> str:
    if isinstance(url, str) and re.match(r"https?://", url, re.I):
        return f'<a href="{esc(url)}">{body}</a>'
    return body


def _core(word: str) -> str:
    """A headline word without the punctuation around it ("Mattis," → "Mattis")."""
    return word.strip(".,;:!?\"“”‘’'()[]—–-")


class _Page:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.arts: Sequence[Mapping[str, Any]] = data["articles"]
        self.colours = side_colours(data.get("outlets") or [])
        sides = [v["side"] for a in self.arts for v in a["voices"] if v.get("side")]
        sides += [b["side"] for b in data["sides"]["blindspot"]]
        sides += list(data["sides"].get("heard_by") or {})
        self.side_colours = side_colours(sides)

    def outlet_cls(self, outlet: str) -> str:
        return f"s{self.colours[outlet]}" if outlet in self.colours else "sx"

    def side_cls(self, side: str | None) -> str:
        return f"s{self.side_colours[side]}" if side in self.side_colours else "sx"

    def grid(self, cells: Sequence[str], cls: str = "") -> str:
        """One row of cells, one per article, in the article columns."""
        return (f'<div class="cols {cls}" style="--n:{len(self.arts)}">'
                + "".join(f'<div class="cell {self.outlet_cls(a["outlet"])}">{c}</div>'
                          for a, c in zip(self.arts, cells, strict=True))
                + "</div>")

    def section(self, ident: str, title: str, body: str, note: str = "") -> str:
        return (f'<section id="{ident}"><h2>{title}</h2>'
                + (f'<p class="hint">{note}</p>' if note else "") + body + "</section>\n")


def _header(p: _Page) -> str:
    d = p.data
    span = date_span(d)
    outlets = " ".join(f'<span class="chip {p.outlet_cls(o)}"><span class="sw"></span>'
                       f"{esc(o)}</span>" for o in d["outlets"])
    return ('<header><p class="kicker">evenhand · same story, different outlets</p>'
            f"<h1>{esc(story_title(d))}</h1>"
            f'<p class="meta">{outlets} · {len(p.arts)} article'
            f'{"s" if len(p.arts) != 1 else ""}' + (f" · {esc(span)}" if span else "")
            + (f' · <span class="src">story {esc(d["story"])}</span>' if d.get("story") else "")
            + "</p></header>\n")


def _summary(p: _Page) -> str:
    items = []
    blind = p.data["sides"]["blindspot"]
    if blind:
        chips = " ".join(
            f'<span class="chip {p.side_cls(b["side"])}"><span class="sw"></span>'
            f'{esc(b["side"])} <span class="o">{b["mentions"]} mention'
            f'{"s" if b["mentions"] != 1 else ""} · {esc(", ".join(b["mentioned_by"]))}'
            "</span></span>" for b in blind)
        items.append('<li class="finding warning"><span class="badge warning">blindspot</span>'
                     "<p>Sides mentioned in the coverage and never quoted in any of it:</p>"
                     f'<div class="chips">{chips}</div></li>')
    n = len(p.data["outlets"])
    for side, outlets in (p.data["sides"].get("heard_by") or {}).items():
        if n > 1 and len(outlets) == 1:
            items.append(f'<li class="finding notice"><span class="badge notice">one outlet'
                         f"</span><p><b>{esc(side)}</b> is heard only in "
                         f"<b>{esc(outlets[0])}</b>.</p></li>")
    if not items:
        return ""
    return p.section("summary", "The coverage as a whole",
                     f'<ul class="findings">{"".join(items)}</ul>')


def _headlines(p: _Page) -> str:
    cells = []
    for a in p.arts:
        h = a["headline"]
        distinct = set(h.get("distinct_words") or [])
        words = " ".join(f"<mark class=\"dw\">{esc(w)}</mark>" if _core(w) in distinct
                         else esc(w) for w in str(h.get("text") or "").split())
        loaded = " ".join(f'<span class="term">{esc(t["text"])}</span>'
                          for t in h.get("loaded_terms") or [])
        cells.append(f'<p class="outlet"><span class="sw"></span>{esc(a["outlet"])}</p>'
                     f'<h3 class="headline">{_link(a.get("url"), words or "(untitled)")}</h3>'
                     f'<p class="small">{esc(a.get("date") or "")} · '
                     f'<span class="src">{esc(a["id"])}</span></p>'
                     + (f'<p class="small">loaded: {loaded}</p>' if loaded else ""))
    return p.section("headlines", "Headlines", p.grid(cells, "heads"),
                     "Highlighted: words no other outlet's headline uses.")


def _voices(p: _Page) -> str:
    cells = []
    for a in p.arts:
        rows = []
        for v in a["voices"]:
            share = v.get("share")
            bar = (f'<div class="box"><div class="bar" style="width:{100 * share:.1f}%">'
                   "</div></div>" if isinstance(share, int | float) else "")
            speakers = ", ".join(
                f'{esc(s["name"])}<span class="o"> {esc(label(s.get("role")))}'
                f' ×{s.get("quotes") or 0}</span>' for s in v["speakers"][:8])
            more = len(v["speakers"]) - 8
            rows.append(f'<div class="voice {p.side_cls(v.get("side"))}">'
                        f'<p class="side"><span class="sw"></span>'
                        f'{esc(v.get("side") or "no side")} · {v["quotes"]} quote'
                        f'{"s" if v["quotes"] != 1 else ""}'
                        + (f" · {percent(share)}" if isinstance(share, int | float) else "")
                        + f"</p>{bar}<p class=\"who\">{speakers}"
                        + (f" and {more} more" if more > 0 else "") + "</p></div>")
        never = a.get("sides_never_heard") or []
        only = a.get("only_speakers") or []
        cells.append(
            f'<p class="count"><b>{a["quotes"]}</b> quote{"s" if a["quotes"] != 1 else ""}</p>'
            + ("".join(rows) or '<p class="empty">No attributed quotes.</p>')
            + (f'<p class="small"><span class="never">never quoted:</span> '
               f'{esc(", ".join(never))}</p>' if never else "")
            + ('<h4>Quoted only here</h4><ul class="plain">' + "".join(
                f'<li><b>{esc(s["name"])}</b> <span class="o">{esc(label(s.get("role")))} '
                f'×{s["quotes"]}'
                + (f' · named, not quoted, in {esc(", ".join(s["mentioned_by"]))}'
                   if s.get("mentioned_by") else " · not named elsewhere")
                + "</span></li>" for s in only) + "</ul>" if only else ""))
    return p.section("voices", "Who is heard", p.grid(cells),
                     "Quoted speakers by side (the bar: share of quoted words). “Quoted only "
                     "here”: no other outlet quotes them, or names them beside a quotation "
                     "mark or a verb of saying.")


def _tone(p: _Page) -> str:
    main = p.data["main_actors"]
    if not main:
        return ""
    rows = []
    for m in main:
        cells = []
        for a in p.arts:
            t = a["tone"].get(m["key"])
            mentions = (m.get("mentions") or {}).get(a["id"], 0)
            if not t:
                cells.append('<span class="empty">not named</span>')
                continue
            score = float(t.get("score") or 0.0)
            width = 50 * min(1.0, abs(score))
            left = 50 - width if score < 0 else 50
            cells.append(
                f'<div class="diverge"><div class="axis"></div><div class="bar '
                f'{"neg" if score < 0 else "pos"}" style="left:{left:.1f}%;width:{width:.1f}%">'
                f'</div></div><span class="num"><b>{score:+.2f}</b> {esc(t.get("label") or "")}'
                f" · {mentions} mention{'s' if mentions != 1 else ''}</span>")
        rows.append(f'<h4 class="actor">{esc(m["name"])}</h4>' + p.grid(cells, "tone"))
    return p.section("tone", "Tone toward the main actors", "".join(rows),
                     "Actors named by at least two outlets; tone from the clauses where each "
                     "acts, is acted on or is described, its own quotes excluded.")


def _fact(f: Mapping[str, Any]) -> str:
    anchors = " ".join(f'<span class="anchor">{esc(w)}</span>'
                       for w in f.get("new_anchors") or [])
    closest = "".join(
        f'<li><b>{esc(c["outlet"])}</b> <span class="o">similarity {c["score"]:.2f} · '
        f'{percent(c.get("covered_words"))} of its words anywhere there</span><br>'
        f'{esc(excerpt(c["text"] or "(no sentence)", 220))}</li>' for c in f.get("closest") or [])
    return (f'<li class="fact"><p>{esc(f["text"])}</p>'
            + (f'<p class="small">new here: {anchors}</p>' if anchors else "")
            + (f'<details><summary>closest elsewhere</summary><ul class="plain">{closest}'
               "</ul></details>" if closest else "") + "</li>")


def _facts(p: _Page) -> str:
    cells = []
    for a in p.arts:
        facts = a["only_facts"]
        shown, rest = facts[:FACTS_SHOWN], facts[FACTS_SHOWN:]
        body = (f'<p class="count"><b>{a["only_facts_total"]}</b> only in '
                f'{esc(a["outlet"])}</p>'
                + (f'<ul class="facts">{"".join(_fact(f) for f in shown)}</ul>' if shown
                   else '<p class="empty">Nothing found that only this outlet reports.</p>')
                + (f'<details class="more"><summary>{len(rest)} more</summary><ul class="facts">'
                   f'{"".join(_fact(f) for f in rest)}</ul></details>' if rest else ""))
        unmatched = a.get("unmatched") or []
        if unmatched:
            body += (f'<details class="more"><summary>{a.get("unmatched_total", len(unmatched))}'
                     " more with no close match elsewhere (less certain)</summary>"
                     f'<ul class="facts dim">{"".join(_fact(f) for f in unmatched)}</ul>'
                     "</details>")
        events = a.get("only_events") or []
        if events:
            body += '<h4>Events only here</h4><ul class="plain">' + "".join(
                f"<li>{esc(event_label(ev))}</li>" for ev in events) + "</ul>"
        cells.append(body)
    return p.section("only", "Only in one outlet", p.grid(cells, "facts-row"),
                     "Sentences with no close counterpart in any other outlet's article — "
                     "no similar sentence, most of their words absent there, none of their "
                     "figures given there — that name a person, place or figure no other "
                     "outlet mentions. Unfold “closest elsewhere” to see what came nearest.")


def _shared(p: _Page) -> str:
    facts = p.data["shared_facts"][:SHARED_SHOWN]
    if not facts:
        return ""
    rows = []
    for f in facts:
        by_id = {s["article"]: s for s in f["sentences"]}
        rows.append(p.grid([esc(excerpt(by_id[a["id"]]["text"], 400)) if a["id"] in by_id
                            else '<span class="empty">—</span>' for a in p.arts], "shared"))
    return p.section("shared", "Reported by every outlet", "".join(rows),
                     "The same fact in each outlet's words: sentences that are each other's "
                     "closest match in every outlet.")


def _terms(p: _Page) -> str:
    cells = []
    for a in p.arts:
        terms = a["loaded_terms"]
        chips = " ".join(
            f'<span class="term{" only" if t.get("only_here") else ""}" '
            f'title="{esc(label(t.get("subcategory")))}">{esc(t["text"])}'
            + (f' <span class="o">×{t["count"]}</span>' if t.get("count", 1) > 1 else "")
            + "</span>" for t in terms)
        cells.append(chips or '<span class="empty">none</span>')
    return p.section("terms", "Loaded terms", p.grid(cells),
                     "Loaded words and labels from evenhand's word lists; bold: no other "
                     "outlet's article uses the word at all.")


def comparison_body(data: Mapping[str, Any]) -> str:
    """The comparison as one ``<article class="comparison">`` element."""
    p = _Page(data)
    columns = p.grid([f'<p class="outlet"><span class="sw"></span>{esc(a["outlet"])}</p>'
                      for a in p.arts], "sticky")
    return ('<article class="comparison">' + _header(p) + _summary(p) + columns
            + _headlines(p) + _voices(p) + _tone(p) + _facts(p) + _shared(p) + _terms(p)
            + '<footer>evenhand · ' + esc(data.get("schema", "")) + " · facts aligned "
            "sentence by sentence; an outlet's voices, tone and terms come from its balance "
            "report</footer></article>\n")


def render_comparison_html(data: Mapping[str, Any]) -> str:
    """The comparison as one standalone HTML page (inline CSS, no external resources)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc('evenhand · ' + story_title(data))}</title>"
            f"<style>{COMPARISON_CSS}</style></head><body>\n"
            + comparison_body(data) + "</body></html>\n")


_PALETTE_CSS = "\n".join(f".s{i}{{--c:{c};--t:{t}}}" for i, (c, t) in enumerate(PALETTE)) + \
    f"\n.sx{{--c:{NO_SIDE[0]};--t:{NO_SIDE[1]}}}\n"

COMPARISON_CSS = """
:root{--ink:#1d2129;--muted:#5f6673;--line:#e3e5ea;--paper:#fff;--soft:#f6f7f9;
--warn:#b42318;--warn-t:#fde8e6;--note:#8a5a00;--note-t:#fdf1d6;--info:#46506a;--info-t:#e9ecf3;
--pos:#1b7a5a;--neg:#b8402f}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans","Liberation Sans",sans-serif}
article.comparison{max-width:1320px;margin:24px auto;background:var(--paper);padding:28px 36px 20px;
border:1px solid var(--line);border-radius:10px}
header{border-bottom:1px solid var(--line);padding-bottom:14px;margin-bottom:8px}
.kicker{margin:0;color:var(--muted);font-size:12px;letter-spacing:.08em;text-transform:uppercase}
h1{font:700 28px/1.2 Georgia,"DejaVu Serif","Liberation Serif",serif;margin:6px 0 8px}
.meta{margin:0;color:var(--muted);font-size:14px}
.src{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
h2{font-size:13px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);
margin:28px 0 8px}
h4{font-size:13px;margin:12px 0 4px}
h4.actor{margin:14px 0 4px;font-size:14px}
.hint{font-size:12.5px;color:var(--muted);margin:0 0 10px}
.cols{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:14px}
.cell{border-top:3px solid var(--c);background:var(--paper);padding:8px 4px 6px;min-width:0}
.cols.sticky{position:sticky;top:0;z-index:2;background:var(--paper);padding-top:6px}
.cols.sticky .cell{border-top-width:5px;padding:4px}
.cols.shared{margin-bottom:8px}.cols.shared .cell{font:14.5px/1.55 Georgia,"DejaVu Serif",serif;
border-top:1px solid var(--line);background:color-mix(in srgb,var(--t) 35%,#fff)}
.outlet{margin:0;font-weight:700;text-transform:uppercase;letter-spacing:.06em;font-size:13px}
.sw{display:inline-block;width:11px;height:11px;border-radius:3px;background:var(--c);
margin-right:7px;vertical-align:-1px}
.chip{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:0 9px;
margin:2px 2px;font-size:13px;background:#fff;white-space:nowrap}
.chips{line-height:2}
.o{color:var(--muted);font-size:12px}
.small{font-size:12.5px;color:var(--muted);margin:4px 0}
.count{margin:0 0 6px;color:var(--muted);font-size:13px}.count b{color:var(--ink)}
.empty{color:var(--muted);font-style:italic;font-size:13px}
h3.headline{font:600 19px/1.3 Georgia,"DejaVu Serif","Liberation Serif",serif;margin:6px 0}
h3.headline a{color:inherit;text-decoration:none}h3.headline a:hover{text-decoration:underline}
mark.dw{background:var(--t);color:inherit;border-bottom:2px solid var(--c);padding:0 1px}
ul.findings{list-style:none;margin:0;padding:0}
.finding{border-left:4px solid var(--info);background:var(--info-t);border-radius:6px;
padding:10px 14px;margin:0 0 10px}
.finding.warning{border-color:var(--warn);background:var(--warn-t)}
.finding.notice{border-color:var(--note);background:var(--note-t)}
.finding p{margin:2px 0 6px}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.06em;
text-transform:uppercase;color:#fff;background:var(--info);border-radius:4px;padding:1px 7px}
.badge.warning{background:var(--warn)}.badge.notice{background:var(--note)}
.voice{margin:0 0 10px}.voice .side{margin:0;font-weight:600;font-size:13.5px}
.voice .who{margin:2px 0 0;font-size:13px}
.box{height:8px;background:var(--soft);border-radius:3px;margin:3px 0}
.box .bar{height:8px;border-radius:3px;background:var(--c);min-width:2px}
.never{color:var(--warn);font-weight:600}
ul.plain{padding-left:18px;margin:4px 0;font-size:13px}
.diverge{position:relative;height:14px;background:var(--soft);border-radius:3px;margin:4px 0}
.diverge .axis{position:absolute;left:50%;top:-3px;bottom:-3px;width:1px;background:#9aa0aa}
.diverge .bar{position:absolute;top:2px;height:10px;border-radius:3px}
.bar.pos{background:var(--pos)}.bar.neg{background:var(--neg)}
.num{font-size:12.5px;color:var(--muted)}.num b{color:var(--ink)}
ul.facts{list-style:none;margin:0;padding:0}
.fact{border-left:3px solid var(--c);background:color-mix(in srgb,var(--t) 40%,#fff);
border-radius:4px;padding:6px 10px;margin:0 0 8px}
.fact p{margin:0 0 4px;font:14.5px/1.5 Georgia,"DejaVu Serif","Liberation Serif",serif}
.fact p.small{font:12px/1.5 system-ui,"DejaVu Sans",sans-serif}
.facts.dim .fact{background:var(--soft);border-left-color:#c4c8cf}
.anchor{display:inline-block;background:#fff;border:1px solid var(--line);border-radius:3px;
padding:0 5px;margin:1px;font-size:11.5px;color:var(--ink)}
details summary{cursor:pointer;font-size:12.5px;color:var(--muted)}
details.more{margin:6px 0}
.term{display:inline-block;border:1px dotted #7a2e8e;border-radius:3px;padding:0 5px;margin:2px;
font-size:13px}
.term.only{font-weight:700;border-style:solid}
footer{margin-top:26px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);
font-size:12px}
@media (max-width:760px){article.comparison{padding:16px}.cols{grid-template-columns:1fr}}
""" + _PALETTE_CSS
