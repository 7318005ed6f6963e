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
from spacy.tokens import Doc

from ..kb import KnowledgeBase, load_kb
from ._view import DocView, doc_view
from .actors import FEMALE, MALE, Actor

__all__ = ["IdentityComponent", "describe_actors", "make_identity"]

_NP_MODIFIERS = {"compound", "amod", "poss", "case", "nmod", "det", "nummod", "npadvmod"}
_ROLE_BY_TYPE = {"document": "document", "unnamed": "unnamed_source"}
# honorifics and titles that say the gender (pronouns are resolved, not read, here)
_MALE_WORDS = MALE - {"he", "him", "his"}
_FEMALE_WORDS = FEMALE - {"she", "her", "hers"}
_GENDERED = {"chairwoman": "female", "spokeswoman": "female", "congresswoman": "female",
             "businesswoman": "female", "chairman": "male", "spokesman": "male",
             "congressman": "male", "businessman": "male"}


# Phrases are lists of token indices, read on the Doc's token table (:mod:`._view`).
def _left_modifiers(v: DocView, start: int, end: int) -> list[int]:
    """Tokens before the mention ``start..end-1`` that modify it within its noun phrase."""
    dep, head = v.dep, v.head
    inside = set(range(start, end))
    out: list[int] = []
    i = start - 1
    while i >= 0:
        if dep[i] in _NP_MODIFIERS and (head[i] in inside or head[i] in out) \
                and not v.space[i]:
            out.append(i)
            inside.add(i)
            i -= 1
            continue
        if v.tag[i] == "POS" or dep[i] == "case":
            out.append(i)
            i -= 1
            continue
        break
    # pull in whole possessors ("China 's" before "Ministry")
    extra = [t for m in out if dep[m] == "poss" for t in v.subtree(m) if t not in out]
    return sorted(out + extra)


def _appositive(v: DocView, root: int) -> list[int]:
    tokens: list[int] = []
    for child in v.children(root):
        if v.dep[child] == "appos":
            tokens.extend(v.subtree(child))
    if v.dep[root] == "appos":
        skip = set(v.subtree(root))
        tokens.extend(t for t in v.subtree(v.head[root]) if t not in skip and not v.punct[t])
    return tokens


def _descriptor_phrases(v: DocView, actor: Actor,
                        speaker_spans: Iterable[tuple[int, int]]) -> list[list[int]]:
    phrases: list[list[int]] = []
    mentions = set(actor.mentions)
    for start, end in list(actor.mentions) + list(speaker_spans):
        span = v.char_span(start, end)
        if span is None or span[1] <= span[0]:
            continue
        # an organisation's own name is not a title ("Marine Conservation Office" is no
        # marine): only its head noun ("Ministry", "Army") may say what it is
        tokens = list(range(*span))
        own = [tokens[-1]] if actor.type == "organization" and (start, end) in mentions \
            else tokens
        phrases.append(_left_modifiers(v, *span) + own)
        appos = _appositive(v, v.root(*span))
        if appos:
            phrases.append(appos)
        if (start, end) not in mentions:
            phrases.append(tokens)
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


def _country_of(kb: KnowledgeBase, v: DocView, phrase: list[int]) -> str | None:
    """A country word that modifies the phrase, not one inside a prepositional phrase
    ("China's ambassador *to Russia*" is Chinese)."""
    ids = set(phrase)
    head, dep = v.head, v.dep
    for i in phrase:
        if v.skip[i] or dep[i] == "pobj":
            continue
        # inside a prepositional phrase of the phrase: on the way up to the phrase's top
        cursor, inner = i, False
        while head[cursor] != cursor and head[cursor] in ids:
            if dep[cursor] in ("pobj", "prep"):
                inner = True
                break
            cursor = head[cursor]
        if inner:
            continue
        code = _memo(kb, "country_for", v.tok_text(i))
        if code:
            return code
    return None


def _role_of(kb: KnowledgeBase, v: DocView, phrase: list[int]) -> str | None:
    words = [v.tok_text(i) for i in phrase if not v.skip[i]]
    if not words:
        return None
    return _memo(kb, "role_for_title", " ".join(words))


def describe_actors(doc: Doc, actors: list[Actor], quotes: Iterable[object],
                    kb: KnowledgeBase | None = None) -> None:
    """Set ``role``, ``country`` and ``gender`` on each actor."""
    kb = kb or load_kb()
    v = doc_view(doc)
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
        media = _memo(kb, "media_for", name) if actor.type != "person" else None
        org = _memo(kb, "organization_for", name) if actor.type != "person" else None
        inst = _memo(kb, "institution_for", name) if actor.type != "person" else None
        if media is not None:
            role, country = media.role, media.country
        elif org is not None:
            role, country = org.role, org.country
        elif inst is not None:
            role, country = inst.actor_role, inst.country
        elif actor.type in ("place", "group"):
            country = _memo(kb, "country_for", name)
        phrases = _descriptor_phrases(v, actor, speakers.get(actor.id, []))
        for phrase in phrases:
            if role is None and actor.type != "place":
                role = _role_of(kb, v, phrase)
            if country is None:
                country = _country_of(kb, v, phrase)
            if actor.gender == "unknown":
                for i in phrase:
                    low = v.lower[i]
                    if low in _MALE_WORDS or _GENDERED.get(low) == "male":
                        actor.gender = "male"
                    elif low in _FEMALE_WORDS or _GENDERED.get(low) == "female":
                        actor.gender = "female"
        if role is None and actor.type == "organization":
            inst = _memo(kb, "institution_for", " ".join(v.tok_text(i) for i in phrases[0])) \
                if phrases else None
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
