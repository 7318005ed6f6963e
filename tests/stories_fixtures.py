"""Articles for the story tests, written for them (fictional places and people).

Story "bridge": three outlets on the closure of a bridge, 4-5 March 2024. Each outlet has
one fact of its own, anchored by a name no other outlet mentions; the repair cost is given
by two outlets in different words (so it is *not* only in either).
Story "vote": two outlets on a council vote elsewhere, the same days.
Story "reopen": the same bridge reopening two months later (same words, another story).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evenhand.stories.text import sentence_spans

BRIDGE_DAILY = (
    "The Calder Bridge in Marlow was closed on Monday after engineers found cracks in two "
    "of its steel supports.\n\n"
    "“We will not reopen the bridge until it is safe,” Mayor Ines Okafor said on Monday.\n\n"
    "Mayor Okafor said the repairs would cost 14 million euros and take at least ten weeks.\n\n"
    "Commuters queued for hours at the old harbour ferry, and traffic on the ring road "
    "backed up for kilometres.\n\n"
    "Shopkeepers on Quay Street in the Linden quarter said their takings had halved since "
    "the closure began.")
BRIDGE_GLOBE = (
    "Engineers closed the Calder Bridge in Marlow on Monday after discovering cracks in two "
    "steel supports, officials said.\n\n"
    "“Safety comes first, and we will not reopen it until it is safe,” Mayor Okafor told "
    "reporters.\n\n"
    "The ferry company Baltica Lines added three extra crossings a day to carry stranded "
    "commuters across the estuary.\n\n"
    "Traffic on the ring road backed up for kilometres as drivers looked for other routes.")
BRIDGE_WIRE = (
    "Marlow's Calder Bridge was shut on Monday when inspectors found cracked steel supports, "
    "the city said.\n\n"
    "Repairs will cost about 14 million euros, the mayor's office said on Tuesday.\n\n"
    "The engineers' union, led by Tomas Reyes, blamed years of deferred maintenance for the "
    "cracks.\n\n"
    "“This was a disaster waiting to happen,” Reyes said.")
VOTE_DAILY = (
    "The council of Nordvik voted on Tuesday to build a new wind farm on the northern "
    "headland, ending two years of debate.\n\n"
    "Councillor Petra Lind said the turbines would power eight thousand homes.\n\n"
    "Fishermen in the fjord warned that construction could disturb the spawning grounds.")
VOTE_GLOBE = (
    "Nordvik's council approved a wind farm on the northern headland on Tuesday after two "
    "years of argument.\n\n"
    "The turbines will supply power to eight thousand homes, said councillor Petra Lind.\n\n"
    "Opponents vowed to take the decision to the regional court.")
REOPEN_DAILY = (
    "The Calder Bridge in Marlow reopened on Friday after engineers repaired the cracks in "
    "its steel supports.\n\n"
    "Mayor Ines Okafor said the repairs had cost 14 million euros.")

ARTICLES: list[dict[str, Any]] = [
    {"id": "bridge-daily", "outlet": "daily", "date": "2024-03-04",
     "title": "Cracks close Calder Bridge", "url": "https://daily.example/bridge",
     "text": BRIDGE_DAILY, "story": "bridge"},
    {"id": "vote-daily", "outlet": "daily", "date": "2024-03-05",
     "title": "Nordvik votes for wind farm", "text": VOTE_DAILY, "story": "vote"},
    {"id": "bridge-globe", "outlet": "globe", "date": "2024-03-04",
     "title": "Calder Bridge shut after engineers find cracks", "text": BRIDGE_GLOBE,
     "story": "bridge"},
    {"id": "vote-globe", "outlet": "globe", "date": "2024-03-05",
     "title": "Council backs Nordvik wind farm", "text": VOTE_GLOBE, "story": "vote"},
    {"id": "bridge-wire", "outlet": "wire", "date": "2024-03-05",
     "title": "Marlow bridge closed over cracked supports", "text": BRIDGE_WIRE,
     "story": "bridge"},
    {"id": "reopen-daily", "outlet": "daily", "date": "2024-05-10",
     "title": "Calder Bridge reopens", "text": REOPEN_DAILY, "story": "reopen"},
]


def write_articles(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    rows = ARTICLES if rows is None else rows
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def article(ident: str) -> dict[str, Any]:
    return dict(next(a for a in ARTICLES if a["id"] == ident))  # a copy: tests change it


def report(text: str, actors: list[dict[str, Any]], *, sides: Sequence[dict[str, Any]] = (),
           tone: dict[str, Any] | None = None,
           loaded: Sequence[str] = (), events: list[dict[str, Any]] | None = None
           ) -> dict[str, Any]:
    """A report dict (schema evenhand/report-1) for ``text``, written by hand: its
    sentences from the light splitter, ``loaded`` words flagged where they first occur."""
    sentences: list[dict[str, Any]] = [
        {"start": s, "end": e, "bias": 0.0, "biased": False, "loaded": []}
        for s, e in sentence_spans(text)]
    for word in loaded:
        start = text.index(word)
        for s in sentences:
            if s["start"] <= start < s["end"]:
                s["loaded"].append({"start": start, "end": start + len(word), "text": word,
                                    "category": "loaded", "subcategory": "emotive noun",
                                    "why": "test", "quoted": False})
    full = []
    for n, a in enumerate(actors, 1):
        name = a["name"]
        at = text.find(name.split()[-1])
        full.append({"id": f"a{n}", "type": "person", "role": None, "side": None,
                     "quote_count": 0, "mentions": [[at, at + len(name.split()[-1])]]
                     if at >= 0 else [], **a})
    out: dict[str, Any] = {"schema": "evenhand/report-1", "quotes": [], "actors": full,
                           "sides": list(sides), "sentences": sentences, "excluded": [],
                           "tone": tone or {}, "ledger": {
                               "sides_never_heard": [s["name"] for s in sides
                                                     if not s.get("heard")]}}
    if events is not None:
        out["events"] = events
    return out
