"""The ``evenhand_actors`` component: who is in the article, and who each speaker is.

Mentions of one person or organisation ("Chinese President Xi Jinping", "President Xi",
"Xi", "he") are clustered into one :class:`Actor` with a canonical name. Quote speakers are
resolved to actors: named mentions through the entity they contain, pronouns to the most
salient compatible actor in the sentences before (subjects first), nominals ("the
ministry", "the report") to an earlier actor whose name they echo, or else to a new actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ._view import DocView, doc_view
from .lexicon import DOCUMENT_NOUNS, UNNAMED_NOUNS, word_set

__all__ = ["Actor", "ActorResolver", "make_actors"]

# Titles and honorifics: dropped when comparing names, kept as clues.
TITLES = word_set("""
president vice prime minister premier chancellor mr mr. mrs mrs. ms ms. miss dr dr. sir dame
sen sen. senator rep rep. representative gov gov. governor secretary general gen gen. lt lt.
col col. maj maj. capt capt. adm adm. sgt sgt. king queen prince princess pope chairman
chairwoman chair ambassador spokesman spokeswoman spokesperson mayor judge justice chief
deputy foreign defence defense state leader lord lady rev rev. father sheikh emir crown
commander director professor prof prof. attorney candidate nominee speaker
""")
MALE = frozenset({"mr", "mr.", "sir", "king", "prince", "lord", "father", "he", "him", "his"})
FEMALE = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "queen", "princess", "lady",
                    "she", "her", "hers"})
# A small alias table for the places news writes most in several ways; the knowledge base
# (kb/) extends it.
ALIASES = {
    "us": "united states", "u.s.": "united states", "u.s": "united states",
    "usa": "united states", "u.s.a.": "united states", "america": "united states",
    "the united states": "united states", "uk": "united kingdom", "u.k.": "united kingdom",
    "britain": "united kingdom", "great britain": "united kingdom",
    "russian federation": "russia", "prc": "china", "people's republic of china": "china",
}
_LOCATIVE = frozenset({"in", "at", "near", "inside", "outside", "throughout", "across",
                       "around", "via", "within"})
_ENTITY_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "NORP": "group"}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


@dataclass
class Actor:
    id: str
    name: str
    type: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # name tokens, lower case, no titles
    gender: str = "unknown"  # evidence only: honorifics and resolved pronouns
    titles: set[str] = field(default_factory=set)
    heads: list[int] = field(default_factory=list)  # token indexes of mention heads
    role: str | None = None  # set by evenhand_identity
    country: str | None = None  # ISO 3166 alpha-3, set by evenhand_identity


# Token ranges and indices are read on the Doc's token table (:mod:`._view`).
def _name_tokens(v: DocView, start: int, end: int) -> list[str]:
    """The name words of tokens start..end-1: lower case, no possessive, no titles."""
    out = []
    for i in range(start, end):
        low = _unpossessed(v.lower[i])
        if not low or v.punct[i] or low in TITLES or low == "the":
            continue
        out.append(low)
    return out


@lru_cache(maxsize=1 << 14)
def _name_words(name: str) -> frozenset[str]:
    """The lower-cased words of a name."""
    return frozenset(w.lower() for w in name.split())


@lru_cache(maxsize=1 << 14)
def _unpossessed(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _clean_name(v: DocView, start: int, end: int) -> str:
    tokens = [i for i in range(start, end) if v.lower[i] not in ("the",) and not v.punct[i]
              and v.tag[i] != "POS"]
    while tokens and v.lower[tokens[-1]] in ("'s", "’s"):
        tokens = tokens[:-1]
    text = " ".join(v.tok_text(i) for i in tokens) if tokens else _span_text(v, start, end)
    return _POSSESSIVE.sub("", text)


def _span_text(v: DocView, start: int, end: int) -> str:
    """``Span.text`` of tokens start..end-1."""
    return v.text[v.idx[start]:v.end[end - 1]] if end > start else ""


class ActorResolver:
    """Builds the actors of one Doc and sets ``Quote.actor``."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.view = doc_view(doc)
        self.actors: list[Actor] = []
        self.by_token: dict[int, Actor] = {}

    # -- clustering named mentions ---------------------------------------------------------
    def _new(self, name: str, type_: str) -> Actor:
        actor = Actor(id=f"a{len(self.actors) + 1}", name=name, type=type_)
        self.actors.append(actor)
        return actor

    def _add_mention(self, actor: Actor, start: int, end: int, head: int | None) -> None:
        if (start, end) not in actor.mentions:
            actor.mentions.append((start, end))
        if head is not None:
            actor.heads.append(head)
            self.by_token.setdefault(head, actor)

    def _match_named(self, type_: str, keys: list[str], alias: str) -> Actor | None:
        if type_ == "person":
            if not keys:
                return None
            names = set(keys)
            for actor in reversed(self.actors):
                if actor.type == type_ and (names <= actor.keys or actor.keys <= names):
                    return actor
            return None
        for actor in reversed(self.actors):
            if actor.type == type_ and alias in actor.keys:
                return actor
        return None

    def cluster_entities(self) -> None:
        v = self.view
        for start, end, label in v.ents:
            type_ = _ENTITY_TYPES.get(label)
            if type_ is None:
                continue
            keys = _name_tokens(v, start, end)
            if not keys:
                continue
            name = _clean_name(v, start, end)
            alias = " ".join(keys)
            alias = ALIASES.get(alias, alias)
            root = v.root(start, end)
            if type_ == "group" and v.dep[root] not in ("nsubj", "nsubjpass", "pobj"):
                continue  # "Chinese" in "Chinese President": a modifier, not an actor
            if type_ == "place" and v.dep[root] == "pobj" and \
                    v.lower[v.head[root]] in _LOCATIVE:
                continue  # "talks in Vladivostok": where something happens, not who acts
            actor = self._match_named(type_, keys, alias)
            if actor is None and type_ != "person":
                # NER often tags a bare surname ("Brandt") as an organisation: a name made
                # only of a known person's name tokens is that person
                person = self._match_named("person", keys, alias)
                if person is not None and set(keys) <= person.keys:
                    actor, type_ = person, "person"
            if actor is None:
                actor = self._new(name, type_)
            if type_ == "person":
                actor.keys |= set(keys)
                if len(name) > len(actor.name):
                    actor.name = name
                for t in range(max(start - 3, 0), start):
                    low = v.lower[t]
                    if low in TITLES:
                        actor.titles.add(low)
                        if low in MALE:
                            actor.gender = "male"
                        elif low in FEMALE:
                            actor.gender = "female"
            else:
                actor.keys.add(alias)
                actor.keys |= set(keys)
            for i in range(start, end):
                self.by_token.setdefault(i, actor)
            self._add_mention(actor, v.idx[start], v.end[end - 1], root)

    # -- speakers ----------------------------------------------------------------------
    def resolve_speaker(self, quote: object) -> None:
        head = getattr(quote, "speaker_head", None)
        span = getattr(quote, "speaker", None)
        if head is None or span is None or getattr(quote, "actor", None):
            return
        v = self.view
        sspan = v.char_span(span[0], span[1])
        tokens = list(range(*sspan)) if sspan is not None else [head]
        actor = self.by_token.get(head)
        if actor is None:
            persons = [self.by_token[t] for t in tokens if t in self.by_token
                       and self.by_token[t].type == "person"]
            # an organisation named in the mention, but not a modifier ("China's ...",
            # "... to Russia"): those name what the speaker belongs to, not who speaks
            others = [self.by_token[t] for t in tokens if t in self.by_token
                      and not _is_modifier(v, t, head)]
            actor = persons[0] if persons else others[0] if others else None
        if actor is None and v.lower[head] in _PRONOUNS:
            actor = self._resolve_pronoun(head)
            if actor is not None:
                self._add_mention(actor, v.idx[head], v.end[head], head)
        if actor is None:
            actor = self._resolve_nominal(head)
            if actor is not None:
                self._add_mention(actor, span[0], span[1], head)
        if actor is None:
            type_ = _nominal_type(v, head)
            name = _span_text(v, *sspan) if sspan is not None else v.tok_text(head)
            actor = self._new(re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I), type_)
            actor.keys.add(v.lemma[head])
            self._add_mention(actor, span[0], span[1], head)
        quote.actor = actor.id  # type: ignore[attr-defined]

    def _resolve_pronoun(self, pron: int) -> Actor | None:
        v = self.view
        low = v.lower[pron]
        if low in ("he", "him"):
            want, gender = {"person"}, "male"
        elif low in ("she", "her"):
            want, gender = {"person"}, "female"
        elif low in ("it",):
            want, gender = {"organization", "place", "document", "group"}, ""
        elif low in ("they", "them"):
            want, gender = {"organization", "place", "group", "unnamed", "person"}, ""
        else:  # I, we: the speaker inside a quotation; not resolvable here
            return None
        cursor = v.sent_bounds(pron)
        sentences = [cursor]
        for _ in range(4):
            if cursor[0] == 0:
                break
            cursor = v.sent_bounds(cursor[0] - 1)
            sentences.append(cursor)
        dep, head = v.dep, v.head
        for k, (s_start, s_end) in enumerate(sentences):
            limit = pron if k == 0 else s_end
            cands: list[tuple[int, int, Actor]] = []
            for i in range(s_start, limit):
                actor = self.by_token.get(i)
                if actor is None or actor.type not in want:
                    continue
                if gender and actor.gender not in ("unknown", gender):
                    continue
                subjectish = dep[i] in ("nsubj", "nsubjpass") or (dep[head[i]] in (
                    "nsubj", "nsubjpass") and head[i] in actor.heads)
                cands.append((0 if subjectish else 1, i, actor))
            if cands:
                cands.sort(key=lambda c: (c[0], c[1]))
                chosen = cands[0][2]
                if gender and chosen.gender == "unknown":
                    chosen.gender = gender
                return chosen
        return None

    def _resolve_nominal(self, head: int) -> Actor | None:
        v = self.view
        lemma = v.lemma[head]
        if v.pos[head] not in ("NOUN", "PROPN"):
            return None
        for actor in reversed(self.actors):
            if lemma in actor.keys or lemma in actor.titles:
                return actor
            if lemma in _name_words(actor.name):
                return actor
        return None

    def run(self, quotes: list[object]) -> list[Actor]:
        self.cluster_entities()
        for q in quotes:
            self.resolve_speaker(q)
        for actor in self.actors:
            actor.mentions.sort()
        return self.actors


