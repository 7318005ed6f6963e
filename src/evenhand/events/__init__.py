"""Event coding: who did what to whom, in CAMEO codes and PLOVER categories.

* :mod:`.dictionary` — the verb-pattern dictionary (``verbs.yaml``) and the CAMEO code table
  (``cameo.yaml``) evenhand ships, written by the team;
* :mod:`.actors` — CAMEO-style actor codes (country + sector) for sources and targets;
* :mod:`.coder` — the coder itself, on spaCy's parse.
* :mod:`.modes` — which modes count as reported, and a sentence's main event.

The spaCy component is :mod:`evenhand.pipeline.events` (``evenhand_events``); the format is
documented in docs/events.md.
"""

from .actors import ActorCoder, ActorRef
from .coder import Event, EventCoder
from .dictionary import CameoCode, EventDictionary, load_dictionary

__all__ = ["ActorCoder", "ActorRef", "CameoCode", "Event", "EventCoder", "EventDictionary",
           "load_dictionary"]
