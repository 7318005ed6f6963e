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
from collections.abc import Collection, Sequence
from itertools import pairwise
from typing import Any

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
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ._view import id_strings
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


_OPENING_POS = ("CCONJ", "SCONJ", "ADP", "PART")
_OPENING_TAGS = ("WDT", "WP", "WRB", "VBG")
_OPENING_WORDS = ("who", "which", "that")


class TokenArrays:
    """Per-Doc token attributes as plain lists, read once with ``Doc.to_array``: the
    boundary features (and the cue scorer's flags) then create no Token objects.

    Lists, not arrays: the features index them one token at a time, and indexing a list is
    several times cheaper than indexing a numpy array."""

    def __init__(self, doc: Doc) -> None:
        strings = doc.vocab.strings
        n = len(doc)
        arr = doc.to_array([HEAD, DEP, POS, LOWER, IS_PUNCT, IS_SPACE, IS_QUOTE, LEMMA, TAG,
                            ENT_TYPE, SENT_START, IDX, LENGTH])
        self.n = n
        # the id columns some callers test whole, with numpy (see ``string_ids``)
        self.pos_ids, self.dep_ids, self.lower_ids = arr[:, 2], arr[:, 1], arr[:, 3]
        self.idx: list[int] = arr[:, 11].tolist()  # character offsets
        self.end: list[int] = (arr[:, 11] + arr[:, 12]).tolist()
        head = np.arange(n, dtype=np.int64) + arr[:, 0].astype(np.int64)
        self.head: list[int] = head.tolist()
        self.head_array = head
        self.dep = id_strings(strings, arr[:, 1].tolist())
        self.pos = id_strings(strings, arr[:, 2].tolist())
        self.lower = id_strings(strings, arr[:, 3].tolist())
        self.lemma = id_strings(strings, arr[:, 7].tolist(), lower=True)
        self.tag = id_strings(strings, arr[:, 8].tolist())
        self.ent = id_strings(strings, arr[:, 9].tolist())
        punct = arr[:, 4].astype(bool)
        space = arr[:, 5].astype(bool)
        self.punct: list[bool] = punct.tolist()
        self.space: list[bool] = space.tolist()
        self.skip: list[bool] = (punct | space).tolist()
        # tokens that can open a phrase after a content's end
        opens = punct | any_of(arr[:, 2], _OPENING_POS_IDS) | \
            any_of(arr[:, 8], _OPENING_TAG_IDS) | any_of(arr[:, 3], _OPENING_WORD_IDS)
        self.opens: list[bool] = [*opens.tolist(), True]
        # children, in order: the tokens sorted by head (a root, its own head, by none),
        # one list per run of the same head; a token without children shares an empty one
        index = np.arange(n, dtype=np.int64)
        by = np.where(head == index, -1, head)
        order = np.argsort(by, kind="stable")
        by_head = by[order]
        runs = np.flatnonzero(np.concatenate(([True], by_head[1:] != by_head[:-1]))) if n \
            else np.zeros(0, dtype=np.int64)
        ordered: list[int] = order.tolist()
        children: list[Sequence[int]] = [()] * n
        for h, lo, hi in zip(by_head[runs].tolist(), runs.tolist(), [*runs[1:].tolist(), n],
                             strict=True):
            if h >= 0:
                children[h] = ordered[lo:hi]
        self.children = children
        quote = arr[:, 6].astype(bool)
        self.quotes: list[bool] = quote.tolist()
        # prefix sums: how many quotation marks, verbs, "say"/"tell", entity tokens before
        # each token, so that a range's count is one subtraction
        self.quote_cum = _prefix_sums(quote)
        self.verb_cum = _prefix_sums(any_of(arr[:, 2], _VERB_IDS))
        self.say_cum = _prefix_sums(any_of(arr[:, 7], _SAY_IDS))
        self.ent_cum = _prefix_sums(arr[:, 9] != 0)  # tokens in a named entity
        # word class: a closed-class word itself, punctuation (up to two characters), else
        # the part of speech
        cls = list(self.pos)
        lower = self.lower
        for i in np.flatnonzero(any_of(arr[:, 3], _CLOSED_IDS) & ~punct).tolist():
            cls[i] = lower[i]
        for i in np.flatnonzero(punct).tolist():
            w = lower[i]
            cls[i] = w if len(w) <= 2 else "P"
        self.cls: list[str] = cls
        starts = np.flatnonzero(arr[:, 10].astype(np.int64) == 1)
        bounds = np.unique(np.concatenate(([0], starts, [n]))).tolist() if n else [0]
        sent_start: list[int] = []
        sent_end: list[int] = []
        for s0, s1 in pairwise(bounds):
            sent_start += [s0] * (s1 - s0)
            sent_end += [s1] * (s1 - s0)
        # one past the last token belongs to no sentence (as before: (0, 0))
        self.sent_start = [*sent_start, 0]
        self.sent_end = [*sent_end, 0]
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

    def kids(self, i: int) -> Sequence[int]:
        """The children of token ``i``, in order (``children[i]``: not to be changed)."""
        return self.children[i]

    def sentence_of(self, i: int) -> tuple[int, int]:
        return self.sent_start[i], self.sent_end[i]

    def quoted(self, first: int, end: int) -> bool:
        """Whether a quotation mark is among the tokens ``first..end - 1``."""
        return self.quote_cum[end] > self.quote_cum[first]


