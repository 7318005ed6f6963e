"""Sides: which camp each actor belongs to.

By default (international stories) an actor's side is its country (``actor.country``, named
as the knowledge base names it) or, for an international organisation, the organisation
itself. A *sides file* overrides this for a domestic story split by party or camp::

    sides:
      Government:
        countries: []            # ISO3 codes or names
        parties: [Labour]
        organizations: [Home Office]
        people: [Keir Starmer]
      Opposition:
        parties: [Conservatives]

An actor is matched by name (case-insensitive; a person also by surname), by organisation or
party name, then by country; the first side listed wins. Unmatched actors keep their default
side unless ``default: none`` is given at the top level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._util import load_yaml
from ..errors import ConfigError
from ..kb import KnowledgeBase, load_kb

__all__ = ["Side", "SideMap", "default_side", "load_sides"]

_SIDE_KEYS = {"countries", "parties", "organizations", "people"}
_TOP_KEYS = {"sides", "default"}


@dataclass(frozen=True)
class Side:
    name: str
    countries: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # parties, organisations and people, lower case


@dataclass(frozen=True)
class SideMap:
    sides: tuple[Side, ...] = ()
    keep_default: bool = True
    source: str = "<default>"

    def side_for(self, name: str, country: str | None, kb: KnowledgeBase) -> str | None:
        low = name.lower()
        last = low.split()[-1] if low.split() else low
        for side in self.sides:
            if low in side.names or any(n.split()[-1] == last and " " in n
                                        for n in side.names if n.split()):
                return side.name
        for side in self.sides:
            if country and country in side.countries:
                return side.name
        return default_side(name, country, kb) if self.keep_default else None


def default_side(name: str, country: str | None, kb: KnowledgeBase) -> str | None:
    if country:
        try:
            return kb.country(country).name
        except KeyError:
            return country
    org = kb_lookup(kb, "organization_for", name)
    if org is not None and org.role == "international_organization":
        return org.name
    return None


_LOOKUPS: dict[tuple[int, str, str], tuple[KnowledgeBase, Any]] = {}


def kb_lookup(kb: KnowledgeBase, method: str, text: str) -> Any:
    """``kb.<method>(text)``, remembered per knowledge base: every report looks up the same
    names again."""
    key = (id(kb), method, text)
    got = _LOOKUPS.get(key)
    if got is None or got[0] is not kb:
        if len(_LOOKUPS) > 100_000:
            _LOOKUPS.clear()
        got = _LOOKUPS[key] = (kb, getattr(kb, method)(text))
    return got[1]


def _strings(source: str, side: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{source}: side {side!r}: {key!r} must be a list of names")
    return [v.strip() for v in value]


def load_sides(path: str | Path, kb: KnowledgeBase | None = None) -> SideMap:
    """Read and validate a sides file (YAML). Every problem is a :class:`ConfigError` naming
    the file and what is wrong."""
    import yaml

    kb = kb or load_kb()
    source = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read sides file ({exc})") from exc
    try:
        data = load_yaml(raw)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"{source}: not valid YAML{line}") from exc
    if data is None:
        raise ConfigError(f"{source}: the sides file is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with a 'sides' key")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                          f"expected {', '.join(sorted(_TOP_KEYS))}")
    default = data.get("default", "country")
    if default not in ("country", "none"):
        raise ConfigError(f"{source}: 'default' must be 'country' or 'none'")
    entries = data.get("sides")
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"{source}: 'sides' must map at least one side name to its members")
    sides = []
    for name, spec in entries.items():
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{source}: side names must be non-empty strings")
        if not isinstance(spec, dict) or not spec:
            raise ConfigError(f"{source}: side {name!r} must list countries, parties, "
                              "organizations or people")
        unknown = set(spec) - _SIDE_KEYS
        if unknown:
            raise ConfigError(f"{source}: side {name!r}: unknown field(s) "
                              f"{', '.join(sorted(map(str, unknown)))}; expected "
                              f"{', '.join(sorted(_SIDE_KEYS))}")
        countries = set()
        for c in _strings(source, name, "countries", spec.get("countries")):
            code = c.upper() if len(c) == 3 and c.isalpha() else kb.country_for(c)
            if code is None:
                raise ConfigError(f"{source}: side {name!r}: unknown country {c!r}")
            countries.add(code)
        names = {n.lower() for key in ("parties", "organizations", "people")
                 for n in _strings(source, name, key, spec.get(key))}
        if not countries and not names:
            raise ConfigError(f"{source}: side {name!r} has no members")
        sides.append(Side(name.strip(), frozenset(countries), frozenset(names)))
    return SideMap(tuple(sides), keep_default=default == "country", source=source)

