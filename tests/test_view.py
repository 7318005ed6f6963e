"""The shared token table (evenhand.pipeline._view) must give exactly what spaCy's Token,
Span and Doc attributes give: the components read it instead of them and promise the same
output."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import spacy
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.tokens import Doc, Span

from evenhand.pipeline._view import C_LEMMA, C_LOWER, C_POS, VIEW_KEY, DocView, doc_view

if TYPE_CHECKING:
    from spacy.language import Language

# Written for this test: coordination, relative and passive clauses, apposition, quotation,
# possessives, particles, numbers and entities next to each other.
TEXT = """\
The foreign ministers of Norway and Sweden, who met in Oslo on Monday, said they had agreed \
to set up a joint fund. "We will not give up," said Anna Berg, Sweden's minister.

A report published by the Nordic Council was dismissed by officials in Stockholm, who \
called it "a rushed piece of work". Critics say the plan, worth $40 million, was drawn up \
without consulting the Sami Parliament or the unions.

Berg's deputy, Lars Holm, later pointed out that the fund would be run from Bergen and \
Malmo, and that Finland and Denmark were invited to join it.
"""


@pytest.fixture(scope="module")
def doc(nlp: Language, example_article: Path) -> Doc:
    return nlp(example_article.read_text(encoding="utf-8") + "\n\n" + TEXT)


def test_token_attributes_match_spacy(doc: Doc) -> None:
    v = DocView(doc)
    assert v.n == len(doc) > 300
    for tok in doc:
        i = tok.i
        assert (v.idx[i], v.end[i], v.tok_text(i)) == (tok.idx, tok.idx + len(tok), tok.text)
        assert v.head[i] == tok.head.i
        assert (v.dep[i], v.pos[i], v.tag[i]) == (tok.dep_, tok.pos_, tok.tag_)
        assert (v.lower[i], v.lemma[i]) == (tok.lower_, tok.lemma_.lower())
        assert (v.ent_type[i], v.ent_iob[i]) == (tok.ent_type_, tok.ent_iob_)
        assert (v.punct[i], v.space[i], v.quote[i]) == (tok.is_punct, tok.is_space,
                                                        tok.is_quote)
        assert v.skip[i] == (tok.is_punct or tok.is_space)
        assert list(v.children(i)) == [c.i for c in tok.children]
        assert list(v.lefts(i)) == [c.i for c in tok.lefts]
        assert list(v.rights(i)) == [c.i for c in tok.rights]
        assert v.conjuncts(i) == [c.i for c in tok.conjuncts]
        assert v.subtree(i) == [t.i for t in tok.subtree]
        assert v.ancestors(i) == [a.i for a in tok.ancestors]
        assert v.depth(i) == len(list(tok.ancestors))
        assert v.sent_bounds(i) == (tok.sent.start, tok.sent.end)
    assert v.sents == [(s.start, s.end) for s in doc.sents]
    assert v.ents == [(e.start, e.end, e.label_) for e in doc.ents]
    assert len(v.ents) > 10


def test_char_spans_and_roots_match_spacy(doc: Doc) -> None:
    v = DocView(doc)
    text = doc.text
    rng = random.Random(4)
    cases = [(e.start_char, e.end_char) for e in doc.ents]
    cases += [(a, min(len(text), a + rng.randrange(1, 120)))
              for a in (rng.randrange(len(text)) for _ in range(2000))]
    cases += [(len(text), len(text) + 3), (-2, 4)]
    for start, end in cases:
        span = doc.char_span(start, end, alignment_mode="expand")
        assert v.char_span(start, end) == (None if span is None else (span.start, span.end))
        if span is not None and len(span):
            assert v.root(span.start, span.end) == span.root.i
    for n in range(1, 6):
        for start in range(0, len(doc) - n):
            assert v.root(start, start + n) == doc[start:start + n].root.i


def test_word_tests_match_numpy_isin(doc: Doc) -> None:
    v = DocView(doc)
    strings = doc.vocab.strings
    for column, words in [(C_LOWER, ("said",)), (C_POS, ("VERB", "AUX")),
                          (C_LEMMA, frozenset({"say", "be", "minister", "fund", "call"})),
                          (C_LOWER, frozenset({"the", "of", "and", "in", "a", "to", "not"})),
                          (C_LOWER, frozenset()), (C_LOWER, ("no-such-word",))]:
        expected = np.isin(v.ids[:, column],
                           np.array([strings[w] for w in words], dtype=np.uint64))
        assert (v.has(column, words) == expected).all()
    assert v.has(C_LOWER, ("said",)).sum() >= 3


def test_table_kept_per_doc_until_dropped(nlp: Language) -> None:
    doc = nlp("Officials in Oslo said the talks would resume.")
    assert VIEW_KEY not in doc.user_data  # evenhand_events drops it
    view = doc_view(doc)
    assert doc_view(doc) is view
    assert doc.user_data[VIEW_KEY] is view


def test_entities_read_from_iob_columns_as_doc_ents() -> None:
    nlp = spacy.blank("en")
    rng = random.Random(3)
    labels = ["PERSON", "ORG", "GPE", "NORP"]
    for _ in range(500):
        doc = nlp.make_doc(" ".join(f"w{i}" for i in range(rng.randrange(0, 12))))
        ents, i = [], 0
        while i < len(doc):
            if rng.random() < 0.4:
                j = min(len(doc), i + rng.randrange(1, 4))
                ents.append(Span(doc, i, j, label=rng.choice(labels)))
                i = j
            else:
                i += 1
        doc.ents = ents
        if len(doc) and rng.random() < 0.3:  # a token without entity annotation
            arr = doc.to_array([ENT_IOB, ENT_TYPE])
            arr[rng.randrange(len(doc))] = 0
            doc.from_array([ENT_IOB, ENT_TYPE], arr)
        try:
            expected = [(e.start, e.end, e.label_) for e in doc.ents]
        except ValueError:
            with pytest.raises(ValueError, match="E093"):
                DocView(doc)
            continue
        assert DocView(doc).ents == expected


def test_inside_an_entity_without_its_start_is_spacys_error() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("a b c")
    arr = doc.to_array([ENT_IOB, ENT_TYPE])
    arr[1] = (1, doc.vocab.strings.add("ORG"))  # I without B
    doc.from_array([ENT_IOB, ENT_TYPE], arr)
    with pytest.raises(ValueError, match="E093"):
        DocView(doc)
