"""Read, validate and index the knowledge base's YAML files.

Every problem is a :class:`evenhand.errors.ConfigError` that names the file and the entry:
unknown or missing keys, values of the wrong type, malformed or duplicate ISO3 codes,
references to unknown countries or organisations, unknown roles and types, and names shared
by several entries without being marked ``ambiguous`` by each of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, NoReturn, TypeVar

import yaml

from .._util import load_yaml
from ..errors import ConfigError
from ._text import exact_key, folded_key
from .model import (
    COUNTRY_STATUSES,
    INSTITUTION_ROLES,
    MEDIA_TYPES,
    ORGANIZATION_TYPES,
    ROLES,
    Country,
    Institution,
    KnowledgeBase,
    MediaOutlet,
    NameIndex,
    Organization,
    TitleTable,
)

__all__ = ["KB_DIR", "load_kb"]

KB_DIR = Path(__file__).resolve().parent
FILES = ("countries.yaml", "media.yaml", "organizations.yaml", "titles.yaml")

_ISO3 = re.compile(r"^[A-Z]{3}$")
_COUNTRY_KEYS = {"code", "name", "official", "status", "sovereign", "aliases", "abbreviations",
                 "adjectives", "demonyms", "capitals", "metonyms", "prefixes", "institutions",
                 "ambiguous", "notes"}
_INSTITUTION_KEYS = {"name", "role", "aliases", "abbreviations", "ambiguous", "notes"}
_MEDIA_KEYS = {"name", "country", "type", "medium", "aliases", "abbreviations", "ambiguous",
               "notes"}
_ORG_KEYS = {"name", "type", "aliases", "abbreviations", "parent", "country", "ambiguous", "notes"}
_MEDIUMS = {"agency", "newspaper", "broadcaster", "online", "magazine"}
_TITLE_KEYS = {"roles", "titles", "inherit", "yield_to_object", "modifiers", "context"}

T = TypeVar("T")


@functools.lru_cache(maxsize=8)
def load_kb(directory: str | Path | None = None) -> KnowledgeBase:
    """The knowledge base in ``directory`` (default: the one shipped with evenhand), cached.

    Raises ConfigError if a file is missing, unreadable or invalid.
    """
    return _build(Path(directory) if directory is not None else KB_DIR)


class _Entry:
    """One YAML mapping, checked against its allowed and required keys."""

    def __init__(self, file: str, where: str, data: object, allowed: set[str],
                 required: Iterable[str]) -> None:
        self.file, self.where = file, where
        if not isinstance(data, dict):
            self.fail(f"expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        unknown = sorted(str(key) for key in data if key not in allowed)
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}")
        missing = [key for key in required if key not in data]
        if missing:
            self.fail(f"missing key(s) {', '.join(missing)}")

    def fail(self, problem: str) -> NoReturn:
        raise ConfigError(f"{self.file}: {self.where}: {problem}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def note(self) -> str:
        return self.text("notes") if "notes" in self.data else ""

    def optional(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"{key!r} must be a list of non-empty strings, got {value!r}")
        return tuple(dict.fromkeys(v.strip() for v in value))

    def choice(self, key: str, allowed: Iterable[str], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in allowed:
            self.fail(f"{key!r} is {value!r}; expected one of {', '.join(sorted(allowed))}")
        return value

    def flagged(self, names: Iterable[str]) -> frozenset[str]:
        """The entry's ``ambiguous`` list, each of which must be one of its own names."""
        flagged = frozenset(self.texts("ambiguous"))
        unknown = sorted(flagged - set(names))
        if unknown:
            self.fail(f"ambiguous name(s) {', '.join(unknown)} are not names of this entry")
        return flagged


