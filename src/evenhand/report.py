"""The Report: plain, versioned, JSON-serialisable result of analysing one article.

The schema name is ``evenhand/report-1``. Fields documented in docs/report-schema.md; later
versions only add fields. Every offset is a character offset into ``Article.text``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from operator import attrgetter
from typing import Any

__all__ = ["SCHEMA", "ActorRecord", "QuoteRecord", "Report", "SpanRecord"]

SCHEMA = "evenhand/report-1"


@dataclass
class SpanRecord:
    start: int
    end: int
    text: str


@dataclass
class QuoteRecord:
    start: int
    end: int
    text: str
    kind: str  # "direct" | "indirect" | "mixed"
    cue: SpanRecord | None
    speaker: SpanRecord | None
    actor: str | None
    # For quotes split by the attribution ("...," he said, "..."): the fragments.
    spans: list[list[int]] = field(default_factory=list)


@dataclass
class ActorRecord:
    id: str
    name: str
    type: str  # "person" | "organization" | "place" | "group" | "document" | "unnamed"
    mentions: list[list[int]]
    role: str | None = None  # see docs/report-schema.md for the roles
    country: str | None = None  # ISO 3166 alpha-3
    gender: str = "unknown"  # "male" | "female" | "unknown": only where the text says so
    quoted: bool = False
    quote_count: int = 0
    quoted_words: int = 0
    side: str | None = None


@dataclass
class Report:
    id: str | None
    title: str | None
    quotes: list[QuoteRecord]
    actors: list[ActorRecord]
    warnings: list[str] = field(default_factory=list)
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    excluded: list[dict[str, Any]] = field(default_factory=list)
    analyzer: dict[str, str] = field(default_factory=dict)
    # Wording (evenhand_wording): per sentence, its bias score and loaded terms.
    sentences: list[dict[str, Any]] = field(default_factory=list)
    # Attribution (evenhand_attribution) and tone toward each actor, by actor id
    # (evenhand_tone); None when the pipeline has no such component.
    attribution: dict[str, Any] | None = None
    tone: dict[str, Any] | None = None
    # Events (evenhand_events): who did what to whom, CAMEO/PLOVER coded; None when the
    # pipeline has no such component. See docs/events.md.
    events: list[dict[str, Any]] | None = None
    # The balance report (evenhand.balance): per-side voice ledger, findings, indicators.
    sides: list[dict[str, Any]] = field(default_factory=list)
    ledger: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    indicators: dict[str, Any] = field(default_factory=dict)
    # Only present when the analysed text is not the raw input (HTML): offsets refer to it.
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": SCHEMA}
        data.update(_plain(self))
        if data["text"] is None:
            del data["text"]
        return data

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def actor(self, actor_id: str) -> ActorRecord | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A Report back from :meth:`to_dict` output (a stored report). Keys this version
        does not know are left out; missing optional keys take their defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["quotes"] = [_quote(q) for q in data.get("quotes") or []]
        values["actors"] = [ActorRecord(**{k: v for k, v in a.items() if k in _ACTOR_KEYS})
                            for a in data.get("actors") or []]
        values.setdefault("id", None)
        values.setdefault("title", None)
        return cls(**values)


def _span(value: dict[str, Any] | None) -> SpanRecord | None:
    return SpanRecord(value["start"], value["end"], value.get("text", "")) if value else None


def _quote(q: dict[str, Any]) -> QuoteRecord:
    return QuoteRecord(start=q["start"], end=q["end"], text=q.get("text", ""),
                       kind=q.get("kind", "direct"), cue=_span(q.get("cue")),
                       speaker=_span(q.get("speaker")), actor=q.get("actor"),
                       spans=q.get("spans") or [])


_ACTOR_KEYS = {f.name for f in fields(ActorRecord)}


def _plain(value: Any) -> Any:
    """Like ``dataclasses.asdict`` without deep-copying the plain data (sentences, tone)
    that is already JSON-ready: reports are serialised once per article, on the hot path."""
    cls = type(value)
    if cls in _LEAVES:
        return value
    names = _field_names(cls)
    if names is not None:
        values = _field_values(cls, names)(value)
        out = dict(zip(names, values, strict=True))
        if not _LEAVES.issuperset(map(type, values)):
            for name, field_value in zip(names, values, strict=True):
                if type(field_value) not in _LEAVES:
                    out[name] = _plain(field_value)
        return out
    if isinstance(value, list) and value and is_dataclass(value[0]):
        return [_plain(v) for v in value]
    return value


# types returned as they are, with no look at what they hold
_LEAVES = frozenset({str, int, float, bool, type(None), dict})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


_FIELD_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _field_values(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass's field values as a tuple, in field order."""
    getter = _FIELD_VALUES.get(cls)
    if getter is None:
        if not names:
            def getter(value: Any) -> tuple[Any, ...]:
                return ()
        elif len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
            one = attrgetter(names[0])

            def getter(value: Any) -> tuple[Any, ...]:
                return (one(value),)
        else:
            getter = attrgetter(*names)
        if len(_FIELD_VALUES) < 1000:
            _FIELD_VALUES[cls] = getter
    return getter


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type (None for other types), looked up once."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) and not issubclass(
            cls, type) else None
        if len(_FIELD_NAMES) < 1000:
            _FIELD_NAMES[cls] = names
        return names
