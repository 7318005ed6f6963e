"""Sentence alignment across the articles of one story.

Every sentence becomes a TF-IDF vector over its content words, the IDF taken over all the
sentences of the story (so the story's own vocabulary, "Mattis" in a Mattis story, weighs
little and what a sentence adds weighs much). For each sentence and each article of another
outlet, the alignment keeps the closest sentence there and their cosine.

A sentence is reported as **only in its outlet** when, for *every* article of every other
outlet: no sentence there is close to it (cosine below :data:`COVER_SENTENCE`); the words it
shares with the whole article carry less than :data:`COVER_WORDS` of its weight (a fact
told over two sentences is caught here); no sentence there gives one of its figures with
another of its words; and it has at least :data:`MIN_WORDS` content words and a name or
figure that no other outlet mentions. Sentences that pass all but the last test are kept
apart as *unmatched* (less certain). Every test leans towards *not* calling a sentence
unique: a false "only in X" accuses the other outlets of an omission they did not make.
Words are compared folded (:func:`~evenhand.stories.text.fold`; a country's names,
adjectives and capital as one token).

Sentences matched in every other outlet above :data:`MATCH` (mutual best matches) are the
story's **shared facts**: the same fact in each outlet's words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .text import (
    WORD_PATTERN,
    Vector,
    content_words,
    cosine,
    entity_words,
    fold,
    normalise,
    sentence_spans,
    tfidf,
)

__all__ = ["COVER_SENTENCE", "COVER_WORDS", "MATCH", "MIN_WORDS", "Alignment", "Closest",
           "SharedFact", "UniqueSentence", "align_sentences", "body_spans"]

COVER_SENTENCE = 0.2
COVER_WORDS = 0.5
MATCH = 0.3
MIN_WORDS = 6
_TOKEN = WORD_PATTERN
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


@dataclass(frozen=True)
class Closest:
    """The closest sentence in another article: its index there and the cosine."""

    article: int
    sentence: int | None
    score: float
    covered_words: float  # share of the sentence's weight found anywhere in that article


@dataclass(frozen=True)
class UniqueSentence:
    article: int
    sentence: int
    start: int
    end: int
    novelty: float  # weight of its words found in no other outlet's article
    new_words: tuple[str, ...]  # those words, heaviest first
    closest: tuple[Closest, ...]
    new_anchors: tuple[str, ...] = ()  # names and figures found in no other outlet


@dataclass(frozen=True)
class SharedFact:
    """One sentence per article (index), all mutually closest, above :data:`MATCH`."""

    sentences: dict[int, int]
    score: float  # the lowest pairwise cosine among them


@dataclass
class Alignment:
    spans: list[list[tuple[int, int]]]  # per article: its sentences
    unique: list[list[UniqueSentence]] = field(default_factory=list)  # per article
    # not matched anywhere else either, but with no name or figure of their own: less sure
    unmatched: list[list[UniqueSentence]] = field(default_factory=list)
    shared: list[SharedFact] = field(default_factory=list)


def body_spans(text: str, excluded: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Sentences of ``text`` outside the ``excluded`` (headline, boilerplate) regions."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end in sorted(excluded):
        if start > pos:
            spans.extend(sentence_spans(text, pos, start))
        pos = max(pos, end)
    spans.extend(sentence_spans(text, pos, len(text)))
    return spans


def _anchors(sentence: str) -> dict[str, str]:
    """What pins a sentence to a fact, folded → as written: the names in it and its figures
    (years left out: "in 2016" is context more often than news). A country counts under one
    name ("Iranian" = "Iran" = "Tehran"), and "United" of "United States" is no name."""
    names = {_fold(w) for w in entity_words(sentence)}
    country_parts = _country_words()[1]
    out: dict[str, str] = {}
    for match in _TOKEN.finditer(sentence):
        raw = match.group()
        if raw[0].isdigit():
            figure = raw.replace(",", "")
            if not _YEAR.match(figure):
                out.setdefault(figure, raw)
            continue
        for part in raw.split("-"):  # "States-Israeli": two words
            if len(part) < 2 or not part[:1].isupper():
                continue
            word = normalise(part)
            key = _fold(word)
            if (key in names or _fold(normalise(raw)) in names) and \
                    word not in country_parts:
                out.setdefault(key, part.removesuffix("’s").removesuffix("'s"))
    return out


@lru_cache(maxsize=1)
def _country_words() -> tuple[dict[str, str], frozenset[str]]:
    """From the knowledge base: every one-word name, adjective, demonym and capital of a
    country → one token for the country ("Russian", "Russia" and "Moscow" say the same
    thing here), and the words of its longer names ("United", "States"), which are no names
    of their own."""
    from ..kb import load_kb

    single: dict[str, str] = {}
    parts: set[str] = set()
    for code, country in load_kb().countries.items():
        for name in (country.name, *country.aliases, *country.adjectives, *country.demonyms,
                     *country.capitals):
            words = name.replace("-", " ").split()
            if len(words) == 1:
                single.setdefault(normalise(name), "@" + code)
            else:
                parts.update(normalise(w) for w in words)
    return single, frozenset(parts - set(single))


def _fold(word: str) -> str:
    """A content word as alignment compares it."""
    return _country_words()[0].get(word) or fold(word)


def align_sentences(texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    groups: Sequence[str], *, extra: Sequence[str] = ()) -> Alignment:
    """Align the sentences (``spans[i]``: ``(start, end)`` into ``texts[i]``) of the
    articles of a story. ``groups[i]`` is the outlet of article ``i``: articles of the same
    outlet are not compared with each other. ``extra[i]``: more text of article ``i`` that
    counts as covered content (its headline) without being a sentence to align."""
    n = len(texts)
    words = [[[_fold(w) for w in content_words(texts[i][s:e])] for s, e in spans[i]]
             for i in range(n)]
    df: Counter[str] = Counter()
    total = 0
    for article in words:
        for sentence in article:
            df.update(set(sentence))
            total += 1
    idf = {w: math.log((total + 1) / (d + 1)) + 1.0 for w, d in df.items()}
    default = math.log(total + 1) + 1.0
    vectors: list[list[Vector]] = [[tfidf(Counter(s), idf, default) for s in article]
                                   for article in words]
    # everything an article says, headline included, as folded words
    vocab = [{_fold(w) for w in content_words(texts[i] + "\n" + (extra[i] if i < len(extra)
                                                                   else ""))}
             for i in range(n)]
    result = Alignment(spans=[list(s) for s in spans])
    best: dict[tuple[int, int, int], tuple[int | None, float]] = {}
    for i in range(n):
        others = [j for j in range(n) if groups[j] != groups[i]]
        elsewhere = set().union(*(vocab[j] for j in others))
        unique: list[UniqueSentence] = []
        unmatched: list[UniqueSentence] = []
        for k, vector in enumerate(vectors[i]):
            closest = []
            covered = False
            for j in others:
                score, index = max(((cosine(vector, v), m) for m, v in enumerate(vectors[j])),
                                   default=(0.0, None))
                best[(i, k, j)] = (index, score)
                share = _covered(words[i][k], vocab[j], idf)
                closest.append(Closest(j, index, round(score, 4), round(share, 4)))
                covered = covered or score >= COVER_SENTENCE or share >= COVER_WORDS or \
                    _same_figure(words[i][k], words[j])
            if covered or not others or len(set(words[i][k])) < MIN_WORDS:
                continue
            start, end = spans[i][k]
            new = sorted({w for w in words[i][k] if w not in elsewhere},
                         key=lambda w: (-idf.get(w, default), w))
            item = UniqueSentence(i, k, start, end,
                                  round(sum(idf.get(w, default) for w in new), 3), tuple(new),
                                  tuple(closest),
                                  tuple(surface for key, surface in
                                        _anchors(texts[i][start:end]).items()
                                        if key not in elsewhere))
            (unique if item.new_anchors else unmatched).append(item)
        unique.sort(key=lambda u: (-u.novelty, u.sentence))
        unmatched.sort(key=lambda u: (-u.novelty, u.sentence))
        result.unique.append(unique)
        result.unmatched.append(unmatched)
    result.shared = _shared(n, groups, vectors, best)
    return result


def _same_figure(sentence: Sequence[str], article: Sequence[Sequence[str]]) -> bool:
    """Whether a sentence of ``article`` gives one of the sentence's figures (years aside)
    together with another of its words: "Mattis ... Feb. 28" against "February 28, 2019,"
    Mattis wrote"."""
    words = set(sentence)
    figures = {w for w in words if w[0].isdigit() and not _YEAR.match(w)}
    if not figures:
        return False
    for other in article:
        shared = words.intersection(other)
        if shared & figures and shared - figures:
            return True
    return False