def _is_modifier(v: DocView, tok: int, head: int) -> bool:
    cursor = tok
    for _ in range(6):
        if cursor == head:
            return False
        if v.dep[cursor] in ("poss", "pobj", "npadvmod") or v.tag[cursor] == "POS":
            return True
        if v.head[cursor] == cursor:
            return False
        cursor = v.head[cursor]
    return False


_PRONOUNS = frozenset({"he", "she", "him", "her", "it", "they", "them", "i", "we"})


def _nominal_type(v: DocView, head: int) -> str:
    lemma = v.lemma[head]
    if lemma in DOCUMENT_NOUNS:
        return "document"
    if lemma in UNNAMED_NOUNS:
        return "unnamed"
    ent_type = v.ent_type[head]
    if ent_type in _ENTITY_TYPES:
        return _ENTITY_TYPES[ent_type]
    return "group" if v.tag[head] in ("NNS", "NNPS") else "organization" \
        if v.pos[head] == "PROPN" else "unnamed"


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_actors"):
        Doc.set_extension("evenhand_actors", default=None)


@Language.factory(
    "evenhand_actors",
    requires=["doc.ents", "doc._.evenhand_quotes"],
    assigns=["doc._.evenhand_actors"],
)
def make_actors(nlp: Language, name: str) -> ActorsComponent:
    return ActorsComponent()


class ActorsComponent:
    def __init__(self) -> None:
        _register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        quotes = doc._.evenhand_quotes if Doc.has_extension("evenhand_quotes") else None
        doc._.evenhand_actors = ActorResolver(doc).run(list(quotes or []))
        return doc


_register_extensions()
