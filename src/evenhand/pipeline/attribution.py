"""The ``evenhand_attribution`` component: how well, and how neutrally, claims are sourced.

It runs after ``evenhand_identity`` and reads ``doc._.evenhand_quotes`` and
``doc._.evenhand_actors``; it adds no model, only lookups on the existing parse. The result,
``doc._.evenhand_attribution``, is a JSON-ready dict:

* ``claims``: the number of *factual-claim sentences*: sentences with a finite verb that are
  statements (not questions), leaving out blank (masked headline, boilerplate) sentences;
* ``attributed_claims`` and ``attributed_claim_share``: how many of them are covered by an
  attribution (they hold the cue of a quote or a vague attribution such as "it is
  feared that", or at least half of their words are inside quoted content). Quotes whose
  only cue is a verb of intention ("voted to", "plans to", "refused to") do not count as
  attribution of a claim, unless the content is in quotation marks. The share is ``None``
  when there is no claim;
* ``vague``: vague attributions, ``{start, end, text, pattern}`` (see :data:`VAGUE_PATTERNS`);
* ``slanted``: attribution cues that are not neutral, ``{start, end, text, verb, category,
  quote_index}`` (see :data:`SLANTED_CUES`; ``quote_index`` indexes
  ``doc._.evenhand_quotes``);
* ``slanted_by_actor``: for each speaker actor with at least one quote, ``{"cues": n,
  "slanted": k, "categories": {category: count}}``.

Every word list here was written by the evenhand team from general English usage; the
definitions and their limits are in docs/attribution-and-tone.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens.morphanalysis import MorphAnalysis

from ._doctext import doc_text
from ._view import C_IDX, C_LEMMA, C_LOWER, C_MORPH, C_PUNCT, C_SPACE, C_TAG, DocView, doc_view
from .lexicon import COGNITION, INTENT, SPEECH, word_set

__all__ = ["SLANTED_CUES", "VAGUE_PATTERNS", "AttributionComponent", "analyze_attribution",
           "make_attribution", "slant_category"]

# -- slanted cues ----------------------------------------------------------------------------
# Attribution verbs that characterise the statement or the speaker instead of just reporting
# it. Lemmas. Everything not listed (say, tell, state, add, note, report, explain, write,
# announce, argue, warn, ...) is treated as neutral.
SLANTED_CUES: dict[str, frozenset[str]] = {
    # casts doubt on the statement: "he claimed", "she alleged"
    "doubt": word_set("claim allege purport profess"),
    # presents the statement as reluctantly given up: "she admitted"
    "concession": word_set("admit concede confess acknowledge"),
    # presents the speaker as obstinate: "he insisted", "they maintain"
    "insistence": word_set("insist maintain assert contend aver avow"),
    # colours the speaker's manner or feelings: "he boasted", "she slammed"
    "emotive": word_set("""
        boast brag complain lament rant slam blast bash lambaste rip scoff sneer gush crow
        whine moan grumble fume rail snap bark thunder tout trumpet gloat rave bemoan
        grouse carp huff"""),
    # presents the statement as established fact: "the report revealed"
    "credence": word_set("reveal disclose prove demonstrate establish"),
    # a denial or rejection reported as such: "he denied"
    "denial": word_set("deny dispute rebut refute dismiss reject"),
}
_CATEGORY_OF = {lemma: cat for cat, lemmas in SLANTED_CUES.items() for lemma in lemmas}
# "point out" and "refuse to <speak>" are slanted as phrases
_PHRASAL = {("point", "out"): "credence"}
_REFUSAL_VERBS = SPEECH | word_set("comment discuss elaborate answer speak respond say talk")
NEUTRAL_CUES = word_set("say tell state add note report explain write announce according")

# -- vague sources ---------------------------------------------------------------------------
# Generic nouns that, as the whole speaker and with no name in the speaker phrase, make the
# source vague ("critics say", "sources said", "experts warn").
VAGUE_SOURCE_NOUNS: dict[str, frozenset[str]] = {
    "unnamed-source": word_set("""
        source official aide insider person people spokesman spokeswoman spokesperson
        adviser advisor staffer diplomat insider"""),
    "generic-group": word_set("""
        critic opponent detractor supporter proponent advocate observer commentator
        skeptic sceptic activist campaigner resident voter citizen american neighbor
        neighbour parent worker"""),
    "generic-expert": word_set("""
        expert analyst scientist economist researcher scholar academic specialist doctor
        lawyer historian strategist pundit"""),
}
_VAGUE_NOUN_PATTERN = {lemma: pat for pat, lemmas in VAGUE_SOURCE_NOUNS.items()
                       for lemma in lemmas}
# Quantifier subjects: "some argue", "many say", "others believe"
VAGUE_QUANTIFIERS = word_set("some many others most few several everyone everybody anyone "
                             "nobody someone somebody")
# Verbs of the impersonal passive: "it is said / feared / believed that ..."
IMPERSONAL_VERBS = word_set("""
    say fear believe think feel know understand report rumor rumour claim allege expect
    suspect suggest assume argue estimate hope consider reckon note""")
# Nouns of attitude whose "that" clause states a claim without a holder: "concerns that ..."
HOLDERLESS_NOUNS = word_set("""
    concern fear worry suspicion speculation rumor rumour belief claim allegation suggestion
    perception sense feeling criticism complaint hope expectation""")
HEDGE_ADVERBS = word_set("reportedly allegedly purportedly supposedly reputedly")
VAGUE_PATTERNS = ("unnamed-source", "generic-group", "generic-expert", "quantifier",
                  "impersonal-passive", "passive-raising", "holderless-noun", "adverb")
_INDEFINITE = word_set("a an one some many several other two three few numerous various")
_NAMED_ENTS = frozenset({"PERSON", "ORG"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def slant_category(verb: Token) -> str | None:
    """The slant category of a cue verb, or None when it is neutral or not a verb."""
    return _slant_category(doc_view(verb.doc), verb.i)


# Tokens below are token indices read on the Doc's token table (:mod:`._view`).
def _slant_category(v: DocView, verb: int) -> str | None:
    if v.pos[verb] not in ("VERB", "AUX"):
        return None
    lemma = v.lemma[verb]
    for child in v.children(verb):
        if v.dep[child] == "prt" and (lemma, v.lower[child]) in _PHRASAL:
            return _PHRASAL[(lemma, v.lower[child])]
    if lemma == "refuse":
        xcomp = [c for c in v.children(verb) if v.dep[c] == "xcomp"]
        if xcomp and v.lemma[xcomp[0]] in _REFUSAL_VERBS:
            return "refusal"
        return None
    return _CATEGORY_OF.get(lemma)


def _candidates(v: DocView, words: frozenset[str]) -> list[int]:
    """Tokens whose lemma or lower-case form is in ``words``."""
    if not v.n:
        return []
    out: list[int] = np.flatnonzero(v.has(C_LEMMA, words) | v.has(C_LOWER, words)).tolist()
    return out


def _span_dict(start: int, end: int, **extra: Any) -> dict[str, Any]:
    # "text" is filled in by analyze_attribution: Doc.text rebuilds the string each time
    return {"start": start, "end": end, "text": "", **extra}




# -- claims ------------------------------------------------------------------------------------
# A claim sentence: some word (not space or punctuation), not a question (its last token,
# closing quotes and brackets aside, is no "?"), and a finite verb (by tag or morphology).
_FINITE: dict[int, bool] = {}  # morphology id -> whether it has VerbForm=Fin


def _finite(v: DocView) -> np.ndarray:
    """Whether each token is finite: a finite tag, or VerbForm=Fin in its morphology."""
    uniq, inverse = v.unique(C_MORPH)
    fin = []
    for key in uniq:
        got = _FINITE.get(key)
        if got is None:
            got = "Fin" in MorphAnalysis.from_id(v.vocab, key).get("VerbForm", [])
            if len(_FINITE) < 100_000:
                _FINITE[key] = got
        fin.append(got)
    by_morph = np.array(fin, dtype=bool)[inverse] if fin else np.zeros(v.n, dtype=bool)
    out: np.ndarray = v.has(C_TAG, _FINITE_TAGS) | by_morph
    return out


def _counts_as_attribution(v: DocView, quote: Any) -> bool:
    if quote.kind != "indirect" or quote.cue_head is None:
        return True
    lemma = v.lemma[quote.cue_head]
    return not (lemma in INTENT and lemma not in SPEECH and lemma not in COGNITION)


def _claims(doc: Doc, quotes: list[Any], vague: list[dict[str, Any]], text: str
            ) -> tuple[int, int]:
    v = doc_view(doc)
    sents, sent_of = v.sents, v.sent_of
    # per character: inside the content of an attributing quote
    inside = bytearray(len(text) + 1)
    # sentences holding a cue, or a vague attribution ("it is feared that ...")
    cue_sents: set[int] = set()
    for item in vague:
        span = v.char_span(item["start"], item["end"])
        if span is not None and span[1] > span[0]:
            cue_sents.add(sents[sent_of[span[0]]][0])
    for q in quotes:
        if not _counts_as_attribution(v, q):
            continue
        for s, e in q.spans or [(q.start, q.end)]:
            inside[s:e] = b"\x01" * (e - s)
        if q.cue_head is not None:
            cue_sents.add(sents[sent_of[q.cue_head]][0])
    if not v.n:
        return 0, 0
    ids = v.ids
    space = ids[:, C_SPACE].astype(bool)
    words = ~space & ~ids[:, C_PUNCT].astype(bool)
    covered = words & np.frombuffer(bytes(inside), dtype=np.uint8)[
        ids[:, C_IDX].astype(np.int64)].astype(bool)
    table = np.zeros((v.n + 1, 3), dtype=np.int64)
    np.cumsum(np.stack([words, _finite(v), covered], axis=1), axis=0, out=table[1:])
    per_sent = (table[[e for _, e in sents]] - table[[s for s, _ in sents]]).tolist()
    skip_end, quote = v.space, v.quote
    claims = attributed = 0
    for (start, end), (n_words, n_finite, n_covered) in zip(sents, per_sent, strict=True):
        if not n_words:
            continue
        last = end - 1  # the last token, closing quotes and brackets aside
        while last >= start and (skip_end[last] or quote[last]
                                 or v.tok_text(last) in (")", "]")):
            last -= 1
        if last >= start and v.tok_text(last) in ("?", "?!"):
            continue
        if not n_finite:
            continue
        claims += 1
        if start in cue_sents or n_covered * 2 >= n_words:
            attributed += 1
    return claims, attributed


# -- vague attributions --------------------------------------------------------------------
def _speaker_pattern(v: DocView, quote: Any) -> str | None:
    head: int = quote.speaker_head
    s, e = quote.speaker
    span = v.char_span(s, e)
    tokens = range(*span) if span is not None else (head,)
    ent_type, pos = v.ent_type, v.pos
    if any(ent_type[t] in _NAMED_ENTS for t in tokens):
        return None
    if any(pos[t] == "PROPN" and ent_type[t] not in ("GPE", "NORP", "LOC") for t in tokens):
        return None
    low = v.lower[head]
    if low in VAGUE_QUANTIFIERS and pos[head] in ("PRON", "DET", "ADJ", "NOUN"):
        return "quantifier"
    pattern = _VAGUE_NOUN_PATTERN.get(v.lemma[head]) or _VAGUE_NOUN_PATTERN.get(low)
    if pattern is None:
        return None
    plural = v.tag[head] in ("NNS", "NNPS") or low == "people"
    dets = {v.lower[c] for c in v.children(head) if v.dep[c] in ("det", "amod", "nummod")}
    if plural or dets & _INDEFINITE:
        return pattern
    return None


def _vague_from_quotes(v: DocView, quotes: list[Any]) -> list[dict[str, Any]]:
    out = []
    for q in quotes:
        if q.speaker is None or q.speaker_head is None:
            continue
        pattern = _speaker_pattern(v, q)
        if pattern is None:
            continue
        start, end = q.speaker
        if q.cue is not None and (abs(q.cue[0] - end) <= 40 or abs(start - q.cue[1]) <= 40):
            start, end = min(start, q.cue[0]), max(end, q.cue[1])
        out.append(_span_dict(start, end, pattern=pattern))
    return out


def _passive_patterns(v: DocView) -> list[dict[str, Any]]:
    out = []
    dep, lower = v.dep, v.lower
    for tok in _candidates(v, IMPERSONAL_VERBS):
        if v.tag[tok] != "VBN" or v.lemma[tok] not in IMPERSONAL_VERBS:
            continue
        children = v.children(tok)
        if any(dep[c] == "agent" for c in children):
            continue  # "it was reported by Reuters": named
        aux = [c for c in children if dep[c] in ("auxpass", "aux")]
        subj = [c for c in children if dep[c] in ("nsubjpass", "expl", "nsubj")]
        if not aux or not subj:
            continue
        first = min([*aux, *subj, tok])
        if lower[subj[0]] == "it" and any(dep[c] in ("ccomp", "csubjpass") for c in children):
            out.append(_span_dict(v.idx[first], v.end[tok], pattern="impersonal-passive"))
        elif lower[subj[0]] != "it" and any(dep[c] == "xcomp" and any(
                lower[g] == "to" for g in v.children(c)) for c in children):
            # "the minister is said to be furious"
            lo = min([*aux, tok])
            out.append(_span_dict(v.idx[lo], v.end[tok], pattern="passive-raising"))
    return out


def _holderless_nouns(v: DocView) -> list[dict[str, Any]]:
    out = []
    dep, lower = v.dep, v.lower
    for tok in _candidates(v, HOLDERLESS_NOUNS):
        if v.pos[tok] != "NOUN" or v.lemma[tok] not in HOLDERLESS_NOUNS:
            continue
        children = v.children(tok)
        clause = next((c for c in children if dep[c] in ("acl", "ccomp", "relcl")
                       and any(dep[m] == "mark" and lower[m] == "that"
                               for m in v.children(c))
                       and c > tok), None)
        if clause is None:
            continue
        if any(dep[c] == "poss" for c in children):
            continue  # "his concerns that ...": the holder is named
        holder = [p for c in children if dep[c] == "prep" and lower[c] in
                  ("of", "from", "by", "among") for p in v.subtree(c)
                  if v.ent_type[p] in _NAMED_ENTS]
        if holder:
            continue
        that = next(m for m in v.children(clause) if dep[m] == "mark" and lower[m] == "that")
        left = min([tok, *[c for c in children if c < tok and dep[c] in (
            "amod", "compound")]])
        out.append(_span_dict(v.idx[left], v.end[that], pattern="holderless-noun"))
    return out


def _hedge_adverbs(v: DocView) -> list[dict[str, Any]]:
    return [_span_dict(v.idx[t], v.end[t], pattern="adverb")
            for t in _candidates(v, HEDGE_ADVERBS) if v.lower[t] in HEDGE_ADVERBS]


# -- slanted cues ----------------------------------------------------------------------------
def _slanted(v: DocView, quotes: list[Any]) -> list[dict[str, Any]]:
    out = []
    for qi, q in enumerate(quotes):
        if q.cue_head is None or q.cue is None:
            continue
        verb: int = q.cue_head
        start, end = q.cue
        # the cue may be the refused verb itself ("refused to comment on …": cue "comment")
        head = v.head[verb]
        if (v.dep[verb] == "xcomp" and v.lemma[head] == "refuse"
                and v.lemma[verb] in _REFUSAL_VERBS):
            verb = head
            start = min(start, v.idx[verb])
        category = _slant_category(v, verb)
        if category is None:
            continue
        if category == "refusal":
            xcomp = next(c for c in v.children(verb) if v.dep[c] == "xcomp")
            end = max(end, v.end[xcomp])
        out.append(_span_dict(start, end, verb=v.lemma[verb], category=category,
                              quote_index=qi))
    return out


def analyze_attribution(doc: Doc) -> dict[str, Any]:
    """The attribution summary of one parsed Doc (see the module docstring)."""
    quotes = list(getattr(doc._, "evenhand_quotes", None) or [])
    v = doc_view(doc)
    vague = _vague_from_quotes(v, quotes) + _passive_patterns(v) + \
        _holderless_nouns(v) + _hedge_adverbs(v)
    # one entry per place: a passive "is said to" also makes a quote with a speaker
    seen: list[tuple[int, int]] = []
    unique = []
    for item in sorted(vague, key=lambda v: (v["start"], -v["end"])):
        if any(s <= item["start"] and item["end"] <= e for s, e in seen):
            continue
        seen.append((item["start"], item["end"]))
        unique.append(item)
    text = doc_text(doc)
    claims, attributed = _claims(doc, quotes, unique, text)
    slanted = _slanted(v, quotes)
    for item in (*unique, *slanted):
        item["text"] = text[item["start"]:item["end"]]
    by_actor: dict[str, dict[str, Any]] = {}
    for q in quotes:
        if q.actor and q.cue is not None:
            row = by_actor.setdefault(q.actor, {"cues": 0, "slanted": 0, "categories": {}})
            row["cues"] += 1
    for item in slanted:
        actor = quotes[item["quote_index"]].actor
        if actor:
            row = by_actor[actor]
            row["slanted"] += 1
            row["categories"][item["category"]] = row["categories"].get(item["category"], 0) + 1
    return {
        "claims": claims,
        "attributed_claims": attributed,
        "attributed_claim_share": round(attributed / claims, 4) if claims else None,
        "vague": unique,
        "slanted": slanted,
        "slanted_by_actor": by_actor,
    }


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_attribution"):
        Doc.set_extension("evenhand_attribution", default=None)


class AttributionComponent:
    def __init__(self) -> None:
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        doc._.evenhand_attribution = analyze_attribution(doc)
        return doc


@Language.factory(
    "evenhand_attribution",
    requires=["doc._.evenhand_quotes", "doc._.evenhand_actors", "token.dep", "token.lemma",
              "token.tag", "doc.sents"],
    assigns=["doc._.evenhand_attribution"],
)
def make_attribution(nlp: Language, name: str) -> AttributionComponent:
    return AttributionComponent()


_register_extensions()
