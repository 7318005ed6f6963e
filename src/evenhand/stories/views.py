"""Plain-text and Markdown views of a story comparison (``evenhand/comparison-1`` data).

Both take the plain data :func:`~evenhand.stories.compare.compare_story` returns and give a
string. Markdown escapes every piece of article text, name and metadata
(:func:`~evenhand.render.markdown.md_escape`), so an article cannot inject structure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..render.markdown import excerpt, label, md_escape, percent

__all__ = ["FACTS_SHOWN", "date_span", "event_label", "render_comparison_markdown",
           "render_comparison_text", "render_story_table", "story_title"]

FACTS_SHOWN = 8  # "only in" facts shown per outlet in the text and Markdown views
SHARED_SHOWN = 5


def story_title(data: Mapping[str, Any]) -> str:
    """A title for the story: the headline of its earliest article."""
    arts = sorted(data.get("articles") or [], key=lambda a: (a.get("date") or "", a["id"]))
    for a in arts:
        if a.get("title"):
            return str(a["title"]).strip()
    return f"Story {data.get('story') or ''}".strip()


def date_span(data: Mapping[str, Any]) -> str:
    """The dates the story's articles cover: "2024-03-04", "2024-03-04 – 2024-03-06" or ""."""
    dates = sorted(str(a["date"])[:10] for a in data["articles"] if a.get("date"))
    if not dates:
        return ""
    return dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"


def event_label(event: Mapping[str, Any]) -> str:
    """An "only here" event as one line: its name, who did it to whom, and how the article
    reports it: a claim by a quoted speaker is marked as claimed (with the speaker's name),
    an intent as intended; a plain report has no mark."""
    def side(key: str) -> str:
        ref = event.get(key)
        return str(ref.get("text") or ref.get("code") or "—") if isinstance(ref, Mapping) \
            else "—"
    marks = []
    if event.get("mode") == "intended":
        marks.append("intended")
    if event.get("claimed"):
        who = event.get("claimed_by_name")
        marks.append(f"claimed by {who}" if who else "claimed")
    return (f"{event.get('name') or event.get('code')} ({side('source')} → {side('target')})"
            + (f" [{'; '.join(marks)}]" if marks else ""))


def _tone_text(t: Mapping[str, Any] | None) -> str:
    if not t:
        return "not named"
    score = t.get("score")
    return f"{t.get('label') or ''} ({score:+.2f})" if isinstance(score, int | float) \
        else str(t.get("label") or "")


def _speaker(s: Mapping[str, Any]) -> str:
    role = label(s.get("role"))
    quotes = s.get("quotes") or 0
    return f"{s.get('name')}{', ' + role if role else ''} ({quotes})"


def _closest(fact: Mapping[str, Any]) -> str:
    parts = [f"{c['outlet']} {c['score']:.2f}" for c in fact.get("closest") or []]
    return "closest elsewhere: " + ", ".join(parts) if parts else ""


def _summary(data: Mapping[str, Any]) -> list[str]:
    """Plain sentences about the whole coverage (blindspot, sides heard by one outlet)."""
    lines = []
    blind = data["sides"]["blindspot"]
    if blind:
        names = ", ".join(f"{b['side']} ({b['mentions']} mention"
                          f"{'s' if b['mentions'] != 1 else ''})" for b in blind[:8])
        more = f" and {len(blind) - 8} more" if len(blind) > 8 else ""
        lines.append(f"Blindspot: never quoted in any of the coverage: {names}{more}.")
    n = len(data.get("outlets") or [])
    for side, outlets in (data["sides"].get("heard_by") or {}).items():
        if n > 1 and len(outlets) == 1:
            lines.append(f"{side} is heard only in {outlets[0]}.")
    return lines


