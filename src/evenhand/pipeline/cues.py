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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from .bounds import SpanModel
from .lexicon import CLAUSAL_ONLY, COGNITION, CONTENT_OBJECT, CUE_LEMMAS, INTENT, SPEECH

__all__ = ["DENSE_ROWS", "Candidate", "CueScorer", "dense_rows", "verb_candidate"]

MODEL_RESOURCE = "quote_cues.json"
# the rows of doc.tensor the dense part of the scorer reads, in the order of its weights
DENSE_ROWS = ("verb", "subject", "comp_head", "content_mean")
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


@dataclass
class Candidate:
    verb: Token
    subject: Token
    content: list[Token]
    comp_dep: str
    features: list[str] = field(default_factory=list)
    # the complement's head token (the clause's verb, the object's noun, the preposition's
    # object): one of the rows of ``doc.tensor`` the scorer reads
    comp_head: Token | None = None


def subject_of(verb: Token) -> Token | None:
    """The speaker of a cue verb, following conjunctions, participles and relatives."""
    for _ in range(4):
        for child in verb.children:
            if child.dep_ in _SUBJECTS:
                if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                    return verb.head
                if child.lower_ in ("it", "there") and child.dep_ != "nsubj":
                    return None
                return child
        for child in verb.children:
            if child.dep_ == "agent":
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj:
                    return pobj[0]
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            verb = verb.head
            continue
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            # "... by announcing that ...", "... before asking her ..."
            verb = verb.head.head
            continue
        if verb.dep_ == "acl" and verb.tag_ == "VBG":
            return verb.head
        return None
    return None


def _subtree(tok: Token) -> list[Token]:
    doc = tok.doc
    return [doc[i] for i in range(tok.left_edge.i, tok.right_edge.i + 1)]


def _complement(verb: Token) -> tuple[str, list[Token], Token | None]:
    children = list(verb.children)
    # a clause after the verb first: one before it is the content only when there is none
    # after ("The talks failed, he said"), and is otherwise often a misparse of the clause
    # the verb belongs to ("Not only are they away, nobody knows what ...")
    for after in (True, False):
        for dep in ("ccomp", "xcomp"):
            for child in children:
                if child.dep_ == dep and (child.i > verb.i) == after:
                    return dep, _subtree(child), child
    for child in children:
        if child.dep_ == "dobj":
            tokens = _subtree(child)
            for extra in children:
                if extra.i > child.i and (extra.dep_ in ("oprd", "xcomp") or (
                        extra.dep_ == "prep" and extra.lower_ in _OBJECT_PREPS)):
                    tokens = [verb.doc[i] for i in range(tokens[0].i, extra.right_edge.i + 1)]
            return "dobj", tokens, child
    for child in children:
        if child.dep_ == "prep" and child.i > verb.i:
            pobj = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if pobj:
                return f"prep:{child.lower_}", _subtree(pobj[0]), pobj[0]
    return "", [], None


def _subject_kind(subj: Token) -> str:
    if subj.lower_ in ("he", "she", "they", "i", "we", "you", "it"):
        return "pron:" + subj.lower_
    if subj.ent_type_:
        return "ent:" + subj.ent_type_
    if subj.tag_ in ("WP", "WDT"):
        return "wh"
    return "pos:" + subj.pos_


def _passive_agent(verb: Token) -> tuple[Token, Token] | None:
    """"The nominee has been endorsed by dozens of papers": the agent is the speaker and
    the passive subject what they hold a view on. (subject, agent's object) or None."""
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if subj is None or agent is None or subj.tag_ in ("WP", "WDT"):
        return None
    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    return None if pobj is None else (subj, pobj)


def _noun_claim(noun: Token) -> tuple[str, Token, Token] | None:
    """"Trump's claim that ...", "his plan to ...", "Clinton's attack on ...": a noun with a
    possessor (the speaker) and a that-clause, an infinitive or a prepositional object (the
    content). (kind, possessor, content head) or None."""
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is None:
        return None
    for child in noun.children:
        if child.dep_ in ("acl", "ccomp") and child.i > noun.i and any(
                m.dep_ == "mark" and m.lower_ == "that" for m in child.children):
            return "noun_that", poss, child
    for child in noun.children:
        if child.dep_ == "acl" and child.i > noun.i and child.tag_ == "VB" and any(
                m.dep_ == "aux" and m.lower_ == "to" for m in child.children):
            return "noun_to", poss, child
    for child in noun.children:
        if child.dep_ == "prep" and child.i > noun.i and child.lower_ in _NOUN_PREPS:
            pobj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return f"noun_prep:{child.lower_}", poss, pobj
    return None


