"""A Markdown view of a report: header, findings with evidence, sides, quotes and actors.

Built from ``report.to_dict()`` and the article text the offsets point into (the report's
own ``text`` for HTML input; otherwise the caller passes it). Every piece of article text,
actor name or metadata is escaped (:func:`md_escape`), so an article can neither inject
Markdown structure (tables, links, emphasis) nor raw HTML into the view.

Optional sections appear only when their key is in the report with a value other than
None: ``sentences`` (loaded terms), ``tone`` (tone by actor), ``attribution``
(attributed claims, vague and slanted attributions) and ``events`` (coded events).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from ..report import Report

__all__ = ["MarkdownWriter", "article_text", "event_mode", "event_party", "excerpt", "md_escape",
           "render_markdown"]

EXCERPT_CHARS = 90  # quotes and evidence are cut to this many characters
MAX_EVIDENCE = 8  # evidence excerpts listed per finding; the rest are counted

# Backslash-escaped wherever they occur: together they cover emphasis, code, links and
# images, raw HTML and entities, tables, strikethrough and heading closers. Line-start
# constructs (lists, block quotes, headings) cannot arise: article text is always put on a
# line after other content, with its line breaks folded into spaces.
_MD_SPECIAL = frozenset("\\`*_[]<>|~&#")

SEVERITY_LABEL = {"warning": "Warning", "notice": "Notice", "info": "Info"}
REGION_LABEL = {"headline": "headline", "headline-repeat": "headline repeat",
                "boilerplate": "boilerplate"}


def md_escape(text: object) -> str:
    """``text`` on one line, safe inside Markdown prose and table cells."""
    flat = " ".join(str(text).split())
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in flat)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (not escaped)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def article_text(report: Report, text: str | None) -> str:
    """The text the report's offsets point into: the report's own (HTML input), else
    ``text``."""
    if report.text is not None:
        return report.text
    if text is None:
        raise ValueError("the report carries no text: pass the article text it was made from")
    return text


def label(value: object) -> str:
    """``head_of_state_or_government`` → ``head of state or government``; None → ``""``."""
    return "" if value is None else str(value).replace("_", " ")


def percent(share: object) -> str:
    return f"{100 * share:.0f}%" if isinstance(share, int | float) else "—"


def _offsets(start: int, end: int) -> str:
    return f"{start}–{end}"


_OPENING_MARKS = "“‘\"'«„"


def _quoted(text: str, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
    """An escaped excerpt of ``text[start:end]`` in quotation marks (unless it opens with
    its own), with its offsets."""
    cut = excerpt(text[start:end], limit)
    quoted = cut if cut[:1] in _OPENING_MARKS else f"“{cut}”"
    return f"{md_escape(quoted)} ({_offsets(start, end)})"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]],
           right: Sequence[int] = ()) -> list[str]:
    """A GitHub-style table; cells must already be escaped. ``right``: right-aligned
    columns."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def speaker_text(quote: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``President Xi → Xi Jinping``, ``he → Vladimir Putin``, ``→ X`` (no speaker span),
    the speaker alone when unresolved, ``—`` when there is neither (not escaped)."""
    speaker = quote.get("speaker")
    said = excerpt(speaker["text"], 50) if speaker else None
    actor = names.get(quote["actor"]) if quote.get("actor") else None
    if actor is None:
        return said or "—"
    if said is None:
        return f"→ {actor}"
    if said.casefold().removeprefix("the ") == actor.casefold().removeprefix("the "):
        return actor
    return f"{said} → {actor}"


def _header(data: Mapping[str, Any]) -> list[str]:
    title = data.get("title") or "(untitled)"
    lines = [f"# {md_escape(title)}", ""]
    meta = [("Source", data.get("source")), ("Outlet", data.get("outlet")),
            ("Date", data.get("date")), ("URL", data.get("url"))]
    if data.get("id") and data.get("id") != data.get("source"):
        meta.insert(1, ("Id", data["id"]))
    parts = [f"**{key}:** {md_escape(value)}" for key, value in meta if value]
    if parts:
        lines += [" · ".join(parts), ""]
    kinds = Counter(q["kind"] for q in data["quotes"])
    count, actors = len(data["quotes"]), len(data["actors"])
    summary = f"{count} quote{'s' if count != 1 else ''}"
    if kinds:
        summary += " (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")"
    summary += f" · {actors} actor{'s' if actors != 1 else ''}"
    if data.get("sides"):
        summary += f" · {len(data['sides'])} side{'s' if len(data['sides']) != 1 else ''}"
    return [*lines, summary, ""]


def _findings(data: Mapping[str, Any], text: str) -> list[str]:
    if not data.get("findings"):
        return []
    lines = ["## Findings", ""]
    for f in data["findings"]:
        severity = SEVERITY_LABEL.get(f.get("severity", ""), str(f.get("severity", "")))
        lines.append(f"- **{md_escape(severity)}**: {md_escape(f.get('text', ''))}")
        evidence = f.get("evidence") or []
        for start, end in evidence[:MAX_EVIDENCE]:
            lines.append(f"  - {_quoted(text, start, end, 70)}")
        if len(evidence) > MAX_EVIDENCE:
            more = len(evidence) - MAX_EVIDENCE
            lines.append(f"  - … and {more} more passage{'s' if more != 1 else ''}")
    return [*lines, ""]


def _excluded(data: Mapping[str, Any], text: str) -> list[str]:
    if not data.get("excluded"):
        return []
    lines = ["## Not analysed", ""]
    for region in data["excluded"]:
        kind = REGION_LABEL.get(region.get("kind", ""), str(region.get("kind", "")))
        lines.append(f"- {md_escape(kind)}: {_quoted(text, region['start'], region['end'])}")
    return [*lines, ""]


def _sides(data: Mapping[str, Any]) -> list[str]:
    if not data.get("sides"):
        return []
    rows = [(md_escape(s["name"]) if s.get("heard") else f"*{md_escape(s['name'])}*",
             str(s.get("quotes", 0)), str(s.get("quoted_words", 0)), percent(s.get("share")),
             str(s.get("mentions", 0)), "yes" if s.get("heard") else "**never quoted**")
            for s in data["sides"]]
    return ["## Sides", "",
            *_table(["Side", "Quotes", "Quoted words", "Share", "Mentions", "Heard"], rows,
                    right=(1, 2, 3, 4)), ""]


def _quotes(data: Mapping[str, Any], text: str) -> list[str]:
    if not data.get("quotes"):
        return []
    names = {a["id"]: a["name"] for a in data["actors"]}
    actors = {a["id"]: a for a in data["actors"]}
    rows = []
    for n, q in enumerate(data["quotes"], 1):
        actor = actors.get(q.get("actor") or "", {})
        cue = q.get("cue")
        rows.append((str(n), md_escape(speaker_text(q, names)), md_escape(label(actor.get("role"))),
                     md_escape(actor.get("side") or ""),
                     md_escape(excerpt(cue["text"], 30)) if cue else "—", q["kind"],
                     _quoted(text, q["start"], q["end"])))
    return ["## Quotes", "",
            *_table(["#", "Speaker → actor", "Role", "Side", "Cue", "Kind", "Quote"], rows,
                    right=(0,)), ""]


def _actors(data: Mapping[str, Any]) -> list[str]:
    if not data.get("actors"):
        return []
    quoted = Counter(q["actor"] for q in data["quotes"] if q.get("actor"))
    order = {a["id"]: i for i, a in enumerate(data["actors"])}
    actors = sorted(data["actors"],
                    key=lambda a: (-quoted[a["id"]], -len(a["mentions"]), order[a["id"]]))
    rows = [(a["id"], f"**{md_escape(a['name'])}**" if quoted[a["id"]] else md_escape(a["name"]),
             md_escape(a.get("type") or ""), md_escape(label(a.get("role"))),
             md_escape(a.get("country") or ""), md_escape(a.get("gender") or ""),
             md_escape(a.get("side") or ""), str(len(a["mentions"])), str(quoted[a["id"]]))
            for a in actors]
    return ["## Actors", "",
            *_table(["Id", "Actor", "Type", "Role", "Country", "Gender", "Side", "Mentions",
                     "Quotes"], rows, right=(7, 8)), ""]


def term_category(term: Mapping[str, Any]) -> str:
    """``loaded (emotive verb of attack), in a quotation``: a flagged term's category, its
    list's section and whether the words are a quoted speaker's (not escaped)."""
    text = label(term.get("category")) or "?"
    if term.get("subcategory"):
        text += f" ({label(term['subcategory'])})"
    return text + (", in a quotation" if term.get("quoted") else "")


def _bias(sentence: Mapping[str, Any]) -> str:
    bias = sentence.get("bias")
    value = f"{bias:.2f}" if isinstance(bias, int | float) else ""
    return f"**{value}**" if sentence.get("biased") and value else value


def _sentences(data: Mapping[str, Any], text: str) -> list[str]:
    if not data.get("sentences"):
        return []
    sentences = data["sentences"] or []
    biased = sum(1 for s in sentences if s.get("biased"))
    lines = ["## Loaded language", "",
             f"{biased} of {len(sentences)} sentence{'s' if len(sentences) != 1 else ''} "
             "flagged as biased.", ""]
    rows = [(md_escape(term.get("text") or text[term["start"]:term["end"]]),
             md_escape(term_category(term)), md_escape(term.get("why") or ""),
             _offsets(term["start"], term["end"]),
             md_escape(excerpt(text[s["start"]:s["end"]], 80)), _bias(s))
            for s in sentences for term in s.get("loaded") or []]
    if rows:
        lines += [*_table(["Term", "Category", "Why", "Offsets", "Sentence", "Bias"], rows,
                          right=(5,)), ""]
    else:
        lines += ["No loaded terms found.", ""]
    return lines


def _score(value: object) -> str:
    return f"{value:+.2f}" if isinstance(value, int | float) else "—"


def _tone(data: Mapping[str, Any], text: str) -> list[str]:
    if data.get("tone") is None:
        return []
    tone: Mapping[str, Any] = data["tone"] or {}
    actors = {a["id"]: a for a in data["actors"]}
    lines = ["## Tone by actor", ""]
    if not tone:
        return [*lines, "No tone measured.", ""]
    rows = []
    for actor_id, t in sorted(tone.items(), key=lambda kv: -(kv[1].get("score") or 0.0)):
        actor = actors.get(actor_id, {})
        evidence = "; ".join(
            f"{md_escape(e.get('polarity') or '')} {_quoted(text, e['start'], e['end'], 50)}"
            for e in (t.get("evidence") or [])[:3])
        rows.append((md_escape(actor.get("name") or actor_id), md_escape(actor.get("side") or ""),
                     _score(t.get("score")), md_escape(t.get("label") or ""),
                     str(t.get("clauses", "")), evidence))
    return [*lines, *_table(["Actor", "Side", "Score", "Label", "Clauses", "Evidence"], rows,
                            right=(2, 4)), ""]


def event_party(part: Mapping[str, Any] | None, names: Mapping[str, str]) -> str:
    """A source or target: ``Xi Jinping (CHNGOV)``, ``the US (USA)``, ``—`` (not escaped)."""
    if not part:
        return "—"
    who = names.get(part.get("actor") or "") or excerpt(str(part.get("text") or ""), 40)
    return f"{who} ({part['code']})" if part.get("code") else who


def event_mode(event: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``reported``, ``negated``, ``claimed by Xi Jinping`` … (not escaped)."""
    mode = event.get("mode") or "reported"
    speaker = names.get(event.get("claimed_by") or "")
    if speaker:
        return f"claimed by {speaker}" if mode == "claimed" else f"{mode}, claimed by {speaker}"
    return str(mode)


