"""Written fixtures for the store, ingest and export tests: invented articles (no shared
data), a wire story and a lightly edited copy of it, and reports in the
``evenhand/report-1`` shape built from a text (offsets found in it), with events.
"""

from __future__ import annotations

from typing import Any

WIRE = (
    "Harbour workers in the port of Valdora walked off the job on Monday after talks over "
    "night-shift pay broke down, halting the loading of grain ships for the first time in "
    "a decade.\n\n"
    "“We have waited three years for a fair offer and we will not wait any longer,” said "
    "Marta Quell, who leads the dockers’ union.\n\n"
    "The port authority said in a statement that it regretted the strike and that its "
    "latest offer remained on the table. Shipping agents warned that a long stoppage "
    "would leave dozens of vessels waiting offshore and push up freight prices across the "
    "region.\n\n"
    "The transport ministry, which owns a majority stake in the port, declined to comment. "
    "Farmers’ groups said they feared that unsold grain would rot in the silos if the "
    "strike lasted more than a week."
)
# The same wire story as run by a second outlet: a new opening line, the rest kept.
WIRE_COPY = WIRE.replace(
    "Harbour workers in the port of Valdora walked off the job on Monday",
    "Dock workers at Valdora's port went on strike Monday") + (
    "\n\nThe union said pickets would stay at the gates around the clock.")
COUNCIL = (
    "The city council of Brennick voted on Thursday to close two of its five public "
    "libraries next spring, saying the buildings were too costly to repair.\n\n"
    "“No one on this council wanted to make this choice,” the mayor, Tobias Renn, told a "
    "packed meeting. Residents who spoke against the plan said the libraries were the "
    "only warm public places left in their neighbourhoods.\n\n"
    "A group of parents has started a petition to keep the branches open, and a lawyer "
    "advising them said the vote might be challenged in court because the public was "
    "given only a week’s notice."
)
FOREST = (
    "A wildfire that started in the hills above Sorrel Bay has burned more than four "
    "thousand hectares of pine forest, the regional fire service said on Saturday.\n\n"
    "Firefighters from three provinces were sent to the area, and two villages were "
    "evacuated overnight as strong winds pushed the flames toward the coast. “The next "
    "forty-eight hours will decide everything,” a fire service spokeswoman said.\n\n"
    "Meteorologists expect the wind to drop by Monday. Environmental groups blamed years "
    "of cuts to forest maintenance, a charge the regional government rejected."
)
GERMAN = (
    "Die Stadtverwaltung hat am Montag beschlossen, dass die alte Brücke über den Fluss "
    "im nächsten Jahr abgerissen wird. Der Bürgermeister sagte, es gebe keine andere "
    "Lösung, weil die Kosten für eine Sanierung zu hoch seien und die Sicherheit der "
    "Bürger nicht mehr gewährleistet werden könne. Viele Anwohner sind mit der "
    "Entscheidung nicht einverstanden und wollen sich bei der nächsten Sitzung des Rates "
    "zu Wort melden."
)
TEXTS = {"wire": WIRE, "wire_copy": WIRE_COPY, "council": COUNCIL, "forest": FOREST,
         "german": GERMAN}


def _span(text: str, needle: str, start: int = 0) -> dict[str, Any]:
    at = text.index(needle, start)
    return {"start": at, "end": at + len(needle), "text": needle}


def report_for(text: str, *, analyzer: dict[str, str] | None = None,
               events: bool = True) -> dict[str, Any]:
    """A report for ``text`` in the report-1 shape: its first quotation (with a speaker
    when "said" follows it), two actors on two sides, a finding, indicators and events."""
    open_at = text.index("“")
    close_at = text.index("”", open_at) + 1
    quote = {"start": open_at, "end": close_at, "text": text[open_at:close_at],
             "kind": "direct", "cue": None, "speaker": None, "actor": "a1", "spans": []}
    words = text.split()
    a2_name = words[0]
    report: dict[str, Any] = {
        "schema": "evenhand/report-1", "id": None, "title": None,
        "quotes": [quote],
        "actors": [
            {"id": "a1", "name": "Speaker One", "type": "person",
             "mentions": [[open_at, open_at + 1]], "role": "citizen_or_witness",
             "country": "XKX", "gender": "female", "quoted": True, "quote_count": 1,
             "quoted_words": len(quote["text"].split()), "side": "XKX"},
            {"id": "a2", "name": a2_name, "type": "organization",
             "mentions": [[0, len(a2_name)]], "role": None, "country": None,
             "gender": "unknown", "quoted": False, "quote_count": 0, "quoted_words": 0,
             "side": "other"},
        ],
        "warnings": [], "outlet": None, "date": None, "url": None, "source": None,
        "excluded": [], "analyzer": analyzer or {"evenhand": "0.0.test",
                                                 "pipeline": "en_test-1.0"},
        "sentences": [],
        "attribution": {"claims": 3, "attributed_claims": 1,
                        "attributed_claim_share": 1 / 3},
        "tone": {"a2": {"score": -0.25, "label": "negative", "clauses": 1, "evidence": []}},
        "sides": [
            {"name": "XKX", "actors": ["a1"], "quotes": 1,
             "quoted_words": len(quote["text"].split()), "share": 1.0, "mentions": 1,
             "heard": True},
            {"name": "other", "actors": ["a2"], "quotes": 0, "quoted_words": 0,
             "share": 0.0, "mentions": 1, "heard": False},
        ],
        "ledger": {"first_speaker": "a1", "last_speaker": "a1", "headline_actors": [],
                   "sides_heard": ["XKX"], "sides_never_heard": ["other"]},
        "findings": [{"id": "one-sided-voices", "severity": "warning",
                      "text": "Only one side is heard.",
                      "evidence": [[open_at, close_at], [0, len(a2_name)]]}],
        "indicators": {"voice_share_by_side": {"XKX": 1.0}, "sides_heard_share": 0.5,
                       "quoted_actors": 1, "independent_voice_share": 1.0,
                       "attributed_claim_share": 1 / 3, "loaded_term_rate": 0.0,
                       "biased_sentence_share": None},
    }
    if events:
        report["events"] = [{
            "start": 0, "end": len(words[0]), "code": "014", "name": "Protest",
            "plover": "PROTEST", "goldstein": -6.5, "quad": "material-conflict",
            "mode": "asserted",
            "source": {"text": words[0], "code": "LAB", "actor": "a2"},
            "target": {"text": "the port authority", "code": "GOV", "actor": None},
            "claimed_by": None}]
    return report