class _IndexBuilder(Generic[T]):
    """Collects names for one index; exact keys are stored with a leading "="."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.keys: dict[str, dict[object, T]] = {}
        self.flags: dict[str, set[object]] = {}
        self.labels: dict[object, str] = {}

    def add(self, owner: object, label: str, value: T, names: Iterable[str], *,
            case_sensitive: bool, flagged: frozenset[str]) -> None:
        self.labels[owner] = label
        for name in names:
            keys = ["=" + exact_key(name)] if case_sensitive else [folded_key(name)]
            if case_sensitive and name.endswith(".") and len(name) > 2:
                keys.append("=" + exact_key(name[:-1]))  # "U.S" for "U.S."
            for key in keys:
                if key in ("", "="):
                    raise ConfigError(f"{self.file}: {label}: name {name!r} is empty")
                self.keys.setdefault(key, {}).setdefault(owner, value)
                if name in flagged:
                    self.flags.setdefault(key, set()).add(owner)

    def check(self) -> None:
        """Names that fold alike ("CCTV", "cctv") must be marked ambiguous by every user."""
        groups: dict[str, list[str]] = {}
        for key in self.keys:
            groups.setdefault(folded_key(key.lstrip("=")), []).append(key)
        for folded, keys in groups.items():
            owners = {o for key in keys for o in self.keys[key]}
            unflagged = {o for key in keys for o in self.keys[key]
                         if o not in self.flags.get(key, ())}
            if len(owners) > 1 and unflagged:
                names = ", ".join(sorted(self.labels[o] for o in owners))
                raise ConfigError(
                    f"{self.file}: {folded!r} names several entries ({names}); mark it "
                    f"ambiguous in {', '.join(sorted(self.labels[o] for o in unflagged))}")

    def build(self) -> NameIndex[T]:
        self.check()
        exact = {k[1:]: tuple(v.values()) for k, v in self.keys.items() if k.startswith("=")}
        folded = {k: tuple(v.values()) for k, v in self.keys.items() if not k.startswith("=")}
        return NameIndex(exact, folded, frozenset(self.flags))


def _read(directory: Path, name: str, allowed: set[str]) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as handle:
            data = load_yaml(handle)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: invalid YAML: {exc}") from exc
    _Entry(name, "top level", data if data is not None else {}, allowed, allowed)
    return data


def _names(entry: _Entry, *fields: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for f in fields for name in entry.texts(f)))


def _plurals(demonyms: Iterable[str]) -> dict[str, str]:
    """Regular plurals of demonyms ("Afghans", "Frenchmen"), each mapped to its singular."""
    plurals: dict[str, str] = {}
    for word in demonyms:
        if word.endswith("man"):
            plurals[word[:-3] + "men"] = word
        elif not word.endswith(("s", "sh", "ch", "ese", "x", "z")):
            plurals[word + "s"] = word
    return plurals


def _add_names(index: _IndexBuilder[T], owner: object, label: str, value: T,
               entry: _Entry, names: tuple[str, ...]) -> None:
    """Index an entry's names: abbreviations case-sensitively, the rest case-insensitively."""
    abbreviations = entry.texts("abbreviations")
    flagged = entry.flagged(names + abbreviations + entry.texts("prefixes"))
    plurals = _plurals(entry.texts("demonyms"))
    flagged |= {p for p, s in plurals.items() if s in flagged}
    folded = [n for n in (*names, *plurals) if n not in abbreviations]
    index.add(owner, label, value, folded, case_sensitive=False, flagged=flagged)
    index.add(owner, label, value, abbreviations, case_sensitive=True, flagged=flagged)


_CountryData = tuple[dict[str, Country], dict[str, str], "_IndexBuilder[str]",
                     "_IndexBuilder[str]", "_IndexBuilder[Institution]"]