def string_ids(names: Collection[str]) -> np.ndarray:
    """The ``Doc.to_array`` ids of strings (a symbol's number, else the string's hash: the
    same in every vocabulary)."""
    return np.array(sorted(get_string_id(w) for w in names), dtype=np.uint64)


def any_of(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where a column of ``Doc.to_array`` ids holds one of ``wanted`` (sorted, as
    :func:`string_ids` gives them)."""
    if len(wanted) <= 4:  # a few comparisons beat np.isin's sorting
        out = ids == wanted[0]
        for w in wanted[1:]:
            out |= ids == w
        return out
    # ``wanted`` is sorted: where each id would go in it, and whether it is there
    at = np.searchsorted(wanted, ids)
    at[at == len(wanted)] = 0
    hit: np.ndarray = wanted[at] == ids
    return hit


_OPENING_POS_IDS = string_ids(_OPENING_POS)
_OPENING_TAG_IDS = string_ids(_OPENING_TAGS)
_OPENING_WORD_IDS = string_ids(_OPENING_WORDS)
_CLOSED_IDS = string_ids(_CLOSED)
_VERB_IDS = string_ids(("VERB", "AUX"))
_SAY_IDS = string_ids(("say", "tell"))


def _prefix_sums(flags: np.ndarray) -> list[int]:
    sums: list[int] = np.concatenate(([0], np.cumsum(flags, dtype=np.int64))).tolist()
    return sums




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
        if isinstance(content, tuple):
            cs, ce = content
        else:
            cs, ce = content[0].i, content[-1].i
        self._set(token_arrays(verb.doc), verb.i, cs, ce, comp)

    @classmethod
    def at(cls, a: TokenArrays, verb: int, cs: int, ce: int, comp: str) -> BoundaryContext:
        """The context of cue token ``verb`` with content ``cs..ce`` (``a``: the arrays)."""
        ctx = cls.__new__(cls)
        ctx._set(a, verb, cs, ce, comp)
        return ctx

    def _set(self, a: TokenArrays, verb: int, cs: int, ce: int, comp: str) -> None:
        self.a = a
        self.verb = verb
        self.lemma = a.lemma[verb]
        self.comp = comp
        self.cs, self.ce = cs, ce
        self.sent_start, end = a.sentence_of(verb)
        end -= 1
        while end > ce and a.skip[end]:
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
    ce, sent_end, opens = ctx.ce, ctx.sent_end, ctx.a.opens
    return [e for e in range(lo, hi + 1) if e == ce or e >= sent_end or opens[e + 1]]


def _bucket(d: int) -> str:
    if -3 <= d <= 3:
        return str(d)
    sign = "-" if d < 0 else "+"
    return sign + ("4-6" if abs(d) <= 6 else "7-12" if abs(d) <= 12 else "13+")


# -- features as names or as weights ------------------------------------------------------
# A feature is a template's name and its values, the string ``name + "|".join(values)``
# ("c|tp=ccomp|the|CUE"), or a flag. The feature functions are written once, against a
# table of templates that either makes the strings (feature_names: the model's feature
# names, for training) or looks their weights up (feature_weights: nested dicts, one level
# per value, so that scoring makes no string and hashes none: the values are strings
# already made, their hashes kept). Both walk the features in the same order and a
# missing weight counts 0.0, so a score is the same sum of the same floats as that of the
# strings' weights.

Templates = Sequence[tuple[str, int]]  # (name, number of values; 0: a flag)
_NONE: dict[str, Any] = {}  # the weights below a value that has none: every lookup misses


class _Name:
    """A template's name with its first values; ``.get(value, default)`` adds the next."""

    __slots__ = ("left", "prefix")

    def __init__(self, prefix: str, left: int) -> None:
        self.prefix = prefix
        self.left = left

    def get(self, value: str, default: object = None) -> Any:
        if self.left == 1:
            return self.prefix + value
        return _Name(self.prefix + value + "|", self.left - 1)


def feature_names(templates: Templates) -> dict[str, Any]:
    """The table that makes feature strings."""
    return {name: _Name(name, k) if k else name for name, k in templates}


def _splits(rest: str, parts: int) -> list[list[str]]:
    """Every way to cut ``rest`` at ``parts - 1`` of its "|"s."""
    if rest.count("|") == parts - 1:
        return [rest.split("|")] if parts > 1 else [[rest]]
    if parts == 1:
        return [[rest]]
    out = []
    for k, ch in enumerate(rest):
        if ch == "|":
            out += [[rest[:k], *tail] for tail in _splits(rest[k + 1:], parts - 1)]
    return out


def feature_weights(weights: dict[str, float], templates: Templates) -> dict[str, Any]:
    """The table that looks weights up: per name, nested dicts with ``table[name][v1]...[vk]
    == weights[name + "v1|...|vk"]`` (a flag: its weight, or 0.0). A weight whose values
    hold a "|" themselves (a "|" token) is entered under every way to split it."""
    arity = {name: k for name, k in templates if k}
    tables: dict[str, Any] = {name: weights.get(name, 0.0) for name, k in templates if not k}
    tables.update((name, {}) for name in arity)
    # a name holds one "=", at its end (found by it), or none (found by its prefix)
    bare = [name for name in arity if "=" not in name]
    for key, weight in weights.items():
        cut = key.find("=") + 1
        names = [key[:cut]] if cut and key[:cut] in arity else []
        names += [name for name in bare if key.startswith(name)]
        for name in names:
            for values in _splits(key[len(name):], arity[name]):
                level = tables[name]
                for v in values[:-1]:
                    level = level.setdefault(v, {})
                level[values[-1]] = weight
    return tables


_START_TEMPLATES = (("o=", 1), ("t=", 1), ("p=", 1), ("tp=", 2), ("w=", 1), ("td=", 1),
                    ("c|o=", 2), ("c|t=", 2), ("c|p=", 2), ("c|tp=", 3), ("c|w|td=", 3),
                    ("pprep=", 3), ("l|o=", 2))
_END_TEMPLATES = (("o=", 1), ("t=", 1), ("n=", 1), ("nn=", 2), ("w=", 1), ("nd=", 1),
                  ("wnd=", 2), ("c|o=", 2), ("c|n=", 2), ("c|nn=", 3), ("c|w=", 3), ("tn=", 2),
                  ("c|eos=", 1), ("top=", 3), ("c|top=", 3))
_START_NAMES = feature_names(_START_TEMPLATES)
_END_NAMES = feature_names(_END_TEMPLATES)
_BUCKETS = {d: _bucket(d) for d in range(-64, 65)}


def start_features(ctx: BoundaryContext, i: int) -> list[str]:
    return _start_features(ctx, [i], _START_NAMES)[0]


def end_features(ctx: BoundaryContext, s: int, e: int) -> list[str]:
    return _end_features(ctx, s, [e], _END_NAMES)[0]


def _start_features(ctx: BoundaryContext, positions: list[int],
                    f: dict[str, Any]) -> list[list[Any]]:
    """The features of a content starting at each of ``positions`` (``f``: a table of
    _START_TEMPLATES, see feature_names and feature_weights)."""
    a, c, verb, cs, ce = ctx.a, ctx.comp, ctx.verb, ctx.cs, ctx.ce
    cls, dep, head, lower = a.cls, a.dep, a.head, a.lower
    f_o, f_t, f_p, f_tp, f_w, f_td = f["o="], f["t="], f["p="], f["tp="], f["w="], f["td="]
    f_co, f_ct, f_cp = f["c|o="].get(c, _NONE), f["c|t="].get(c, _NONE), f["c|p="].get(c, _NONE)
    f_ctp, f_cwtd = f["c|tp="].get(c, _NONE), f["c|w|td="].get(c, _NONE)
    f_pprep = f["pprep="].get(c, _NONE)
    f_lo = f["l|o="].get(ctx.lemma, _NONE)
    out = []
    for i in positions:
        off = _BUCKETS.get(i - cs) or _bucket(i - cs)
        t = cls[i]
        p = "CUE" if i - 1 == verb else cls[i - 1] if i > 0 else "BOS"
        h = head[i]  # where token i attaches: to the verb, inside i..ce, after, before
        w = "V" if h == verb else "I" if i <= h <= ce else "A" if h > ce else "B"
        d = dep[i]
        feats = [f_o.get(off, 0.0), f_t.get(t, 0.0), f_p.get(p, 0.0),
                 f_tp.get(t, _NONE).get(p, 0.0), f_w.get(w, 0.0), f_td.get(d, 0.0),
                 f_co.get(off, 0.0), f_ct.get(t, 0.0), f_cp.get(p, 0.0),
                 f_ctp.get(t, _NONE).get(p, 0.0), f_cwtd.get(w, _NONE).get(d, 0.0)]
        if i > 0 and dep[i - 1] == "prep":
            feats.append(f_pprep.get(dep[head[i - 1]], _NONE).get(lower[i - 1], 0.0))
        feats.append(f_lo.get(off, 0.0))
        out.append(feats)
    return out


def _end_features(ctx: BoundaryContext, s: int, positions: list[int],
                  f: dict[str, Any]) -> list[list[Any]]:
    """The features of a content from ``s`` ending at each of ``positions`` (``f``: a
    table of _END_TEMPLATES)."""
    a, c, verb, ce, sent_end = ctx.a, ctx.comp, ctx.verb, ctx.ce, ctx.sent_end
    cls, dep, head, left, right, n_tokens = a.cls, a.dep, a.head, a.left, a.right, a.n
    f_o, f_t, f_n, f_nn, f_w = f["o="], f["t="], f["n="], f["nn="], f["w="]
    f_nd, f_wnd, f_tn, f_top = f["nd="], f["wnd="], f["tn="], f["top="]
    f_co, f_cn, f_cnn = f["c|o="].get(c, _NONE), f["c|n="].get(c, _NONE), f["c|nn="].get(c, _NONE)
    f_cw, f_ctop = f["c|w="].get(c, _NONE), f["c|top="].get(c, _NONE)
    out = []
    for e in positions:
        off = _BUCKETS.get(e - ce) or _bucket(e - ce)
        t = cls[e]
        if e >= sent_end:
            n, nn, w, nd = "EOS", "EOS", "-", "-"
        else:
            n = cls[e + 1]
            nn = cls[e + 2] if e + 2 < n_tokens and e + 2 <= sent_end + 1 else "EOS"
            h = head[e + 1]  # where the next token attaches (as BoundaryContext.where)
            w = "V" if h == verb else "I" if s <= h <= e else "A" if h > e else "B"
            nd = dep[e + 1]
        feats = [f_o.get(off, 0.0), f_t.get(t, 0.0), f_n.get(n, 0.0),
                 f_nn.get(n, _NONE).get(nn, 0.0), f_w.get(w, 0.0), f_nd.get(nd, 0.0),
                 f_wnd.get(w, _NONE).get(nd, 0.0), f_co.get(off, 0.0), f_cn.get(n, 0.0),
                 f_cnn.get(n, _NONE).get(nn, 0.0), f_cw.get(w, _NONE).get(nd, 0.0),
                 f_tn.get(t, _NONE).get(n, 0.0)]
        if e == sent_end:
            feats.append(f["c|eos="].get(c, 0.0))
        # the largest phrase that ends at e: where it attaches, and whether it lies inside
        # s..e
        top = e
        while head[top] != top and right[head[top]] == e and head[top] >= s:
            top = head[top]
        inside = "in" if left[top] >= s else "x"
        h = head[top]
        where = "V" if h == verb else "I" if s <= h <= e else "A" if h > e else "B"
        feats += [f_top.get(dep[top], _NONE).get(where, _NONE).get(inside, 0.0),
                  f_ctop.get(dep[top], _NONE).get(inside, 0.0)]
        out.append(feats)
    return out


class SpanModel:
    """Picks the content's start, then its end, by the highest-scoring position."""

    def __init__(self, start: dict[str, float] | None = None,
                 end: dict[str, float] | None = None, margin: float = 0.0) -> None:
        self.start = start or {}
        self.end = end or {}
        # a boundary moves away from the parse's only when it scores this much better
        self.margin = margin
        self._tables: tuple[dict[str, Any], dict[str, Any]] | None = None

    @property
    def active(self) -> bool:
        return bool(self.start or self.end)

    def _best(self, scored: list[list[float]], positions: list[int], default: int) -> int:
        best, best_z = default, -math.inf
        for pos, weights in zip(positions, scored, strict=True):
            z = sum(weights) + (self.margin if pos == default else 0.0)
            if z > best_z:
                best, best_z = pos, z
        return best

    def choose(self, ctx: BoundaryContext) -> tuple[int, int]:
        """(first, last) token index of the content."""
        if self._tables is None:
            self._tables = (feature_weights(self.start, _START_TEMPLATES),
                            feature_weights(self.end, _END_TEMPLATES))
        s = ctx.cs
        if self.start:
            positions = start_positions(ctx)
            if positions:
                s = self._best(_start_features(ctx, positions, self._tables[0]), positions,
                               ctx.cs)
        e = max(ctx.ce, s)
        if self.end:
            positions = end_positions(ctx, s)
            if positions:
                e = self._best(_end_features(ctx, s, positions, self._tables[1]), positions, e)
        return s, e