def render_comparison_text(data: Mapping[str, Any], facts: int = FACTS_SHOWN) -> str:
    """The comparison as plain text, outlet after outlet."""
    out = [story_title(data), "=" * min(80, len(story_title(data))),
           f"story {data.get('story') or '—'} · {len(data['articles'])} articles · "
           f"{', '.join(data['outlets'])} · {date_span(data)}", ""]
    out += _summary(data)
    if data["main_actors"]:
        out += ["", "Tone toward the main actors:"]
        for m in data["main_actors"]:
            cells = [f"{a['outlet']}: {_tone_text(a['tone'].get(m['key']))}"
                     for a in data["articles"]]
            out.append(f"  {m['name']}: " + "; ".join(cells))
    for a in data["articles"]:
        out += ["", f"--- {a['outlet']} · {a.get('date') or ''} · {a['id']}",
                f"Headline: {a['headline']['text']}"]
        if a["headline"]["distinct_words"]:
            out.append("  words no other headline uses: "
                       + ", ".join(a["headline"]["distinct_words"]))
        out.append(f"Voices ({a['quotes']} quotes):")
        for v in a["voices"]:
            share = f", {percent(v['share'])} of quoted words" if v.get("share") is not None \
                else ""
            out.append(f"  {v['side'] or 'no side'}: {v['quotes']} quotes{share}: "
                       + "; ".join(_speaker(s) for s in v["speakers"][:8]))
        if a["sides_never_heard"]:
            out.append("  mentioned, never quoted: " + ", ".join(a["sides_never_heard"]))
        if a["only_speakers"]:
            out.append("Quoted only here: " + "; ".join(_speaker(s) for s in a["only_speakers"]))
        terms = [t for t in a["loaded_terms"]]
        if terms:
            out.append("Loaded terms: " + ", ".join(
                f"{t['text']}{'*' if t.get('only_here') else ''}" for t in terms)
                + ("  (* no other outlet uses it)" if any(t.get("only_here") for t in terms)
                   else ""))
        out.append(f"Only in {a['outlet']} ({a['only_facts_total']}):")
        for f in a["only_facts"][:facts]:
            out.append(f"  - {excerpt(f['text'], 240)}")
            out.append(f"      new: {', '.join(f['new_anchors'])} · {_closest(f)}")
        if a["only_facts_total"] > facts:
            out.append(f"  … and {a['only_facts_total'] - facts} more")
        if a.get("unmatched_total"):
            out.append(f"  ({a['unmatched_total']} more sentences have no close match "
                       "elsewhere but no name or figure of their own: less certain)")
        for e in a.get("only_events") or []:
            out.append(f"  event only here: {event_label(e)}")
    if data["shared_facts"]:
        out += ["", "Reported by every outlet:"]
        for f in data["shared_facts"][:SHARED_SHOWN]:
            for s in f["sentences"]:
                out.append(f"  {s['outlet']}: {excerpt(s['text'], 200)}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md_list(items: Sequence[str]) -> list[str]:
    return [f"- {item}" for item in items] or ["- (none)"]


def render_comparison_markdown(data: Mapping[str, Any], facts: int = FACTS_SHOWN) -> str:
    """The comparison as Markdown: a summary, a table per theme with one column per
    article, then the facts only one outlet reports."""
    e: Callable[[object], str] = md_escape
    arts = data["articles"]
    out = [f"# {e(story_title(data))}", "",
           f"Story `{e(data.get('story') or '—')}` · {len(arts)} articles · "
           f"{e(', '.join(data['outlets']))} · {e(date_span(data))}", ""]
    summary = _summary(data)
    if summary:
        out += [f"> {e(line)}" for line in summary] + [""]
    head = "| | " + " | ".join(e(f"{a['outlet']} ({a.get('date') or ''})") for a in arts) + " |"
    rule = "|---|" + "---|" * len(arts)

    def row(name: str, cells: Sequence[str]) -> str:
        return f"| **{name}** | " + " | ".join(c or " " for c in cells) + " |"

    out += ["## Side by side", "", head, rule,
            row("headline", [e(a["headline"]["text"]) for a in arts]),
            row("words only its headline uses", [e(", ".join(a["headline"]["distinct_words"]))
                                                for a in arts]),
            row("quotes", [str(a["quotes"]) for a in arts]),
            row("voices by side", ["<br>".join(
                e(f"{v['side'] or 'no side'}: {v['quotes']} "
                  f"({', '.join(s['name'] for s in v['speakers'][:5])})")
                for v in a["voices"]) for a in arts]),
            row("quoted only here", [e("; ".join(_speaker(s) for s in a["only_speakers"]))
                                     for a in arts]),
            row("sides never quoted", [e(", ".join(a["sides_never_heard"])) for a in arts]),
            row("loaded terms", [e(", ".join(f"{t['text']}{'*' if t.get('only_here') else ''}"
                                             for t in a["loaded_terms"])) for a in arts])]
    for m in data["main_actors"]:
        out.append(row(f"tone: {e(m['name'])}",
                       [e(_tone_text(a["tone"].get(m["key"]))) for a in arts]))
    out += ["", "\\* no other outlet's article uses the term.", ""]
    for a in arts:
        out += [f"## Only in {e(a['outlet'])} ({a['only_facts_total']})", ""]
        lines = [f"{e(excerpt(f['text'], 300))} — new: {e(', '.join(f['new_anchors']))}; "
                 f"{e(_closest(f))}" for f in a["only_facts"][:facts]]
        out += _md_list(lines)
        if a["only_facts_total"] > facts:
            out.append(f"- … and {a['only_facts_total'] - facts} more")
        if a.get("unmatched_total"):
            out.append(f"\n{a['unmatched_total']} more sentences have no close match "
                       "elsewhere but no name or figure of their own (less certain).")
        events = a.get("only_events") or []
        if events:
            out += ["", "Events only here:", "",
                    *_md_list([e(event_label(ev)) for ev in events])]
        out.append("")
    if data["shared_facts"]:
        out += ["## Reported by every outlet", ""]
        for f in data["shared_facts"][:SHARED_SHOWN]:
            out += [f"- **{e(s['outlet'])}**: {e(excerpt(s['text'], 220))}"
                    for s in f["sentences"]] + [""]
    return "\n".join(out).rstrip() + "\n"


def render_story_table(rows: Sequence[Mapping[str, Any]], console: Any) -> None:
    """The ``evenhand stories --format table`` view: one row per article, grouped by story
    (``rows`` from :func:`evenhand.stories.run.story_table`), on a Rich console."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False)
    for name, style in (("story", "bold"), ("n", ""), ("date", ""), ("outlet", "cyan"),
                        ("id", "dim"), ("title", "")):
        table.add_column(name, style=style, justify="right" if name == "n" else "left",
                         no_wrap=name in ("story", "date", "n"),
                         overflow="fold" if name == "id" else "ellipsis")
    previous = None
    stories = 0
    for row in rows:
        first = row["story"] != previous
        stories += first
        if first and previous is not None:
            table.add_section()
        table.add_row(Text(row["story"] if first else ""), str(row["size"]) if first else "",
                      Text(str(row.get("date") or "")), Text(str(row.get("outlet") or "")),
                      Text(str(row["id"])), Text(excerpt(str(row.get("title") or ""), 80)))
        previous = row["story"]
    console.print(table)
    console.print(Text(f"{stories} stories, {len(rows)} articles", style="dim"))
