"""The ``evenhand_identity`` component: who each actor is — role, country, gender.

Evidence comes from the article's own words around each mention: the title and modifiers in
the same noun phrase ("*Chinese President* Xi Jinping", "*China's* Ministry of Defence"),
an appositive ("Li Hui, *China's ambassador to Russia*" or the other way round), and the
speaker phrases of the actor's quotes; then from the knowledge base (:mod:`evenhand.kb`):
state media, international organisations, state institutions, countries.

Gender is reported only where the text makes it evident: an honorific or gendered title
("Mr", "Ms", "chairwoman") or a resolved pronoun ("he said"). A first name alone is never
used: that would be a guess presented as fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..kb import KnowledgeBase, load_kb
from .actors import FEMALE, MALE, Actor

__all__ = ["IdentityComponent", "describe_actors", "make_identity"]

_NP_MODIFIERS = {"compound", "amod", "poss", "case", "nmod", "det", "nummod", "npadvmod"}
_ROLE_BY_TYPE = {"document": "document", "unnamed": "unnamed_source"}
_GENDERED = {"chairwoman": "female", "spokeswoman": "female", "congresswoman": "female",
             "businesswoman": "female", "chairman": "male", "spokesman": "male",
             "congressman": "male", "businessman": "male"}


def _left_modifiers(span: Span) -> list[Token]:
    """Tokens before the mention that modify it within its noun phrase."""
    doc = span.doc
    inside = {t.i for t in span}
    out: list[Token] = []
    i = span.start - 1
    while i >= 0:
        tok = doc[i]
        if tok.dep_ in _NP_MODIFIERS and (tok.head.i in inside or tok.head.i in
                                         {t.i for t in out}) and not tok.is_space:
            out.append(tok)
            inside.add(tok.i)
            i -= 1
            continue
        if tok.tag_ == "POS" or tok.dep_ == "case":
            out.append(tok)
            i -= 1
            continue
        break
    # pull in whole possessors ("China 's" before "Ministry")
    extra = [t for m in out if m.dep_ == "poss" for t in m.subtree if t not in out]
    return sorted(out + extra, key=lambda t: t.i)


def _appositive(span: Span) -> list[Token]:
    root = span.root
    tokens: list[Token] = []
    for child in root.children:
        if child.dep_ == "appos":
            tokens.extend(child.subtree)
    if root.dep_ == "appos":
        head = root.head
        skip = {t.i for t in root.subtree}
        tokens.extend(t for t in head.subtree if t.i not in skip and not t.is_punct)
    return tokens


def _descriptor_phrases(doc: Doc, actor: Actor, speaker_spans: Iterable[tuple[int, int]]
                        ) -> list[list[Token]]:
    phrases: list[list[Token]] = []
    for start, end in list(actor.mentions) + list(speaker_spans):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        # an organisation's own name is not a title ("Marine Conservation Office" is no
        # marine): only its head noun ("Ministry", "Army") may say what it is
        own = [span[-1]] if actor.type == "organization" and (start, end) in actor.mentions \
            else list(span)
        phrases.append(_left_modifiers(span) + own)
        appos = _appositive(span)
        if appos:
            phrases.append(appos)
        if (start, end) not in actor.mentions:
            phrases.append(list(span))
    return phrases


_MEMO: dict[tuple[int, str, str], Any] = {}
_MEMO_LIMIT = 200_000


def _memo(kb: KnowledgeBase, method: str, text: str) -> Any:
    """Knowledge-base lookups repeat across mentions and articles: remember them."""
    key = (id(kb), method, text)
    if key not in _MEMO:
        if len(_MEMO) > _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = getattr(kb, method)(text)
    return _MEMO[key]


def _country_of(kb: KnowledgeBase, phrase: list[Token]) -> str | None:
    """A country word that modifies the phrase, not one inside a prepositional phrase
    ("China's ambassador *to Russia*" is Chinese)."""
    for tok in phrase:
        if tok.is_punct or tok.is_space:
            continue
        if any(a.dep_ == "pobj" or a.dep_ == "prep" for a in _ancestors_within(tok, phrase)):
            continue
        if tok.dep_ == "pobj":
            continue
        code = _memo(kb, "country_for", tok.text)
        if code:
            return code
    return None


def _ancestors_within(tok: Token, phrase: list[Token]) -> list[Token]:
    ids = {t.i for t in phrase}
    out = []
    cursor = tok
    while cursor.head.i != cursor.i and cursor.head.i in ids:
        out.append(cursor)
        cursor = cursor.head
    return out


def _role_of(kb: KnowledgeBase, phrase: list[Token], actor: Actor) -> str | None:
    words = [t for t in phrase if not t.is_punct and not t.is_space]
    if not words:
        return None
    text = " ".join(t.text for t in words)
    return _memo(kb, "role_for_title", text)


def describe_actors(doc: Doc, actors: list[Actor], quotes: Iterable[object],
                    kb: KnowledgeBase | None = None) -> None:
    """Set ``role``, ``country`` and ``gender`` on each actor."""
    kb = kb or load_kb()
    speakers: dict[str, list[tuple[int, int]]] = {}
    for q in quotes:
        actor_id = getattr(q, "actor", None)
        span = getattr(q, "speaker", None)
        if actor_id and span:
            speakers.setdefault(actor_id, []).append(span)
    for actor in actors:
        name = actor.name
        role: str | None = _ROLE_BY_TYPE.get(actor.type)
        country: str | None = None
        media = kb.media_for(name) if actor.type != "person" else None
        org = kb.organization_for(name) if actor.type != "person" else None
        inst = kb.institution_for(name) if actor.type != "person" else None
        if media is not None:
            role, country = media.role, media.country
        elif org is not None:
            role, country = org.role, org.country
        elif inst is not None:
            role, country = inst.actor_role, inst.country
        elif actor.type in ("place", "group"):
            country = kb.country_for(name)
        phrases = _descriptor_phrases(doc, actor, speakers.get(actor.id, []))
        for phrase in phrases:
            if role is None and actor.type != "place":
                role = _role_of(kb, phrase, actor)
            if country is None:
                country = _country_of(kb, phrase)
            if actor.gender == "unknown":
                for tok in phrase:
                    low = tok.lower_
                    if low in MALE - {"he", "him", "his"} or _GENDERED.get(low) == "male":
                        actor.gender = "male"
                    elif low in FEMALE - {"she", "her", "hers"} or \
                            _GENDERED.get(low) == "female":
                        actor.gender = "female"
        if role is None and actor.type == "organization":
            inst = kb.institution_for(" ".join(t.text for t in phrases[0])) if phrases else None
            if inst is not None:
                role, country = inst.actor_role, country or inst.country
        actor.role = role
        actor.country = country


class IdentityComponent:
    def __init__(self) -> None:
        self.kb = load_kb()

    def __call__(self, doc: Doc) -> Doc:
        actors = doc._.evenhand_actors or []
        describe_actors(doc, actors, doc._.evenhand_quotes or [], self.kb)
        return doc


@Language.factory(
    "evenhand_identity",
    requires=["doc._.evenhand_actors", "doc._.evenhand_quotes"],
    assigns=["doc._.evenhand_actors"],
)
def make_identity(nlp: Language, name: str) -> IdentityComponent:
    return IdentityComponent()
