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

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

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


def _name_tokens(span: Span | list[Token]) -> list[str]:
    out = []
    for t in span:
        low = _POSSESSIVE.sub("", t.lower_)
        if not low or t.is_punct or low in TITLES or low == "the":
            continue
        out.append(low)
    return out


def _clean_name(span: Span) -> str:
    tokens = [t for t in span if t.lower_ not in ("the",) and not t.is_punct
              and t.tag_ != "POS"]
    while tokens and tokens[-1].lower_ in ("'s", "’s"):
        tokens = tokens[:-1]
    text = " ".join(t.text for t in tokens) if tokens else span.text
    return _POSSESSIVE.sub("", text)


class ActorResolver:
    """Builds the actors of one Doc and sets ``Quote.actor``."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
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
        for actor in reversed(self.actors):
            if actor.type != type_:
                continue
            if type_ == "person":
                if keys and (set(keys) <= actor.keys or actor.keys <= set(keys)):
                    return actor
            elif alias in actor.keys:
                return actor
        return None

    def cluster_entities(self) -> None:
        for ent in self.doc.ents:
            type_ = _ENTITY_TYPES.get(ent.label_)
            if type_ is None:
                continue
            keys = _name_tokens(ent)
            if not keys:
                continue
            name = _clean_name(ent)
            alias = " ".join(keys)
            alias = ALIASES.get(alias, alias)
            if type_ == "group" and ent.root.dep_ not in ("nsubj", "nsubjpass", "pobj"):
                continue  # "Chinese" in "Chinese President": a modifier, not an actor
            if type_ == "place" and ent.root.dep_ == "pobj" and \
                    ent.root.head.lower_ in _LOCATIVE:
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
                before = self.doc[max(ent.start - 3, 0):ent.start]
                for t in before:
                    low = t.lower_
                    if low in TITLES:
                        actor.titles.add(low)
                        if low in MALE:
                            actor.gender = "male"
                        elif low in FEMALE:
                            actor.gender = "female"
            else:
                actor.keys.add(alias)
                actor.keys |= set(keys)
            for i in range(ent.start, ent.end):
                self.by_token.setdefault(i, actor)
            self._add_mention(actor, ent.start_char, ent.end_char, ent.root.i)

    # -- speakers ----------------------------------------------------------------------
    def resolve_speaker(self, quote: object) -> None:
        head_i = getattr(quote, "speaker_head", None)
        span = getattr(quote, "speaker", None)
        if head_i is None or span is None or getattr(quote, "actor", None):
            return
        doc = self.doc
        head = doc[head_i]
        sspan = doc.char_span(span[0], span[1], alignment_mode="expand")
        tokens = list(sspan) if sspan is not None else [head]
        actor = self.by_token.get(head.i)
        if actor is None:
            persons = [self.by_token[t.i] for t in tokens if t.i in self.by_token
                       and self.by_token[t.i].type == "person"]
            # an organisation named in the mention, but not a modifier ("China's ...",
            # "... to Russia"): those name what the speaker belongs to, not who speaks
            others = [self.by_token[t.i] for t in tokens if t.i in self.by_token
                      and not _is_modifier(t, head)]
            actor = persons[0] if persons else others[0] if others else None
        if actor is None and head.lower_ in _PRONOUNS:
            actor = self._resolve_pronoun(head)
            if actor is not None:
                self._add_mention(actor, head.idx, head.idx + len(head.text), head.i)
        if actor is None:
            actor = self._resolve_nominal(head, sspan)
            if actor is not None:
                self._add_mention(actor, span[0], span[1], head.i)
        if actor is None:
            type_ = _nominal_type(head)
            name = sspan.text if sspan is not None else head.text
            actor = self._new(re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I), type_)
            actor.keys.add(head.lemma_.lower())
            self._add_mention(actor, span[0], span[1], head.i)
        quote.actor = actor.id  # type: ignore[attr-defined]

    def _resolve_pronoun(self, pron: Token) -> Actor | None:
        low = pron.lower_
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
        doc = self.doc
        sent = pron.sent
        sentences: list[Span] = [sent]
        cursor = sent
        for _ in range(4):
            if cursor.start == 0:
                break
            cursor = doc[cursor.start - 1].sent
            sentences.append(cursor)
        for k, s in enumerate(sentences):
            limit = pron.i if k == 0 else s.end
            cands: list[tuple[int, int, Actor]] = []
            for i in range(s.start, limit):
                actor = self.by_token.get(i)
                if actor is None or actor.type not in want:
                    continue
                if gender and actor.gender not in ("unknown", gender):
                    continue
                tok = doc[i]
                subjectish = tok.dep_ in ("nsubj", "nsubjpass") or (tok.head.dep_ in (
                    "nsubj", "nsubjpass") and tok.head.i in actor.heads)
                cands.append((0 if subjectish else 1, i, actor))
            if cands:
                cands.sort(key=lambda c: (c[0], c[1]))
                chosen = cands[0][2]
                if gender and chosen.gender == "unknown":
                    chosen.gender = gender
                return chosen
        return None

    def _resolve_nominal(self, head: Token, sspan: Span | None) -> Actor | None:
        lemma = head.lemma_.lower()
        if head.pos_ not in ("NOUN", "PROPN"):
            return None
        for actor in reversed(self.actors):
            if lemma in actor.keys or lemma in actor.titles:
                return actor
            if any(lemma == w.lower() for w in actor.name.split()):
                return actor
        return None

    def run(self, quotes: list[object]) -> list[Actor]:
        self.cluster_entities()
        for q in quotes:
            self.resolve_speaker(q)
        for actor in self.actors:
            actor.mentions.sort()
        return self.actors


def _is_modifier(tok: Token, head: Token) -> bool:
    cursor = tok
    for _ in range(6):
        if cursor.i == head.i:
            return False
        if cursor.dep_ in ("poss", "pobj", "npadvmod") or cursor.tag_ == "POS":
            return True
        if cursor.head.i == cursor.i:
            return False
        cursor = cursor.head
    return False


_PRONOUNS = frozenset({"he", "she", "him", "her", "it", "they", "them", "i", "we"})


def _nominal_type(head: Token) -> str:
    lemma = head.lemma_.lower()
    if lemma in DOCUMENT_NOUNS:
        return "document"
    if lemma in UNNAMED_NOUNS:
        return "unnamed"
    if head.ent_type_ in _ENTITY_TYPES:
        return _ENTITY_TYPES[head.ent_type_]
    return "group" if head.tag_ in ("NNS", "NNPS") else "organization" \
        if head.pos_ == "PROPN" else "unnamed"


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