def _predicate(word: Token) -> tuple[str, Token, Token] | None:
    """"X is critical of Y", "X was sure (that) Y", "X is determined to Y", "X is a staunch
    opponent of Y": an adjective or noun predicated of the speaker by a copula, with a
    clause, an infinitive or a prepositional object. (kind, copula, content head) or None."""
    if not ((word.pos_ == "ADJ" and word.dep_ == "acomp") or
            (word.pos_ == "NOUN" and word.dep_ == "attr")):
        return None
    kind = "adj" if word.pos_ == "ADJ" else "attr"
    for child in word.children:
        if child.dep_ in ("ccomp", "xcomp") and child.i > word.i:
            return f"{kind}_{child.dep_}", word.head, child
    for child in word.children:
        if child.dep_ == "prep" and child.i > word.i:
            pobj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:
                return f"{kind}_prep:{child.lower_}", word.head, pobj
    if kind == "adj":
        # "it is clear that ...": the clause hangs on the copula
        for child in word.head.children:
            if child.dep_ == "ccomp" and child.i > word.i:
                return "adj_ccomp", word.head, child
    return None


def verb_candidate(verb: Token) -> Candidate | None:
    """The candidate attribution headed by ``verb``: a verb with a subject and a
    complement, a passive with an agent, or a noun with a possessor and a that-clause."""
    if verb.pos_ in ("ADJ", "NOUN"):
        pred = _predicate(verb)
        if pred is not None:
            kind, copula, head = pred
            subj = subject_of(copula)
            if subj is None:
                return None
            return _candidate(verb, subj, kind, _subtree(head), head)
        if verb.pos_ == "ADJ":
            return None
        claim = _noun_claim(verb)
        if claim is None:
            return None
        kind, possessor, head = claim
        return _candidate(verb, possessor, kind, _subtree(head), head)
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("aux", "auxpass"):
        return None
    comp_dep, content, comp_head = _complement(verb)
    if not comp_dep:
        passive = _passive_agent(verb)
        if passive is not None:
            patient, agent = passive
            return _candidate(verb, agent, "passive_subj", _subtree(patient), patient)
    subj = subject_of(verb)
    if subj is None:
        return None
    return _candidate(verb, subj, comp_dep, content, comp_head)