def _countries(directory: Path) -> _CountryData:
    file = "countries.yaml"
    data = _read(directory, file, {"generic_institutions", "countries"})
    generic: dict[str, str] = {}
    gen = _Entry(file, "generic_institutions", data["generic_institutions"],
                 set(INSTITUTION_ROLES), ())
    for role in gen.data:
        for name in gen.texts(role):
            if generic.setdefault(folded_key(name), role) != role:
                gen.fail(f"{name!r} is listed under two roles")
    if not isinstance(data["countries"], list):
        raise ConfigError(f"{file}: 'countries' must be a list")
    names_ix: _IndexBuilder[str] = _IndexBuilder(file)
    prefix_ix: _IndexBuilder[str] = _IndexBuilder(file)
    inst_ix: _IndexBuilder[Institution] = _IndexBuilder(file)
    countries: dict[str, Country] = {}
    for n, raw in enumerate(data["countries"]):
        code = raw.get("code") if isinstance(raw, dict) else None
        entry = _Entry(file, f"countries[{n}] ({code})", raw, _COUNTRY_KEYS,
                       ("code", "name", "official"))
        code = entry.text("code")
        if not _ISO3.match(code):
            entry.fail(f"code {code!r} is not three capital letters (ISO 3166-1 alpha-3)")
        if code in countries:
            entry.fail(f"duplicate code {code!r}")
        parsed = [_institution(file, code, i, raw_inst, inst_ix)
                  for i, raw_inst in enumerate(entry.data.get("institutions") or [])]
        institutions = tuple(inst for inst, _ in parsed)
        names = (entry.text("name"), entry.text("official"),
                 *_names(entry, "aliases", "adjectives", "demonyms", "capitals", "metonyms"))
        label = f"country {code}"
        _add_names(names_ix, code, label, code, entry, tuple(dict.fromkeys(names)))
        prefixes = entry.texts("prefixes")
        flagged = entry.flagged(names + prefixes + entry.texts("abbreviations"))
        prefix_ix.add(code, label, code, prefixes, case_sensitive=False, flagged=flagged)
        for inst, inst_entry in parsed:
            _add_names(names_ix, code, label, code, inst_entry, (inst.name, *inst.aliases))
        status = entry.choice("status", COUNTRY_STATUSES, "member")
        sovereign = entry.optional("sovereign")
        if (status == "territory") != (sovereign is not None):
            entry.fail("a territory, and only a territory, names its 'sovereign'")
        countries[code] = Country(
            code=code, name=entry.text("name"), official=entry.text("official"), status=status,
            sovereign=sovereign, aliases=entry.texts("aliases"),
            abbreviations=entry.texts("abbreviations"), adjectives=entry.texts("adjectives"),
            demonyms=entry.texts("demonyms"), capitals=entry.texts("capitals"),
            metonyms=entry.texts("metonyms"), prefixes=prefixes, institutions=institutions,
            ambiguous=flagged,
            notes=entry.note())
    for country in countries.values():
        if country.sovereign and country.sovereign not in countries:
            raise ConfigError(
                f"{file}: country {country.code}: unknown sovereign {country.sovereign!r}")
    return countries, generic, names_ix, prefix_ix, inst_ix


def _institution(file: str, code: str, n: int, raw: object,
                 index: _IndexBuilder[Institution]) -> tuple[Institution, _Entry]:
    name = raw.get("name") if isinstance(raw, dict) else None
    entry = _Entry(file, f"country {code}: institutions[{n}] ({name})", raw, _INSTITUTION_KEYS,
                   ("name", "role"))
    inst = Institution(name=entry.text("name"), country=code,
                       role=entry.choice("role", INSTITUTION_ROLES),
                       aliases=entry.texts("aliases"), abbreviations=entry.texts("abbreviations"),
                       ambiguous=frozenset(entry.texts("ambiguous")), notes=entry.note())
    _add_names(index, (code, inst.name), f"institution {inst.name!r} ({code})", inst, entry,
               (inst.name, *inst.aliases))
    return inst, entry


def _media(directory: Path, countries: Mapping[str, Country]
           ) -> tuple[tuple[MediaOutlet, ...], _IndexBuilder[MediaOutlet]]:
    file = "media.yaml"
    data = _read(directory, file, {"media"})
    index: _IndexBuilder[MediaOutlet] = _IndexBuilder(file)
    outlets: dict[str, MediaOutlet] = {}
    for n, raw in enumerate(_list(file, data, "media")):
        name = raw.get("name") if isinstance(raw, dict) else None
        entry = _Entry(file, f"media[{n}] ({name})", raw, _MEDIA_KEYS, ("name", "country", "type"))
        outlet = MediaOutlet(
            name=entry.text("name"), country=_country_ref(entry, countries),
            type=entry.choice("type", MEDIA_TYPES),
            medium=entry.choice("medium", _MEDIUMS) if "medium" in entry.data else "",
            aliases=entry.texts("aliases"), abbreviations=entry.texts("abbreviations"),
            ambiguous=frozenset(entry.texts("ambiguous")), notes=entry.note())
        if outlet.name in outlets:
            entry.fail(f"duplicate name {outlet.name!r}")
        outlets[outlet.name] = outlet
        _add_names(index, outlet.name, f"media {outlet.name!r}", outlet, entry,
                   (outlet.name, *outlet.aliases))
    return tuple(outlets.values()), index


