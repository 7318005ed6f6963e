"""Faster, output-identical versions of two spaCy components' per-token Python work.

On news text, spaCy's ``attribute_ruler`` and rule ``lemmatizer`` take ~17% of the small
English pipeline's time (12% and 5% on BASIL articles, measured per component): the ruler
runs ~180 one- and two-token patterns through the general ``Matcher`` for every token, and
the lemmatizer makes a ``Token`` object per token to look up a cached lemma. Both answers are
functions of a few token columns, so here they are computed from ``Doc.to_array`` columns:

* :class:`FastAttributeRuler` finds exactly the matches ``Matcher`` finds for the patterns it
  supports (token attributes ORTH/TEXT, LOWER, NORM, TAG, DEP, ENT_TYPE, IS_SPACE; values
  compared for equality, ``IN``, ``NOT_IN`` or ``REGEX``; no operators, no extensions) by
  indexing each pattern under one of its equality/``IN`` constraints; then spaCy's own
  ``set_annotations`` applies them, in spaCy's order. A ruler holding any other pattern is
  left entirely to spaCy.
* :class:`FastLemmatizer` / :class:`FastEnglishLemmatizer` ask spaCy's own ``lemmatize``
  once per distinct (ORTH, POS, MORPH), the key spaCy's rule lemmatizer caches by and the
  only token attributes its ``rule``/``lookup`` modes read, and write the lemmas as one
  column.

:func:`speed_up` swaps the classes of a loaded pipeline's components (only exact
``AttributeRuler`` / ``Lemmatizer`` / ``EnglishLemmatizer`` instances in ``rule`` or
``lookup`` mode; anything else is left alone): names, configs and serialisation are
spaCy's. ``EVENHAND_NATIVE_SPACY=1`` keeps spaCy's own code (benchmarks compare both). The
test suite checks token by token that both give the same tags, POS, morphology, lemmas and
dependencies on real articles.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, IDS, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["NATIVE_ENV", "FastAttributeRuler", "FastEnglishLemmatizer", "FastLemmatizer",
           "speed_up"]

NATIVE_ENV = "EVENHAND_NATIVE_SPACY"

# Token attributes whose Doc.to_array column is exactly what Matcher compares.
_COLUMNS = {ORTH, LOWER, NORM, TAG, DEP, ENT_TYPE, IS_SPACE}
_ALIASES = {"TEXT": "ORTH"}


class _Unsupported(Exception):
    """A pattern this module does not reproduce: the ruler stays spaCy's."""


# --- the attribute ruler ------------------------------------------------------------------

class _Check:
    """One constraint on one token of a pattern: ``column[i + offset]`` tested."""

    __slots__ = ("attr", "kind", "memo", "offset", "regex", "values")

    def __init__(self, offset: int, attr: int, kind: str, values: frozenset[int] = frozenset(),
                 regex: re.Pattern[str] | None = None) -> None:
        self.offset, self.attr, self.kind = offset, attr, kind
        self.values, self.regex = values, regex
        self.memo: dict[int, bool] = {}  # REGEX: answer per string id

    def test(self, value: int, strings: Any) -> bool:
        if self.kind == "in":
            return value in self.values
        if self.kind == "not_in":
            return value not in self.values
        known = self.memo.get(value)
        if known is None:
            assert self.regex is not None
            known = self.memo[value] = bool(self.regex.search(strings[value]))
        return known


