"""A per-Doc table of token attributes shared by the components after the quotes.

Reading ``tok.lemma_``, ``tok.dep_`` or ``tok.children`` makes a Token object and looks
strings up each time; the actors, identity, wording, attribution, tone and events
components read the same attributes of the same tokens many times over. :func:`doc_view`
reads them once per Doc with ``Doc.to_array``, keeps the ids (``ids``, one column per
attribute, for whole-Doc numpy tests) and gives each attribute as a plain list, indexed by
token, made on first use. It lives in ``doc.user_data`` until the last component
(``evenhand_events``) drops it. The values are exactly what the Token attributes give
(``lemma`` lower-cased, as every component compares it); tests/test_view.py holds them to
that. The table assumes the Doc's tokens and annotations do not change between evenhand's
components (a component that retokenises or sets entities in between would need it
dropped with :func:`drop_view`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import cached_property
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_PUNCT,
    IS_QUOTE,
    IS_SPACE,
    LEMMA,
    LENGTH,
    LOWER,
    MORPH,
    POS,
    SENT_START,
    TAG,
)
from spacy.strings import StringStore
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ._doctext import doc_text

__all__ = ["VIEW_KEY", "DocView", "doc_view", "drop_view"]

VIEW_KEY = "evenhand_doc_view"
# the columns of DocView.ids
COLUMNS = (HEAD, DEP, POS, TAG, LOWER, LEMMA, ENT_TYPE, ENT_IOB, IS_PUNCT, IS_SPACE, IS_QUOTE,
           SENT_START, IDX, LENGTH, MORPH)
C_HEAD, C_DEP, C_POS, C_TAG, C_LOWER, C_LEMMA, C_ENT_TYPE, C_ENT_IOB, C_PUNCT, C_SPACE, \
    C_QUOTE, C_SENT_START, C_IDX, C_LENGTH, C_MORPH = range(len(COLUMNS))
_IOB = ("", "I", "O", "B")  # Token.ent_iob_ by ENT_IOB value


class DocView:
    """Token attributes of one Doc. ``sents``: (start, end) token bounds (``Doc.sents``);
    ``sent_of[i]``: index into ``sents``; ``ents``: (start, end, label) (``Doc.ents``)."""

    def __init__(self, doc: Doc) -> None:
        self.vocab: Vocab = doc.vocab
        self.strings: StringStore = doc.vocab.strings
        self.n = len(doc)
        self.text = doc_text(doc)
        self.ids: np.ndarray = doc.to_array(list(COLUMNS))
        if self._bad_entities():
            _ = doc.ents  # raises spaCy's error about the broken entity annotation
        self._uniques: dict[int, tuple[list[int], np.ndarray]] = {}
        self._children: dict[int, tuple[int, ...]] = {}
        self._char_spans: dict[tuple[int, int], tuple[int, int] | None] = {}
        self._roots: dict[tuple[int, int], int] = {}

    # -- numbers --------------------------------------------------------------------------
    @cached_property
    def idx(self) -> list[int]:
        """Character offsets of the tokens."""
        out: list[int] = self.ids[:, C_IDX].tolist()
        return out

    @cached_property
    def end(self) -> list[int]:
        """Character offsets where the tokens end."""
        out: list[int] = (self.ids[:, C_IDX] + self.ids[:, C_LENGTH]).tolist()
        return out

    @cached_property
    def heads(self) -> np.ndarray:
        return np.arange(self.n, dtype=np.int64) + self.ids[:, C_HEAD].astype(np.int64)

    @cached_property
    def head(self) -> list[int]:
        out: list[int] = self.heads.tolist()
        return out

    # -- strings ------------------------------------------------------------------------
    def strings_of(self, ids: list[int], lower: bool = False) -> list[str]:
        """The strings of ids of this Doc's vocabulary (lower-cased with ``lower``)."""
        return id_strings(self.strings, ids, lower)

    def unique(self, column: int) -> tuple[list[int], np.ndarray]:
        """The distinct ids of a column and, per token, the index of its id among them."""
        return self._unique(column)

    def _unique(self, column: int) -> tuple[list[int], np.ndarray]:
        got = self._uniques.get(column)
        if got is None:
            uniq, inverse = np.unique(self.ids[:, column], return_inverse=True)
            got = self._uniques[column] = (uniq.tolist(), inverse.reshape(-1))
        return got

    def _names(self, column: int, lower: bool = False) -> list[str]:
        """The strings of a column, through the process-wide memo of id -> string."""
        return id_strings(self.strings, self.ids[:, column].tolist(), lower)

    @cached_property
    def dep(self) -> list[str]:
        return self._names(C_DEP)

    @cached_property
    def pos(self) -> list[str]:
        return self._names(C_POS)

    @cached_property
    def tag(self) -> list[str]:
        return self._names(C_TAG)

    @cached_property
    def lower(self) -> list[str]:
        return self._names(C_LOWER)

    @cached_property
    def lemma(self) -> list[str]:
        """``Token.lemma_.lower()``."""
        return self._names(C_LEMMA, lower=True)

    @cached_property
    def ent_type(self) -> list[str]:
        return self._names(C_ENT_TYPE)

    @cached_property
    def ent_iob(self) -> list[str]:
        return [_IOB[v] for v in self.ids[:, C_ENT_IOB].tolist()]

    # -- flags ----------------------------------------------------------------------------
    @cached_property
    def punct(self) -> list[bool]:
        out: list[bool] = self.ids[:, C_PUNCT].astype(bool).tolist()
        return out

    @cached_property
    def space(self) -> list[bool]:
        out: list[bool] = self.ids[:, C_SPACE].astype(bool).tolist()
        return out

    @cached_property
    def skip(self) -> list[bool]:
        """``is_space or is_punct``."""
        out: list[bool] = (self.ids[:, C_PUNCT] | self.ids[:, C_SPACE]).astype(bool).tolist()
        return out

    @cached_property
    def quote(self) -> list[bool]:
        out: list[bool] = self.ids[:, C_QUOTE].astype(bool).tolist()
        return out

    def mask(self, column: int, test: Callable[[str], bool], lower: bool = False
             ) -> np.ndarray:
        """Whether each token's ``column`` string (lower-cased with ``lower``) passes
        ``test``; each distinct string is tested once."""
        uniq, inverse = self._unique(column)
        names = id_strings(self.strings, uniq, lower)
        hits = np.fromiter((test(s) for s in names), dtype=bool, count=len(names))
        out: np.ndarray = hits[inverse]
        return out

    def has(self, column: int, words: frozenset[str] | set[str] | tuple[str, ...]
            ) -> np.ndarray:
        """Whether each token's ``column`` (C_LOWER, C_POS, ...) is one of ``words``."""
        key = words if isinstance(words, frozenset | tuple) else frozenset(words)
        ids = _IDS.get(key)
        if ids is None:
            # a string's id is its hash (or its symbol), the same in every vocabulary
            strings = self.strings
            ids = np.unique(np.array([strings[w] for w in words], dtype=np.uint64))
            if len(_IDS) < 1000:
                _IDS[key] = ids
        col = self.ids[:, column]
        if len(ids) <= 3:  # a comparison or three
            out = np.zeros(self.n, dtype=bool)
            for u in ids:
                out |= col == u
            return out
        if not len(ids):
            return np.zeros(self.n, dtype=bool)
        # sorted ids: where each token's id would go, and whether it is there
        at = np.searchsorted(ids, col)
        hit: np.ndarray = ids[np.minimum(at, len(ids) - 1)] == col
        return hit

    # -- sentences and entities ----------------------------------------------------------
    @cached_property
    def sents(self) -> list[tuple[int, int]]:
        # Doc.sents: a sentence starts at token 0 and wherever sent_start is 1
        n = self.n
        starts = [0, *(np.flatnonzero(self.ids[1:, C_SENT_START] == 1) + 1).tolist()] \
            if n else []
        return list(zip(starts, [*starts[1:], n], strict=True))

    @cached_property
    def sent_of(self) -> list[int]:
        out = [0] * self.n
        for k, (s, e) in enumerate(self.sents):
            out[s:e] = [k] * (e - s)
        return out

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """The (start, end) token bounds of token i's sentence (``Token.sent``)."""
        return self.sents[self.sent_of[i]]

    @cached_property
    def ents(self) -> list[tuple[int, int, str]]:
        # Doc.ents: an entity opens at a B token with a type and runs over the I tokens
        # after it
        iob, kind = self.ids[:, C_ENT_IOB], self.ids[:, C_ENT_TYPE]
        starts = np.flatnonzero((iob == 3) & (kind != 0))
        if not len(starts):
            return []
        stops = np.append(np.flatnonzero(iob != 1), self.n)
        ends = stops[np.searchsorted(stops, starts, "right")]
        labels = id_strings(self.strings, kind[starts].tolist())
        return list(zip(starts.tolist(), ends.tolist(), labels, strict=True))

    def _bad_entities(self) -> bool:
        """Whether an I token follows no B token with a type (``Doc.ents`` raises then)."""
        iob = self.ids[:, C_ENT_IOB]
        inside = np.flatnonzero(iob == 1)
        if not len(inside):
            return False
        others = np.flatnonzero(iob != 1)
        at = np.searchsorted(others, inside) - 1
        if (at < 0).any():
            return True
        opener = others[at]
        return bool(((iob[opener] != 3) | (self.ids[opener, C_ENT_TYPE] == 0)).any())

    # -- the tree -------------------------------------------------------------------------
    @cached_property
    def _kids(self) -> tuple[list[int], list[int], list[int]]:
        # tokens sorted by head (stable: in text order), each head's run found by binary
        # search; no list per token until one is asked for
        heads = self.heads
        order = np.argsort(heads, kind="stable")
        tokens = np.arange(self.n, dtype=np.int64)
        by_head = heads[order]
        return (order.tolist(), np.searchsorted(by_head, tokens, "left").tolist(),
                np.searchsorted(by_head, tokens, "right").tolist())

    def char_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """The token range ``Doc.char_span(start_char, end_char, alignment_mode="expand")``
        covers (start, end), or None where it gives None. (Remembered: the components
        after the actors look up the same mentions.)"""
        key = (start_char, end_char)
        try:
            return self._char_spans[key]
        except KeyError:
            span = self._char_spans[key] = self._char_span(start_char, end_char)
            return span

    def _char_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        start = self._token_by_char(start_char)
        if start < 0:
            return None
        end = self._token_by_char(end_char - 1)
        if end < 0:
            return None
        # the trailing whitespace of a token is not part of it
        if start_char == self.end[start]:
            start += 1
        if start > end + 1:
            raise IndexError(f"no span from character {start_char} to {end_char}")
        return start, end + 1

    def _token_by_char(self, char: int) -> int:
        """The token whose text or trailing whitespace holds character ``char``, or -1."""
        if char < 0 or char >= len(self.text) or not self.n:
            return -1
        return bisect_right(self.idx, char) - 1

    def root(self, start: int, end: int) -> int:
        """``Span.root`` of tokens start..end-1: a sentence root among them, else the token
        closest to the root (the first of equals) of those whose head is outside."""
        key = (start, end)
        try:
            return self._roots[key]
        except KeyError:
            root = self._roots[key] = self._root(start, end)
            return root

    def _root(self, start: int, end: int) -> int:
        head = self.head
        for i in range(start, end):
            if head[i] == i:
                return i
        best, root = self.n, -1
        for i in range(start, end):
            if start <= head[i] < end:
                continue
            steps = self._words_to_root(i)
            if steps < best:
                best, root = steps, i
        return start if root == -1 else root

    def _words_to_root(self, i: int) -> int:
        # as spaCy counts it: a childless space or punctuation token is as far as can be
        order, lo, hi = self._kids
        if (self.space[i] or self.punct[i]) and all(c == i for c in order[lo[i]:hi[i]]):
            return self.n - 1
        return self.depth(i)

    def depth(self, i: int) -> int:
        """How many heads up from token i its sentence root is (0 for a root)."""
        head = self.head
        steps = 0
        while head[i] != i:
            i = head[i]
            steps += 1
            if steps >= self.n:
                raise RuntimeError("the dependency parse has a cycle")
        return steps

    def tok_text(self, i: int) -> str:
        return self.text[self.idx[i]:self.end[i]]

    def children(self, i: int) -> tuple[int, ...]:
        """``Token.children``: token i's children, in text order."""
        kids = self._children.get(i)
        if kids is None:
            order, lo, hi = self._kids
            found = order[lo[i]:hi[i]]
            if self.head[i] == i:  # a root is its own head, not its own child
                found.remove(i)
            kids = self._children[i] = tuple(found)
        return kids

    def lefts(self, i: int) -> tuple[int, ...]:
        kids = self.children(i)
        return kids[:bisect_left(kids, i)]

    def rights(self, i: int) -> tuple[int, ...]:
        kids = self.children(i)
        return kids[bisect_right(kids, i):]

    def conjuncts(self, i: int) -> list[int]:
        """``Token.conjuncts``: the coordinated tokens, the token itself left out."""
        head, dep = self.head, self.dep
        start = i
        while head[start] != start and dep[start] == "conj":
            start = head[start]
        queue = [start]
        for word in queue:
            queue.extend(c for c in self.rights(word) if dep[c] == "conj")
        return [w for w in queue if w != i]

    def ancestors(self, i: int) -> list[int]:
        """``Token.ancestors``: the head, its head, ... up to the root."""
        head = self.head
        out: list[int] = []
        while head[i] != i and len(out) < self.n:
            i = head[i]
            out.append(i)
        return out

    def subtree(self, i: int) -> list[int]:
        """``Token.subtree``: the token and its descendants, in the order spaCy yields
        them (by index where the parse is projective)."""
        out: list[int] = []
        self._subtree(i, out)
        return out

    def _subtree(self, i: int, out: list[int]) -> None:
        kids = self.children(i)
        for c in kids:
            if c < i:
                self._subtree(c, out)
        out.append(i)
        for c in kids:
            if c > i:
                self._subtree(c, out)


