"""The evenhand_tone component and its BASIL evaluation.

Every sentence here was written for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tone_nlp(nlp: Language) -> Language:
    """The shared pipeline: load_pipeline() includes this component."""
    return nlp


def _tone_of(doc: Doc, name: str) -> dict[str, Any]:
    actor = next(a for a in doc._.evenhand_actors if name in a.name)
    result: dict[str, Any] = doc._.evenhand_tone[actor.id]
    return result


def test_accused_is_negative_for_the_target(tone_nlp: Language) -> None:
    doc = tone_nlp("Mayor Hal Jorgensen opened the new depot on Monday. "
                   "Critics accused the mayor of corruption.")
    tone = _tone_of(doc, "Jorgensen")
    assert tone["label"] == "negative"
    assert tone["score"] < 0
    assert any(e["text"] == "accused" and e["polarity"] == -1 and e["role"] == "patient"
               for e in tone["evidence"])
    for e in tone["evidence"]:
        assert doc.text[e["start"]:e["end"]] == e["text"]
    critics = _tone_of(doc, "Critics")
    assert critics["label"] == "neutral"  # accusing says nothing about the accuser


def test_own_quoted_praise_does_not_count(tone_nlp: Language) -> None:
    doc = tone_nlp("“Our programme is a great success and we are proud of it,” "
                   "Mayor Hal Jorgensen said.")
    tone = _tone_of(doc, "Jorgensen")
    assert tone["evidence"] == []
    assert tone["label"] == "neutral"


def test_others_praise_counts(tone_nlp: Language) -> None:
    doc = tone_nlp("The council praised Mayor Hal Jorgensen for the successful rollout.")
    tone = _tone_of(doc, "Jorgensen")
    assert tone["label"] == "positive"


def test_negation_flips_polarity(tone_nlp: Language) -> None:
    doc = tone_nlp("The council did not praise Governor Petra Lindqvist.")
    tone = _tone_of(doc, "Lindqvist")
    assert [(e["text"], e["polarity"]) for e in tone["evidence"]] == [("not praise", -1)]
    assert tone["label"] == "negative"
    doc = tone_nlp("Governor Petra Lindqvist is not corrupt.")
    assert _tone_of(doc, "Lindqvist")["score"] > 0


def test_agent_of_harm_and_description(tone_nlp: Language) -> None:
    doc = tone_nlp("Senator Bram Okafor, a disgraced former banker, was arrested "
                   "on Tuesday.")
    tone = _tone_of(doc, "Okafor")
    roles = {(e["text"], e["role"]) for e in tone["evidence"]}
    assert ("disgraced", "described") in roles
    assert ("arrested", "patient") in roles
    assert tone["label"] == "negative"


def test_every_actor_has_a_tone_entry(tone_nlp: Language) -> None:
    doc = tone_nlp("Mayor Hal Jorgensen met Governor Petra Lindqvist in Lisbon.")
    assert set(doc._.evenhand_tone) == {a.id for a in doc._.evenhand_actors}
    for entry in doc._.evenhand_tone.values():
        assert -1.0 <= entry["score"] <= 1.0
        assert entry["label"] in ("negative", "neutral", "positive")


def test_match_entity_by_name() -> None:
    from types import SimpleNamespace

    from evenhand.evaluation.tone import fold_feeling, match_entity

    actors = [SimpleNamespace(id="a1", name="Hal Jorgensen", type="person", mentions=[(0, 1)]),
              SimpleNamespace(id="a2", name="Harbour Board", type="organization",
                              mentions=[(2, 3)])]
    assert match_entity("Hal_Jorgensen", actors).id == "a1"
    assert match_entity("Harbour_Board", actors).id == "a2"
    assert match_entity("Petra_Lindqvist", actors) is None
    assert fold_feeling("str-neg") == "negative"
    assert fold_feeling("neu") == "neutral"
    assert fold_feeling("sli-pos") == "positive"


def test_evaluate_basil_shape(shared_dir: Path, tone_nlp: Language) -> None:
    path = shared_dir / "data" / "bias" / "basil" / "basil_articles.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    from evenhand.evaluation.tone import evaluate_basil

    result = evaluate_basil(path, nlp=tone_nlp, limit=3)
    assert result["articles"] == 3
    assert 0 < result["matched"] <= result["entities"]
    total = sum(sum(row.values()) for row in result["confusion"].values())
    assert total == result["matched"]