def _organizations(directory: Path, countries: Mapping[str, Country]
                   ) -> tuple[tuple[Organization, ...], _IndexBuilder[Organization]]:
    file = "organizations.yaml"
    data = _read(directory, file, {"organizations"})
    index: _IndexBuilder[Organization] = _IndexBuilder(file)
    orgs: dict[str, Organization] = {}
    entries: dict[str, _Entry] = {}
    for n, raw in enumerate(_list(file, data, "organizations")):
        name = raw.get("name") if isinstance(raw, dict) else None
        entry = _Entry(file, f"organizations[{n}] ({name})", raw, _ORG_KEYS, ("name", "type"))
        org = Organization(
            name=entry.text("name"), type=entry.choice("type", ORGANIZATION_TYPES),
            aliases=entry.texts("aliases"), abbreviations=entry.texts("abbreviations"),
            parent=entry.optional("parent"),
            country=_country_ref(entry, countries) if "country" in entry.data else None,
            ambiguous=frozenset(entry.texts("ambiguous")), notes=entry.note())
        if org.name in orgs:
            entry.fail(f"duplicate name {org.name!r}")
        orgs[org.name], entries[org.name] = org, entry
        _add_names(index, org.name, f"organization {org.name!r}", org, entry,
                   (org.name, *org.aliases))
    for org in orgs.values():
        if org.parent is not None and org.parent not in orgs:
            entries[org.name].fail(f"unknown parent {org.parent!r}")
    return tuple(orgs.values()), index


def _titles(directory: Path) -> TitleTable:
    file = "titles.yaml"
    data = _read(directory, file, _TITLE_KEYS)
    described = _Entry(file, "roles", data["roles"], set(ROLES), ROLES)
    for role in described.data:
        described.text(role)
    groups = _Entry(file, "titles", data["titles"], set(ROLES), ())
    roles: dict[str, str | None] = {}
    for role in groups.data:
        for term in groups.texts(role):
            key = folded_key(term)
            if roles.setdefault(key, role) != role:
                groups.fail(f"{term!r} is listed under {roles[key]} and {role}")
    lists = _Entry(file, "top level", data, _TITLE_KEYS, ())
    inherit = frozenset(folded_key(t) for t in lists.texts("inherit"))
    for key in sorted(inherit):
        if key in roles:
            lists.fail(f"inherit term {key!r} also has a role under 'titles'")
        roles[key] = None
    yielding = frozenset(folded_key(t) for t in lists.texts("yield_to_object"))
    for key in sorted(yielding):
        if not roles.get(key):
            lists.fail(f"yield_to_object term {key!r} has no role under 'titles'")
    context = _Entry(file, "context", data["context"], set(roles), ())
    return TitleTable(
        roles=MappingProxyType(roles), inherit=inherit, yield_to_object=yielding,
        modifiers=frozenset(folded_key(t) for t in lists.texts("modifiers")),
        context={folded_key(term): context.text(term) for term in context.data})


def _list(file: str, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise ConfigError(f"{file}: {key!r} must be a list")
    return value


def _country_ref(entry: _Entry, countries: Mapping[str, Country]) -> str:
    code = entry.text("country")
    if code not in countries:
        entry.fail(f"unknown country {code!r} (expected an ISO3 code from countries.yaml)")
    return code


def _check_across(*indexes: _IndexBuilder[Any]) -> None:
    """A name used by entries of different kinds must be marked ambiguous by each of them."""
    seen: dict[str, list[tuple[_IndexBuilder[Any], str]]] = {}
    for index in indexes:
        for key in index.keys:
            seen.setdefault(folded_key(key.lstrip("=")), []).append((index, key))
    for folded, uses in seen.items():
        if len({id(index) for index, _ in uses}) < 2:
            continue
        for index, key in uses:
            unflagged = [o for o in index.keys[key] if o not in index.flags.get(key, ())]
            if unflagged:
                others = "; ".join(f"{i.file}: {', '.join(i.labels[o] for o in i.keys[k])}"
                                   for i, k in uses if i is not index)
                raise ConfigError(
                    f"{index.file}: {folded!r} names {index.labels[unflagged[0]]} and also "
                    f"{others}; mark it ambiguous in both")


def _build(directory: Path) -> KnowledgeBase:
    countries, generic, names_ix, prefix_ix, inst_ix = _countries(directory)
    media, media_ix = _media(directory, countries)
    orgs, org_ix = _organizations(directory, countries)
    titles = _titles(directory)
    _check_across(names_ix, media_ix, org_ix)
    return KnowledgeBase(
        countries=MappingProxyType(countries), media=media, organizations=orgs, titles=titles,
        generic_institutions=MappingProxyType(generic), _countries=names_ix.build(),
        _prefixes=prefix_ix.build(), _institutions=inst_ix.build(), _media=media_ix.build(),
        _organizations=org_ix.build())