def _covered(sentence: Sequence[str], vocab: set[str], idf: dict[str, float]) -> float:
    weights = {w: idf.get(w, 1.0) for w in set(sentence)}
    total = sum(weights.values())
    return sum(x for w, x in weights.items() if w in vocab) / total if total else 0.0


def _shared(n: int, groups: Sequence[str], vectors: Sequence[Sequence[Vector]],
            best: dict[tuple[int, int, int], tuple[int | None, float]]) -> list[SharedFact]:
    """Facts every outlet reports: starting from each sentence of the first article of the
    first outlet, the mutually closest sentence in one article of each other outlet."""
    outlets = list(dict.fromkeys(groups))
    if len(outlets) < 2:
        return []
    first = {g: groups.index(g) for g in outlets}
    pivot = first[outlets[0]]
    facts: list[SharedFact] = []
    for k in range(len(vectors[pivot])):
        chosen = {pivot: k}
        for g in outlets[1:]:
            j = first[g]
            index, score = best.get((pivot, k, j), (None, 0.0))
            if index is None or score < MATCH or best.get((j, index, pivot), (None, 0.0))[0] != k:
                break
            chosen[j] = index
        else:
            pairs = [cosine(vectors[a][chosen[a]], vectors[b][chosen[b]])
                     for a in chosen for b in chosen if a < b]
            facts.append(SharedFact(chosen, round(min(pairs), 4)))
    facts.sort(key=lambda f: -f.score)
    return facts