def _string_id(value: Any, strings: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(strings.add(value)) if value else 0
    raise _Unsupported(f"value {value!r}")


def _checks(pattern: list[dict[str, Any]], strings: Any) -> list[_Check]:
    checks = []
    for offset, spec in enumerate(pattern):
        if not isinstance(spec, dict) or not spec:
            raise _Unsupported("empty or non-mapping token")
        for key, value in spec.items():
            name = _ALIASES.get(str(key).upper(), str(key).upper())
            attr = IDS.get(name)
            if attr not in _COLUMNS:
                raise _Unsupported(f"attribute {key!r}")
            if isinstance(value, dict):
                if len(value) != 1:
                    raise _Unsupported(f"predicate {value!r}")
                ((op, arg),) = value.items()
                if op in ("IN", "NOT_IN") and isinstance(arg, list):
                    ids = frozenset(_string_id(v, strings) for v in arg)
                    checks.append(_Check(offset, attr, op.lower(), ids))
                elif op == "REGEX" and isinstance(arg, str) and attr != IS_SPACE:
                    checks.append(_Check(offset, attr, "regex", regex=re.compile(arg)))
                else:
                    raise _Unsupported(f"predicate {op!r}")
            else:
                checks.append(_Check(offset, attr, "in",
                                     frozenset((_string_id(value, strings),))))
    return checks


class _Pattern:
    __slots__ = ("attr_id", "checks", "length", "rest")

    def __init__(self, attr_id: int, length: int, checks: list[_Check],
                 anchor: _Check | None) -> None:
        self.attr_id, self.length, self.checks = attr_id, length, checks
        self.rest = [c for c in checks if c is not anchor]


_SELECTIVE = {LOWER: 0, ORTH: 0, NORM: 0, TAG: 1, ENT_TYPE: 1, DEP: 2, IS_SPACE: 3}


class _RuleIndex:
    """The ruler's patterns, each filed under one equality/IN constraint (its anchor): for
    every token only the patterns whose anchor value it has are tested further."""

    def __init__(self, ruler: AttributeRuler) -> None:
        strings = ruler.vocab.strings
        self.size = len(ruler.attrs)
        self.match_ids = [int(strings.add(str(i))) for i in range(self.size)]
        # (anchor attr, anchor offset) -> value -> patterns
        self.anchored: dict[tuple[int, int], dict[int, list[_Pattern]]] = {}
        self.unanchored: list[_Pattern] = []
        attrs: set[int] = set()
        for attr_id in range(self.size):
            for pattern in ruler.matcher.get(str(attr_id))[1]:
                if not isinstance(pattern, list) or not pattern:
                    raise _Unsupported("empty pattern")
                checks = _checks(pattern, strings)
                attrs.update(c.attr for c in checks)
                anchors = [c for c in checks if c.kind == "in"]
                if not anchors:
                    self.unanchored.append(_Pattern(attr_id, len(pattern), checks, None))
                    continue
                anchor = min(anchors, key=lambda c: (len(c.values), _SELECTIVE[c.attr]))
                entry = _Pattern(attr_id, len(pattern), checks, anchor)
                table = self.anchored.setdefault((anchor.attr, anchor.offset), {})
                for value in anchor.values:
                    table.setdefault(value, []).append(entry)
        self.attrs = sorted(attrs)

    def matches(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        n = len(doc)
        if not n or not self.attrs:
            return []
        columns: list[int | str] = list(self.attrs)
        table: Any = doc.to_array(columns).reshape(n, len(columns))  # one attr comes 1-D
        cols: dict[int, list[int]] = dict(zip(self.attrs, table.T.tolist(), strict=True))
        strings = doc.vocab.strings
        found: set[tuple[int, int, int]] = set()

        def fits(entry: _Pattern, start: int) -> bool:
            if start < 0 or start + entry.length > n:
                return False
            return all(c.test(cols[c.attr][start + c.offset], strings) for c in entry.rest)

        for (attr, offset), by_value in self.anchored.items():
            column = cols[attr]
            if len(by_value) * 4 < n:  # few values: let numpy find the tokens that have one
                keys = np.fromiter(by_value, dtype=np.uint64, count=len(by_value))
                where = np.flatnonzero(np.isin(table[:, self.attrs.index(attr)], keys))
                hits: Iterable[int] = where.tolist()
            else:
                hits = range(n)
            for i in hits:
                entries = by_value.get(column[i])
                if entries:
                    start = i - offset
                    for entry in entries:
                        out = start < 0 or start + entry.length > n
                        if (entry.rest or out) and not fits(entry, start):
                            continue
                        found.add((entry.attr_id, start, start + entry.length))
        for entry in self.unanchored:
            first = entry.checks[0]
            column = cols[first.attr]
            # test each distinct value once, then only where the first check holds
            passing = {v for v in set(column) if first.test(v, strings)}
            for i in range(n):
                if column[i] in passing:
                    start = i - first.offset
                    if fits(entry, start):
                        found.add((entry.attr_id, start, start + entry.length))
        ids = self.match_ids
        return sorted((attr_id, ids[attr_id], start, end) for attr_id, start, end in found)


class FastAttributeRuler(AttributeRuler):
    """spaCy's AttributeRuler with its matches found from token columns (see the module)."""

    _evenhand_index: _RuleIndex | None

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        index = getattr(self, "_evenhand_index", None)
        if index is None or index.size != len(self.attrs):  # patterns added since
            try:
                index = self._evenhand_index = _RuleIndex(self)
            except _Unsupported:
                self.__class__ = AttributeRuler  # type: ignore[assignment]
                return AttributeRuler.match(self, doc)
        return index.matches(doc)


# --- the lemmatizer -----------------------------------------------------------------------

class _FastLemmas:
    """``__call__`` for spaCy's rule/lookup lemmatizers: one ``lemmatize`` per distinct
    (ORTH, POS, MORPH), lemmas written as one column."""

    _evenhand_lemmas: dict[tuple[int, int, int], int]

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer: Any = self
        if not lemmatizer._validated:
            return super().__call__(doc)  # type: ignore[misc]
        try:
            memo = self.__dict__.setdefault("_evenhand_lemmas", {})
            table: Any = doc.to_array([ORTH, POS, MORPH, LEMMA])
            rows = table.tolist()
            strings = doc.vocab.strings
            overwrite = lemmatizer.overwrite
            for i, (orth, pos, morph, lemma) in enumerate(rows):
                if lemma and not overwrite:
                    continue
                key = (orth, pos, morph)
                value = memo.get(key)
                if value is None:
                    value = memo[key] = int(strings.add(lemmatizer.lemmatize(doc[i])[0]))
                table[i, 3] = value
            doc.from_array([LEMMA], table[:, 3:4])
            return doc
        except Exception as exc:  # spaCy's contract: its error handler decides
            lemmatizer.get_error_handler()(lemmatizer.name, lemmatizer, [doc], exc)
            return doc


class FastLemmatizer(_FastLemmas, Lemmatizer):
    """spaCy's Lemmatizer, lemmas written per distinct token (see the module)."""


class FastEnglishLemmatizer(_FastLemmas, EnglishLemmatizer):
    """spaCy's EnglishLemmatizer, lemmas written per distinct token (see the module)."""


_LEMMATIZERS: dict[type, type] = {Lemmatizer: FastLemmatizer,
                                  EnglishLemmatizer: FastEnglishLemmatizer}


def speed_up(nlp: Language) -> list[str]:
    """Swap in the fast classes where a component is exactly spaCy's (see the module);
    returns the names of the components changed. Nothing when ``EVENHAND_NATIVE_SPACY`` is
    set to anything but ``0``/empty."""
    if os.environ.get(NATIVE_ENV, "0") not in ("", "0"):
        return []
    changed = []
    for name, component in nlp.pipeline:
        component = cast(Any, component)
        kind = type(component)
        if kind is AttributeRuler:
            try:
                index = _RuleIndex(component)
            except _Unsupported:
                continue
            component.__class__ = FastAttributeRuler
            component._evenhand_index = index
            changed.append(name)
        elif kind in _LEMMATIZERS and getattr(component, "mode", None) in ("rule", "lookup"):
            component.__class__ = _LEMMATIZERS[kind]
            changed.append(name)
    return changed
