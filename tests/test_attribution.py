"""The evenhand_attribution component: vague sources, slanted cues, attributed-claim share.

Every sentence here was written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def attribution_nlp(nlp: Language) -> Language:
    """The shared pipeline: load_pipeline() includes this component."""
    return nlp


def _run(nlp: Language, text: str) -> dict[str, Any]:
    result: dict[str, Any] = nlp(text)._.evenhand_attribution
    return result


def _check_offsets(text: str, items: list[dict[str, Any]]) -> None:
    for item in items:
        assert text[item["start"]:item["end"]] == item["text"]


def test_vague_patterns_found_with_offsets(attribution_nlp: Language) -> None:
    text = ("Critics say the new toll will drive shoppers away. "
            "It is feared that the old pier could give way. "
            "Sources said the harbour master had quit. "
            "Some argue that the levy is unfair. "
            "There are growing concerns that the ferry is unsafe. "
            "Experts warn that fares will rise.")
    result = _run(attribution_nlp, text)
    _check_offsets(text, result["vague"])
    found = {(v["text"], v["pattern"]) for v in result["vague"]}
    assert ("Critics say", "generic-group") in found
    assert ("It is feared", "impersonal-passive") in found
    assert ("Sources said", "unnamed-source") in found
    assert ("Some argue", "quantifier") in found
    assert ("concerns that", "holderless-noun") in found
    assert ("Experts warn", "generic-expert") in found
    critics = next(v for v in result["vague"] if v["text"] == "Critics say")
    assert (critics["start"], critics["end"]) == (0, 11)


def test_named_expert_is_not_vague(attribution_nlp: Language) -> None:
    text = "Maria Gonzalez, an economist at the university, warned that fares will rise."
    result = _run(attribution_nlp, text)
    assert result["vague"] == []


def test_slanted_cues_are_categorised(attribution_nlp: Language) -> None:
    text = ("The senator claimed the audit was rigged. "
            "The treasurer admitted the books were late. "
            "The coach insisted his team had played fairly. "
            "The owner boasted that sales had doubled.")
    result = _run(attribution_nlp, text)
    _check_offsets(text, result["slanted"])
    got = {(s["text"], s["verb"], s["category"]) for s in result["slanted"]}
    assert got == {("claimed", "claim", "doubt"), ("admitted", "admit", "concession"),
                   ("insisted", "insist", "insistence"), ("boasted", "boast", "emotive")}
    quotes = attribution_nlp(text)._.evenhand_quotes
    for item in result["slanted"]:
        cue = quotes[item["quote_index"]].cue
        assert cue is not None and cue[0] <= item["start"] < cue[1]
    per_actor = result["slanted_by_actor"]
    assert sum(row["slanted"] for row in per_actor.values()) == 4
    assert all(row["cues"] >= row["slanted"] for row in per_actor.values())


def test_said_is_not_slanted(attribution_nlp: Language) -> None:
    text = ("The mayor said the road would reopen on Monday. "
            "She told reporters that the repairs were finished, and added that the cost "
            "was lower than planned.")
    result = _run(attribution_nlp, text)
    assert result["slanted"] == []
    assert all(row["slanted"] == 0 for row in result["slanted_by_actor"].values())


def test_refused_to_comment_is_slanted(attribution_nlp: Language) -> None:
    text = "The landlord refused to comment on the eviction."
    result = _run(attribution_nlp, text)
    assert [(s["text"], s["category"]) for s in result["slanted"]] == \
        [("refused to comment", "refusal")]


def test_attributed_claim_share(attribution_nlp: Language) -> None:
    text = ("The library closed its doors on Friday. "
            "The council said the building needs a new roof. "
            "Was the closure planned? "
            "Repairs will take two years, according to the architect. "
            "The town has three other libraries.")
    result = _run(attribution_nlp, text)
    # the question is not a claim; two of the four statements are attributed
    assert result["claims"] == 4
    assert result["attributed_claims"] == 2
    assert result["attributed_claim_share"] == 0.5


def test_blank_text_has_no_claims(attribution_nlp: Language) -> None:
    result = _run(attribution_nlp, "   \n\n   ")
    assert result["claims"] == 0
    assert result["attributed_claim_share"] is None
