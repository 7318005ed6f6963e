"""The evenhand_events component, its dictionary and CAMEO table, and the seed article.

Every sentence here was written for these tests, except the seed article, which is read in
place from ../shared."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import evenhand
from evenhand.errors import ConfigError
from evenhand.events import load_dictionary
from evenhand.events.classify import PentaFallback, load_fallback, penta_class
from evenhand.events.dictionary import PLOVER

if TYPE_CHECKING:
    from spacy.language import Language

SHARED_EVENTS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "events"
EVENT_KEYS = {"start", "end", "text", "trigger", "code", "name", "plover", "goldstein", "quad",
              "mode", "source", "target", "claimed_by"}


# --- the dictionary and the code table --------------------------------------------------------

def _write(tmp: Path, verbs: str, codes: str | None = None) -> Path:
    (tmp / "verbs.yaml").write_text(verbs, encoding="utf-8")
    (tmp / "cameo.yaml").write_text(codes or (
        'codes:\n  "040": {name: "Meet", goldstein: 1.0, quad: 1, plover: CONSULT}\n'
        '  "036": {name: "Intend to meet", goldstein: 4.0, quad: 1, plover: AGREE}\n'
        '  "030": {name: "Intend", goldstein: 4.0, quad: 1, plover: AGREE}\n'),
        encoding="utf-8")
    return tmp


_KINDS = "".join(f"  {k}: {{default: \"030\"}}\n" for k in
                 ("intent", "threaten", "appeal", "demand", "refuse"))


def test_packaged_dictionary_loads_and_every_code_is_described() -> None:
    d = load_dictionary()
    assert len(d.verbs) > 250 and len(d.nouns) > 100
    used = {e.code for e in d.verbs.values() if e.code}
    used |= {p.code for e in d.verbs.values() for p in e.patterns if p.code}
    used |= set(d.nouns.values())
    used |= {c for default, table in d.kinds.values() for c in (default, *table.values())}
    assert used <= set(d.codes)
    assert {c.plover for c in d.codes.values()} - {None} <= PLOVER
    # phrasal keys are "lemma particle"; YAML's "on" must stay a word, not a boolean
    assert d.verbs["carry out"].light
    assert "on" in d.verbs["impose"].target


def test_counterparts_pick_the_most_specific_code() -> None:
    d = load_dictionary()
    assert d.counterpart("intent", "040") == "036"      # intend to meet
    assert d.counterpart("intent", "062") == "0312"     # intend to cooperate militarily
    assert d.counterpart("threaten", "163") == "1312"   # threaten sanctions
    assert d.counterpart("appeal", "0841") == "0253"    # ask for a release
    assert d.counterpart("refuse", "04") == "125"       # refuse talks
    assert d.counterpart("demand", None) == "100"       # the kind's default
    assert d.counterpart("intent", "112", default="112") == "112"


def test_a_code_missing_from_the_table_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path, f"kinds:\n{_KINDS}nouns: {{}}\nverbs:\n  meet: {{code: \"999\"}}\n")
    with pytest.raises(ConfigError, match=r"verbs.meet: code '999' is not in cameo.yaml"):
        load_dictionary(tmp_path)


def test_unknown_keys_and_bad_tables_are_clear_errors(tmp_path: Path) -> None:
    _write(tmp_path, f"kinds:\n{_KINDS}nouns: {{}}\nverbs:\n  meet: {{code: \"040\", "
                     "when: now}\n")
    with pytest.raises(ConfigError, match=r"verbs.meet: unknown keys \['when'\]"):
        load_dictionary(tmp_path)
    _write(tmp_path, f"kinds:\n{_KINDS}nouns: {{}}\nverbs: {{}}\n",
           'codes:\n  "040": {name: "Meet", goldstein: 11, quad: 1, plover: CONSULT}\n')
    with pytest.raises(ConfigError, match="goldstein in"):
        load_dictionary(tmp_path)
    _write(tmp_path, f"kinds:\n{_KINDS}nouns: {{}}\nverbs: {{}}\n",
           'codes:\n  "040": {name: "Meet", goldstein: 1, quad: 1, plover: MEET}\n')
    with pytest.raises(ConfigError, match="unknown PLOVER category 'MEET'"):
        load_dictionary(tmp_path)
    _write(tmp_path, "verbs: [")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_dictionary(tmp_path)


@pytest.mark.slow
def test_code_table_agrees_with_the_published_tables() -> None:
    """Goldstein weight and quad class match CAMEO's published scale; the PLOVER category
    matches the CAMEO-to-PLOVER table wherever that table has the code."""
    codes_tsv, c2p_tsv = SHARED_EVENTS / "cameo_codes.tsv", SHARED_EVENTS / "cameo2plover.tsv"
    if not codes_tsv.is_file() or not c2p_tsv.is_file():
        pytest.skip(f"{SHARED_EVENTS} lacks the CAMEO tables")
    with codes_tsv.open(encoding="utf-8") as fh:
        published = {r["code"]: r for r in csv.DictReader(fh, delimiter="\t")}
    plover: dict[str, set[str]] = {}
    with c2p_tsv.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            plover.setdefault(r["cameo_code"], set()).add(r["plover_event"])
    table = load_dictionary().codes
    for code, row in table.items():
        assert code in published, code
        assert row.goldstein == float(published[code]["goldstein"]), code
        assert row.quad == int(published[code]["quad_class"]), code
        # names are evenhand's own words, not the published ones
        assert row.name.lower() != published[code]["name"].lower(), code
        if code in plover:
            assert row.plover in plover[code], (code, row.plover, plover[code])
        elif code[:2] == "02":
            assert row.plover == "REQUEST", code  # appeals, filed with demands
        else:
            assert code[:2] == "01" and row.plover is None, code


def test_penta_class_of_codes() -> None:
    assert [penta_class(c) for c in ("010", "0253", "036", "057", "062", "0841", "090")] == \
        [0, 0, 1, 1, 2, 2, 3]
    assert [penta_class(c) for c in ("112", "163", "141", "154", "173", "190", "202")] == \
        [3, 3, 4, 4, 4, 4, 4]


def test_fallback_model_loads_and_bad_models_are_clear_errors() -> None:
    model = load_fallback()
    assert model is not None and len(model.bias) == 5 and len(model.weights) > 100
    assert model.meta["trained_on"].startswith("ConfliBERT")
    assert 0 <= model.predict(["attack", "kill", "ENT=GPE"]) <= 4
    with pytest.raises(ConfigError, match="expected 5 classes"):
        PentaFallback.from_json('{"bias": [0, 0], "weights": {}}')
    with pytest.raises(ConfigError, match="not a penta-class model"):
        PentaFallback.from_json("[]")
    again = PentaFallback.from_json(model.to_json())
    assert again.predict(["attack"]) == model.predict(["attack"])


# --- the component ----------------------------------------------------------------------------

def _events(nlp: Language, text: str) -> list[dict[str, Any]]:
    doc = nlp(text)
    events: list[dict[str, Any]] = doc._.evenhand_events
    for e in events:
        assert set(e) == EVENT_KEYS
        assert text[e["start"]:e["end"]] == e["text"]
        assert text[e["trigger"]["start"]:e["trigger"]["end"]] == e["trigger"]["text"]
        for side in ("source", "target"):
            if e[side]:
                assert text[e[side]["start"]:e[side]["end"]] == e[side]["text"]
    return events


def _dyads(events: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(e["source"] and e["source"]["code"], e["code"],
             e["target"] and e["target"]["code"], e["mode"]) for e in events}


def test_component_is_in_the_default_pipeline_and_declares_what_it_uses(nlp: Language) -> None:
    assert nlp.pipe_names[-1] == "evenhand_events"
    meta = nlp.get_pipe_meta("evenhand_events")
    assert "doc._.evenhand_events" in meta.assigns
    assert {"doc._.evenhand_actors", "doc._.evenhand_quotes"} <= set(meta.requires)


def test_actor_codes_from_names_adjectives_and_heads(nlp: Language) -> None:
    assert ("CHNMIL", "190", "INDMIL", None) in _dyads(_events(
        nlp, "Chinese troops attacked Indian soldiers near the border."))
    assert ("USAGOV", "111", None, None) in _dyads(_events(
        nlp, "Washington condemned the raid."))
    assert ("IRQCOP", "173", "---CVL", None) in _dyads(_events(
        nlp, "Iraqi police arrested 20 protesters in Basra."))


def test_compound_subjects_give_one_event_each(nlp: Language) -> None:
    dyads = _dyads(_events(nlp, "France and Germany signed a defence treaty."))
    assert dyads == {("FRA", "057", None, None), ("DEU", "057", None, None)}


def test_reciprocal_verbs_code_both_directions(nlp: Language) -> None:
    dyads = _dyads(_events(nlp, "The United States and Britain met on Monday."))
    assert dyads == {("USA", "040", "GBR", None), ("GBR", "040", "USA", None)}


def test_passive_source_is_the_by_phrase(nlp: Language) -> None:
    dyads = _dyads(_events(nlp, "Russia was sanctioned by the United States on Monday."))
    assert dyads == {("USA", "163", "RUS", None)}


def test_denial_is_coded_as_denial_and_the_denied_act_as_negated(nlp: Language) -> None:
    events = _events(nlp, "Russia and China have denied that their troops attacked the "
                          "village.")
    denials = {(e["source"]["code"], e["code"], e["mode"]) for e in events
               if e["code"] == "016"}
    assert denials == {("RUS", "016", None), ("CHN", "016", None)}
    assert events[0]["plover"] is None  # PLOVER has no statement category
    attacks = [e for e in events if e["code"][:2] in ("18", "19")]
    assert attacks and all(e["mode"] == "negated" for e in attacks)


def test_negation_and_modality(nlp: Language) -> None:
    assert _dyads(_events(nlp, "Iran did not attack the tanker.")) == {
        ("IRN", "190", None, "negated")}
    # plans and futures are coded as intents, as CAMEO does
    assert ("JPN", "036", "KOR", "intended") in _dyads(_events(
        nlp, "Japan will meet South Korea next week."))
    assert ("CHN", "154", "MLI", "intended") in _dyads(_events(
        nlp, "China plans to send troops to Mali."))
    hypothetical = _events(nlp, "Beijing said Pakistan could attack India.")
    assert [e["mode"] for e in hypothetical if e["code"] == "190"] == ["hypothetical"]
    # a refusal announced ("will not lift") is a refusal, not a non-event
    assert ("ISR", "1241", "PSE", None) in _dyads(_events(
        nlp, "Israel will not lift the blockade of Gaza."))


def test_kinds_take_their_code_from_the_governed_action(nlp: Language) -> None:
    assert ("TUR", "1312", "GRC", None) in _dyads(_events(
        nlp, "Turkey threatened to impose sanctions on Greece."))
    assert ("IGO", "0253", "SRB", None) in _dyads(_events(
        nlp, "The European Union urged Serbia to release the journalists."))
    assert ("DEU", "071", "HTI", None) in _dyads(_events(
        nlp, "Germany gave $2 million in aid to Haiti."))


def test_events_in_quotes_are_claimed_by_the_speaker(nlp: Language) -> None:
    text = "“Our army attacked the rebels at dawn,” the Sudanese defence minister said."
    doc = nlp(text)
    speaker = doc._.evenhand_quotes[0].actor
    attack = next(e for e in doc._.evenhand_events if e["code"] == "190")
    assert speaker is not None and attack["claimed_by"] == speaker
    assert attack["mode"] == "claimed"


def test_sources_and_targets_link_to_evenhand_actors(nlp: Language) -> None:
    doc = nlp("Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow.")
    names = {a.id: a.name for a in doc._.evenhand_actors}
    meet = next(e for e in doc._.evenhand_events if e["code"] == "040")
    assert names[meet["source"]["actor"]] == "Xi Jinping"
    assert meet["source"]["code"] == "CHNGOV"
    assert names[meet["target"]["actor"]] == "Vladimir Putin"


def test_no_event_without_a_dictionary_verb_or_an_actor(nlp: Language) -> None:
    assert _events(nlp, "The weather was mild and the markets were calm.") == []
    assert _events(nlp, "Someone attacked something.") == []


def test_report_json_and_views_carry_the_events(nlp: Language) -> None:
    from evenhand.render.html import render_html
    from evenhand.render.markdown import render_markdown

    text = "Chinese troops attacked Indian soldiers near the border on Monday."
    report = evenhand.analyze(text, nlp=nlp)
    data = json.loads(report.to_json())
    assert data["events"] and set(data["events"][0]) == EVENT_KEYS
    assert "190 Use military force" in render_markdown(report, text)
    assert "190 Use military force" in render_html(report, text)


# --- the seed article --------------------------------------------------------------------------

def test_seed_article_events(nlp: Language, seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    report = evenhand.analyze(text, nlp=nlp)
    events = report.events or []
    for e in events:
        assert text[e["start"]:e["end"]] == e["text"]
    dyads = {(e["source"] and e["source"]["code"], e["code"], e["target"] and
              e["target"]["code"], e["mode"]) for e in events}
    names = {a.id: a.name for a in report.actors}
    # the Xi-Putin meeting, both ways, linked to the two leaders
    assert {("CHNGOV", "040", "RUSGOV", None), ("RUSGOV", "040", "CHNGOV", None)} <= dyads
    meeting = next(e for e in events if e["code"] == "040" and e["mode"] is None)
    assert names[meeting["source"]["actor"]] == "Xi Jinping"
    # agreeing to bolster ties: an intent to cooperate (03x), by both leaders
    intents = {e["source"]["code"] for e in events if e["code"][:2] == "03"
               and e["trigger"]["text"] == "agreeing"}
    assert intents == {"CHNGOV", "RUSGOV"}
    # China sending troops to the drills in Russia: military cooperation
    assert ("CHN", "062", "RUS", None) in dyads
    # the US sanctions on Russia
    assert ("USA", "163", "RUS", None) in dyads
    # the denial is a denial (016), by each of the two, and no attack is coded
    assert {("RUS", "016", None, None), ("CHN", "016", None, None)} <= dyads
    assert not any(e["code"][:2] in ("18", "19", "20") for e in events)
    # the warning of what the drills might lead to codes nothing as having happened
    escalate = text.index("could escalate")
    assert not any(e["start"] <= escalate < e["end"] and e["mode"] is None for e in events)
