"""CAMEO-style actor codes for the sources and targets of events.

A code is a country (ISO 3166 alpha-3) followed by a sector: ``CHNGOV`` (the Chinese
government), ``RUSMIL``, ``USA`` (the country as such), ``---REB`` (rebels of no stated
country), ``IGO`` (an international organisation). Evidence, best first:

1. the evenhand actor the phrase belongs to (``evenhand_actors`` / ``evenhand_identity``):
   its country and role ("Chinese President Xi Jinping" → CHNGOV, "CCTV" → CHNMED);
2. the noun phrase itself: its country words (names, adjectives, demonyms, capitals, through
   the knowledge base) and its head noun ("Chinese troops" → CHNMIL, "Afghan rebels" →
   AFGREB, "Washington" → USAGOV, "the United States" → USA).

Coordinated country words in one phrase give one code each ("Hungarian and Romanian
officials" → HUNGOV, ROUGOV).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from ..kb import KnowledgeBase

__all__ = ["ROLE_SECTORS", "SECTOR_WORDS", "ActorCoder", "ActorRef"]

# evenhand actor roles (kb/titles.yaml) -> CAMEO sector
ROLE_SECTORS: Mapping[str, str] = {
    "head_of_state_or_government": "GOV", "minister_or_ministry": "GOV", "diplomat": "GOV",
    "military": "MIL", "legislator": "LEG", "party": "PTY", "state_media": "MED",
    "independent_media": "MED", "expert_or_academic": "EDU", "think_tank": "NGO",
    "ngo_or_civil_society": "NGO", "business": "BUS", "citizen_or_witness": "CVL",
    "international_organization": "IGO",
}
# Head nouns (lemmas; "compound head" for two words) whose sector is more specific than the
# role the knowledge base gives them, or that it does not know.
SECTOR_WORDS: Mapping[str, str] = {
    **dict.fromkeys(("official", "government", "authority", "administration", "regime",
                     "cabinet", "ministry", "minister", "spokesman", "spokeswoman",
                     "spokesperson", "delegation", "diplomat", "envoy", "ambassador",
                     "embassy", "leader", "leadership", "state", "junta", "president",
                     "premier"), "GOV"),
    **dict.fromkeys(("troop", "soldier", "army", "military", "force", "armed force", "navy",
                     "air force", "warship", "warplane", "jet", "tank", "marine", "sailor",
                     "paratrooper", "commander", "general", "officer", "artillery", "gunboat",
                     "helicopter", "drone", "aircraft", "plane"), "MIL"),
    **dict.fromkeys(("rebel", "insurgent", "militant", "guerrilla", "guerilla", "separatist",
                     "fighter", "militia", "militiaman", "jihadist", "extremist",
                     "terrorist", "gunman", "insurgency", "rebellion"), "REB"),
    **dict.fromkeys(("police", "policeman", "policemen", "police officer", "security force",
                     "security", "riot police", "gendarme", "gendarmerie"), "COP"),
    **dict.fromkeys(("court", "judge", "prosecutor", "tribunal", "judiciary",
                     "supreme court"), "JUD"),
    **dict.fromkeys(("parliament", "lawmaker", "legislator", "senator", "congress", "senate",
                     "mp", "legislature", "parliamentarian", "assembly"), "LEG"),
    **dict.fromkeys(("opposition", "dissident"), "OPP"),
    **dict.fromkeys(("party",), "PTY"),
    **dict.fromkeys(("newspaper", "journalist", "reporter", "media", "broadcaster", "radio",
                     "television", "tv", "news agency", "daily", "paper"), "MED"),
    **dict.fromkeys(("company", "firm", "businessman", "business", "corporation",
                     "investor", "executive"), "BUS"),
    **dict.fromkeys(("student", "university", "professor", "teacher", "academic",
                     "school"), "EDU"),
    **dict.fromkeys(("worker", "union", "trade union", "employee", "labor", "labour",
                     "miner"), "LAB"),
    **dict.fromkeys(("refugee", "asylum seeker", "migrant", "displaced"), "REF"),
    **dict.fromkeys(("civilian", "people", "resident", "villager", "citizen", "protester",
                     "protestor", "demonstrator", "crowd", "man", "woman", "child",
                     "family", "pilgrim", "worshipper", "population", "public", "farmer",
                     "victim", "youth", "national", "tourist", "passenger", "hostage",
                     "prisoner", "detainee"), "CVL"),
    **dict.fromkeys(("cleric", "imam", "priest", "bishop", "church", "mosque", "rabbi",
                     "monk"), "REL"),
    **dict.fromkeys(("activist", "ngo", "charity", "rights group", "campaigner"), "NGO"),
    **dict.fromkeys(("doctor", "hospital", "nurse", "medic"), "HLH"),
    **dict.fromkeys(("spy", "intelligence", "intelligence agency", "intelligence service"),
                    "SPY"),
}
PARTITIVES = frozenset({"group", "number", "batch", "patch", "contingent", "team", "dozen",
                        "hundred", "thousand", "score", "some", "many", "most", "all",
                        "several", "member", "handful", "deployment", "unit", "band",
                        "delegation", "couple", "few", "one", "two", "three", "million"})
_GENERIC_HEADS = frozenset({"leader", "head", "chief", "spokesman", "spokeswoman",
                            "spokesperson", "official", "member", "commander", "leadership",
                            "representative", "source"})
_LEFT_DEPS = frozenset({"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod",
                        "npadvmod", "case", "advmod", "predet"})
_ENTITY_LABELS = frozenset({"GPE", "NORP", "ORG", "LOC", "FAC"})
_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
GROUP_PRONOUNS = frozenset({"it", "its", "they", "them", "their"})
SPEAKER_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our"})


@dataclass(frozen=True)
class ActorRef:
    """A source or target: the phrase, its code, the evenhand actor it is (if any)."""

    text: str
    code: str | None
    actor: str | None
    start: int
    end: int
    named: bool = False

    @property
    def coded(self) -> bool:
        """Whether the phrase is an actor an event can be about: coded or named."""
        return bool(self.code) or self.named

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "code": self.code, "actor": self.actor,
                "start": self.start, "end": self.end}


class ActorCoder:
    """Codes noun phrases of one Doc. ``actors``: the Doc's evenhand actors (with role and
    country when ``evenhand_identity`` ran)."""

    def __init__(self, doc: Doc, actors: Iterable[Any], kb: KnowledgeBase,
                 memo: dict[tuple[str, str], Any] | None = None) -> None:
        # imported here: evenhand.pipeline imports this package (its events component)
        from ..pipeline._view import doc_view

        self.doc = doc
        self.view = doc_view(doc)
        self.text = self.view.text
        # token index -> the named entity (start, end, label) it is in
        self.ent_at: dict[int, tuple[int, int, str]] = {
            i: ent for ent in self.view.ents for i in range(ent[0], ent[1])}
        self.kb = kb
        self.memo = memo if memo is not None else {}
        self.by_token: dict[int, Any] = {}
        for actor in actors:
            for start, end in actor.mentions:
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for tok in span:
                    self.by_token.setdefault(tok.i, actor)
            for i in actor.heads:
                self.by_token.setdefault(i, actor)

    # -- knowledge-base lookups, remembered across the Docs of a process ----------------------
    def _lookup(self, method: str, text: str) -> Any:
        key = (method, text)
        if key not in self.memo:
            if len(self.memo) > 100_000:
                self.memo.clear()
            self.memo[key] = getattr(self.kb, method)(text)
        return self.memo[key]

    # -- the phrase ----------------------------------------------------------------------------
    def phrase(self, head: Token) -> list[Token]:
        """The noun phrase of ``head``: its left modifiers, the head, the rest of the named
        entity it is in, and an "of" phrase naming what it belongs to ("Ministry of
        Defence")."""
        doc = self.doc
        start = end = head.i
        for child in head.lefts:
            if child.dep_ in _LEFT_DEPS:
                start = min(start, child.left_edge.i)
        if head.ent_iob_ != "O" and head.ent_type_:
            ent_start = head.i
            while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
                ent_start -= 1
            ent_end = head.i
            while ent_end + 1 < len(doc) and doc[ent_end + 1].ent_iob_ == "I":
                ent_end += 1
            start, end = min(start, ent_start), max(end, ent_end)
        generic = head.lemma_.lower() in _GENERIC_HEADS or head.lemma_.lower() in SECTOR_WORDS
        for child in head.rights:
            if child.dep_ == "compound":
                end = max(end, child.right_edge.i)
            elif child.dep_ == "prep" and head.ent_type_ != "PERSON" and any(
                    g.dep_ == "pobj" for g in child.children):
                pobj = next(g for g in child.children if g.dep_ == "pobj")
                # "Ministry of Defence", "leaders of Romania's government", "authorities
                # in Croatia": what the head belongs to
                if (child.lower_ == "of" and (pobj.pos_ == "PROPN" or generic)) or (
                        generic and child.lower_ in ("in", "from") and
                        pobj.ent_type_ == "GPE"):
                    end = max(end, child.right_edge.i)
        tokens = [t for t in doc[start:end + 1]]
        while tokens and (tokens[0].is_punct or tokens[0].is_space):
            tokens = tokens[1:]
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens = tokens[:-1]
        return tokens or [head]

    def _countries(self, head: Token, tokens: list[Token]) -> list[tuple[str, Token]]:
        """Country codes named in the phrase, with the token that names each."""
        found: list[tuple[str, Token]] = []
        seen: set[int] = set()
        for tok in tokens:
            if tok.i in seen or tok.is_punct or tok.pos_ in ("DET", "ADP", "NUM", "PRON"):
                continue
            if tok.ent_type_ in _ENTITY_LABELS and tok.ent_iob_ != "O":
                ent = self.ent_at.get(tok.i)
                if ent is not None:
                    e0, e1, label = ent
                    seen.update(range(e0, e1))
                    text = self._ent_text(ent)
                    if text.endswith(("'s", "’s")):
                        text = text[:-2]
                    code = self._lookup("country_for", text)
                    if code is None and label == "ORG":
                        continue
                    if code is None and e1 - e0 > 1:
                        code = self._lookup("country_for", self.view.tok_text(e0))
                    if code:
                        found.append((code, tok))
                    continue
            if tok.pos_ in ("ADJ", "PROPN", "NOUN") and tok.text[:1].isupper():
                code = self._lookup("country_for", tok.text)
                if code:
                    found.append((code, tok))
        return found

    def _is_capital(self, code: str, text: str) -> bool:
        try:
            country = self.kb.country(code)
        except KeyError:
            return False
        low = text.lower().removeprefix("the ")
        return any(low == name.lower() for name in (*country.capitals, *country.metonyms))

    def _sector_of_words(self, head: Token, tokens: list[Token]) -> str | None:
        """The sector the head noun names ("troops", "rebel leaders", "foreign minister");
        for a person's name, the title before it ("President Telemar"). Modifiers of
        other nouns say nothing ("military aid" is no military)."""
        lemma = head.lemma_.lower()
        if head.ent_type_ == "PERSON":
            titles = [t for t in tokens if t.i < head.i and t.ent_type_ not in
                      ("PERSON", "GPE", "NORP") and not t.is_punct and t.pos_ != "DET"]
            role = self._lookup("role_for_title", " ".join(t.text for t in titles)) \
                if titles else None
            return ROLE_SECTORS.get(role) if role else None
        compounds = [t for t in head.lefts if t.dep_ in ("compound", "amod")]
        if compounds:
            two = f"{compounds[-1].lemma_.lower()} {lemma}"
            if two in SECTOR_WORDS:
                return SECTOR_WORDS[two]
            # "rebel leaders", "army spokesman", "party official": the group they speak for
            if lemma in _GENERIC_HEADS:
                for tok in reversed(compounds):
                    sector = SECTOR_WORDS.get(tok.lemma_.lower())
                    if sector:
                        return sector
        if lemma in SECTOR_WORDS:
            return SECTOR_WORDS[lemma]
        if compounds and compounds[-1].dep_ == "compound":
            role = self._lookup("role_for_title", f"{compounds[-1].text} {head.text}")
            if role:
                return ROLE_SECTORS.get(role)
        role = self._lookup("role_for_title", head.text)
        return ROLE_SECTORS.get(role) if role else None

    def _organization(self, tokens: list[Token]) -> str | None:
        """The code of an organisation or state institution named in the phrase:
        "IGO" for international organisations, country + sector for institutions."""
        ents = [self.ent_at[t.i] for t in tokens if t.ent_type_ == "ORG" and t.ent_iob_ != "O"
                and t.i in self.ent_at]
        for ent in dict.fromkeys(ents):
            whole = self._ent_text(ent)
            text = whole[:-2] if whole.endswith(("'s", "’s")) else whole
            org = self._lookup("organization_for", text)
            if org is not None:
                sector = ROLE_SECTORS.get(org.role)
                if sector == "IGO":
                    return "IGO"
                if sector and org.country:
                    return org.country + sector
                return "---" + sector if sector else None
            inst = self._lookup("institution_for", text)
            if inst is not None:
                return inst.country + ROLE_SECTORS.get(inst.actor_role or "", "GOV")
            media = self._lookup("media_for", text)
            if media is not None:
                return media.country + "MED"
        return None

    def _ent_text(self, ent: tuple[int, int, str]) -> str:
        return self.text[self.view.idx[ent[0]]:self.view.end[ent[1] - 1]]

    # -- codes -------------------------------------------------------------------------------
    def refs(self, head: Token) -> list[ActorRef]:
        """One reference for the phrase, or one per coordinated country word in it."""
        if head.lemma_.lower() in PARTITIVES:  # "a team of Kenyan negotiators"
            inner = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"), None)
            if inner is not None:
                return self.refs(inner)
        if head.pos_ == "NOUN" and head.i not in self.by_token:
            # "the rivals Arnor and Rohan": the names in apposition say who
            appos = [a for a in head.children if a.dep_ == "appos" and a.pos_ == "PROPN"]
            if appos:
                return [r for a in appos for t in (a, *a.conjuncts) for r in self.refs(t)]
        tokens = self.phrase(head)
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1].text)
        text = self.text[start:end] if len(tokens) < 40 else head.text
        actor = self.by_token.get(head.i)
        named = head.ent_type_ in _NAMED_LABELS or head.pos_ == "PROPN"
        countries = self._countries(head, tokens)
        word_sector = self._sector_of_words(head, tokens) if head.ent_type_ != "GPE" \
            else None
        coordinated = [c for c, tok in countries if tok.dep_ == "conj"]
        if coordinated and len(countries) > 1:
            codes = list(dict.fromkeys(c for c, _ in countries))
            return [ActorRef(text, c + (word_sector or ""), actor.id if actor else None,
                             start, end, named or _known(actor)) for c in codes]
        org = self._organization(tokens)
        if org is not None and (org == "IGO" or not countries):
            return [ActorRef(text, org, actor.id if actor else None, start, end,
                             named or _known(actor))]
        if actor is not None:
            code = self._actor_code(actor, head, word_sector, countries)
            return [ActorRef(text, code, actor.id, start, end, _known(actor))]
        country = countries[0][0] if countries else None
        sector = word_sector
        if country and head.ent_type_ == "GPE" and self._is_capital(country, text):
            sector = "GOV"
        if country is None and sector is None and named:
            inst = self._lookup("institution_for", text)
            if inst is not None:
                country, sector = inst.country, ROLE_SECTORS.get(inst.actor_role or "", "GOV")
            else:
                organization = self._lookup("organization_for", text)
                if organization is not None:
                    sector = ROLE_SECTORS.get(organization.role)
        return [ActorRef(text, _join(country, sector), None, start, end, named)]

    def _actor_code(self, actor: Any, head: Token, word_sector: str | None,
                    countries: list[tuple[str, Token]]) -> str | None:
        country = getattr(actor, "country", None) or (countries[0][0] if countries else None)
        role = getattr(actor, "role", None)
        sector: str | None
        if actor.type == "place":
            sector = "GOV" if country and self._is_capital(country, actor.name) else None
            if sector is None and role:  # an institution that NER called a place
                sector = ROLE_SECTORS.get(role)
        elif actor.type == "person":
            sector = ROLE_SECTORS.get(role) if role else None
        else:
            sector = word_sector or (ROLE_SECTORS.get(role) if role else None)
        if actor.type == "group" and role is None:
            sector = word_sector
        return _join(country, sector)


def _known(actor: Any) -> bool:
    """An evenhand actor that names someone: not "someone", "sources" or a document."""
    return actor is not None and actor.type not in ("unnamed", "document")


def _join(country: str | None, sector: str | None) -> str | None:
    if sector == "IGO":
        return "IGO"
    if country and sector:
        return country + sector
    if country:
        return country
    if sector:
        return "---" + sector
    return None
