"""``Doc.text`` rebuilds the string from every token on each access; components that need
it share one copy per Doc through ``doc.user_data``."""

from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["doc_text", "remember_text"]

_KEY = "evenhand_text"


def doc_text(doc: Doc) -> str:
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_KEY] = text
    return str(text)


def remember_text(doc: Doc, text: str) -> None:
    """Hand over the text ``doc`` was made from (``nlp.make_doc(text)``; spaCy keeps it
    exactly), so that no component has to rebuild it."""
    doc.user_data[_KEY] = text
