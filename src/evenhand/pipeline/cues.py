"""Attribution-cue candidates and the scorer that decides which ones are attributions.

Every verb with a subject (the would-be speaker) and a complement (the would-be content: a
clause, an infinitive, an object, or a prepositional object) is a *candidate*; so are a
passive with an agent ("the plan was endorsed by the council": the agent is the speaker) and
a noun with a possessor and a that-clause ("the senator's claim that ..."). Whether a
candidate is an attribution ("X said that ...", "X denied the claims", "X called for ...")
or not ("X visited the plant") is decided by :class:`CueScorer`, a logistic model over
features of the verb, its complement and its subject. The shipped weights are described in
``docs/model-card-quote-cues.md``; without them the hand-written lexicon decides.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, Span, Token

from .bounds import _NONE, SpanModel, TokenArrays, feature_names, feature_weights, token_arrays
from .lexicon import (
    CLAUSAL_ONLY,
    COGNITION,
    CONTENT_OBJECT,
    CUE_LEMMAS,
    INTENT,
    SPEECH,
    word_set,
)

__all__ = ["DENSE_ROWS", "Candidate", "CueScorer", "candidate_at", "dense_rows", "subject_index",
           "verb_candidate"]

MODEL_RESOURCE = "quote_cues.json"
# doc.user_data key (with the scorer's id) of its per-Doc dense projections; the quote
# component drops every evenhand scratch entry when it is done
PROJECTIONS_KEY = "evenhand_cue_projections"
# the rows of doc.tensor the dense part of the scorer reads, in the order of its weights
DENSE_ROWS = ("verb", "subject", "comp_head", "content_mean")
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


class Candidate:
    """A would-be attribution: its cue word, speaker, content and features. Held as token
    indices; the Token and Span objects, and the features, are made only when asked for
    (most candidates are scored and dropped without the objects; a verb of saying with a
    clause is accepted without its features, see :meth:`CueScorer.forced`)."""

    __slots__ = ("_features", "a", "comp_dep", "doc", "first", "head", "last", "lemma",
                 "prep", "subject_i", "v", "vdep")

    def __init__(self, doc: Doc, a: TokenArrays, v: int, subject: int, first: int, last: int,
                 comp_dep: str, head: int | None = None, prep: str = "") -> None:
        self.doc = doc
        self.a = a
        self.v = v  # the cue word
        self.lemma = a.lemma[v]  # lower-cased, as the lexicon's
        self.vdep = a.dep[v]
        self.subject_i = subject
        self.first = first  # the content's first and last token
        self.last = last
        self.comp_dep = comp_dep
        self.prep = prep  # the preposition of a "prep" complement ("called *for*")
        # the complement's head token (the clause's verb, the object's noun, the
        # preposition's object): one of the rows of ``doc.tensor`` the scorer reads
        self.head = head
        self._features: list[str] | None = None

    @property
    def features(self) -> list[str]:
        if self._features is None:
            self._features = _features(self, _CUE_NAMES)
        return self._features

    @property
    def verb(self) -> Token:
        return self.doc[self.v]

    @property
    def subject(self) -> Token:
        return self.doc[self.subject_i]

    @property
    def content(self) -> Span:
        return self.doc[self.first:self.last + 1]

    @property
    def comp_head(self) -> Token | None:
        return None if self.head is None else self.doc[self.head]

    @property
    def speakerless(self) -> bool:
        """A noun with no speaker ("allegations of fraud"): it stands in as its own subject."""
        return self.subject_i == self.v


def subject_of(verb: Token) -> Token | None:
    """The speaker of a cue verb, following conjunctions, participles and relatives."""
    s = subject_index(token_arrays(verb.doc), verb.i)
    return None if s is None else verb.doc[s]


def subject_index(a: TokenArrays, v: int) -> int | None:
    dep_of = a.dep
    for _ in range(4):
        kids = a.children[v]
        for c in kids:
            if dep_of[c] in _SUBJECTS:
                if a.tag[c] in ("WP", "WDT") and dep_of[v] == "relcl":
                    return a.head[v]
                if a.lower[c] in ("it", "there") and dep_of[c] != "nsubj":
                    return None
                return c
        for c in kids:
            if dep_of[c] == "agent":
                pobj = _first_kid(a, c, ("pobj",))
                if pobj is not None:
                    return pobj
        dep = a.dep[v]
        if dep in ("conj", "xcomp", "advcl"):
            v = a.head[v]
            continue
        if dep == "pcomp" and a.dep[a.head[v]] == "prep":
            # "... by announcing that ...", "... before asking her ..."
            v = a.head[a.head[v]]
            continue
        if dep == "acl" and a.tag[v] == "VBG":
            return a.head[v]
        return None
    return None


def _first_kid(a: TokenArrays, i: int, deps: tuple[str, ...]) -> int | None:
    dep = a.dep
    for c in a.children[i]:
        if dep[c] in deps:
            return c
    return None


# (kind, content's first and last token, complement's head); kind "" when there is none
_Complement = tuple[str, int, int, int | None]


def _complement(a: TokenArrays, v: int) -> _Complement:
    kids = a.children[v]
    dep = a.dep
    deps = [dep[c] for c in kids]
    # a clause after the verb first: one before it is the content only when there is none
    # after ("The talks failed, he said"), and is otherwise often a misparse of the clause
    # the verb belongs to ("Not only are they away, nobody knows what ...")
    if "ccomp" in deps or "xcomp" in deps:
        for after in (True, False):
            for want in ("ccomp", "xcomp"):
                for c, d in zip(kids, deps, strict=True):
                    if d == want and (c > v) == after:
                        return want, a.left[c], a.right[c], c
    if "dobj" in deps:
        c = kids[deps.index("dobj")]
        last = a.right[c]
        for x, d in zip(kids, deps, strict=True):
            if x > c and (d in ("oprd", "xcomp") or (d == "prep" and
                                                    a.lower[x] in _OBJECT_PREPS)):
                last = a.right[x]
        return "dobj", a.left[c], last, c
    if "prep" in deps:
        for c, d in zip(kids, deps, strict=True):
            if d == "prep" and c > v:
                pobj = _first_kid(a, c, ("pobj", "pcomp"))
                if pobj is not None:
                    return f"prep:{a.lower[c]}", a.left[pobj], a.right[pobj], pobj
    return "", 0, -1, None


def _subject_kind(a: TokenArrays, s: int) -> str:
    low = a.lower[s]
    if low in ("he", "she", "they", "i", "we", "you", "it"):
        return "pron:" + low
    if a.ent[s]:
        return "ent:" + a.ent[s]
    if a.tag[s] in ("WP", "WDT"):
        return "wh"
    return "pos:" + a.pos[s]


def _passive_agent(a: TokenArrays, v: int) -> tuple[int, int] | None:
    """"The nominee has been endorsed by dozens of papers": the agent is the speaker and
    the passive subject what they hold a view on. (subject, agent's object) or None."""
    subj = _first_kid(a, v, ("nsubjpass",))
    agent = _first_kid(a, v, ("agent",))
    if subj is None or agent is None or a.tag[subj] in ("WP", "WDT"):
        return None
    pobj = _first_kid(a, agent, ("pobj",))
    return None if pobj is None else (subj, pobj)


def _noun_claim(a: TokenArrays, n: int) -> tuple[str, int, int] | None:
    """"Trump's claim that ...", "his plan to ...", "Clinton's attack on ...": a noun with a
    possessor (the speaker) and a that-clause, an infinitive or a prepositional object (the
    content). Without a possessor, a noun of :data:`ATTRIBUTION_NOUNS` ("allegations of
    fraud", "the claim that ...") with no speaker: the noun itself stands in for it.
    (kind, possessor or the noun, content head) or None."""
    poss = _first_kid(a, n, ("poss",))
    if poss is None:
        if a.lemma[n] not in ATTRIBUTION_NOUNS:
            return None
        found = _noun_claim_of(a, n, n)
        return None if found is None else ("bare_" + found[0], found[1], found[2])
    return _noun_claim_of(a, n, poss)


def _noun_claim_of(a: TokenArrays, n: int, poss: int) -> tuple[str, int, int] | None:
    kids = [c for c in a.children[n] if c > n]
    for c in kids:
        if a.dep[c] in ("acl", "ccomp") and any(
                a.dep[m] == "mark" and a.lower[m] == "that" for m in a.children[c]):
            return "noun_that", poss, c
    for c in kids:
        if a.dep[c] == "acl" and a.tag[c] == "VB" and any(
                a.dep[m] == "aux" and a.lower[m] == "to" for m in a.children[c]):
            return "noun_to", poss, c
    for c in kids:
        if a.dep[c] == "prep" and a.lower[c] in _NOUN_PREPS:
            pobj = _first_kid(a, c, ("pobj", "pcomp"))
            if pobj is not None:
                return f"noun_prep:{a.lower[c]}", poss, pobj
    return None


def _predicate(a: TokenArrays, w: int) -> tuple[str, int, int] | None:
    """"X is critical of Y", "X was sure (that) Y", "X is determined to Y", "X is a staunch
    opponent of Y": an adjective or noun predicated of the speaker by a copula, with a
    clause, an infinitive or a prepositional object. (kind, copula, content head) or None."""
    if not ((a.pos[w] == "ADJ" and a.dep[w] == "acomp") or
            (a.pos[w] == "NOUN" and a.dep[w] == "attr")):
        return None
    kind = "adj" if a.pos[w] == "ADJ" else "attr"
    copula = a.head[w]
    kids = [c for c in a.children[w] if c > w]
    for c in kids:
        if a.dep[c] in ("ccomp", "xcomp"):
            return f"{kind}_{a.dep[c]}", copula, c
    for c in kids:
        if a.dep[c] == "prep":
            pobj = _first_kid(a, c, ("pobj", "pcomp"))
            if pobj is not None:
                return f"{kind}_prep:{a.lower[c]}", copula, pobj
    if kind == "adj":
        # "it is clear that ...": the clause hangs on the copula
        for c in a.children[copula]:
            if a.dep[c] == "ccomp" and c > w:
                return "adj_ccomp", copula, c
    return None


def verb_candidate(verb: Token) -> Candidate | None:
    """The candidate attribution headed by ``verb``: a verb with a subject and a
    complement, a passive with an agent, a noun with a possessor (or of
    :data:`ATTRIBUTION_NOUNS`) and a complement, or a predicated adjective or noun."""
    return candidate_at(verb.doc, token_arrays(verb.doc), verb.i)


def candidate_at(doc: Doc, a: TokenArrays, v: int) -> Candidate | None:
    """:func:`verb_candidate` of token ``v`` of ``doc`` (``a``: its arrays)."""
    pos = a.pos[v]
    if pos in ("ADJ", "NOUN"):
        pred = _predicate(a, v)
        if pred is not None:
            kind, copula, head = pred
            subj = subject_index(a, copula)
            if subj is None:
                return None
            return _candidate(doc, a, v, subj, kind, a.left[head], a.right[head], head)
        if pos == "ADJ":
            return None
        claim = _noun_claim(a, v)
        if claim is None:
            return None
        kind, possessor, head = claim
        return _candidate(doc, a, v, possessor, kind, a.left[head], a.right[head], head)
    if pos not in ("VERB", "AUX") or a.dep[v] in ("aux", "auxpass"):
        return None
    comp_dep, first, last, comp_head = _complement(a, v)
    if not comp_dep:
        passive = _passive_agent(a, v)
        if passive is not None:
            patient, agent = passive
            return _candidate(doc, a, v, agent, "passive_subj", a.left[patient], a.right[patient],
                              patient)
    subj = subject_index(a, v)
    if subj is not None:
        return _candidate(doc, a, v, subj, comp_dep, first, last, comp_head)
    # no speaker: "Asked about the plan, ...", "The dissolution *was announced*", "the
    # contests *known as* Super Tuesday"; the verb stands in as its own subject (see
    # Candidate.speakerless)
    if comp_dep:
        return _candidate(doc, a, v, v, "bare_" + comp_dep, first, last, comp_head)
    theme = _first_kid(a, v, ("nsubjpass",))
    if theme is None or a.tag[theme] in ("WP", "WDT") or a.lower[theme] in ("it", "there"):
        return None
    return _candidate(doc, a, v, v, "bare_passive", a.left[theme], a.right[theme], theme)


def _candidate(doc: Doc, a: TokenArrays, v: int, s: int, comp_dep: str, first: int,
               last: int, comp_head: int | None) -> Candidate | None:
    while first <= last and ((a.punct[last] and not a.quotes[last]) or a.space[last]):
        last -= 1
    while first <= last and ((a.punct[first] and not a.quotes[first]) or a.space[first]):
        first += 1
    if first > last or first <= v <= last:
        return None
    prep = ""
    if ":" in comp_dep:
        comp_dep, prep = comp_dep.split(":", 1)
    return Candidate(doc, a, v, s, first, last, comp_dep, comp_head, prep)


# The scorer's feature templates (see bounds.feature_names): "lemma_dep=say|ccomp".
_CUE_TEMPLATES = (
    ("bias", 0), ("lemma=", 1), ("dep=", 1), ("lemma_dep=", 2), ("tag=", 1), ("vdep=", 1),
    ("subj=", 1), ("lemma_first=", 2), ("len=", 1), ("quoted=", 1), ("first=", 1),
    ("comp_first_pos=", 1), ("lemma_subj=", 2), ("dep_subj=", 2), ("subj_ent=", 1),
    ("subj_lemma=", 1), ("prep=", 1), ("lemma_prep=", 2), ("lex=", 1), ("lex_dep=", 2),
    ("neg", 0), ("modal", 0), ("passive", 0), ("has_addressee", 0), ("punct_after", 0),
    ("inverted", 0), ("head=", 1), ("lemma_head=", 2), ("content_verb|", 1),
    ("sent_quoted", 0), ("sent_has_say", 0), ("gov=", 2), ("nested_in_report", 0),
    ("depth=", 1), ("vprep=", 2), ("adv=", 1), ("addressee=", 1), ("aux=", 1),
    ("obj_poss", 0), ("obj_prep=", 2), ("obj_det=", 1), ("subj_human", 0),
    ("first_lemma=", 1))
_CUE_NAMES = feature_names(_CUE_TEMPLATES)
_NUMBERS = tuple(str(k) for k in range(9))
_LEXICONS = (("speech", SPEECH), ("cog", COGNITION), ("intent", INTENT),
             ("cobj", CONTENT_OBJECT))
_LEX_OF: dict[str, tuple[str, ...]] = {}  # lemma: the names of the lexicons holding it
_HEAD_DEPS = frozenset({"dobj", "prep", "passive_subj", "adj_prep", "attr_prep", "noun_prep",
                        "bare_noun_prep"})


def _features(cand: Candidate, f: dict[str, Any]) -> list[Any]:
    """The scorer's features of a candidate, in a table of _CUE_TEMPLATES: their names
    (_CUE_NAMES) or weights (:meth:`CueScorer.score`)."""
    a, v, s, first, last = cand.a, cand.v, cand.subject_i, cand.first, cand.last
    comp_dep, prep, comp_head = cand.comp_dep, cand.prep, cand.head
    lemma = cand.lemma
    dep, lower = a.dep, a.lower
    n = last - first + 1
    quote_cum = a.quote_cum
    quoted = quote_cum[last + 1] > quote_cum[first]
    speakerless = s == v
    low0 = lower[first]
    skind = "none" if speakerless else _subject_kind(a, s)
    coarse = skind.split(":")[0] if not skind.startswith("ent:") else skind
    feats = [
        f["bias"],
        f["lemma="].get(lemma, 0.0),
        f["dep="].get(comp_dep, 0.0),
        f["lemma_dep="].get(lemma, _NONE).get(comp_dep, 0.0),
        f["tag="].get(a.tag[v], 0.0),
        f["vdep="].get(dep[v], 0.0),
        f["subj="].get(skind, 0.0),
        f["lemma_first="].get(lemma, _NONE).get(low0 if low0 in _FIRST else "o", 0.0),
        f["len="].get(_NUMBERS[min(n // 4, 8)], 0.0),
        f["quoted="].get("True" if quoted else "False", 0.0),
        f["first="].get(low0 if low0 in _FIRST else "other", 0.0),
        f["comp_first_pos="].get(a.pos[first], 0.0),
        f["lemma_subj="].get(lemma, _NONE).get(coarse, 0.0),
        f["dep_subj="].get(comp_dep, _NONE).get(coarse, 0.0),
    ]
    if not speakerless:
        lo, hi = a.left[s], a.right[s] + 1
        if a.ent_cum[hi] > a.ent_cum[lo]:  # entity types in the subject's phrase
            ent = a.ent
            feats += [f["subj_ent="].get(e, 0.0)
                      for e in sorted({ent[i] for i in range(lo, hi) if ent[i]})]
        if a.pos[s] == "NOUN":
            feats.append(f["subj_lemma="].get(a.lemma[s], 0.0))
    if prep:
        feats += [f["prep="].get(prep, 0.0), f["lemma_prep="].get(lemma, _NONE).get(prep, 0.0)]
    lexicons = _LEX_OF.get(lemma)
    if lexicons is None:
        lexicons = tuple(name for name, lex in _LEXICONS if lemma in lex)
        if len(_LEX_OF) < 100_000:
            _LEX_OF[lemma] = lexicons
    for name in lexicons:
        feats += [f["lex="].get(name, 0.0), f["lex_dep="].get(name, _NONE).get(comp_dep, 0.0)]
    kids = a.children[v]
    kid_deps = [dep[k] for k in kids]
    if "neg" in kid_deps:
        feats.append(f["neg"])
    if "aux" in kid_deps and any(dep[k] == "aux" and a.tag[k] == "MD" for k in kids):
        feats.append(f["modal"])
    if "auxpass" in kid_deps:
        feats.append(f["passive"])
    if "dative" in kid_deps or ("dobj" in kid_deps and comp_dep == "ccomp"):
        feats.append(f["has_addressee"])
    if v + 1 < a.n and a.punct[v + 1]:
        feats.append(f["punct_after"])
    if s > v:
        feats.append(f["inverted"])
    if comp_head is not None and comp_dep in _HEAD_DEPS:
        # "issued a statement", "raised concerns about", "expressed support for"
        head = a.lemma[comp_head]
        feats += [f["head="].get(head, 0.0), f["lemma_head="].get(lemma, _NONE).get(head, 0.0)]
    if a.verb_cum[last + 1] > a.verb_cum[first]:
        feats.append(f["content_verb|"].get(comp_dep, 0.0))
    start, end = a.sent_start[v], a.sent_end[v]
    if quote_cum[end] > quote_cum[start]:
        feats.append(f["sent_quoted"])
    say = a.say_cum
    if say[end] - say[start] > say[v + 1] - say[v]:
        feats.append(f["sent_has_say"])  # another "say"/"tell" in the sentence
    _context_features(a, v, s, cand, kids, f, feats)
    return feats


_REPORTING = SPEECH | COGNITION
_SUBORDINATE = frozenset({"relcl", "acl", "ccomp", "advcl", "pcomp", "xcomp", "csubj"})
_GOVERNED = frozenset({"xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp"})


def _context_features(a: TokenArrays, v: int, s: int, cand: Candidate, kids: Sequence[int],
                      f: dict[str, Any], feats: list[Any]) -> None:
    """Where the cue sits in its sentence and what modifies it: "X said he *plans* to ..."
    (nested in a reported clause), "said *in a statement*", "*his* support for"; added to
    ``feats``."""
    head, dep, pos, lemma, lower, ent = a.head, a.dep, a.pos, a.lemma, a.lower, a.ent
    comp_dep, first, last, comp_head = cand.comp_dep, cand.first, cand.last, cand.head
    if dep[v] in _GOVERNED:
        gov = lemma[head[v]]
        feats.append(f["gov="].get(dep[v], _NONE).get(
            gov if gov in _REPORTING else pos[head[v]], 0.0))
    anc, depth = head[v], 0
    while anc != head[anc] and depth < 6:
        if pos[anc] == "VERB" and lemma[anc] in _REPORTING:
            feats.append(f["nested_in_report"])
            break
        anc, depth = head[anc], depth + 1
    feats.append(f["depth="].get(_NUMBERS[min(depth, 4)], 0.0))
    for child in kids:
        d = dep[child]
        if d == "prep" and not first <= child <= last:
            for x in a.children[child]:
                if dep[x] == "pobj":
                    what = lemma[x] if pos[x] == "NOUN" else (ent[x] or pos[x])
                    feats.append(f["vprep="].get(lower[child], _NONE).get(what, 0.0))
                    break
        elif d == "advmod":
            feats.append(f["adv="].get(lower[child], 0.0))
        elif d == "dative" or (d == "dobj" and comp_dep == "ccomp"):
            feats.append(f["addressee="].get(ent[child] or pos[child], 0.0))
        elif d == "aux":
            feats.append(f["aux="].get(lower[child], 0.0))
    if comp_head is not None and comp_dep == "dobj":
        for child in a.children[comp_head]:
            d = dep[child]
            if d == "poss":
                feats.append(f["obj_poss"])
            elif d == "prep":
                feats.append(f["obj_prep="].get(lemma[comp_head], _NONE).get(lower[child], 0.0))
            elif d == "det":
                feats.append(f["obj_det="].get(lower[child], 0.0))
    if ent[s] == "PERSON" or lower[s] in ("he", "she", "i", "we", "they"):
        feats.append(f["subj_human"])
    feats.append(f["first_lemma="].get(
        pos[first] if pos[first] in ("PROPN", "NUM") else lemma[first], 0.0))


def dense_rows(cand: Candidate, width: int) -> np.ndarray | None:
    """The contextual vectors of :data:`DENSE_ROWS` for a candidate, ``(4, width)``; None
    when the Doc has no tensor of that width (another pipeline, or none)."""
    tensor = cand.doc.tensor
    if tensor is None or tensor.ndim != 2 or tensor.shape[1] != width or \
            tensor.shape[0] != len(cand.doc):
        return None
    head = cand.head if cand.head is not None else cand.first
    out = np.empty((4, width), dtype=np.float32)
    out[0] = tensor[cand.v]
    out[1] = tensor[cand.subject_i]
    out[2] = tensor[head]
    out[3] = tensor[cand.first:cand.last + 1].mean(axis=0)
    return out


_OBJECT_PREPS = frozenset({"as", "to", "for", "of", "about"})
# Nouns of saying, thinking and stance that report an attribution without a speaker
# ("allegations of fraud", "calls for a recount", "the claim that ..."). Team-written.
ATTRIBUTION_NOUNS = word_set("""
claim allegation accusation charge criticism critique complaint concern question worry fear
hope belief view opinion position stance argument suggestion assertion insistence denial
admission acknowledgment acknowledgement statement comment remark announcement warning threat
promise pledge vow proposal plan call demand request appeal plea push bid effort attempt
decision refusal agreement commitment support opposition endorsement praise attack defense
defence speculation rumor rumour suspicion doubt expectation prediction forecast assessment
conclusion finding estimate idea notion perception impression assumption desire intention
intent determination willingness reluctance eagerness recommendation advice mention reference
reminder explanation description characterization portrayal dismissal rejection condemnation
disapproval approval backing
""")
# the prepositions that introduce what a possessed noun is about: "Clinton's attack on ..."
_NOUN_PREPS = frozenset({"of", "on", "about", "for", "against", "to", "over", "toward",
                         "towards", "with"})
_FIRST = frozenset({"that", "the", "to", "a", "he", "she", "it", "they", "his", "her", "what",
                    "how", "whether", "if", "why", "who", "which", "we", "i", "there"})


class CueScorer:
    """Logistic model over candidate features; falls back to the lexicon without weights.

    The score is the sum of the weights of the candidate's sparse string features plus,
    when the model has a ``dense`` part and the Doc has a ``doc.tensor`` of the width it
    was trained on, a dot product with the contextual vectors (the pipeline's own tok2vec
    output, already computed) of the verb, the subject's head, the complement's head and
    the mean over the content. Without a matching tensor the dense part is left out: its
    inputs were standardised, so leaving it out is scoring them at their training mean.
    """

    def __init__(self, weights: dict[str, float] | None = None, threshold: float = 0.5,
                 meta: dict[str, object] | None = None,
                 dense: dict[str, object] | None = None,
                 spans: SpanModel | None = None) -> None:
        self.weights = weights
        # the probability a quote nested in another speaker's needs (0: no more than any)
        self.nested_threshold = 0.0
        # where an accepted candidate's content starts and ends (shipped in the same file)
        self.spans = spans or SpanModel()
        self.threshold = threshold
        self.meta = meta or {}
        self._projections_key = f"{PROJECTIONS_KEY}:{id(self)}"
        # the weights as lookup tables (see bounds.feature_weights), made for these weights
        self._tables: tuple[dict[str, float] | None, dict[str, Any]] = (None, {})
        self._dense_w: np.ndarray | None = None
        self._dense_b = 0.0
        self._width = 0
        if dense:
            w = np.asarray(dense["weights"], dtype=np.float32)
            self._width = int(dense["width"])  # type: ignore[call-overload]
            if w.shape == (len(DENSE_ROWS) * self._width,):
                self._dense_w = w.reshape(len(DENSE_ROWS), self._width)
                self._dense_b = float(dense.get("offset", 0.0))  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: str | Path | None = None) -> CueScorer:
        try:
            if path is None:
                raw = resources.files("evenhand.pipeline").joinpath(MODEL_RESOURCE).read_text(
                    encoding="utf-8")
            else:
                raw = Path(path).read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            return cls(None)
        data = json.loads(raw)
        bounds = data.get("bounds") or {}
        scorer = cls(data["weights"], float(data.get("threshold", 0.5)), data.get("meta"),
                     data.get("dense"), SpanModel(bounds.get("start"), bounds.get("end"),
                                                  float(bounds.get("margin", 0.0))))
        scorer.nested_threshold = float(data.get("nested_threshold", 0.0))
        return scorer

    def score(self, cand: Candidate) -> float:
        """The logit: sparse weights plus the dense part where it applies."""
        assert self.weights is not None
        if self._tables[0] is not self.weights:
            self._tables = (self.weights, feature_weights(self.weights, _CUE_TEMPLATES))
        # the weights of cand.features, in their order (a feature without one: 0.0)
        z = sum(_features(cand, self._tables[1]))
        if self._dense_w is not None:
            proj = self._projections(cand.doc)
            if proj is not None:
                # the dense part is linear: each row's weights dotted with every token's
                # vector once per Doc, the content's mean from prefix sums
                head = cand.head if cand.head is not None else cand.first
                first, end = cand.first, cand.last + 1
                # Python floats (ndarray.item), not numpy scalars: the same doubles, a
                # fraction of the cost
                at = proj.item
                z += (at(0, cand.v) + at(1, cand.subject_i) + at(2, head)
                      + (at(3, end) - at(3, first)) / (end - first) + self._dense_b)
        return float(z)

    def _projections(self, doc: Doc) -> np.ndarray | None:
        """Per token, the dot products of its ``doc.tensor`` row with the verb, subject and
        complement-head weights, and prefix sums of that with the content weights
        (``(4, n + 1)``); None when the Doc has no tensor of the trained width."""
        assert self._dense_w is not None
        key = self._projections_key
        cached = doc.user_data.get(key)
        if isinstance(cached, np.ndarray) or cached is False:
            return cached if isinstance(cached, np.ndarray) else None
        tensor = doc.tensor
        if tensor is None or tensor.ndim != 2 or tensor.shape[1] != self._width or \
                tensor.shape[0] != len(doc):
            doc.user_data[key] = False
            return None
        # einsum's own loop, not BLAS: a matrix product here would wake OpenBLAS's threads,
        # which then spin on the other cores for the rest of the batch
        dots = np.einsum("nd,rd->nr", np.asarray(tensor, dtype=np.float32), self._dense_w)
        proj = np.zeros((4, len(doc) + 1), dtype=np.float64)
        proj[:3, :-1] = dots[:, :3].T
        proj[3, 1:] = np.cumsum(dots[:, 3], dtype=np.float64)
        doc.user_data[key] = proj
        return proj

    def probability(self, cand: Candidate) -> float:
        if self.weights is None:
            return 1.0 if self._lexicon_rule(cand) else 0.0
        z = self.score(cand)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @staticmethod
    def forced(cand: Candidate) -> bool:
        """A verb of saying with a clause ("X said (that) ...") is an attribution whatever
        the weights say: the model decides the long tail, not the canonical case, and the
        saying verbs inside another clause ("a story in which sources *said* ...")."""
        return cand.comp_dep == "ccomp" and cand.lemma in SPEECH and \
            cand.vdep not in _SUBORDINATE

    def accept(self, cand: Candidate) -> bool:
        if self.forced(cand):
            return True
        return self.probability(cand) >= self.threshold

    @staticmethod
    def _lexicon_rule(cand: Candidate) -> bool:
        lemma = cand.lemma
        if lemma not in CUE_LEMMAS:
            return False
        if cand.comp_dep == "ccomp":
            return True
        if cand.comp_dep == "xcomp":
            return lemma in INTENT
        if cand.comp_dep == "dobj":
            return lemma in CONTENT_OBJECT and lemma not in CLAUSAL_ONLY
        return False
