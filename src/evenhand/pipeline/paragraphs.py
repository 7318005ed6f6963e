"""The ``evenhand_paragraphs`` component: a paragraph break always ends a sentence.

Runs before the parser, which keeps preset sentence starts. Without it a headline with no
final full stop, a dateline or a list item is parsed as the start of the next sentence, and
a cue in one paragraph can take content from the next.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["mark_paragraph_starts"]


@Language.component(
    "evenhand_paragraphs",
    assigns=["token.is_sent_start"],
)
def mark_paragraph_starts(doc: Doc) -> Doc:
    after_break = False
    for tok in doc:
        if tok.is_space:
            if tok.text.count("\n") >= 2 or ("\n" in tok.text and tok.i > 0 and \
                    "\n" in tok.nbor(-1).text_with_ws[-1:]):
                after_break = True
            continue
        if after_break and tok.i > 0:
            tok.is_sent_start = True
        after_break = False
    return doc
