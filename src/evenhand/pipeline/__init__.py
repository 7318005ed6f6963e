"""evenhand's spaCy components, registered by name on import:

* ``evenhand_paragraphs`` — paragraph breaks end sentences (add it before the parser);
* ``evenhand_quotes`` — quotes, their cues and speaker mentions (``doc._.evenhand_quotes``,
  ``doc.spans["evenhand_quotes"]``);
* ``evenhand_actors`` — actors and speaker resolution (``doc._.evenhand_actors``);
* ``evenhand_identity`` — each actor's role, country and gender where evident.

::

    import spacy, evenhand.pipeline
    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("evenhand_quotes"); nlp.add_pipe("evenhand_actors")
"""

from .actors import Actor, ActorsComponent, make_actors
from .identity import describe_actors, make_identity
from .paragraphs import mark_paragraph_starts
from .quotes import SPANS_KEY, Quote, QuotesComponent, make_quotes

__all__ = ["SPANS_KEY", "Actor", "ActorsComponent", "Quote", "QuotesComponent",
           "describe_actors", "make_actors", "make_identity", "make_quotes",
           "mark_paragraph_starts"]
