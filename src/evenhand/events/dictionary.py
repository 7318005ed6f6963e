"""Loading and checking the event dictionary (``verbs.yaml``) and the CAMEO code table
(``cameo.yaml``), both beside this module. The formats are documented at the top of each
file and in docs/events.md. A problem in either file is a :class:`~evenhand.errors.ConfigError`
that names the file and the entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .._util import load_yaml
from ..errors import ConfigError

__all__ = ["KINDS", "CameoCode", "EventDictionary", "Pattern", "VerbEntry", "load_dictionary"]

KINDS = ("intent", "threaten", "appeal", "demand", "refuse")
PLOVER = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
                    "MOBILIZE", "COERCE", "ASSAULT"})
# the slots a target may come from besides prepositions
SLOTS = frozenset({"dobj", "dative"})

_VERB_KEYS = {"code", "kind", "light", "reciprocal", "target", "patterns"}
_PATTERN_KEYS = {"obj", "prep", "pobj", "xcomp", "subj", "subtree", "bare", "code", "kind",
                 "target", "reciprocal"}


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad: int
    plover: str | None

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Pattern:
    obj: frozenset[str] | None = None
    prep: str | None = None
    pobj: frozenset[str] | None = None
    xcomp: frozenset[str] | None = None
    subj: frozenset[str] | None = None
    subtree: frozenset[str] | None = None
    bare: bool = False  # the verb governs no clause ("agree with X" vs "agree to meet")
    code: str | None = None
    kind: str | None = None
    target: tuple[str, ...] | None = None
    reciprocal: bool | None = None


@dataclass(frozen=True)
class VerbEntry:
    key: str
    code: str | None = None
    kind: str | None = None
    light: bool = False
    reciprocal: bool = False
    target: tuple[str, ...] = ("dobj", "dative", "with", "against", "on", "to", "at")
    patterns: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class EventDictionary:
    verbs: Mapping[str, VerbEntry]
    nouns: Mapping[str, str]
    kinds: Mapping[str, tuple[str, Mapping[str, str]]]  # kind -> (default, counterparts)
    codes: Mapping[str, CameoCode]

    def counterpart(self, kind: str, action: str | None, default: str | None = None) -> str:
        """The code of ``kind`` ("threatened to …") for an action code: the most specific
        counterpart (full code, then three and two digits), else ``default``, else the
        kind's default."""
        fallback, table = self.kinds[kind]
        if action:
            for key in (action, action[:3], action[:2]):
                if key in table:
                    return table[key]
        return default or fallback

    def noun(self, *keys: str) -> str | None:
        for key in keys:
            if key and key in self.nouns:
                return self.nouns[key]
        return None


def _words(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a list of words, got {value!r}")
    return frozenset(v.lower() for v in value)


def _target(value: Any, where: str) -> tuple[str, ...]:
    words = [value] if isinstance(value, str) else value
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise ConfigError(f"{where}: target must be a list of slots, got {value!r}")
    return tuple(w.lower() for w in words)


def _code(value: Any, codes: Mapping[str, CameoCode], where: str) -> str:
    if not isinstance(value, str) or value not in codes:
        raise ConfigError(f"{where}: code {value!r} is not in cameo.yaml "
                          "(write codes as quoted strings, \"040\")")
    return value


def _kind(value: Any, where: str) -> str:
    if value not in KINDS:
        raise ConfigError(f"{where}: kind {value!r} is not one of {', '.join(KINDS)}")
    return str(value)


def _pattern(raw: Any, codes: Mapping[str, CameoCode], where: str) -> Pattern:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a pattern must be a mapping")
    unknown = set(raw) - _PATTERN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    words = {k: _words(raw[k], f"{where}.{k}") for k in ("obj", "pobj", "xcomp", "subj",
                                                          "subtree") if k in raw}
    prep = raw.get("prep")
    if prep is not None and not isinstance(prep, str):
        raise ConfigError(f"{where}.prep: expected one word")
    if "pobj" in raw and prep is None:
        raise ConfigError(f"{where}: pobj needs a prep")
    return Pattern(
        prep=prep.lower() if prep else None,
        code=_code(raw["code"], codes, where) if "code" in raw else None,
        kind=_kind(raw["kind"], where) if "kind" in raw else None,
        target=_target(raw["target"], f"{where}.target") if "target" in raw else None,
        reciprocal=bool(raw["reciprocal"]) if "reciprocal" in raw else None,
        bare=bool(raw.get("bare", False)),
        **words)


def _verb(key: str, raw: Any, codes: Mapping[str, CameoCode], file: str) -> VerbEntry:
    where = f"{file}: verbs.{key}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping")
    unknown = set(raw) - _VERB_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    patterns = raw.get("patterns") or []
    if not isinstance(patterns, list):
        raise ConfigError(f"{where}.patterns: expected a list")
    entry = VerbEntry(
        key=key,
        code=_code(raw["code"], codes, where) if "code" in raw else None,
        kind=_kind(raw["kind"], where) if "kind" in raw else None,
        light=bool(raw.get("light", False)),
        reciprocal=bool(raw.get("reciprocal", False)),
        patterns=tuple(_pattern(p, codes, f"{where}.patterns[{i}]")
                       for i, p in enumerate(patterns)),
        **({"target": _target(raw["target"], f"{where}.target")} if "target" in raw else {}))
    if not (entry.code or entry.kind or entry.light or entry.patterns):
        raise ConfigError(f"{where}: needs a code, a kind, light or patterns")
    return entry