def _candidate(verb: Token, subj: Token, comp_dep: str, content: list[Token],
               comp_head: Token | None) -> Candidate | None:
    while content and ((content[-1].is_punct and not content[-1].is_quote) or content[-1].is_space):
        content = content[:-1]
    while content and ((content[0].is_punct and not content[0].is_quote) or content[0].is_space):
        content = content[1:]
    if not content or content[0].i <= verb.i <= content[-1].i:
        return None
    flags = _token_flags(verb.doc)
    lemma = verb.lemma_.lower()
    prep = ""
    if ":" in comp_dep:
        comp_dep, prep = comp_dep.split(":", 1)
    n = len(content)
    quoted = bool(flags.quote[content[0].i:content[-1].i + 1].any())
    feats = [
        "bias",
        f"lemma={lemma}",
        f"dep={comp_dep}",
        f"lemma_dep={lemma}|{comp_dep}",
        f"tag={verb.tag_}",
        f"vdep={verb.dep_}",
        f"subj={_subject_kind(subj)}",
        f"lemma_first={lemma}|{content[0].lower_ if content[0].lower_ in _FIRST else 'o'}",
        f"len={min(n // 4, 8)}",
        f"quoted={quoted}",
        f"first={content[0].lower_ if content[0].lower_ in _FIRST else 'other'}",
        f"comp_first_pos={content[0].pos_}",
    ]
    skind = _subject_kind(subj)
    coarse = skind.split(":")[0] if not skind.startswith("ent:") else skind
    feats += [f"lemma_subj={lemma}|{coarse}", f"dep_subj={comp_dep}|{coarse}"]
    ents = {t.ent_type_ for t in subj.subtree if t.ent_type_}
    feats += [f"subj_ent={e}" for e in sorted(ents)]
    if subj.pos_ == "NOUN":
        feats.append(f"subj_lemma={subj.lemma_.lower()}")
    if prep:
        feats += [f"prep={prep}", f"lemma_prep={lemma}|{prep}"]
    for name, lex in (("speech", SPEECH), ("cog", COGNITION), ("intent", INTENT),
                      ("cobj", CONTENT_OBJECT)):
        if lemma in lex:
            feats += [f"lex={name}", f"lex_dep={name}|{comp_dep}"]
    if any(c.dep_ == "neg" for c in verb.children):
        feats.append("neg")
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
        feats.append("modal")
    if any(c.dep_ == "auxpass" for c in verb.children):
        feats.append("passive")
    if any(c.dep_ == "dative" or (c.dep_ == "dobj" and comp_dep == "ccomp")
           for c in verb.children):
        feats.append("has_addressee")
    if verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].is_punct:
        feats.append("punct_after")
    if subj.i > verb.i:
        feats.append("inverted")
    if comp_head is not None and comp_dep in ("dobj", "prep", "passive_subj", "adj_prep",
                                              "attr_prep", "noun_prep"):
        # "issued a statement", "raised concerns about", "expressed support for"
        feats += [f"head={comp_head.lemma_.lower()}",
                  f"lemma_head={lemma}|{comp_head.lemma_.lower()}"]
    if flags.verb[content[0].i:content[-1].i + 1].any():
        feats.append(f"content_verb|{comp_dep}")
    start, end = flags.sentence_of(verb.i)
    if flags.quote[start:end].any():
        feats.append("sent_quoted")
    if int(flags.say[start:end].sum()) > int(flags.say[verb.i]):
        feats.append("sent_has_say")  # another "say"/"tell" in the sentence
    feats += _context_features(verb, subj, comp_dep, content, comp_head)
    return Candidate(verb, subj, content, comp_dep, feats, comp_head)


_REPORTING = SPEECH | COGNITION


def _context_features(verb: Token, subj: Token, comp_dep: str, content: list[Token],
                      comp_head: Token | None) -> list[str]:
    """Where the cue sits in its sentence and what modifies it: "X said he *plans* to ..."
    (nested in a reported clause), "said *in a statement*", "*his* support for"."""
    feats = []
    if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp", "relcl", "acl", "pcomp"):
        gov = verb.head.lemma_.lower()
        feats.append(f"gov={verb.dep_}|{gov if gov in _REPORTING else verb.head.pos_}")
    anc, depth = verb.head, 0
    while anc.i != anc.head.i and depth < 6:
        if anc.pos_ == "VERB" and anc.lemma_.lower() in _REPORTING:
            feats.append("nested_in_report")
            break
        anc, depth = anc.head, depth + 1
    feats.append(f"depth={min(depth, 4)}")
    lo, hi = content[0].i, content[-1].i
    for child in verb.children:
        dep = child.dep_
        if dep == "prep" and not lo <= child.i <= hi:
            pobj = next((x for x in child.children if x.dep_ == "pobj"), None)
            if pobj is not None:
                what = pobj.lemma_.lower() if pobj.pos_ == "NOUN" else (
                    pobj.ent_type_ or pobj.pos_)
                feats.append(f"vprep={child.lower_}|{what}")
        elif dep == "advmod":
            feats.append(f"adv={child.lower_}")
        elif dep == "dative" or (dep == "dobj" and comp_dep == "ccomp"):
            feats.append(f"addressee={child.ent_type_ or child.pos_}")
        elif dep == "aux":
            feats.append(f"aux={child.lower_}")
    if comp_head is not None and comp_dep == "dobj":
        for child in comp_head.children:
            if child.dep_ == "poss":
                feats.append("obj_poss")
            elif child.dep_ == "prep":
                feats.append(f"obj_prep={comp_head.lemma_.lower()}|{child.lower_}")
            elif child.dep_ == "det":
                feats.append(f"obj_det={child.lower_}")
    if subj.ent_type_ == "PERSON" or subj.lower_ in ("he", "she", "i", "we", "they"):
        feats.append("subj_human")
    first = content[0]
    feats.append("first_lemma=" + (first.pos_ if first.pos_ in ("PROPN", "NUM")
                                   else first.lemma_.lower()))
    return feats


