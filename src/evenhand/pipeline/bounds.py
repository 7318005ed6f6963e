"""Where an indirect quotation's content starts and ends.

A cue verb's complement in the parse is a good first guess of what was said, but news
writing and its annotation disagree with the parse at the edges: "raised concerns about
*the plan*" (the object is part of the cue), "urged *Trump to stop*" (the object is part of
the content), "said *the talks failed*, drawing boos" (the participle is the writer's).
:class:`SpanModel` picks the start, then the end, of the content among nearby token
positions with two conditional-logit models (a softmax over the positions) over features of
the tokens at and around each boundary and of how they attach to the cue and its
complement. Without weights the parse's complement is kept as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import repeat

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_PUNCT,
    IS_QUOTE,
    IS_SPACE,
    LEMMA,
    LENGTH,
    LOWER,
    POS,
    SENT_START,
    TAG,
)
from spacy.strings import StringStore
from spacy.tokens import Doc, Span, Token

from .lexicon import word_set

__all__ = ["ARRAYS_KEY", "BoundaryContext", "SpanModel", "TokenArrays", "end_features",
           "end_positions", "start_features", "start_positions", "token_arrays"]

# How far a boundary may move from the parse's complement, in tokens.
MAX_START_BACK = 6
MAX_START_FORWARD = 8
MAX_END_BACK = 25
MAX_END_FORWARD = 30

# Words whose identity says more about a boundary than their part of speech.
_CLOSED = word_set("""
that to the a an his her their its for about on of with by in at from how what whether if why
as and but or who which whom whose when while because after before since although though
including despite over against into than so not also even just only this these those such
""")


class TokenArrays:
    """Per-Doc token attributes as plain lists, read once with ``Doc.to_array``: the
    boundary features (and the cue scorer's flags) then create no Token objects."""

    def __init__(self, doc: Doc) -> None:
        strings = doc.vocab.strings
        n = len(doc)
        arr = doc.to_array([HEAD, DEP, POS, LOWER, IS_PUNCT, IS_SPACE, IS_QUOTE, LEMMA, TAG,
                            ENT_TYPE, SENT_START, IDX, LENGTH])
        self.n = n
        self.idx: list[int] = arr[:, 11].tolist()  # character offsets
        self.end: list[int] = (arr[:, 11] + arr[:, 12]).tolist()
        head = np.arange(n, dtype=np.int64) + arr[:, 0].astype(np.int64)
        self.head: list[int] = head.tolist()
        self.dep = _names(strings, arr[:, 1])
        self.pos = _names(strings, arr[:, 2])
        self.lower = _names(strings, arr[:, 3])
        self.lemma = _names(strings, arr[:, 7], lower=True)
        self.tag = _names(strings, arr[:, 8])
        self.ent = _names(strings, arr[:, 9])
        punct = arr[:, 4].astype(bool)
        self.punct: list[bool] = punct.tolist()
        self.space: list[bool] = arr[:, 5].astype(bool).tolist()
        self.skip: list[bool] = (punct | arr[:, 5].astype(bool)).tolist()
        # tokens that can open a phrase after a content's end
        opens = punct | np.isin(arr[:, 2], [strings[p] for p in _OPENING_POS]) | \
            np.isin(arr[:, 8], [strings[t] for t in _OPENING_TAGS]) | \
            np.isin(arr[:, 3], [strings[w] for w in _OPENING_WORDS])
        self.opens: list[bool] = [*opens.tolist(), True]
        # children: tokens sorted by head, each head's run found by binary search
        order = np.argsort(head, kind="stable")
        by_head = head[order]
        index = np.arange(n, dtype=np.int64)
        self._order: list[int] = order.tolist()
        self._kids_lo: list[int] = np.searchsorted(by_head, index, "left").tolist()
        self._kids_hi: list[int] = np.searchsorted(by_head, index, "right").tolist()
        self.quote = arr[:, 6].astype(bool)
        self.quotes: list[bool] = self.quote.tolist()
        self.say = np.isin(arr[:, 7], [strings["say"], strings["tell"]])
        self.verb = np.isin(arr[:, 2], [strings["VERB"], strings["AUX"]])
        # word class: a closed-class word itself, punctuation (up to two characters), else
        # the part of speech
        cls = np.array(self.pos, dtype=object)
        lower = np.array(self.lower, dtype=object)
        closed = np.isin(arr[:, 3], [strings[w] for w in _CLOSED]) & ~punct
        cls[closed] = lower[closed]
        cls[punct] = [w if len(w) <= 2 else "P" for w in lower[punct]]
        self.cls: list[str] = cls.tolist()
        starts = np.flatnonzero(arr[:, 10].astype(np.int64) == 1)
        bounds = np.unique(np.concatenate(([0], starts, [n]))) if n else np.array([0])
        self.sent_start = np.zeros(n + 1, dtype=np.int64)
        self.sent_end = np.zeros(n + 1, dtype=np.int64)
        for s0, s1 in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            self.sent_start[s0:s1] = s0
            self.sent_end[s0:s1] = s1
        # subtree edges from the heads: every token widens each of its ancestors' edges,
        # one level of ancestors per round
        left, right = index.copy(), index.copy()
        anc = head.copy()
        for _ in range(n):
            np.minimum.at(left, anc, index)
            np.maximum.at(right, anc, index)
            up = head[anc]
            if np.array_equal(up, anc):
                break
            anc = up
        self.left: list[int] = left.tolist()
        self.right: list[int] = right.tolist()

    def trimmed(self, first: int, last: int) -> tuple[int, int]:
        """``first..last`` without spaces and punctuation (quotation marks kept) at either
        edge; ``first > last`` when nothing is left."""
        while first <= last and (self.space[last] or (self.punct[last] and
                                                      not self.quotes[last])):
            last -= 1
        while first <= last and (self.space[first] or (self.punct[first] and
                                                       not self.quotes[first])):
            first += 1
        return first, last

    def kids(self, i: int) -> list[int]:
        """The children of token ``i``, in order."""
        return [j for j in self._order[self._kids_lo[i]:self._kids_hi[i]] if j != i]

    def sentence_of(self, i: int) -> tuple[int, int]:
        return int(self.sent_start[i]), int(self.sent_end[i])


_OPENING_POS = ("CCONJ", "SCONJ", "ADP", "PART")
_OPENING_TAGS = ("WDT", "WP", "WRB", "VBG")
_OPENING_WORDS = ("who", "which", "that")


_NAMES: dict[tuple[int, bool], str] = {}


def _names(strings: StringStore, ids: np.ndarray, lower: bool = False) -> list[str]:
    """The strings of a column of ``Doc.to_array`` ids, each distinct id looked up once (and
    kept: a string's id is its hash, the same in every vocabulary)."""
    uniq, inverse = np.unique(ids, return_inverse=True)
    names = []
    for u in uniq.tolist():
        name = _NAMES.get((u, lower))
        if name is None:
            name = strings[u].lower() if lower else strings[u]
            if len(_NAMES) < 200_000:
                _NAMES[(u, lower)] = name
        names.append(name)
    out: list[str] = np.array(names, dtype=object)[inverse].tolist()
    return out


ARRAYS_KEY = "evenhand_token_arrays"


def token_arrays(doc: Doc) -> TokenArrays:
    """The Doc's :class:`TokenArrays`, made once and kept in ``doc.user_data`` (the quote
    component drops them when it is done)."""
    arrays = doc.user_data.get(ARRAYS_KEY)
    if not isinstance(arrays, TokenArrays) or arrays.n != len(doc):
        arrays = TokenArrays(doc)
        doc.user_data[ARRAYS_KEY] = arrays
    return arrays


class BoundaryContext:
    """A candidate's cue, complement and sentence, in token indices."""

    __slots__ = ("a", "ce", "comp", "cs", "lemma", "sent_end", "sent_start", "verb")

    def __init__(self, verb: Token, content: Span | Sequence[Token] | tuple[int, int],
                 comp: str) -> None:
        """``content``: its tokens, or the indices of its first and last token."""
        a = token_arrays(verb.doc)
        self.a = a
        self.verb = verb.i
        self.lemma = a.lemma[verb.i]
        self.comp = comp
        if isinstance(content, tuple):
            self.cs, self.ce = content
        else:
            self.cs, self.ce = content[0].i, content[-1].i
        self.sent_start, end = a.sentence_of(verb.i)
        end -= 1
        while end > self.ce and a.skip[end]:
            end -= 1
        self.sent_end = end  # the last token that may end the content

    @property
    def after(self) -> bool:
        return self.cs > self.verb

    def where(self, i: int, s: int, e: int) -> str:
        """How token ``i`` attaches: to the verb (V), inside s..e (I), after e (A), before
        (B)."""
        head = self.a.head[i]
        if head == self.verb:
            return "V"
        if s <= head <= e:
            return "I"
        return "A" if head > e else "B"


def start_positions(ctx: BoundaryContext) -> list[int]:
    if ctx.after:
        lo = max(ctx.verb + 1, ctx.sent_start, ctx.cs - MAX_START_BACK)
        hi = min(ctx.ce, ctx.cs + MAX_START_FORWARD)
    else:
        lo = max(ctx.sent_start, ctx.cs - MAX_START_BACK)
        hi = min(ctx.ce, ctx.cs + MAX_START_FORWARD, ctx.verb - 1)
    return list(range(lo, hi + 1))


def end_positions(ctx: BoundaryContext, start: int) -> list[int]:
    """Where the content may end: the parse's end, the sentence's, or before a token that
    can open what follows it (punctuation, a conjunction, a preposition or particle, a
    relative or a participle) — 99% of PolNeAR's content ends, a third of the positions."""
    lo = max(start, ctx.ce - MAX_END_BACK)
    hi = min(ctx.sent_end, ctx.ce + MAX_END_FORWARD)
    if not ctx.after:
        hi = min(hi, ctx.verb - 1)
    if hi < ctx.ce:
        hi = ctx.ce
    a = ctx.a
    return [e for e in range(lo, hi + 1)
            if e == ctx.ce or e >= ctx.sent_end or a.opens[e + 1]]


def _bucket(d: int) -> str:
    if -3 <= d <= 3:
        return str(d)
    sign = "-" if d < 0 else "+"
    return sign + ("4-6" if abs(d) <= 6 else "7-12" if abs(d) <= 12 else "13+")


def start_features(ctx: BoundaryContext, i: int) -> list[str]:
    a = ctx.a
    c = ctx.comp
    off = _bucket(i - ctx.cs)
    t = a.cls[i]
    p = "CUE" if i - 1 == ctx.verb else a.cls[i - 1] if i > 0 else "BOS"
    w = ctx.where(i, i, ctx.ce)
    dep = a.dep[i]
    feats = [f"o={off}", f"t={t}", f"p={p}", f"tp={t}|{p}", f"w={w}", f"td={dep}",
             f"c|o={c}|{off}", f"c|t={c}|{t}", f"c|p={c}|{p}", f"c|tp={c}|{t}|{p}",
             f"c|w|td={c}|{w}|{dep}"]
    if i > 0 and a.dep[i - 1] == "prep":
        feats.append(f"pprep={c}|{a.dep[a.head[i - 1]]}|{a.lower[i - 1]}")
    feats.append(f"l|o={ctx.lemma}|{off}")
    return feats


def end_features(ctx: BoundaryContext, s: int, e: int) -> list[str]:
    a = ctx.a
    c = ctx.comp
    off = _bucket(e - ctx.ce)
    t = a.cls[e]
    if e >= ctx.sent_end:
        n, nn, w, nd = "EOS", "EOS", "-", "-"
    else:
        n = a.cls[e + 1]
        nn = a.cls[e + 2] if e + 2 < a.n and e + 2 <= ctx.sent_end + 1 else "EOS"
        w = ctx.where(e + 1, s, e)
        nd = a.dep[e + 1]
    feats = [f"o={off}", f"t={t}", f"n={n}", f"nn={n}|{nn}", f"w={w}", f"nd={nd}",
             f"wnd={w}|{nd}", f"c|o={c}|{off}", f"c|n={c}|{n}", f"c|nn={c}|{n}|{nn}",
             f"c|w={c}|{w}|{nd}", f"tn={t}|{n}"]
    if e == ctx.sent_end:
        feats.append(f"c|eos={c}")
    # the largest phrase that ends at e: where it attaches, and whether it lies inside s..e
    top = e
    head = a.head
    while head[top] != top and a.right[head[top]] == e and head[top] >= s:
        top = head[top]
    inside = "in" if a.left[top] >= s else "x"
    feats += [f"top={a.dep[top]}|{ctx.where(top, s, e)}|{inside}",
              f"c|top={c}|{a.dep[top]}|{inside}"]
    return feats


class SpanModel:
    """Picks the content's start, then its end, by the highest-scoring position."""

    def __init__(self, start: dict[str, float] | None = None,
                 end: dict[str, float] | None = None, margin: float = 0.0) -> None:
        self.start = start or {}
        self.end = end or {}
        # a boundary moves away from the parse's only when it scores this much better
        self.margin = margin

    @property
    def active(self) -> bool:
        return bool(self.start or self.end)

    def _best(self, weights: dict[str, float], positions: list[int],
              feats: list[list[str]], default: int) -> int:
        best, best_z = default, -math.inf
        for pos, fs in zip(positions, feats, strict=True):
            z = sum(map(weights.get, fs, repeat(0.0))) + (
                self.margin if pos == default else 0.0)
            if z > best_z:
                best, best_z = pos, z
        return best

    def choose(self, ctx: BoundaryContext) -> tuple[int, int]:
        """(first, last) token index of the content."""
        s = ctx.cs
        if self.start:
            positions = start_positions(ctx)
            if positions:
                s = self._best(self.start, positions,
                               [start_features(ctx, i) for i in positions], ctx.cs)
        e = max(ctx.ce, s)
        if self.end:
            positions = end_positions(ctx, s)
            if positions:
                e = self._best(self.end, positions,
                               [end_features(ctx, s, i) for i in positions], e)
        return s, e
