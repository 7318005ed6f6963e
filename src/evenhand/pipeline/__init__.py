"""evenhand's spaCy components, registered by name on import:

* ``evenhand_paragraphs`` — paragraph breaks end sentences (add it before the parser);
* ``evenhand_quotes`` — quotes, their cues and speaker mentions (``doc._.evenhand_quotes``,
  ``doc.spans["evenhand_quotes"]``);
* ``evenhand_actors`` — actors and speaker resolution (``doc._.evenhand_actors``);
* ``evenhand_identity`` — each actor's role, country and gender where evident;
* ``evenhand_wording`` — per sentence, a bias score and loaded terms
  (``doc._.evenhand_sentences``);
* ``evenhand_attribution`` — attributed-claim share, vague and slanted attributions;
* ``evenhand_tone`` — tone toward each actor, from the clauses about it;
* ``evenhand_events`` — the events reported, CAMEO/PLOVER coded (``doc._.evenhand_events``).

::

    import spacy, evenhand.pipeline
    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("evenhand_quotes"); nlp.add_pipe("evenhand_actors")
"""

from .actors import Actor, ActorsComponent, make_actors
from .attribution import AttributionComponent, analyze_attribution, make_attribution
from .events import EventsComponent, make_events
from .identity import describe_actors, make_identity
from .paragraphs import mark_paragraph_starts
from .quotes import SPANS_KEY, Quote, QuotesComponent, make_quotes
from .tone import ToneComponent, analyze_tone, make_tone
from .wording import WordingComponent, make_wording

__all__ = [
           "SPANS_KEY",
           "Actor",
           "ActorsComponent",
           "AttributionComponent",
           "EventsComponent",
           "Quote",
           "QuotesComponent",
           "ToneComponent",
           "WordingComponent",
           "analyze_attribution",
           "analyze_tone",
           "describe_actors",
           "make_actors",
           "make_attribution",
           "make_events",
           "make_identity",
           "make_quotes",
           "make_tone",
           "make_wording",
           "mark_paragraph_starts",
]
