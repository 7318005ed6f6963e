"""Tone toward actors scored against BASIL's entity-level feelings (Fan et al., EMNLP 2019).

BASIL annotates, for each of its 300 articles, the main entities and the *author's* feeling
toward each (``author_feeling_entities``: ``neg``/``neu``/``pos``, with ``str-``/``sli-``
strengths on some). The annotation lives in ``../shared/data/bias/basil/basil_articles.jsonl``
(``article_id``); the article text in ``../shared/data/corpus/basil_articles.jsonl`` (``id``,
the same ids). Both are research data, read in place, never copied.

Each annotated entity ("Donald_Trump", "Republican_lawmakers") is matched to one evenhand
actor by name (see :func:`match_entity`); its ``evenhand_tone`` label is compared with the
annotated feeling folded to three classes. Reported: coverage (entities matched), 3-way
accuracy with a confusion matrix, 2-way accuracy on the entities where both the gold and the
prediction are polar, and the all-neutral baseline for context.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..article import Article
from ..errors import EvaluationError
from ._jsonl import read_jsonl

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["LABELS", "evaluate_basil", "fold_feeling", "match_entity"]

LABELS = ("negative", "neutral", "positive")
_STOP = frozenset({"the", "of", "and", "for", "u.s.", "us"})


def fold_feeling(code: str) -> str | None:
    """BASIL's feeling codes (``neg``, ``str-neg``, ``sli-pos``, ``neu`` ...) to a label."""
    code = (code or "").lower()
    if code.endswith("neg"):
        return "negative"
    if code.endswith("pos"):
        return "positive"
    if code.endswith("neu"):
        return "neutral"
    return None


def _norm(word: str) -> str:
    word = re.sub(r"(?:'s|’s|'|’)$", "", word.lower()).strip(".,")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def _tokens(name: str) -> list[str]:
    return [_norm(w) for w in re.split(r"[\s_]+", name) if w and _norm(w) not in _STOP]


def match_entity(entity: str, actors: list[Any]) -> Any | None:
    """The actor an annotated entity name refers to, or None.

    Tiers, best first: the same name (case, plural and "_" ignored); for a person's name, an
    actor of type person whose name holds the surname and no other first name; every word
    of the entity in the actor's name; the entity's last word (its head: "Republican
    *lawmakers*") or its first word ("*Obama* administration") as a word of the actor's name.
    Within the best tier, the actor with the most mentions wins."""
    words = _tokens(entity)
    if not words:
        return None
    scored: list[tuple[int, int, Any]] = []
    for actor in actors:
        names = _tokens(actor.name)
        if not names:
            continue
        tier = 0
        if names == words:
            tier = 4
        elif actor.type == "person" and len(words) >= 2 and words[-1] in names and \
                (names[0] == words[0] or len(names) == 1):
            tier = 3
        elif set(words) <= set(names):
            tier = 2
        elif words[-1] in names or (len(words) > 1 and words[0] in names):
            tier = 1
        if tier:
            scored.append((tier, len(actor.mentions), actor))
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return scored[0][2]


def _default_corpus(articles_path: Path) -> Path:
    # ../shared/data/bias/basil/basil_articles.jsonl → ../shared/data/corpus/basil_articles.jsonl
    if not articles_path.is_file():
        raise EvaluationError(f"{articles_path}: cannot read (no such file)")
    parents = articles_path.resolve().parents
    if len(parents) < 3:
        raise EvaluationError(f"{articles_path}: cannot find the BASIL corpus beside it; "
                              "pass corpus_path")
    return parents[2] / "corpus" / "basil_articles.jsonl"


def evaluate_basil(articles_path: str | Path, nlp: Language | None = None,
                   limit: int | None = None, corpus_path: str | Path | None = None,
                   batch_size: int = 16) -> dict[str, Any]:
    """Score ``evenhand_tone`` against BASIL's author feelings toward the main entities.

    ``articles_path``: BASIL's article annotations; ``corpus_path``: the article texts
    (default: ``corpus/basil_articles.jsonl`` two folders up from the annotations).
    ``limit``: the first N annotated articles only. ``nlp``: a pipeline from
    :func:`evenhand.load_pipeline`; ``evenhand_tone`` is added when it lacks it."""
    from ..api import load_pipeline
    from ..pipeline import tone as _tone  # noqa: F401  registers the factory

    articles_path = Path(articles_path)
    corpus = Path(corpus_path) if corpus_path else _default_corpus(articles_path)
    texts = {row["id"]: row["text"] for _, row in read_jsonl(corpus)}
    annotations = [row for _, row in read_jsonl(articles_path) if row.get("article_id") in texts]
    if limit is not None:
        annotations = annotations[:limit]
    if nlp is None:
        nlp = load_pipeline()
    if "evenhand_tone" not in nlp.pipe_names:
        nlp.add_pipe("evenhand_tone")

    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    entities = matched = 0
    unmatched: list[str] = []
    items = ((Article.from_text(texts[row["article_id"]]).masked_text(), row)
             for row in annotations)
    for doc, row in nlp.pipe(items, as_tuples=True, batch_size=batch_size):
        actors = list(doc._.evenhand_actors or [])
        tone = doc._.evenhand_tone or {}
        for entity, code in (row.get("author_feeling_entities") or {}).items():
            gold = fold_feeling(code)
            if gold is None:
                continue
            entities += 1
            actor = match_entity(entity, actors)
            if actor is None:
                unmatched.append(entity)
                continue
            matched += 1
            confusion[gold][tone.get(actor.id, {}).get("label", "neutral")] += 1

    correct = sum(confusion[g][g] for g in LABELS)
    gold_counts = {g: sum(confusion[g].values()) for g in LABELS}
    polar = [(g, p) for g in ("negative", "positive") for p in ("negative", "positive")]
    polar_n = sum(confusion[g][p] for g, p in polar)
    polar_ok = confusion["negative"]["negative"] + confusion["positive"]["positive"]
    gold_polar = gold_counts["negative"] + gold_counts["positive"]
    return {
        "articles": len(annotations),
        "entities": entities,
        "matched": matched,
        "coverage": round(matched / entities, 4) if entities else None,
        "accuracy_3way": round(correct / matched, 4) if matched else None,
        "baseline_all_neutral_3way": round(gold_counts["neutral"] / matched, 4)
        if matched else None,
        "accuracy_2way": round(polar_ok / polar_n, 4) if polar_n else None,
        "n_2way": polar_n,
        "polar_recall": round(polar_ok / gold_polar, 4) if gold_polar else None,
        "gold": gold_counts,
        "predicted": {p: sum(confusion[g][p] for g in LABELS) for p in LABELS},
        "confusion": confusion,
        "unmatched_examples": sorted(set(unmatched))[:20],
    }
