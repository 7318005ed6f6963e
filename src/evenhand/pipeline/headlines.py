"""Attributions in a headline: "Sanders: Endorsements prove Clinton is the establishment",
"Graham Says Trump Could Embrace Clean Energy", "Deal is dead, minister says".

The headline is kept out of the parsed text (see :mod:`evenhand.article`), and headline
style (title case, no articles, colons for speech) parses poorly anyway, so its attributions
are found by three patterns on the raw string, clause by clause (a ``;`` or a line break
starts a new clause):

* ``SPEAKER: CONTENT`` — a speaker of up to six words, not a rubric ("Breaking:", "Poll:");
* ``CONTENT, SPEAKER says`` — a trailing verb of saying;
* ``SPEAKER VERB CONTENT`` — a verb of saying or of stance from a closed list ("says",
  "warns", "slams", "calls for", ...).

Offsets are character offsets into the text the headline was cut from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import CONTENT_OBJECT, INTENT, SPEECH, word_set

__all__ = ["HeadlineQuote", "headline_quotes"]

# Rubrics and labels that open headlines the way a speaker does ("Breaking: ...").
_RUBRICS = word_set("""
breaking watch wow busted exclusive update updated video live opinion analysis editorial
boom photos audio transcript new yikes bombshell revealed listen read look abstract byline
poll polls quiz chart map explainer review obituary
""") | frozenset({
    "just in", "fact check", "breaking news", "must watch", "full text", "paid notice",
    "delegate update", "morning email", "evening briefing", "the latest"})
_VERBS = (
    "says|said|say|tells|told|warns|warned|urges|urged|vows|vowed|claims|claimed|insists|"
    "admits|asks|suggests|predicts|slams|blasts|rips|praises|thinks|believes|wants|pledges|"
    "promises|denies|defends|accuses|blames|threatens|argues|explains|reveals|hints at|hints|"
    "questions|doubts|endorses|backs|rejects|dismisses|mocks|knocks|touts|hails|decries|"
    "laments|reiterates|announces|confirms|agrees|disagrees|demands|proposes|calls for|"
    "calls on|calls|sees|expects|fears|worries|hopes|responds to|fires back at|hits back at|"
    "lashes out at|takes aim at|goes after|weighs in on|sounds off on|opens up about|"
    "speaks out on|speaks out against|criticizes|criticises|condemns|supports|opposes")


def _forms(lemma: str) -> set[str]:
    """A verb's headline forms: base ("Republicans blast"), third person ("Trump blasts")
    and past ("Trump blasted"), by the regular rules. (Base forms are often nouns too,
    "email", "plan"; on PolNeAR train they still find more than they mistake.)"""
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "i", "o", "u"):
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return {lemma, lemma + "es", lemma + "ed"}
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d"}
    return {lemma, lemma + "s", lemma + "ed"}


# the team-written verbs of saying, intention and stance (lexicon.py) in those forms;
# longest first, so that the alternation prefers "calls for" to "calls"
_LEXICON_FORMS = sorted({form for lemma in SPEECH | INTENT | CONTENT_OBJECT if "_" not in lemma
                         for form in _forms(lemma)}, key=len, reverse=True)
_CLAUSE = re.compile(r"[^;\n]+")
_COLON = re.compile(r"^\s*(?P<speaker>[^:]{1,60}?)\s*(?P<cue>:)\s+(?P<content>\S.*?)\s*$")
_TRAILING = re.compile(
    r"^\s*(?P<content>\S.*?),?\s+(?P<speaker>[A-Z][^,;:]{0,60}?)\s+"
    r"(?P<cue>says|said|say|warns|claims|argues|insists)\.?\s*$", re.IGNORECASE)
_LEADING = re.compile(
    r"^\s*(?P<speaker>[A-Z0-9‘'“\"][^,;:]{0,60}?)\s+(?P<cue>(?:" + _VERBS + "|"
    + "|".join(map(re.escape, _LEXICON_FORMS)) + r"))\s+"
    r"(?P<content>\S.*?)\s*$", re.IGNORECASE)
_FINAL_STOP = re.compile(r"[.\s]+$")


@dataclass(frozen=True)
class HeadlineQuote:
    content: tuple[int, int]
    cue: tuple[int, int]
    speaker: tuple[int, int]


def headline_quotes(text: str, start: int = 0, end: int | None = None) -> list[HeadlineQuote]:
    """The attributions in the headline ``text[start:end]``."""
    end = len(text) if end is None else end
    out: list[HeadlineQuote] = []
    for clause in _CLAUSE.finditer(text, start, end):
        found = _match(clause.group())
        if found is None:
            continue
        m, off = found, clause.start()
        cs, ce = off + m.start("content"), off + m.end("content")
        stop = _FINAL_STOP.search(text, cs, ce)
        if stop is not None and stop.start() > cs and text[stop.start()] == ".":
            ce = stop.start()  # the headline's full stop is not part of what was said
        out.append(HeadlineQuote((cs, ce), (off + m.start("cue"), off + m.end("cue")),
                                 (off + m.start("speaker"), off + m.end("speaker"))))
    return out


def _match(clause: str) -> re.Match[str] | None:
    m = _COLON.match(clause)
    if m is not None:
        speaker = m.group("speaker")
        if speaker[:1].isupper() and len(speaker.split()) <= 6 and \
                speaker.lower() not in _RUBRICS and speaker.split()[0].lower() not in _RUBRICS:
            return m
        return None
    m = _TRAILING.match(clause)
    if m is not None and len(m.group("content").split()) >= 3:
        return m
    m = _LEADING.match(clause)
    if m is not None and len(m.group("speaker").split()) <= 7:
        return m
    return None
