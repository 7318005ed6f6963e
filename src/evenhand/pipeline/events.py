"""The ``evenhand_events`` component: the events an article reports, coded in CAMEO and
PLOVER, with CAMEO-style actor codes linked to evenhand's actors.

It runs after ``evenhand_identity`` (actors with role and country) and ``evenhand_quotes``
(events inside a quote are claimed by its speaker) and adds no model: a verb-pattern
dictionary written by the team (``evenhand/events/verbs.yaml``) on the parse the pipeline
already made; see :mod:`evenhand.events.coder` and docs/events.md.

``doc._.evenhand_events`` is a list of plain dicts, one per event, in text order::

    {"start", "end", "text",            # the passage: source, trigger and target
     "trigger": {"start", "end", "text"},
     "code", "name", "plover", "goldstein", "quad",
     "mode": None | "claimed" | "intended" | "hypothetical" | "negated",
     "source": {"text", "code", "actor", "start", "end"} | None,
     "target": {...} | None,
     "claimed_by": actor id | None}
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..events.coder import Event, EventCoder
from ..events.dictionary import EventDictionary, load_dictionary
from ..kb import load_kb
from ._doctext import doc_text
from ._view import drop_view

__all__ = ["EventsComponent", "event_dict", "make_events"]


def event_dict(event: Event, text: str, dictionary: EventDictionary) -> dict[str, Any]:
    """The JSON-ready form of an event (see the module docstring)."""
    info = dictionary.codes[event.code]
    t0, t1 = event.trigger
    return {
        "start": event.start, "end": event.end, "text": text[event.start:event.end],
        "trigger": {"start": t0, "end": t1, "text": text[t0:t1]},
        "code": event.code, "name": info.name, "plover": info.plover,
        "goldstein": info.goldstein, "quad": info.quad, "mode": event.mode,
        "source": event.source.to_dict() if event.source else None,
        "target": event.target.to_dict() if event.target else None,
        "claimed_by": event.claimed_by,
    }


class EventsComponent:
    def __init__(self, dictionary: EventDictionary | None = None) -> None:
        _register_extensions()
        self.dictionary = dictionary or load_dictionary()
        self.coder = EventCoder(self.dictionary, load_kb())

    def __call__(self, doc: Doc) -> Doc:
        actors = doc._.evenhand_actors if Doc.has_extension("evenhand_actors") else None
        quotes = doc._.evenhand_quotes if Doc.has_extension("evenhand_quotes") else None
        events = self.coder.code_doc(doc, actors or [], quotes or [])
        text = doc_text(doc)
        doc._.evenhand_events = [event_dict(e, text, self.dictionary) for e in events]
        drop_view(doc)  # the last component to use it
        return doc


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_events"):
        Doc.set_extension("evenhand_events", default=None)


@Language.factory(
    "evenhand_events",
    requires=["doc._.evenhand_actors", "doc._.evenhand_quotes", "token.dep", "token.lemma",
              "doc.ents"],
    assigns=["doc._.evenhand_events"],
)
def make_events(nlp: Language, name: str) -> EventsComponent:
    return EventsComponent()


_register_extensions()
