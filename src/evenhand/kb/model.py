"""The knowledge base's types and its lookups.

Every lookup goes through prebuilt dictionaries (see :mod:`evenhand.kb._text` for the keys), so
each is a handful of dictionary probes whatever the size of the data. A lookup that finds a
name marked ``ambiguous`` ("Georgia", "Congo", "Korea") or shared by several entries returns
None unless ``allow_ambiguous=True`` and only one entry has the name; ``countries_for`` lists
every candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ._text import exact_key, folded_key, singular, without_article

__all__ = [
    "INSTITUTION_ROLES",
    "MEDIA_TYPES",
    "ORGANIZATION_TYPES",
    "ROLES",
    "Country",
    "Institution",
    "KnowledgeBase",
    "MediaOutlet",
    "Organization",
    "TitleTable",
]

# Actor roles, in the order reports list them.
ROLES = (
    "head_of_state_or_government", "minister_or_ministry", "diplomat", "military", "legislator",
    "party", "state_media", "independent_media", "expert_or_academic", "think_tank",
    "ngo_or_civil_society", "business", "citizen_or_witness", "unnamed_source", "document",
    "international_organization",
)
# What kind of state institution an entry is, and the actor role each kind maps to.
INSTITUTION_ROLES: Mapping[str, str | None] = {
    "government": "head_of_state_or_government",
    "ministry": "minister_or_ministry",
    "military": "military",
    "legislature": "legislator",
    "judiciary": None,  # no actor role of its own
    "party": "party",
    "intelligence": "minister_or_ministry",
    "central_bank": "minister_or_ministry",
    "diplomatic_mission": "diplomat",
}
MEDIA_TYPES: Mapping[str, str] = {
    "state_media": "state_media",
    "public_media": "independent_media",
    "independent_media": "independent_media",
    "party_media": "party",
}
ORGANIZATION_TYPES: Mapping[str, str] = {
    "intergovernmental": "international_organization",
    "bloc": "international_organization",
    "court": "international_organization",
    "ngo": "ngo_or_civil_society",
    "think_tank": "think_tank",
}
COUNTRY_STATUSES = ("member", "observer", "partially_recognized", "territory")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Institution:
    """A state institution ("Kremlin", "People's Liberation Army") of one country.

    ``generic`` is True for one composed from a country word and a generic name ("the
    Ukrainian defence ministry"), which has no entry of its own.
    """

    name: str
    country: str
    role: str
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    ambiguous: frozenset[str] = frozenset()
    notes: str = ""
    generic: bool = False

    @property
    def actor_role(self) -> str | None:
        """The actor role of someone speaking for this institution (None for courts)."""
        return INSTITUTION_ROLES[self.role]


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory, keyed by its ISO 3166-1 alpha-3 code."""

    code: str
    name: str
    official: str
    status: str = "member"
    sovereign: str | None = None
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    institutions: tuple[Institution, ...] = ()
    ambiguous: frozenset[str] = frozenset()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class MediaOutlet:
    """A news outlet. ``type`` is state_media, public_media, independent_media or party_media."""

    name: str
    country: str
    type: str
    medium: str = ""
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    ambiguous: frozenset[str] = frozenset()
    notes: str = ""

    @property
    def role(self) -> str:
        """The actor role: public media with statutory independence count as independent."""
        return MEDIA_TYPES[self.type]


@dataclass(frozen=True, slots=True)
class Organization:
    """An international organisation, NGO or think tank."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    parent: str | None = None
    country: str | None = None
    ambiguous: frozenset[str] = frozenset()
    notes: str = ""

    @property
    def role(self) -> str:
        return ORGANIZATION_TYPES[self.type]


@dataclass(frozen=True, slots=True)
class NameIndex(Generic[T]):
    """Names to entries: case-sensitive keys, case-insensitive keys, and the ambiguous ones."""

    exact: Mapping[str, tuple[T, ...]]
    folded: Mapping[str, tuple[T, ...]]
    ambiguous: frozenset[str]

    def find(self, text: str) -> tuple[tuple[T, ...], bool]:
        """The entries named ``text`` and whether the name is ambiguous (``(), False`` if none)."""
        for variant in (text, without_article(text)):
            if not variant:
                continue
            key = exact_key(variant)
            if key in self.exact:
                return self.exact[key], ("=" + key) in self.ambiguous
            key = folded_key(variant)
            if key in self.folded:
                return self.folded[key], key in self.ambiguous
        return (), False

    def one(self, text: str, allow_ambiguous: bool) -> T | None:
        found, ambiguous = self.find(text)
        if len(found) == 1 and (allow_ambiguous or not ambiguous):
            return found[0]
        return None


@dataclass(frozen=True, slots=True)
class TitleTable:
    """Title terms (folded keys) with their roles; see titles.yaml for the rules."""

    roles: Mapping[str, str | None]  # term -> role; None for terms that only inherit
    inherit: frozenset[str]
    yield_to_object: frozenset[str]
    modifiers: frozenset[str]
    context: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Match:
    term: str
    role: str | None


_SPLITTERS = frozenset({"of", "for", "at", "from", "in"})
_ARTICLES = frozenset({"a", "an", "the"})


@dataclass(frozen=True)
class KnowledgeBase:
    """Countries, institutions, media, organisations and titles, with O(1) lookups.

    Build it with :func:`evenhand.kb.load_kb`.
    """

    countries: Mapping[str, Country]
    media: tuple[MediaOutlet, ...]
    organizations: tuple[Organization, ...]
    titles: TitleTable
    generic_institutions: Mapping[str, str]  # folded generic name -> institution role
    _countries: NameIndex[str] = field(repr=False)
    _prefixes: NameIndex[str] = field(repr=False)
    _institutions: NameIndex[Institution] = field(repr=False)
    _media: NameIndex[MediaOutlet] = field(repr=False)
    _organizations: NameIndex[Organization] = field(repr=False)

    # -- countries --------------------------------------------------------------------------

    def country(self, code: str) -> Country:
        """The country with ISO3 ``code``; KeyError if there is none."""
        return self.countries[code]

    def country_for(self, text: str, *, allow_ambiguous: bool = False) -> str | None:
        """The ISO3 code a name, adjective, demonym, capital or institution refers to.

        "Chinese" -> "CHN", "U.S." -> "USA", "Kremlin" -> "RUS", "us" -> None; "Sino-" -> "CHN";
        "the Ukrainian defence ministry" -> "UKR".
        """
        if text.rstrip().endswith("-"):
            return self._prefixes.one(text.rstrip()[:-1], allow_ambiguous)
        found, ambiguous = self._countries.find(text)
        if found:
            return found[0] if len(found) == 1 and (allow_ambiguous or not ambiguous) else None
        composed = self._compose_institution(text)
        return composed.country if composed else None

    def countries_for(self, text: str) -> tuple[str, ...]:
        """Every country ``text`` may refer to, ambiguous or not ("Korea" -> PRK, KOR)."""
        if text.rstrip().endswith("-"):
            return self._prefixes.find(text.rstrip()[:-1])[0]
        return self._countries.find(text)[0]

    def countries_in_compound(self, text: str) -> tuple[str, ...]:
        """The countries of a hyphenated compound: "Sino-US" -> ("CHN", "USA")."""
        whole = self.country_for(text)
        if whole:
            return (whole,)
        codes: list[str] = []
        for part in exact_key(text).split("-"):
            code = self._prefixes.one(part, False) or self.country_for(part)
            if code and code not in codes:
                codes.append(code)
        return tuple(codes)

    # -- institutions, media, organisations --------------------------------------------------

    def institution_for(self, text: str, *, allow_ambiguous: bool = False) -> Institution | None:
        """The state institution named ``text``.

        Listed names first ("Kremlin", "PLA", "Bundestag"); else a country word with a generic
        name ("Chinese foreign ministry", "Ukraine's army", "Ministry of Defence of Ukraine"),
        returned as a ``generic`` institution.
        """
        found, ambiguous = self._institutions.find(text)
        if found:
            one = len(found) == 1 and (allow_ambiguous or not ambiguous)
            return found[0] if one else None
        return self._compose_institution(text)

    def media_for(self, text: str, *, allow_ambiguous: bool = False) -> MediaOutlet | None:
        """The news outlet named ``text`` ("CCTV", "Xinhua", "RT", "The New York Times")."""
        return self._media.one(text, allow_ambiguous)

    def organization_for(self, text: str, *, allow_ambiguous: bool = False) -> Organization | None:
        """The international organisation, NGO or think tank named ``text`` ("NATO", "WHO")."""
        return self._organizations.one(text, allow_ambiguous)

    def _compose_institution(self, text: str) -> Institution | None:
        tokens = exact_key(text).split(" ")
        if tokens and tokens[0].lower() == "the":
            tokens = tokens[1:]
        if len(tokens) < 2:
            return None
        generic = self.generic_institutions
        for i in range(1, len(tokens)):  # "<country> <generic>"
            tail = folded_key(" ".join(tokens[i:]))
            if tail in generic:
                code = self._countries.one(" ".join(tokens[:i]), False)
                if code:
                    return self._generic(tokens, code, generic[tail])
        for i in range(len(tokens) - 1, 0, -1):  # "<generic> of <country>"
            if tokens[i].lower() == "of":
                head = folded_key(" ".join(tokens[:i]))
                code = self._countries.one(" ".join(tokens[i + 1:]), False)
                if head in generic and code:
                    return self._generic(tokens, code, generic[head])
        return None

    @staticmethod
    def _generic(tokens: list[str], code: str, role: str) -> Institution:
        return Institution(name=" ".join(tokens), country=code, role=role, generic=True)

    # -- titles -----------------------------------------------------------------------------

    def role_for_title(self, phrase: str) -> str | None:
        """The actor role a title, occupational noun or source phrase implies, or None.

        "ambassador" -> diplomat; "Ministry of Defence" -> minister_or_ministry; "deputy
        foreign minister" -> minister_or_ministry; "president of the company" -> business;
        "Kremlin spokesman" -> head_of_state_or_government; "people familiar with the matter"
        -> unnamed_source. Names of organisations are not titles: use the ``*_for`` lookups.
        """
        orig = exact_key(phrase).replace("-", " ").split()
        folded = [folded_key(token) for token in orig]
        keep = [i for i, token in enumerate(folded) if token]
        orig, folded = [orig[i] for i in keep], [folded[i] for i in keep]
        while folded and folded[0] in _ARTICLES:
            orig, folded = orig[1:], folded[1:]
        if len(folded) > 1 and folded[-1] == "elect":
            orig, folded = orig[:-1], folded[:-1]
        match = self._match_title(orig, folded, split=True) if folded else None
        return match.role if match else None

    def _term(self, folded: list[str]) -> str | None:
        """The title term ``folded`` spells, read as a plural if need be."""
        key = " ".join(folded)
        if key in self.titles.roles:
            return key
        one = singular(folded[-1]) if folded else None
        if one:
            key = " ".join([*folded[:-1], one])
            if key in self.titles.roles:
                return key
        return None

    def _match_title(self, orig: list[str], folded: list[str], *, split: bool) -> _Match | None:
        titles = self.titles
        term = self._term(folded)
        if term:
            return _Match(term, titles.roles[term])
        if split:  # "<title> of/for/at <object>"
            for i in range(1, len(folded) - 1):
                if folded[i] not in _SPLITTERS:
                    continue
                head = self._match_title(orig[:i], folded[:i], split=False)
                if head is None:
                    continue
                if head.term in titles.inherit or head.term in titles.yield_to_object:
                    words = head.term.split()
                    compound = self._match_title(
                        orig[i + 1:] + words, folded[i + 1:] + words, split=False)
                    if compound and compound.role:
                        return compound
                return head
        for i in range(1, len(folded)):  # the longest known tail: "deputy foreign minister"
            term = self._term(folded[i:])
            if term:
                role = titles.roles[term]
                if term in titles.inherit or term in titles.yield_to_object:
                    role = self._prefix_role(orig[:i], folded[:i]) or role
                return _Match(term, role)
        if split:  # the longest known head: "sources close to the Kremlin"
            for j in range(len(folded) - 1, 0, -1):
                head = self._match_title(orig[:j], folded[:j], split=False)
                if head:
                    return head
        return None

    def _prefix_role(self, orig: list[str], folded: list[str]) -> str | None:
        """The role of the organisation named in front of a title ("Pentagon" spokesman)."""
        keep = [i for i, token in enumerate(folded) if token not in self.titles.modifiers]
        if not keep:
            return None
        orig, folded = [orig[i] for i in keep], [folded[i] for i in keep]
        text = " ".join(orig)
        org = self.organization_for(text)
        if org:
            return org.role
        outlet = self.media_for(text)
        if outlet:
            return outlet.role
        institution = self.institution_for(text)
        if institution and institution.actor_role:
            return institution.actor_role
        # The whole prefix as a title, else its words from the right ("Senate Foreign
        # Relations Committee" chairman -> "senate").
        for words in [folded, *([token] for token in reversed(folded))]:
            term = self._term(words)
            if term and self.titles.roles[term]:
                return self.titles.roles[term]
        return None