def id_strings(strings: StringStore, ids: list[int], lower: bool = False) -> list[str]:
    """The strings of ``ids`` (lower-cased with ``lower``), each new id looked up once and
    remembered per process: an id is the string's hash, the same in every vocabulary. The
    one id -> string memo of evenhand's token tables (this view and quotes' TokenArrays)."""
    memo = _LOWER if lower else _NAMES
    try:
        return list(map(memo.__getitem__, ids))
    except KeyError:
        pass
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    for u in set(ids).difference(memo):  # the new ones only
        memo[u] = strings[u].lower() if lower else strings[u]
    return list(map(memo.__getitem__, ids))


_NAMES: dict[int, str] = {}
_IDS: dict[frozenset[str] | tuple[str, ...], np.ndarray] = {}  # words -> their sorted ids
_LOWER: dict[int, str] = {}
_MEMO_LIMIT = 200_000


def doc_view(doc: Doc) -> DocView:
    """The Doc's :class:`DocView`, made once and kept in ``doc.user_data``."""
    view: Any = doc.user_data.get(VIEW_KEY)
    if not isinstance(view, DocView) or view.n != len(doc):
        view = DocView(doc)
        doc.user_data[VIEW_KEY] = view
    return view


def drop_view(doc: Doc) -> None:
    """Forget the Doc's view (the Doc is then as the components left it: no object in its
    ``user_data`` that the Doc's serialisation cannot write)."""
    doc.user_data.pop(VIEW_KEY, None)
