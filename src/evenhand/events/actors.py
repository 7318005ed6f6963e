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
                span = self.view.char_span(start, end)
                if span is None:
                    continue
                for i in range(*span):
                    self.by_token.setdefault(i, actor)
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
    # Tokens are token indices read on the Doc's token table (``self.view``).
    def phrase(self, head: int) -> list[int]:
        """The noun phrase of ``head``: its left modifiers, the head, the rest of the named
        entity it is in, and an "of" phrase naming what it belongs to ("Ministry of
        Defence")."""
        v, doc = self.view, self.doc
        dep = v.dep
        start = end = head
        for child in v.lefts(head):
            if dep[child] in _LEFT_DEPS:
                start = min(start, doc[child].left_edge.i)
        if v.ent_iob[head] != "O" and v.ent_type[head]:
            ent_start = head
            while ent_start > 0 and v.ent_iob[ent_start] == "I":
                ent_start -= 1
            ent_end = head
            while ent_end + 1 < v.n and v.ent_iob[ent_end + 1] == "I":
                ent_end += 1
            start, end = min(start, ent_start), max(end, ent_end)
        generic = v.lemma[head] in _GENERIC_HEADS or v.lemma[head] in SECTOR_WORDS
        for child in v.rights(head):
            if dep[child] == "compound":
                end = max(end, doc[child].right_edge.i)
            elif dep[child] == "prep" and v.ent_type[head] != "PERSON" and any(
                    dep[g] == "pobj" for g in v.children(child)):
                pobj = next(g for g in v.children(child) if dep[g] == "pobj")
                # "Ministry of Defence", "leaders of Romania's government", "authorities
                # in Croatia": what the head belongs to
                if (v.lower[child] == "of" and (v.pos[pobj] == "PROPN" or generic)) or (
                        generic and v.lower[child] in ("in", "from") and
                        v.ent_type[pobj] == "GPE"):
                    end = max(end, doc[child].right_edge.i)
        skip = v.skip
        while start <= end and skip[start]:
            start += 1
        while end >= start and skip[end]:
            end -= 1
        return list(range(start, end + 1)) if start <= end else [head]

    def _countries(self, head: int, tokens: list[int]) -> list[tuple[str, int]]:
        """Country codes named in the phrase, with the token that names each."""
        v = self.view
        found: list[tuple[str, int]] = []
        seen: set[int] = set()
        for tok in tokens:
            if tok in seen or v.punct[tok] or v.pos[tok] in ("DET", "ADP", "NUM", "PRON"):
                continue
            if v.ent_type[tok] in _ENTITY_LABELS and v.ent_iob[tok] != "O":
                ent = self.ent_at.get(tok)
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
                        code = self._lookup("country_for", v.tok_text(e0))
                    if code:
                        found.append((code, tok))
                    continue
            if v.pos[tok] in ("ADJ", "PROPN", "NOUN"):
                word = v.tok_text(tok)
                if word[:1].isupper():
                    code = self._lookup("country_for", word)
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

    def _sector_of_words(self, head: int, tokens: list[int]) -> str | None:
        """The sector the head noun names ("troops", "rebel leaders", "foreign minister");
        for a person's name, the title before it ("President Telemar"). Modifiers of
        other nouns say nothing ("military aid" is no military)."""
        v = self.view
        lemma = v.lemma[head]
        if v.ent_type[head] == "PERSON":
            titles = [t for t in tokens if t < head and v.ent_type[t] not in
                      ("PERSON", "GPE", "NORP") and not v.punct[t] and v.pos[t] != "DET"]
            role = self._lookup("role_for_title", " ".join(v.tok_text(t) for t in titles)) \
                if titles else None
            return ROLE_SECTORS.get(role) if role else None
        compounds = [t for t in v.lefts(head) if v.dep[t] in ("compound", "amod")]
        if compounds:
            two = f"{v.lemma[compounds[-1]]} {lemma}"
            if two in SECTOR_WORDS:
                return SECTOR_WORDS[two]
            # "rebel leaders", "army spokesman", "party official": the group they speak for
            if lemma in _GENERIC_HEADS:
                for tok in reversed(compounds):
                    sector = SECTOR_WORDS.get(v.lemma[tok])
                    if sector:
                        return sector
        if lemma in SECTOR_WORDS:
            return SECTOR_WORDS[lemma]
        if compounds and v.dep[compounds[-1]] == "compound":
            role = self._lookup("role_for_title",
                                f"{v.tok_text(compounds[-1])} {v.tok_text(head)}")
            if role:
                return ROLE_SECTORS.get(role)
        role = self._lookup("role_for_title", v.tok_text(head))
        return ROLE_SECTORS.get(role) if role else None

    def _organization(self, tokens: list[int]) -> str | None:
        """The code of an organisation or state institution named in the phrase:
        "IGO" for international organisations, country + sector for institutions."""
        v = self.view
        ents = [self.ent_at[t] for t in tokens if v.ent_type[t] == "ORG" and v.ent_iob[t] != "O"
                and t in self.ent_at]
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
    def refs(self, head: int | Token) -> list[ActorRef]:
        """One reference for the phrase of ``head`` (a token or its index), or one per
        coordinated country word in it."""
        if not isinstance(head, int):
            head = head.i
        v = self.view
        if v.lemma[head] in PARTITIVES:  # "a team of Kenyan negotiators"
            inner = next((g for c in v.children(head) if v.dep[c] == "prep"
                          and v.lower[c] == "of"
                          for g in v.children(c) if v.dep[g] == "pobj"), None)
            if inner is not None:
                return self.refs(inner)
        if v.pos[head] == "NOUN" and head not in self.by_token:
            # "the rivals Arnor and Rohan": the names in apposition say who
            appos = [a for a in v.children(head) if v.dep[a] == "appos" and v.pos[a] == "PROPN"]
            if appos:
                return [r for a in appos for t in (a, *v.conjuncts(a)) for r in self.refs(t)]
        tokens = self.phrase(head)
        start = v.idx[tokens[0]]
        end = v.end[tokens[-1]]
        text = self.text[start:end] if len(tokens) < 40 else v.tok_text(head)
        actor = self.by_token.get(head)
        ent_type = v.ent_type[head]
        named = ent_type in _NAMED_LABELS or v.pos[head] == "PROPN"
        countries = self._countries(head, tokens)
        word_sector = self._sector_of_words(head, tokens) if ent_type != "GPE" else None
        coordinated = [c for c, tok in countries if v.dep[tok] == "conj"]
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
        if country and ent_type == "GPE" and self._is_capital(country, text):
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

    def _actor_code(self, actor: Any, head: int, word_sector: str | None,
                    countries: list[tuple[str, int]]) -> str | None:
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