def _events(data: Mapping[str, Any], text: str) -> list[str]:
    if data.get("events") is None:
        return []
    lines = ["## Events", ""]
    events = data["events"] or []
    if not events:
        return [*lines, "No events coded.", ""]
    names = {a["id"]: a["name"] for a in data["actors"]}
    rows = [(md_escape(f"{e['code']} {e['name']}"), md_escape(e.get("plover") or "—"),
             md_escape(event_party(e.get("source"), names)),
             md_escape(event_party(e.get("target"), names)), _score(e.get("goldstein")),
             md_escape(event_mode(e, names)), _quoted(text, e["start"], e["end"], 70))
            for e in events]
    return [*lines, *_table(["Event (CAMEO)", "PLOVER", "Source", "Target", "Goldstein",
                             "Mode", "Passage"], rows, right=(4,)), ""]


def claims_summary(att: Mapping[str, Any]) -> str:
    """``3 of 4 factual claims (75%) are attributed to a source.``"""
    share, claims = att.get("attributed_claim_share"), att.get("claims")
    if not claims or share is None:
        return "No factual-claim sentences found."
    attributed = att.get("attributed_claims")
    if attributed is None:
        attributed = round(share * claims)
    return (f"{attributed} of {claims} factual claim{'s' if claims != 1 else ''} "
            f"({percent(share)}) {'are' if attributed != 1 else 'is'} attributed to a source.")


