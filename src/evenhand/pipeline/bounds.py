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

from spacy.tokens import Doc, Token

from .lexicon import word_set

__all__ = ["BoundaryContext", "SpanModel", "end_features", "end_positions", "start_features",
           "start_positions"]

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


def _cls(tok: Token) -> str:
    if tok.is_punct:
        return tok.text if len(tok.text) <= 2 else "P"
    low = tok.lower_
    return low if low in _CLOSED else tok.pos_


class BoundaryContext:
    """A candidate's cue, complement and sentence, in token indices."""

    __slots__ = ("ce", "comp", "cs", "doc", "sent_end", "sent_start", "verb")

    def __init__(self, verb: Token, content: Sequence[Token], comp: str) -> None:
        self.doc: Doc = verb.doc
        self.verb = verb
        self.comp = comp
        self.cs = content[0].i
        self.ce = content[-1].i
        sent = verb.sent
        self.sent_start = sent.start
        end = sent.end - 1
        while end > self.ce and (self.doc[end].is_punct or self.doc[end].is_space):
            end -= 1
        self.sent_end = end  # the last token that may end the content

    @property
    def after(self) -> bool:
        return self.cs > self.verb.i

    def where(self, tok: Token, s: int, e: int) -> str:
        """How ``tok`` attaches: to the verb (V), inside s..e (I), after e (A), before (B)."""
        head = tok.head.i
        if head == self.verb.i:
            return "V"
        if s <= head <= e:
            return "I"
        return "A" if head > e else "B"


def start_positions(ctx: BoundaryContext) -> list[int]:
    if ctx.after:
        lo = max(ctx.verb.i + 1, ctx.sent_start, ctx.cs - MAX_START_BACK)
        hi = min(ctx.ce, ctx.cs + MAX_START_FORWARD)
    else:
        lo = max(ctx.sent_start, ctx.cs - MAX_START_BACK)
        hi = min(ctx.ce, ctx.cs + MAX_START_FORWARD, ctx.verb.i - 1)
    return list(range(lo, hi + 1))


def end_positions(ctx: BoundaryContext, start: int) -> list[int]:
    lo = max(start, ctx.ce - MAX_END_BACK)
    hi = min(ctx.sent_end, ctx.ce + MAX_END_FORWARD)
    if not ctx.after:
        hi = min(hi, ctx.verb.i - 1)
    if hi < ctx.ce:
        hi = ctx.ce
    return list(range(lo, hi + 1))


def _bucket(d: int) -> str:
    if -3 <= d <= 3:
        return str(d)
    sign = "-" if d < 0 else "+"
    return sign + ("4-6" if abs(d) <= 6 else "7-12" if abs(d) <= 12 else "13+")


def start_features(ctx: BoundaryContext, i: int) -> list[str]:
    doc = ctx.doc
    tok = doc[i]
    prev = doc[i - 1] if i > 0 else None
    c = ctx.comp
    off = _bucket(i - ctx.cs)
    t = _cls(tok)
    p = "CUE" if prev is not None and prev.i == ctx.verb.i else (
        _cls(prev) if prev is not None else "BOS")
    w = ctx.where(tok, i, ctx.ce)
    feats = [f"o={off}", f"t={t}", f"p={p}", f"tp={t}|{p}", f"w={w}", f"td={tok.dep_}",
             f"c|o={c}|{off}", f"c|t={c}|{t}", f"c|p={c}|{p}", f"c|tp={c}|{t}|{p}",
             f"c|w|td={c}|{w}|{tok.dep_}"]
    if prev is not None and prev.dep_ == "prep":
        feats.append(f"pprep={c}|{prev.head.dep_}|{prev.lower_}")
    lemma = ctx.verb.lemma_.lower()
    feats.append(f"l|o={lemma}|{off}")
    return feats


def end_features(ctx: BoundaryContext, s: int, e: int) -> list[str]:
    doc = ctx.doc
    tok = doc[e]
    c = ctx.comp
    off = _bucket(e - ctx.ce)
    t = _cls(tok)
    if e >= ctx.sent_end:
        n, nn, w, nd = "EOS", "EOS", "-", "-"
    else:
        nxt = doc[e + 1]
        n = _cls(nxt)
        nn = _cls(doc[e + 2]) if e + 2 < len(doc) and e + 2 <= ctx.sent_end + 1 else "EOS"
        w = ctx.where(nxt, s, e)
        nd = nxt.dep_
    feats = [f"o={off}", f"t={t}", f"n={n}", f"nn={n}|{nn}", f"w={w}", f"nd={nd}",
             f"wnd={w}|{nd}", f"c|o={c}|{off}", f"c|n={c}|{n}", f"c|nn={c}|{n}|{nn}",
             f"c|w={c}|{w}|{nd}", f"tn={t}|{n}"]
    if e == ctx.sent_end:
        feats.append(f"c|eos={c}")
    # the largest phrase that ends at e: where it attaches, and whether it lies inside s..e
    top = tok
    while top.head.i != top.i and top.head.right_edge.i == e and top.head.i >= s:
        top = top.head
    inside = "in" if top.left_edge.i >= s else "x"
    feats += [f"top={top.dep_}|{ctx.where(top, s, e)}|{inside}",
              f"c|top={c}|{top.dep_}|{inside}"]
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
            z = sum(weights.get(f, 0.0) for f in fs) + (self.margin if pos == default else 0.0)
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