class _Flags:
    """Per-Doc token arrays, so that candidate features need not create Token objects."""

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.quote = np.zeros(n, dtype=bool)
        self.verb = np.zeros(n, dtype=bool)
        self.say = np.zeros(n, dtype=bool)
        self.sent_start = np.zeros(n + 1, dtype=np.int64)
        self.sent_end = np.zeros(n + 1, dtype=np.int64)
        for tok in doc:
            self.quote[tok.i] = tok.is_quote
            self.verb[tok.i] = tok.pos_ in ("VERB", "AUX")
            self.say[tok.i] = tok.lemma_ in ("say", "tell")
        for sent in doc.sents:
            self.sent_start[sent.start:sent.end] = sent.start
            self.sent_end[sent.start:sent.end] = sent.end

    def sentence_of(self, i: int) -> tuple[int, int]:
        return int(self.sent_start[i]), int(self.sent_end[i])


def _token_flags(doc: Doc) -> _Flags:
    flags = doc.user_data.get("evenhand_cue_flags")
    if not isinstance(flags, _Flags):
        flags = _Flags(doc)
        doc.user_data["evenhand_cue_flags"] = flags
    return flags


def dense_rows(cand: Candidate, width: int) -> np.ndarray | None:
    """The contextual vectors of :data:`DENSE_ROWS` for a candidate, ``(4, width)``; None
    when the Doc has no tensor of that width (another pipeline, or none)."""
    tensor = cand.verb.doc.tensor
    if tensor is None or tensor.ndim != 2 or tensor.shape[1] != width or \
            tensor.shape[0] != len(cand.verb.doc):
        return None
    head = cand.comp_head if cand.comp_head is not None else cand.content[0]
    out = np.empty((4, width), dtype=np.float32)
    out[0] = tensor[cand.verb.i]
    out[1] = tensor[cand.subject.i]
    out[2] = tensor[head.i]
    out[3] = tensor[cand.content[0].i:cand.content[-1].i + 1].mean(axis=0)
    return out


_OBJECT_PREPS = frozenset({"as", "to", "for", "of", "about"})
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
        # where an accepted candidate's content starts and ends (shipped in the same file)
        self.spans = spans or SpanModel()
        self.threshold = threshold
        self.meta = meta or {}
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
        return cls(data["weights"], float(data.get("threshold", 0.5)), data.get("meta"),
                   data.get("dense"), SpanModel(bounds.get("start"), bounds.get("end"),
                                                float(bounds.get("margin", 0.0))))

    def score(self, cand: Candidate) -> float:
        """The logit: sparse weights plus the dense part where it applies."""
        assert self.weights is not None
        z = sum(self.weights.get(f, 0.0) for f in cand.features)
        if self._dense_w is not None:
            rows = dense_rows(cand, self._width)
            if rows is not None:
                z += float(np.einsum("ij,ij->", self._dense_w, rows)) + self._dense_b
        return z

    def probability(self, cand: Candidate) -> float:
        if self.weights is None:
            return 1.0 if self._lexicon_rule(cand) else 0.0
        z = self.score(cand)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @staticmethod
    def forced(cand: Candidate) -> bool:
        """A verb of saying with a clause ("X said (that) ...") is an attribution whatever
        the weights say: the model decides the long tail, not the canonical case."""
        return cand.comp_dep == "ccomp" and cand.verb.lemma_.lower() in SPEECH

    def accept(self, cand: Candidate) -> bool:
        if self.forced(cand):
            return True
        return self.probability(cand) >= self.threshold

    @staticmethod
    def _lexicon_rule(cand: Candidate) -> bool:
        lemma = cand.verb.lemma_.lower()
        if lemma not in CUE_LEMMAS:
            return False
        if cand.comp_dep == "ccomp":
            return True
        if cand.comp_dep == "xcomp":
            return lemma in INTENT
        if cand.comp_dep == "dobj":
            return lemma in CONTENT_OBJECT and lemma not in CLAUSAL_ONLY
        return False
