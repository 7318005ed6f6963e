"""evenhand's faster attribute ruler and lemmatizer (pipeline/_fast_spacy.py) give exactly
what spaCy's own components give: every token's tag, POS, morphology, lemma, dependency and
entity, on hand-written texts that reach the unusual patterns and on real articles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer

from evenhand.api import default_pipeline_name
from evenhand.pipeline import _fast_spacy
from evenhand.pipeline._fast_spacy import (
    FastAttributeRuler,
    FastEnglishLemmatizer,
    FastLemmatizer,
    speed_up,
)

pytestmark = pytest.mark.slow

COLUMNS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_TYPE, ENT_IOB]

# Written for these tests: contractions, dialect spellings and white space that reach the
# ruler's two-token, regular-expression and IS_SPACE patterns.
TEXTS = [
    "I'm gonna tell y'all what we gotta do: let's go, c'mon.\n\nThere is nothin' to fear.",
    "Ain't nobody got time for 'em, he said. 'Nuff said.  She'd have doin' it ol' style.",
    "Y all know it ain't so; they ca n't and wo n't, and we sha n't either.\t\tThere were two.",
    "He gets it. She got it. It is what it is, isn't it? Does he? He did, and he had.",
    "  \n  Leading and trailing white space, somethin' odd  \n\n\n   ",
    "Whether or not that's true, if it is, that which matters is this: those who can, do.",
    "",
    "\n",
    "'d 's 're 've 'll 'm n't",
]


@pytest.fixture(scope="module")
def pair() -> tuple[Language, Language]:
    name = default_pipeline_name()
    native, fast = spacy.load(name), spacy.load(name)
    assert speed_up(fast) == ["attribute_ruler", "lemmatizer"]
    return native, fast


def differences(native: Language, fast: Language, texts: list[str]) -> list[str]:
    out = []
    for doc_a, doc_b in zip(native.pipe(texts), fast.pipe(texts), strict=True):
        a, b = doc_a.to_array(COLUMNS), doc_b.to_array(COLUMNS)
        for i in np.flatnonzero((a != b).any(axis=1)).tolist():
            t, u = doc_a[i], doc_b[i]
            out.append(f"{doc_a.text[:30]!r} token {i} {t.text!r}: "
                       f"{t.tag_}/{t.pos_}/{t.morph}/{t.lemma_}/{t.dep_} vs "
                       f"{u.tag_}/{u.pos_}/{u.morph}/{u.lemma_}/{u.dep_}")
    return out


def test_swaps_only_spacys_own_components(pair: tuple[Language, Language]) -> None:
    native, fast = pair
    assert type(fast.get_pipe("attribute_ruler")) is FastAttributeRuler
    assert type(fast.get_pipe("lemmatizer")) in (FastEnglishLemmatizer, FastLemmatizer)
    assert type(native.get_pipe("attribute_ruler")) is AttributeRuler
    assert fast.pipe_names == native.pipe_names
    assert fast.config.to_str() == native.config.to_str()


def test_hand_written_texts_identical(pair: tuple[Language, Language]) -> None:
    native, fast = pair
    assert differences(native, fast, TEXTS) == []
    # twice: the second pass answers from the lemma memo and the regex memo
    assert differences(native, fast, TEXTS) == []


def test_matches_identical_to_spacys_matcher(pair: tuple[Language, Language]) -> None:
    native, fast = pair
    ruler_a, ruler_b = native.get_pipe("attribute_ruler"), fast.get_pipe("attribute_ruler")
    with native.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(native.pipe(TEXTS))
    total = 0
    for doc in docs:
        expected = sorted(set(ruler_a.match(doc)))
        assert sorted(set(ruler_b.match(doc))) == expected, doc.text
        total += len(expected)
    assert total > 100  # the texts really reach the ruler


def test_real_articles_identical(pair: tuple[Language, Language], shared_dir: Path) -> None:
    native, fast = pair
    texts = []
    for rel in ("data/corpus/basil_articles.jsonl", "data/quotes/polnear/dev.jsonl"):
        with (shared_dir / rel).open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    texts = texts[::3]  # every third: 128 articles, ~100k tokens, both kinds of source
    assert len(texts) > 100
    assert differences(native, fast, texts) == []


def test_unsupported_pattern_leaves_the_ruler_to_spacy() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "big"}, {"LOWER": "cat", "OP": "+"}]], {"LEMMA": "feline"}, index=-1)
    assert speed_up(nlp) == []  # an operator: not reproduced here
    assert type(ruler) is AttributeRuler
    # a supported ruler that later gets an unsupported pattern hands itself back to spaCy
    nlp2 = spacy.blank("en")
    ruler2 = nlp2.add_pipe("attribute_ruler")
    ruler2.add([[{"LOWER": "big"}]], {"LEMMA": "large"})
    assert speed_up(nlp2) == ["attribute_ruler"]
    assert [t.lemma_ for t in nlp2("a big dog")] == ["", "large", ""]
    ruler2.add([[{"LOWER": "big"}, {"LOWER": "cat", "OP": "+"}]], {"LEMMA": "feline"},
               index=-1)
    doc = nlp2("a big cat cat")
    assert type(ruler2) is AttributeRuler
    # spaCy's Matcher: "big cat" and "big cat cat" both match, each sets its last token
    assert [t.lemma_ for t in doc] == ["", "large", "feline", "feline"]


def test_patterns_added_later_are_used() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "big"}]], {"LEMMA": "large"})
    assert speed_up(nlp) == ["attribute_ruler"]
    ruler.add([[{"LOWER": {"REGEX": "^do+g$"}}, {"ORTH": "!"}]], {"LEMMA": "dog"}, index=0)
    assert [t.lemma_ for t in nlp("big doooog ! dog")] == ["large", "dog", "", ""]


def test_native_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_fast_spacy.NATIVE_ENV, "1")
    nlp = spacy.load(default_pipeline_name())
    assert speed_up(nlp) == []
    assert type(nlp.get_pipe("attribute_ruler")) is AttributeRuler
    monkeypatch.setenv(_fast_spacy.NATIVE_ENV, "0")
    assert speed_up(nlp) == ["attribute_ruler", "lemmatizer"]


def test_lemmatizer_overwrite_and_subclasses_left_alone(pair: tuple[Language, Language]
                                                       ) -> None:
    native, fast = pair
    lemmatizer = fast.get_pipe("lemmatizer")
    doc = native.make_doc("The dogs were running")
    for name in ("tok2vec", "tagger", "parser", "attribute_ruler"):
        doc = native.get_pipe(name)(doc)
    doc[1].lemma_ = "hound"
    assert [t.lemma_ for t in lemmatizer(doc)] == ["the", "hound", "be", "run"]
    spacys = native.get_pipe("lemmatizer")
    lemmatizer.overwrite = spacys.overwrite = True
    try:
        expected = [t.lemma_ for t in spacys(doc.copy())]
        assert [t.lemma_ for t in lemmatizer(doc)] == expected
        assert expected[1] == "dog"
    finally:
        lemmatizer.overwrite = spacys.overwrite = False

    class Custom(Lemmatizer):
        pass

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.get_pipe("lemmatizer").__class__ = Custom
    assert speed_up(nlp) == []
