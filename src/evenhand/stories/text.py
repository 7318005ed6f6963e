"""Light text features shared by story clustering and sentence alignment.

No spaCy here: clustering has to run over tens of thousands of articles in seconds, before
(or without) any analysis. Words are lower-cased, stop words dropped and plurals folded
("sanctions" = "sanction"); names are approximated by capitalised words that do not open a
sentence, which is what tells two stories on the same day apart ("Mattis" vs "Kavanaugh")
far better than their common vocabulary does.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from spacy.lang.en.stop_words import STOP_WORDS

__all__ = ["WORD_PATTERN", "Vector", "content_words", "cosine", "entity_words", "fold", "normalise",
           "sentence_spans", "stem", "tfidf", "top_terms"]

Vector = dict[str, float]

WORD_PATTERN = _WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d")
# Words that are capitalised for being titles or honorifics, not names.
_NOT_NAMES = frozenset({
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "jr", "sr",
    "st", "said", "says", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "i", "the", "a", "an",
})
_STOP = frozenset(STOP_WORDS) | {"said", "says", "say", "told", "according", "year", "years",
                                 "new", "like", "just", "also", "time", "people", "week",
                                 "day", "days", "percent", "s", "t", "mr", "mrs", "ms"}
_MONTHS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april",
           "jun": "june", "jul": "july", "aug": "august", "sep": "september",
           "sept": "september", "oct": "october", "nov": "november", "dec": "december"}
# Where a capitalised word opens a sentence (so its capital says nothing about it).
_OPENERS = frozenset(".!?\"“”‘’'([—–-:;\n")


def stem(word: str) -> str:
    """Fold plurals and possessives: enough to match "sanctions" with "sanction" without
    the over-reach of a full stemmer on names."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(word: str) -> str:
    return stem(word.lower())


_SUFFIXES = ("ational", "ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly",
             "isms", "ism", "ed", "ers", "er", "ly", "al", "es", "e")


def fold(word: str) -> str:
    """A heavier fold than :func:`stem`, for matching words between sentences: common
    suffixes stripped and a doubled final consonant undone, so "torturing" = "torture",
    "banning" = "ban", "proposed" = "proposal". Only ever compared with other folded words;
    the result need not be a word."""
    word = stem(word)
    if word[0].isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The text's content words, in order: lower-cased, plurals folded, stop words and
    one-letter words dropped; numbers kept (figures tell facts apart), thousands
    separators removed."""
    out = []
    for match in _WORD.finditer(text):
        raw = match.group()
        if raw[0].isdigit():
            out.append(raw.replace(",", ""))
            continue
        word = normalise(raw)
        word = _MONTHS.get(word, word)
        if len(word) > 1 and word not in _STOP:
            out.append(word)
    return out


def entity_words(text: str) -> list[str]:
    """Capitalised words that look like parts of names, normalised, in order.

    A capitalised word that opens a sentence counts only when the same word is also
    capitalised somewhere inside a sentence of the text ("Trump said ..." after "Mr.
    Trump")."""
    inside: set[str] = set()
    found: list[tuple[str, bool]] = []
    for match in _WORD.finditer(text):
        raw = match.group()
        if not raw[0].isupper():
            continue
        word = normalise(raw)
        if len(word) < 2 or word in _NOT_NAMES or word in _STOP:
            continue
        before = text[max(0, match.start() - 8):match.start()].rstrip(" \t")
        # "Mr. Obama": a full stop after a title or an initial does not open a sentence
        opener = (not before or before[-1] in _OPENERS) and not _ABBREVIATION.search(before)
        found.append((word, opener))
        if not opener:
            inside.add(word)
    return [w for w, opener in found if not opener or w in inside]


def tfidf(counts: Mapping[str, float], idf: Mapping[str, float], default_idf: float,
          keep: int | None = None) -> Vector:
    """An L2-normalised TF-IDF vector (log-scaled term frequency), optionally cut to its
    ``keep`` heaviest terms (the cut is renormalised)."""
    weights = {t: (1.0 + math.log(c)) * idf.get(t, default_idf)
               for t, c in counts.items() if c > 0}
    if keep is not None and len(weights) > keep:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep])
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def top_terms(vector: Mapping[str, float], n: int) -> list[str]:
    return [t for t, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def counts_of(words: Iterable[str]) -> Counter[str]:
    return Counter(words)


_SENTENCE_END = re.compile(
    r"[.!?][\"”’')\]]*(?P<gap>[ \t]+)(?=[\"“‘(\[]?[A-Z0-9])|(?P<nl>[ \t]*\n\s*)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Jr|Sr|St|Mt|No|vs|Jan|Feb|Mar|Apr|Aug|"
    r"Sept?|Oct|Nov|Dec|Inc|Corp|Co|Ltd)|(?<![A-Za-z])[A-Z])\.$")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``, whitespace trimmed: a light
    splitter for text that has no analysis (the report's own sentences are preferred). A
    line break always ends a sentence; a full stop after a title or an initial does not."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        gap = "gap" if match.group("gap") is not None else "nl"
        if gap == "gap" and _ABBREVIATION.search(text[max(pos, match.start() - 6):
                                                      match.start() + 1]):
            continue
        _add_span(text, pos, match.start(gap), spans)
        pos = match.end(gap)
    _add_span(text, pos, end, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    s, e = start + lead, start + len(chunk.rstrip())
    if e > s:
        spans.append((s, e))