def _attribution(data: Mapping[str, Any], text: str) -> list[str]:
    if data.get("attribution") is None:
        return []
    att: Mapping[str, Any] = data["attribution"] or {}
    lines = ["## Attribution", ""]
    lines += [claims_summary(att), ""]
    for key, title in (("vague", "Vague attributions"), ("slanted", "Slanted attribution verbs")):
        items = att.get(key) or []
        if not items:
            continue
        lines += [f"### {title}", ""]
        for item in items:
            detail = item.get("pattern") if key == "vague" else " · ".join(
                label(v) for v in (item.get("verb"), item.get("category")) if v)
            lines.append(f"- {_quoted(text, item['start'], item['end'], 70)}"
                         + (f": {md_escape(detail)}" if detail else ""))
        lines.append("")
    return lines


def render_markdown(report: Report, text: str | None = None) -> str:
    """The report as a Markdown document (GitHub-flavoured tables). ``text``: the article
    text the offsets point into, needed unless the report carries it (HTML input)."""
    text = article_text(report, text)
    data = report.to_dict()
    lines = _header(data)
    for section in (_findings(data, text), _sides(data), _quotes(data, text), _actors(data),
                    _events(data, text), _sentences(data, text), _tone(data, text),
                    _attribution(data, text), _excluded(data, text)):
        lines += section
    if data.get("warnings"):
        lines += ["## Warnings", "", *(f"- {md_escape(w)}" for w in data["warnings"]), ""]
    analyzer = data.get("analyzer") or {}
    if analyzer:
        lines += ["---", "", "*" + md_escape(" · ".join(
            [f"{k} {v}" for k, v in analyzer.items()] + [str(data.get("schema", ""))])) + "*",
            ""]
    return "\n".join(lines)


class MarkdownWriter:
    """Writes each report as it comes, separated by a horizontal rule."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._count = 0

    def write(self, report: Report, text: str | None = None) -> None:
        if self._count:
            self.out.write("\n* * *\n\n")
        self.out.write(render_markdown(report, text))
        self._count += 1
        self.out.flush()

    def close(self) -> None:
        self.out.flush()
