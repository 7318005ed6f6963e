"""Pairing quotation marks (fast, no model)."""

from __future__ import annotations

from evenhand.pipeline.marks import find_marked_quotes


def texts(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_marked_quotes(text)]


def test_straight_and_curly_marks() -> None:
    text = 'He said "we will go" and she said “we will stay”.'
    assert texts(text) == ['"we will go"', "“we will stay”"]


def test_apostrophes_are_not_quote_marks() -> None:
    text = "The States’ view isn’t new, and the ’90s weren’t either. Don't worry."
    assert texts(text) == []


def test_single_curly_quotes_with_several_words() -> None:
    text = "He called it ‘a very bad deal’ and left."
    assert texts(text) == ["‘a very bad deal’"]


def test_doubled_apostrophes_stand_for_double_quotes() -> None:
    text = "''It is more tinkering at the edges,'' said the economist."
    assert texts(text) == ["''It is more tinkering at the edges,''"]


def test_unbalanced_mark_closes_at_paragraph_end_with_a_warning() -> None:
    text = "“This never closes, he said.\n\nA new paragraph with “a proper quote”."
    quotes = find_marked_quotes(text)
    assert [text[q.start:q.end] for q in quotes] == [
        "“This never closes, he said.", "“a proper quote”"]
    assert quotes[0].unclosed and quotes[0].warnings
    assert not quotes[1].warnings


def test_quote_running_over_paragraphs_is_one_quotation() -> None:
    text = ("“The first paragraph of the statement.\n\n"
            "“The second paragraph goes on,” she said.")
    (quote,) = find_marked_quotes(text)
    assert len(quote.parts) == 2
    assert text[quote.start:quote.end] == text[:text.index(",”") + 2]


def test_stray_closing_mark_is_ignored() -> None:
    assert texts("A stray ” mark here.") == []
