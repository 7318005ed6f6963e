"""Quotation marks: pair them into direct-quote spans without ever aborting on bad input.

Works on characters, before any parsing, so that quotes running over several sentences or
paragraphs are found whole. Straight double quotes toggle; curly ones say which side they
are on. Single curly quotes count only when they clearly open and close a quotation (an
apostrophe is never a quote mark). An unclosed quote ends at its paragraph's end, unless the
next paragraph opens with a quote mark: the news convention for a quote continuing over
paragraphs, in which case the parts are linked as one quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["MarkedQuote", "find_marked_quotes"]

_OPEN = {"“": "”", "„": "”", "«": "»", "‹": "›"}
_CLOSE = {"”", "»", "›"}
_PARA = re.compile(r"\n\s*\n")
_MARK = re.compile("''|[\"“„«‹”»›‘’]")


@dataclass
class MarkedQuote:
    """Text between quotation marks, marks included. ``parts`` > 1 when it runs over
    several paragraphs (each part one paragraph's share)."""

    parts: list[tuple[int, int]]
    unclosed: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARA.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_single_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-\"“") and after.isalnum()


def _is_single_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _scan_paragraph(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Pair marks inside one paragraph. Returns closed spans and the start of an unclosed
    quote, if any."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    open_kind = ""
    single_open: int | None = None
    # only the marks themselves are visited, not every character
    for m in _MARK.finditer(text, start, end):
        at, i, ch = m.start(), m.end() - 1, m.group()
        if ch == "''":
            # two apostrophes standing for a double quote mark (some newspapers' style)
            ch = '"'
        if ch == '"':
            if open_at is None:
                open_at, open_kind = at, '"'
            elif open_kind == '"':
                spans.append((open_at, i + 1))
                open_at = None
            else:  # a straight mark closing a curly quote: accept it
                spans.append((open_at, i + 1))
                open_at = None
        elif ch in _OPEN:
            if open_at is not None and i - open_at > 1:
                # a new opening before the last one closed: the last one was unclosed
                spans.append((open_at, i))
            open_at, open_kind = i, ch
        elif ch in _CLOSE:
            if open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
            # a stray closing mark is ignored
        elif ch == "‘" and open_at is None and _is_single_open(text, i):
            single_open = i
        elif ch == "’" and single_open is not None and open_at is None \
                and _is_single_close(text, i):
            # ‘quoted’ needs at least two words to be a quotation, not a scare-quoted term
            # or an elision (‘90s)
            if " " in text[single_open:i].strip():
                spans.append((single_open, i + 1))
            single_open = None
    return spans, open_at


def find_marked_quotes(text: str) -> list[MarkedQuote]:
    """All direct-quote spans in ``text``, in order."""
    quotes: list[MarkedQuote] = []
    paragraphs = _paragraph_spans(text)
    carry: MarkedQuote | None = None  # a quote continuing from the previous paragraph
    for index, (start, end) in enumerate(paragraphs):
        spans, unclosed = _scan_paragraph(text, start, end)
        if carry is not None:
            first_nonspace = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            if spans and spans[0][0] == first_nonspace:
                carry.parts.append(spans.pop(0))
                quotes.append(carry)
                carry = None
            elif not spans and unclosed == first_nonspace:
                carry.parts.append((unclosed, end))
                unclosed = None
                # keeps carrying: the quote goes on in the next paragraph too
            else:
                quotes.append(carry)
                carry = None
        quotes.extend(MarkedQuote([s]) for s in spans)
        if unclosed is not None:
            part = (unclosed, _trim_end(text, end))
            nxt = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            if carry is not None:
                carry.parts.append(part)
            elif nxt is not None and (text[nxt[0]:nxt[1]].lstrip()[:1] in ('"', *_OPEN)
                                      or text[nxt[0]:nxt[1]].lstrip().startswith("''")):
                carry = MarkedQuote([part])
            else:
                quotes.append(MarkedQuote([part], unclosed=True, warnings=[
                    f"unbalanced quotation mark at {unclosed}: quote closed at its "
                    "paragraph's end"]))
    if carry is not None:
        carry.unclosed = True
        quotes.append(carry)
    quotes.sort(key=lambda q: q.start)
    return quotes


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end
