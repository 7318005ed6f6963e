"""The quote and actor components on small hand-written texts (model-backed: slow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import evenhand
from evenhand import Article, Report

if TYPE_CHECKING:
    from spacy.language import Language


def run(nlp: Language, text: str) -> Report:
    return evenhand.analyze(Article.from_text(text, find_boilerplate=False), nlp=nlp)


def speaker_of(report: Report, fragment: str) -> str | None:
    """The canonical name of the actor behind the quote containing ``fragment``."""
    for q in report.quotes:
        if fragment in q.text:
            actor = report.actor(q.actor) if q.actor else None
            return actor.name if actor else None
    raise AssertionError(f"no quote contains {fragment!r}: {[q.text for q in report.quotes]}")


def quote_with(report: Report, fragment: str) -> evenhand.QuoteRecord:
    for q in report.quotes:
        if fragment in q.text:
            return q
    raise AssertionError(f"no quote contains {fragment!r}: {[q.text for q in report.quotes]}")


def test_direct_quote_with_cue_after(nlp: Language) -> None:
    r = run(nlp, "“We will not back down,” Prime Minister Anna Lindqvist said on Monday.")
    q = quote_with(r, "We will not back down")
    assert q.kind == "direct"
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and "Anna Lindqvist" in q.speaker.text
    assert speaker_of(r, "back down") == "Anna Lindqvist"


def test_straight_quotes_and_cue_before_with_colon(nlp: Language) -> None:
    r = run(nlp, 'The mayor, Tom Baker, told reporters: "The bridge will reopen in May."')
    q = quote_with(r, "The bridge will reopen")
    assert q.kind == "direct"
    assert speaker_of(r, "bridge will reopen") == "Tom Baker"


def test_offsets_are_into_the_text_as_given(nlp: Language) -> None:
    text = "\n\n  “Prices will fall,” the minister said.  \n"
    r = run(nlp, text)
    for q in r.quotes:
        assert text[q.start:q.end] == q.text
        assert q.cue is None or text[q.cue.start:q.cue.end] == q.cue.text
        assert q.speaker is None or text[q.speaker.start:q.speaker.end] == q.speaker.text


@pytest.mark.parametrize("sentence,content", [
    ("The minister said that the talks had failed.", "the talks had failed"),
    ("The minister said the talks had failed.", "the talks had failed"),
    ("The talks had failed, the minister said.", "The talks had failed"),
    ("The minister told reporters the talks had failed.", "the talks had failed"),
    ("The minister warned that the talks could fail.", "the talks could fail"),
    ("The minister insisted the talks were going well.", "the talks were going well"),
    ("The minister denied that the talks had failed.", "the talks had failed"),
    ("The minister acknowledged that the talks had failed.", "the talks had failed"),
])
def test_indirect_speech(nlp: Language, sentence: str, content: str) -> None:
    r = run(nlp, sentence)
    q = quote_with(r, content)
    assert q.kind == "indirect"
    assert q.speaker is not None and "minister" in q.speaker.text


def test_according_to(nlp: Language) -> None:
    r = run(nlp, "According to the health ministry, 40 people were injured in the blast.")
    q = quote_with(r, "40 people were injured")
    assert q.cue is not None and q.cue.text == "According to"
    assert q.speaker is not None and q.speaker.text == "the health ministry"
    assert "According" not in q.text


def test_according_to_at_the_end(nlp: Language) -> None:
    r = run(nlp, "Forty people were injured in the blast, according to the Red Cross.")
    quote_with(r, "Forty people were injured")
    assert speaker_of(r, "Forty people") == "the Red Cross" or \
        speaker_of(r, "Forty people") == "Red Cross"


def test_mixed_quote_with_quoted_fragment(nlp: Language) -> None:
    r = run(nlp, "The senator said the plan was “dead on arrival” in the chamber.")
    q = quote_with(r, "dead on arrival")
    assert q.kind == "mixed"


def test_discontinuous_quote_is_one_quotation(nlp: Language) -> None:
    r = run(nlp, "“We came here to talk,” the envoy said, “and we will keep talking.”")
    q = quote_with(r, "We came here")
    assert "keep talking" in r.quotes[0].text or len(q.spans) == 2
    assert len([x for x in r.quotes if "keep talking" in x.text]) == 1


def test_floating_quote_paragraph_continues_the_previous_speaker(nlp: Language) -> None:
    text = ("“We are ready to sign the agreement today,” Maria Gonzalez said.\n\n"
            "“There is nothing left to negotiate and everyone at the table knows it.”\n\n"
            "The talks resume on Friday.")
    r = run(nlp, text)
    assert speaker_of(r, "nothing left to negotiate") == "Maria Gonzalez"


def test_pronoun_speaker_resolves_to_the_previous_subject(nlp: Language) -> None:
    text = ("President Marek Novak praised the agreement with Finland.\n\n"
            "“This is a good day for both our countries,” he said.")
    r = run(nlp, text)
    q = quote_with(r, "good day")
    assert q.speaker is not None and q.speaker.text == "he"
    assert speaker_of(r, "good day") == "Marek Novak"


def test_person_mentions_cluster_into_one_actor(nlp: Language) -> None:
    text = ("Chancellor Olaf Brandt met union leaders on Monday. Later, Chancellor Brandt "
            "said the strike had to end. Brandt added that wages would rise.")
    r = run(nlp, text)
    people = [a for a in r.actors if a.type == "person"]
    assert [a.name for a in people] == ["Olaf Brandt"]
    assert len(people[0].mentions) >= 3
    assert {q.actor for q in r.quotes} == {people[0].id}


def test_nominal_speaker_resolves_to_the_named_organisation(nlp: Language) -> None:
    text = ("Germany's Ministry of Finance published new figures on Monday. The ministry "
            "said that growth would slow next year.")
    r = run(nlp, text)
    assert "Ministry of Finance" in (speaker_of(r, "growth would slow") or "")


def test_documents_are_speakers(nlp: Language) -> None:
    r = run(nlp, "The report found that emissions had doubled since 2010.")
    q = quote_with(r, "emissions had doubled")
    actor = r.actor(q.actor) if q.actor else None
    assert actor is not None and actor.type == "document"


def test_an_unbalanced_mark_never_aborts_the_article(nlp: Language) -> None:
    text = "“This quote never closes, the official said.\n\nThe minister said prices would fall."
    r = run(nlp, text)
    assert quote_with(r, "prices would fall").kind == "indirect"


def test_a_quote_inside_a_quote_does_not_give_its_cue_to_the_outer_speaker(
        nlp: Language) -> None:
    text = "“My father said we should never give up,” Lena Ortiz told the crowd."
    r = run(nlp, text)
    assert speaker_of(r, "never give up") == "Lena Ortiz"


def test_spans_on_the_doc(nlp: Language) -> None:
    doc = nlp("“Prices will fall,” the minister said. The bank said rates would rise.")
    spans = doc.spans["evenhand_quotes"]
    assert {s.label_ for s in spans} == {"direct", "indirect"}
    assert doc._.evenhand_quotes and doc._.evenhand_actors


def test_components_are_registered_for_add_pipe() -> None:
    from spacy.language import Language

    import evenhand.pipeline  # noqa: F401

    for name in ("evenhand_paragraphs", "evenhand_quotes", "evenhand_actors"):
        assert Language.has_factory(name)


def test_quote_running_over_paragraphs_keeps_its_speaker(nlp: Language) -> None:
    text = ("“The first part of the statement runs on for a while.\n\n"
            "“And the second part ends it,” said Carla Mendes, the union's leader.")
    r = run(nlp, text)
    (q,) = [q for q in r.quotes if "first part" in q.text]
    assert "second part ends it" in q.text
    assert len(q.spans) == 2
    assert speaker_of(r, "first part") == "Carla Mendes"


def test_colon_introduces_a_quote_over_paragraphs(nlp: Language) -> None:
    text = ("The spokesman for the port authority, Ivan Petrov, said:\n\n"
            "“We expect the first ships to arrive in June and the rest by August.")
    r = run(nlp, text)
    assert speaker_of(r, "first ships") == "Ivan Petrov"


def test_quotation_resumes_after_a_long_attribution(nlp: Language) -> None:
    text = ("“The river has never been this low,” said Dana Whitfield, a hydrologist at the "
            "state university who has studied the basin for twenty years. “We should "
            "prepare for a dry summer.”")
    r = run(nlp, text)
    q = quote_with(r, "never been this low")
    assert "dry summer" in q.text and len(q.spans) == 2
    assert speaker_of(r, "dry summer") == "Dana Whitfield"


def test_quotation_signed_with_a_dash(nlp: Language) -> None:
    text = ("Readers told us what they thought of the debate.\n\n"
            "“Nobody on that stage talked about the price of housing for young families.” "
            "― Laura Jimenez\n\n"
            "“I came away more worried about the future of the factory in my town.” "
            "― Peter Olsen.")
    r = run(nlp, text)
    q = quote_with(r, "price of housing")
    assert q.speaker is not None and q.speaker.text == "Laura Jimenez"
    assert q.cue is not None and q.cue.text == "―"
    assert speaker_of(r, "factory in my town") == "Peter Olsen"


def test_passive_with_an_agent_attributes_to_the_agent(nlp: Language) -> None:
    r = run(nlp, "The new housing plan has been endorsed by the city council.")
    q = quote_with(r, "The new housing plan")
    assert q.speaker is not None and q.speaker.text == "the city council"


def test_a_possessor_and_a_that_clause_make_a_noun_cue(nlp: Language) -> None:
    r = run(nlp, "The senator's claim that the new tax would create jobs drew laughter in "
                 "the chamber.")
    (q,) = [q for q in r.quotes if q.cue is not None and q.cue.text == "claim"]
    assert q.text.endswith("the new tax would create jobs")
    assert q.speaker is not None and "senator" in q.speaker.text


def test_a_doubtful_quote_nested_in_another_speakers_quote_is_dropped() -> None:
    from evenhand.pipeline.quotes import Quote, _drop_doubtful_nested

    # "Critics rejected [the senator's claim [that the tax would create jobs]]"
    outer = Quote(17, 72, "indirect", (8, 16), (0, 7), speaker_head=0, cue_head=1)
    doubtful = Quote(40, 72, "indirect", (34, 39), (21, 32), speaker_head=4, cue_head=6,
                     score=0.6)
    sure = Quote(40, 72, "indirect", (34, 39), (21, 32), speaker_head=4, cue_head=6,
                 score=0.95)
    same_speaker = Quote(40, 72, "indirect", (34, 39), (0, 7), speaker_head=0, cue_head=6,
                         score=0.6)
    assert _drop_doubtful_nested([outer, doubtful], 0.8) == [outer]
    assert _drop_doubtful_nested([outer, sure], 0.8) == [outer, sure]
    assert _drop_doubtful_nested([outer, same_speaker], 0.8) == [outer, same_speaker]
    assert _drop_doubtful_nested([outer, doubtful], 0.0) == [outer, doubtful]


# --- headlines, transcripts, parentheticals ------------------------------------------------

@pytest.mark.parametrize("headline,speaker,cue,content", [
    ("Lindqvist: The bridge will reopen in May.", "Lindqvist", ":",
     "The bridge will reopen in May"),
    ("Mayor Says Harbour Tax Will Not Rise", "Mayor", "Says", "Harbour Tax Will Not Rise"),
    ("Harbour tax will not rise, mayor says", "mayor", "says", "Harbour tax will not rise"),
    ("Union blasts plan to close the depot", "Union", "blasts", "plan to close the depot"),
])
def test_headline_attributions_by_pattern(headline: str, speaker: str, cue: str,
                                          content: str) -> None:
    from evenhand.pipeline.headlines import headline_quotes

    (q,) = headline_quotes(headline)
    assert headline[slice(*q.speaker)] == speaker
    assert headline[slice(*q.cue)] == cue
    assert headline[slice(*q.content)] == content


@pytest.mark.parametrize("headline", [
    "Breaking: The bridge reopens in May", "Harbour town reopens its bridge",
    "The Latest: bridge reopens",
])
def test_headline_rubrics_and_plain_headlines_are_not_attributions(headline: str) -> None:
    from evenhand.pipeline.headlines import headline_quotes

    assert headline_quotes(headline) == []


def test_headline_attribution_is_reported_once(nlp: Language) -> None:
    head = "Lindqvist: The harbour bridge will reopen in May"
    text = f"{head}\n\n{head}\n\nThe harbour bridge has been closed since the storm in March."
    r = evenhand.analyze(Article.from_text(text), nlp=nlp)
    found = [q for q in r.quotes if "reopen in May" in q.text]
    assert len(found) == 1  # the repeated headline is not analysed
    (q,) = found
    assert q.start < len(head) and text[q.start:q.end] == q.text
    assert q.speaker is not None and q.speaker.text == "Lindqvist"


def test_transcript_turns_are_quotes_of_their_speakers(nlp: Language) -> None:
    text = ("The interview, in part:\n\n"
            "TAPPER: Do you think the governor can still win the state in November?\n\n"
            "FALLIN: Well, I think the whole nation needs to come together on this.")
    r = run(nlp, text)
    q = quote_with(r, "the whole nation needs")
    assert q.speaker is not None and q.speaker.text == "FALLIN"
    assert not q.text.startswith("FALLIN")
    assert quote_with(r, "still win the state").speaker.text == "TAPPER"  # type: ignore[union-attr]


def test_parenthetical_attribution_keeps_the_clause_it_reports(nlp: Language) -> None:
    r = run(nlp, "The museum, Mr. Obama said, would make visitors face uncomfortable truths.")
    q = quote_with(r, "uncomfortable truths")
    assert q.text.startswith("The museum") and len(q.spans) == 2
    assert q.speaker is not None and q.speaker.text == "Mr. Obama"
    assert [x.speaker.text for x in r.quotes if x.speaker] == ["Mr. Obama"]


def test_quotation_led_in_by_the_rest_of_its_sentence(nlp: Language) -> None:
    text = ("Judged against national polls, Stevens said, “the race looks like a contest "
            "nobody wants to win.”")
    r = run(nlp, text)
    q = quote_with(r, "nobody wants to win")
    assert len(q.spans) == 2
    assert text[q.spans[0][0]:q.spans[0][1]] == "Judged against national polls"
    assert speaker_of(r, "nobody wants to win") == "Stevens"


def test_token_arrays_agree_with_the_parse(nlp: Language) -> None:
    from evenhand.pipeline.bounds import TokenArrays

    doc = nlp("The minister, who spoke on Monday, said that the talks had failed. "
              "Critics were not surprised.")
    a = TokenArrays(doc)
    for tok in doc:
        assert a.head[tok.i] == tok.head.i and a.dep[tok.i] == tok.dep_
        assert list(a.kids(tok.i)) == [c.i for c in tok.children]
        assert (a.left[tok.i], a.right[tok.i]) == (tok.left_edge.i, tok.right_edge.i)
        assert a.sentence_of(tok.i) == (tok.sent.start, tok.sent.end)
    assert a.lemma[tok.i] == tok.lemma_.lower() and a.ent[tok.i] == tok.ent_type_
    assert a.quoted(0, len(doc)) is False and a.verb_cum[-1] == sum(
        t.pos_ in ("VERB", "AUX") for t in doc)


def test_weight_tables_look_up_what_the_feature_names_name() -> None:
    from evenhand.pipeline.bounds import feature_names, feature_weights

    templates = (("flag", 0), ("one=", 1), ("two=", 2), ("c|three=", 3), ("bare|", 1))
    weights = {"flag": 0.5, "one=a|b": 1.0, "two=x|y": 2.0, "two=|||": 3.0,
               "c|three=p|q|r": 4.0, "bare|ccomp": 5.0, "one=": 6.0, "unrelated": 7.0}
    names, tables = feature_names(templates), feature_weights(weights, templates)
    assert names["flag"] == "flag" and tables["flag"] == 0.5
    lookups = [("one=", ("a|b",)), ("one=", ("",)), ("one=", ("zz",)), ("two=", ("x", "y")),
               ("two=", ("|", "|")), ("two=", ("", "||")), ("two=", ("||", "")),
               ("two=", ("x", "z")), ("c|three=", ("p", "q", "r")), ("c|three=", ("p", "q|r")),
               ("bare|", ("ccomp",))]
    for name, values in lookups:
        made, weight = names[name], tables[name]
        for v in values[:-1]:
            made, weight = made.get(v), weight.get(v, {})
        # a "|" inside a value is ambiguous in the name: every reading finds its weight
        assert weight.get(values[-1], 0.0) == weights.get(made.get(values[-1]), 0.0), values


def test_line_anchored_patterns_match_as_finditer_does() -> None:
    from evenhand.pipeline.quotes import _DASH_SIGNED, _TRANSCRIPT, _line_matches

    text = ("TAPPER: And obviously, you're right about that.\nQ: Did the service work?\n\n"
            "“We will win this,” ― Ann Lee\n\"Again and again\" -- Bob Stone.\nNevada: x y z w\n"
            "A: yes it did, really it did.\n")
    for pattern in (_DASH_SIGNED, _TRANSCRIPT):
        expected = [m.span() for m in pattern.finditer(text)]
        assert expected and [m.span() for m in _line_matches(pattern, text)] == expected


def test_part_index_finds_the_spans_strictly_inside_a_part() -> None:
    from evenhand.pipeline.quotes import _PartIndex

    parts = [(10, 20), (5, 8), (30, 60), (32, 40)]
    inside = _PartIndex(parts)
    for start in range(0, 70):
        for end in range(start, 70, 3):
            assert inside(start, end) == any(ps < start and end < pe for ps, pe in parts)


def test_scores_from_weight_tables_equal_those_of_the_feature_names(nlp: Language) -> None:
    from itertools import repeat

    from evenhand.pipeline import bounds, cues
    from evenhand.pipeline.quotes import _cue_positions

    text = ("The minister told reporters on Monday that the talks had failed. Critics, "
            "who were not surprised, urged the government to resign, according to the "
            "union's statement. His claim that prices would fall was rejected by the "
            "central bank, which called for calm. It is clear that the plan was endorsed by "
            "dozens of papers. “We will not back down,” Anna Lindqvist said.")
    doc = nlp(text)
    scorer = cues.CueScorer.load()
    assert scorer.weights is not None and scorer.spans.active
    a = bounds.token_arrays(doc)
    starts = bounds.feature_weights(scorer.spans.start, bounds._START_TEMPLATES)
    ends = bounds.feature_weights(scorer.spans.end, bounds._END_TEMPLATES)
    tables = cues.feature_weights(scorer.weights, cues._CUE_TEMPLATES)
    seen = 0
    for v in _cue_positions(a):
        cand = cues.candidate_at(doc, a, v)
        if cand is None:
            continue
        seen += 1
        assert sum(cues._features(cand, tables)) == sum(
            map(scorer.weights.get, cand.features, repeat(0.0)))
        ctx = bounds.BoundaryContext.at(a, v, cand.first, cand.last, cand.comp_dep)
        for i in bounds.start_positions(ctx):
            assert sum(bounds._start_features(ctx, [i], starts)[0]) == sum(
                map(scorer.spans.start.get, bounds.start_features(ctx, i), repeat(0.0)))
            for e in bounds.end_positions(ctx, i):
                assert sum(bounds._end_features(ctx, i, [e], ends)[0]) == sum(
                    map(scorer.spans.end.get, bounds.end_features(ctx, i, e), repeat(0.0)))
    assert seen >= 8