def _read(path: Path | None, name: str) -> tuple[str, Any]:
    try:
        if path is None:
            text = resources.files("evenhand.events").joinpath(name).read_text(
                encoding="utf-8")
            label = name
        else:
            text = (path / name).read_text(encoding="utf-8")
            label = str(path / name)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read ({exc})") from exc
    try:
        return label, load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{label}: not valid YAML ({exc})") from exc


def _codes(path: Path | None) -> dict[str, CameoCode]:
    label, data = _read(path, "cameo.yaml")
    rows = data.get("codes") if isinstance(data, dict) else None
    if not isinstance(rows, dict):
        raise ConfigError(f"{label}: expected a `codes:` mapping")
    out: dict[str, CameoCode] = {}
    for code, row in rows.items():
        where = f"{label}: {code!r}"
        if not isinstance(code, str) or not code.isdigit() or not 2 <= len(code) <= 4:
            raise ConfigError(f"{where}: a code is 2 to 4 digits, written as a quoted string")
        if not isinstance(row, dict) or set(row) != {"name", "goldstein", "quad", "plover"}:
            raise ConfigError(f"{where}: needs exactly name, goldstein, quad, plover")
        plover = row["plover"]
        if plover is not None and plover not in PLOVER:
            raise ConfigError(f"{where}: unknown PLOVER category {plover!r}")
        quad = row["quad"]
        goldstein = row["goldstein"]
        if quad not in (1, 2, 3, 4) or not isinstance(goldstein, int | float) or \
                not -10 <= goldstein <= 10:
            raise ConfigError(f"{where}: quad must be 1-4 and goldstein in [-10, 10]")
        out[code] = CameoCode(code, str(row["name"]), float(goldstein), int(quad), plover)
    return out


@lru_cache(maxsize=4)
def load_dictionary(path: str | Path | None = None) -> EventDictionary:
    """The event dictionary: the package's own, or ``verbs.yaml`` and ``cameo.yaml`` from
    another directory. Cached."""
    base = Path(path) if path is not None else None
    codes = _codes(base)
    label, data = _read(base, "verbs.yaml")
    if not isinstance(data, dict) or not {"verbs", "nouns", "kinds"} <= set(data):
        raise ConfigError(f"{label}: expected `kinds:`, `nouns:` and `verbs:`")
    kinds: dict[str, tuple[str, Mapping[str, str]]] = {}
    for kind in KINDS:
        raw = data["kinds"].get(kind)
        if not isinstance(raw, dict) or "default" not in raw:
            raise ConfigError(f"{label}: kinds.{kind} needs a default")
        table = {str(k): _code(v, codes, f"{label}: kinds.{kind}.{k}")
                 for k, v in (raw.get("counterparts") or {}).items()}
        kinds[kind] = (_code(raw["default"], codes, f"{label}: kinds.{kind}"), table)
    nouns = {str(k).lower(): _code(v, codes, f"{label}: nouns.{k}")
             for k, v in data["nouns"].items()}
    verbs = {str(k).lower(): _verb(str(k).lower(), v, codes, label)
             for k, v in data["verbs"].items()}
    return EventDictionary(verbs=verbs, nouns=nouns, kinds=kinds, codes=codes)
