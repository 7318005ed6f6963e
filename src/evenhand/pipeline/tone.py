"""The ``evenhand_tone`` component: the tone of the article's own words about each actor.

It runs after ``evenhand_identity`` and adds no model: it looks up the words of the clauses
an actor takes part in, on the parse the pipeline already made, in a small polarity lexicon
written for news (``tone_verbs.txt``, ``tone_positive.txt``, ``tone_negative.txt`` beside this
module). ``doc._.evenhand_tone`` maps each actor id to::

    {"score": float in [-1, 1], "label": "negative" | "neutral" | "positive",
     "clauses": n, "evidence": [{"start", "end", "text", "polarity", "role"}, ...]}

**Which clauses.** Every mention of the actor (the heads of its mentions, nominal echoes of
its title or name — "the mayor" after "Mayor John Smith" — and third-person singular
pronouns resolved to the nearest compatible person) is placed in its clause:

* ``agent``: subject of an active verb, or the "by" phrase of a passive. The verb counts
  with its *agent* polarity: harm and wrongdoing ("attacked", "lied", "bombed") are negative
  for the one who does them; achievement and help ("won", "rescued") are positive; verbs of
  criticism or praise ("condemned", "praised") say nothing about their agent. Manner
  adverbs of the verb ("falsely", "successfully") count too;
* ``patient``: object, subject of a passive, or object of "against/at/on/about/over": the
  verb counts with its *patient* polarity ("accused", "sanctioned", "attacked" are negative
  for their target; "praised" is positive);
* ``experiencer``: subject of "face", "receive", "draw", "win", "suffer", ...: the polarity
  of the object noun ("faced criticism", "won praise");
* ``described``: a predicate adjective or noun ("X is corrupt", "X was a hero"), a modifier
  ("the embattled X"), an appositive ("X, a convicted fraudster"), a relative or
  participle clause ("X, who was accused of fraud"), or a noun about X ("criticism of X",
  "praise for X");
* ``possessor``: X's noun and its modifiers ("X's failed policy", "X's victory").

Conjoined mentions and verbs share their clause ("A and B were arrested and charged").
**Negation** ("not", "n't", "never", "no" before the object noun) flips the polarity:
"did not praise X" is negative for X, "X is not corrupt" positive. **The actor's own words
do not count**: a mention or a word inside the content of a quote attributed to the actor
is skipped ("“We are a great success,” the mayor said" says nothing about the mayor's tone);
the words of *other* speakers about the actor count.

**Score.** ``(positives - negatives) / (positives + negatives + 1)`` (the 1 keeps one word
from making a verdict of ±1); ``label`` is ``negative`` at or below -0.25, ``positive`` at or
above 0.25, else ``neutral``. ``clauses`` counts the clauses looked at, evidence or not.
Limits are in docs/attribution-and-tone.md.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Token

from ._view import C_LEMMA, C_LOWER, DocView, doc_view

__all__ = ["ToneComponent", "ToneLexicon", "analyze_tone", "make_tone"]

THRESHOLD = 0.25
SMOOTHING = 1.0

_COPULAS = frozenset({"be", "become", "remain", "seem", "appear", "look", "sound", "stay",
                      "prove", "feel", "get", "grow"})
_EXPERIENCER = frozenset({"face", "receive", "draw", "win", "earn", "suffer", "attract",
                          "endure", "garner", "enjoy", "weather", "survive", "court",
                          "provoke", "spark", "trigger", "incur", "invite", "gain", "get"})
_PATIENT_PREPS = frozenset({"against", "at", "on", "upon", "about", "over", "toward",
                            "towards"})
_NOUN_PREPS = frozenset({"of", "against", "about", "over", "for", "toward", "towards", "on"})
_NEGATORS = frozenset({"not", "n't", "never", "no", "nobody", "none", "neither", "nor"})
_RELATIVES = frozenset({"who", "whom", "which", "that"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_NOMINAL_DETS = frozenset({"the", "this", "that"})


@dataclass(frozen=True)
class ToneLexicon:
    """verbs: lemma → (agent polarity, patient polarity); positive/negative: descriptive
    words (adjectives, nouns, adverbs) by lemma or lower-case form."""

    verbs: dict[str, tuple[int, int]]
    positive: frozenset[str]
    negative: frozenset[str]

    @classmethod
    def load(cls) -> ToneLexicon:
        return _load_lexicon()

    def word(self, tok: Token) -> int:
        return self._word(tok.lemma_.lower(), tok.lower_)

    def _word(self, lemma: str, lower: str) -> int:
        for key in (lemma, lower):
            if key in self.negative:
                return -1
            if key in self.positive:
                return 1
        return 0

    def verb(self, tok: Token) -> tuple[int, int]:
        return self._verb(doc_view(tok.doc), tok.i)

    def _verb(self, v: DocView, i: int) -> tuple[int, int]:
        lemma = v.lemma[i]
        for child in v.children(i):
            if v.dep[child] == "prt":
                phrasal = f"{lemma}_{v.lower[child]}"
                if phrasal in self.verbs:
                    return self.verbs[phrasal]
        return self.verbs.get(lemma, (0, 0))


def _read(name: str) -> list[str]:
    text = resources.files("evenhand.pipeline").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


_SIGN = {"+": 1, "-": -1, "0": 0}


@lru_cache(maxsize=1)
def _load_lexicon() -> ToneLexicon:
    verbs: dict[str, tuple[int, int]] = {}
    for line in _read("tone_verbs.txt"):
        lemma, agent, patient = line.split()
        verbs[lemma] = (_SIGN[agent], _SIGN[patient])
    return ToneLexicon(verbs, frozenset(_read("tone_positive.txt")),
                       frozenset(_read("tone_negative.txt")))


# -- finding mentions ------------------------------------------------------------------------
# Tokens are indices into the Doc's token table (:mod:`._view`).
def _mention_heads(doc: Doc, actors: list[Any]) -> dict[int, str]:
    """token index → actor id for every mention head, nominal echo and resolved pronoun."""
    v = doc_view(doc)
    owner: dict[int, str] = {}
    covered: set[int] = set()
    for actor in actors:
        for start, end in actor.mentions:
            span = v.char_span(start, end)
            if span is None or span[1] <= span[0]:
                continue
            owner.setdefault(v.root(*span), actor.id)
            covered.update(range(*span))
        for i in actor.heads:
            if 0 <= i < len(doc):
                owner.setdefault(i, actor.id)
                covered.add(i)
    # nominal echoes: "the mayor" after "Mayor John Smith", "the ministry" after "the
    # Ministry of Defence": the nearest actor before it whose title or name has the word.
    # Third-person singular pronouns: the nearest person before, in this sentence or the
    # three before, gender permitting; subjects first. One pass, in text order.
    echo_words: dict[str, list[str]] = {}
    for actor in actors:
        words: set[str] = set()
        if actor.type == "person":
            words = set(getattr(actor, "titles", None) or ())
        elif actor.type == "organization":
            words = set(getattr(actor, "keys", None) or ())
        for w in words:
            echo_words.setdefault(w, []).append(actor.id)
    persons = {a.id: a for a in actors if a.type == "person"}
    wanted = frozenset(echo_words) | (_MALE | _FEMALE if persons else frozenset())
    if not wanted or not v.n:
        return owner
    # tokens whose lemma (as spaCy has it) or lower-case form is wanted
    cands = np.flatnonzero(v.has(C_LEMMA, wanted) | v.has(C_LOWER, wanted)).tolist()
    if not cands:
        return owner
    sents, sent_of = v.sents, v.sent_of

    def first_of(i: int) -> int:
        return sents[sent_of[i]][0]

    # the owned tokens in order, kept so as owner grows
    order = sorted(owner)
    for ti in cands:
        if ti in owner:
            continue
        low = v.lower[ti]
        if v.pos[ti] == "PRON" and (low in _MALE or low in _FEMALE):
            gender = "male" if low in _MALE else "female"
            first = first_of(ti)
            for _ in range(3):
                if first == 0:
                    break
                first = first_of(first - 1)
            near = [(i, a) for i in order[bisect_left(order, first):bisect_left(order, ti)]
                    if (a := owner[i]) in persons and persons[a].gender in ("unknown", gender)]
            if not near:
                continue
            last_sent = max(first_of(i) for i, _ in near)
            same = [(0 if v.dep[i] in ("nsubj", "nsubjpass") else 1, -i, a)
                    for i, a in near if first_of(i) == last_sent]
            owner[ti] = min(same)[2]
            insort(order, ti)
            continue
        if ti in covered or v.pos[ti] != "NOUN" or v.tag[ti] != "NN":
            continue
        ids = set(echo_words.get(v.lemma[ti], ()))
        if not ids or not any(v.dep[c] == "det" and v.lower[c] in _NOMINAL_DETS
                              for c in v.children(ti)):
            continue
        before = next((i for i in reversed(order[:bisect_left(order, ti)])
                       if owner[i] in ids), None)
        if before is not None:
            owner[ti] = owner[before]
            insort(order, ti)
    return owner


# -- clauses -------------------------------------------------------------------------------
def _negator(v: DocView, tok: int) -> int | None:
    dep = v.dep
    for child in v.children(tok):
        if dep[child] == "neg" or (dep[child] == "advmod" and v.lower[child] in _NEGATORS):
            return child
    head = v.head[tok]
    if dep[tok] in ("acomp", "attr", "dobj") and v.pos[head] in ("AUX", "VERB"):
        return next((c for c in v.children(head) if dep[c] == "neg"), None)
    return None


def _det_negator(v: DocView, noun: int) -> int | None:
    return next((c for c in v.children(noun) if v.dep[c] == "det" and v.lower[c] == "no"),
                None)


def _verb_group(v: DocView, verb: int) -> list[int]:
    """The verb and the verbs conjoined after it that share its subject."""
    out = [verb]
    for conj in v.conjuncts(verb):
        if conj > verb and v.pos[conj] in ("VERB", "AUX") and not any(
                v.dep[c] in ("nsubj", "nsubjpass") for c in v.children(conj)):
            out.append(conj)
    return out


def _nominal_words(v: DocView, noun: int) -> list[int]:
    """A noun and its adjectival modifiers ("a convicted fraudster")."""
    words = [noun]
    for child in v.children(noun):
        dep = v.dep[child]
        if dep in ("amod", "compound", "advmod") or (dep == "conj" and v.pos[child] == "ADJ"):
            words.append(child)
    return words


def _predicates(v: DocView, cop: int) -> list[int]:
    out = []
    for child in v.children(cop):
        if v.dep[child] in ("acomp", "attr", "oprd"):
            out.extend(_nominal_words(v, child))
            out.extend(c for c in v.conjuncts(child) if c > child)
    return out


_Item = tuple[int, int, str, int | None]  # word, polarity, role, negator (token indices)


class _Clauses:
    def __init__(self, lexicon: ToneLexicon, v: DocView) -> None:
        self.lex = lexicon
        self.v = v

    def _word(self, i: int) -> int:
        return self.lex._word(self.v.lemma[i], self.v.lower[i])

    def _verb_items(self, verb: int, role: str) -> list[_Item]:
        v = self.v
        items: list[_Item] = []
        for vb in _verb_group(v, verb):
            agent, patient = self.lex._verb(v, vb)
            pol = agent if role == "agent" else patient
            neg = _negator(v, vb)
            if pol:
                items.append((vb, pol, role, neg))
            if role == "agent":
                for child in v.children(vb):
                    if v.dep[child] == "advmod" and v.pos[child] == "ADV":
                        p = self._word(child)
                        if p:
                            items.append((child, p, role, neg))
                if v.lemma[vb] in _EXPERIENCER:
                    for obj in v.children(vb):
                        if v.dep[obj] == "dobj":
                            oneg = neg if neg is not None else _det_negator(v, obj)
                            items.extend((w, p, "experiencer", oneg)
                                         for w in _nominal_words(v, obj)
                                         if (p := self._word(w)))
                if v.lemma[vb] in _COPULAS:
                    items.extend((w, p, "described", neg) for w in _predicates(v, vb)
                                 if (p := self._word(w)))
        return items

    def _described(self, head: int) -> list[_Item]:
        v = self.v
        items: list[_Item] = []
        for child in v.children(head):
            dep = v.dep[child]
            if dep == "amod":
                p = self._word(child)
                if p:
                    items.append((child, p, "described", _negator(v, child)))
            elif dep == "appos":
                items.extend((w, p, "described", None) for w in _nominal_words(v, child)
                             if (p := self._word(w)))
            elif dep in ("relcl", "acl") and v.pos[child] in ("VERB", "AUX"):
                rel = [c for c in v.children(child) if v.lower[c] in _RELATIVES]
                tag = v.tag[child]
                if tag == "VBN" and not rel:
                    items.extend(self._verb_items(child, "patient"))
                elif tag == "VBG" and not rel:
                    items.extend(self._verb_items(child, "agent"))
                elif rel:
                    rdep = v.dep[rel[0]]
                    role = "patient" if rdep in ("nsubjpass", "dobj") else "agent" \
                        if rdep == "nsubj" else ""
                    if role:
                        items.extend(self._verb_items(child, role))
        return items

    def items(self, head: int) -> tuple[bool, list[_Item]]:
        """(whether the mention has a clause, the polarity items found in it)."""
        v = self.v
        heads, deps, pos = v.head, v.dep, v.pos
        base = head
        while deps[base] in ("conj", "appos") and heads[base] != base and \
                pos[heads[base]] in ("NOUN", "PROPN", "PRON"):
            base = heads[base]
        items = self._described(head)
        if base != head:
            items += self._described(base)
        dep, gov = deps[base], heads[base]
        clause = True
        if dep == "nsubj" and pos[gov] in ("VERB", "AUX"):
            items += self._verb_items(gov, "agent")
        elif dep == "nsubjpass" or (dep in ("dobj", "dative")
                                    and pos[gov] in ("VERB", "AUX")):
            items += self._verb_items(gov, "patient")
        elif dep == "pobj" and deps[gov] == "agent":
            items += self._verb_items(heads[gov], "agent")
        elif dep == "pobj" and pos[heads[gov]] in ("VERB", "AUX") and \
                v.lower[gov] in _PATIENT_PREPS:
            items += self._verb_items(heads[gov], "patient")
        elif dep == "pobj" and pos[heads[gov]] == "NOUN" and v.lower[gov] in _NOUN_PREPS:
            noun = heads[gov]
            items += [(w, p, "described", _det_negator(v, noun))
                      for w in _nominal_words(v, noun) if (p := self._word(w))]
        elif dep == "poss":
            noun = gov
            items += [(w, p, "possessor", _det_negator(v, noun))
                      for w in _nominal_words(v, noun) if (p := self._word(w))]
        else:
            clause = bool(items)
        return clause, items


def _union(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The union of character ranges as sorted, disjoint (starts, ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted((s, e) for s, e in ranges if s < e):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def _in_union(union: tuple[list[int], list[int]], char: int) -> bool:
    """Whether ``char`` is in one of the ranges of ``union``."""
    starts, ends = union
    k = bisect_right(starts, char) - 1
    return k >= 0 and char < ends[k]


def _score(polarities: Iterable[int], smoothing: float = SMOOTHING) -> float:
    pos = neg = 0
    for p in polarities:
        if p > 0:
            pos += 1
        elif p < 0:
            neg += 1
    return round((pos - neg) / (pos + neg + smoothing), 4)


def _label(score: float, threshold: float = THRESHOLD) -> str:
    return "negative" if score <= -threshold else "positive" if score >= threshold \
        else "neutral"


def analyze_tone(doc: Doc, lexicon: ToneLexicon | None = None,
                 threshold: float = THRESHOLD, smoothing: float = SMOOTHING
                 ) -> dict[str, dict[str, Any]]:
    """Tone toward each actor of a Doc that went through evenhand's components."""
    lexicon = lexicon or ToneLexicon.load()
    actors = list(getattr(doc._, "evenhand_actors", None) or [])
    quotes = list(getattr(doc._, "evenhand_quotes", None) or [])
    own: dict[str, list[tuple[int, int]]] = {}
    for q in quotes:
        if q.actor:
            own.setdefault(q.actor, []).extend(q.spans or [(q.start, q.end)])
    owner = _mention_heads(doc, actors)
    v = doc_view(doc)
    idx, ends = v.idx, v.end
    clauses = _Clauses(lexicon, v)
    found: dict[str, dict[int, tuple[int, str, int | None]]] = {a.id: {} for a in actors}
    counts = dict.fromkeys(found, 0)
    unions = {actor_id: _union(ranges) for actor_id, ranges in own.items()}
    nowhere: tuple[list[int], list[int]] = ([], [])
    for i in sorted(owner):
        actor_id = owner[i]
        ranges = unions.get(actor_id, nowhere)
        if _in_union(ranges, idx[i]):
            continue
        has_clause, items = clauses.items(i)
        counts[actor_id] += has_clause
        for word, pol, role, neg in items:
            if _in_union(ranges, idx[word]) or word in owner:
                continue
            if neg is not None:
                pol = -pol
            found[actor_id].setdefault(word, (pol, role, neg))
    out: dict[str, dict[str, Any]] = {}
    text = v.text
    for actor in actors:
        evidence: list[dict[str, Any]] = []
        polarities: list[int] = []
        for wi, (pol, role, neg) in sorted(found[actor.id].items()):
            start = min(idx[wi], idx[neg]) if neg is not None else idx[wi]
            end = max(ends[wi], ends[neg]) if neg is not None else ends[wi]
            evidence.append({"start": start, "end": end, "text": text[start:end],
                             "polarity": pol, "role": role})
            polarities.append(pol)
        score = _score(polarities, smoothing)
        out[actor.id] = {"score": score, "label": _label(score, threshold),
                         "clauses": counts[actor.id], "evidence": evidence}
    return out


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_tone"):
        Doc.set_extension("evenhand_tone", default=None)


class ToneComponent:
    def __init__(self, threshold: float = THRESHOLD, smoothing: float = SMOOTHING) -> None:
        _register_extensions()
        self.lexicon = ToneLexicon.load()
        self.threshold = threshold
        self.smoothing = smoothing

    def __call__(self, doc: Doc) -> Doc:
        doc._.evenhand_tone = analyze_tone(doc, self.lexicon, self.threshold, self.smoothing)
        return doc


@Language.factory(
    "evenhand_tone",
    requires=["doc._.evenhand_actors", "doc._.evenhand_quotes", "token.dep", "token.lemma"],
    assigns=["doc._.evenhand_tone"],
    default_config={"threshold": THRESHOLD, "smoothing": SMOOTHING},
)
def make_tone(nlp: Language, name: str, threshold: float, smoothing: float) -> ToneComponent:
    return ToneComponent(threshold=threshold, smoothing=smoothing)


_register_extensions()
