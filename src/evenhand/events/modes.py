"""What an event's mode says about it, and a sentence's main event.

The coder gives every event a mode (docs/events.md, "Mode"): null (the article reports it as
having happened), ``claimed`` (reported inside a quote, attributed to the speaker),
``intended`` (an intent, itself a CAMEO event: 03x, 13x), ``hypothetical`` or ``negated``.
An event *counts* — is reported, by the reporter or by a speaker — in the first three;
hypothetical and negated events are not reported facts.

The one selection of a sentence's *main event* lives here, for the penta-class
(:mod:`.classify`, on :class:`~evenhand.events.coder.Event` objects) and for the scoring
(:mod:`evenhand.evaluation.events`, on the report's event dicts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["COUNTED_MODES", "counted", "counts", "main_event"]

COUNTED_MODES = frozenset({None, "claimed", "intended"})

E = TypeVar("E")


def _mode(event: Any) -> str | None:
    mode = event.get("mode") if isinstance(event, Mapping) else event.mode
    return mode or None


def _trigger_start(event: Any) -> int:
    if isinstance(event, Mapping):
        return int(event["trigger"]["start"])
    return int(event.trigger[0])


def counts(event: Any) -> bool:
    """Whether the event is reported (mode null, ``claimed`` or ``intended``); an event
    dict from a report or a :class:`~evenhand.events.coder.Event`."""
    return _mode(event) in COUNTED_MODES


def counted(events: Sequence[E]) -> list[E]:
    """The events that count (see :func:`counts`), in their order."""
    return [e for e in events if counts(e)]


def _depth(doc: Doc, start: int) -> int:
    """How far the token at character ``start`` is from the root of its parse."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return 99
    tok, depth = span[0], 0
    # the root is its own head; compared by index (spaCy makes a new Token per access)
    while tok.head.i != tok.i and depth < 50:
        tok, depth = tok.head, depth + 1
    return depth


def main_event(doc: Doc, events: Sequence[E],
               keep: Callable[[E], bool] | None = None) -> E | None:
    """The sentence's main event: among the counted ones (and those ``keep`` accepts), the
    one whose trigger is highest in the parse (nearest the root), the first in the text on
    a tie; None when no event counts."""
    pool = [e for e in counted(events) if keep is None or keep(e)]
    if not pool:
        return None
    return min(pool, key=lambda e: (_depth(doc, _trigger_start(e)), _trigger_start(e)))
