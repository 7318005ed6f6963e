"""Story clustering: group articles that report the same story.

Each article becomes two sparse vectors: TF-IDF over its content words (headline words
counted :data:`TITLE_WEIGHT` times) and TF-IDF over its names (capitalised words, plus the
actors and events of its analysis when it has one). Two articles are *candidates* only when
their dates are at most ``window_days`` apart and they share a blocking key: one of each
other's :data:`BLOCK_TERMS` heaviest words or :data:`BLOCK_NAMES` heaviest names. A key
shared by more than :data:`BLOCK_CAP` articles inside the window says nothing about the
story ("Trump" on any day of 2017) and is skipped for that article, which bounds the
candidates per article by a constant: the work grows linearly with the corpus, not with its
square.

Candidates are scored ``NAME_SHARE · cos(names) + (1 − NAME_SHARE) · cos(words)`` (with an
encoder, the mean of that and the cosine of the two articles' embeddings), and the scored
graph is clustered by average linkage: the two clusters with the highest mean similarity
(a pair never scored counts 0) merge while that mean is at least ``threshold``. Average
linkage, not connected components, so that one bridging pair does not chain two stories
together.

Story ids are stable: ``s`` + 10 hex digits of the SHA-1 of the story's earliest article id
(by date, then id), so adding later articles keeps a story's id.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ConfigError, InputError
from .text import Vector, content_words, cosine, entity_words, normalise, tfidf, top_terms

__all__ = ["BLOCK_CAP", "DEFAULT_THRESHOLD", "DEFAULT_WINDOW_DAYS", "Clustering", "Encoder",
           "StoryArticle", "cluster_stories", "parse_date", "story_id"]

DEFAULT_WINDOW_DAYS = 3
DEFAULT_THRESHOLD = 0.2
TITLE_WEIGHT = 3
NAME_SHARE = 0.5
TERMS_KEPT = 200  # heaviest words kept per article: the long tail adds little to a cosine
NAMES_KEPT = 60
BLOCK_TERMS = 10
BLOCK_NAMES = 6
BLOCK_CAP = 200
# Pairs scoring below this never join the graph (average linkage could not use them anyway
# unless most of a cluster's pairs were far above the threshold).
EDGE_FLOOR_SHARE = 0.5

Encoder = Callable[[Sequence[str]], Sequence[Sequence[float]]]


@dataclass
class StoryArticle:
    """What clustering needs of an article. ``actors`` (names) and ``events`` (keys such as
    ``"042:CHNGOV>RUSGOV"``) come from its analysis when there is one."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    actors: Sequence[str] = ()
    events: Sequence[str] = ()
    url: str | None = None

    @classmethod
    def from_report(cls, meta: Mapping[str, Any], report: Mapping[str, Any] | None
                    ) -> StoryArticle:
        """From article metadata (``id``, ``text``, ``title``, ``outlet``, ``date``) and its
        report dict (``actors``, ``events``), as the store yields them."""
        report = report or {}
        actors = [a.get("name") or "" for a in report.get("actors") or []
                  if a.get("type") in ("person", "organization", "group")]
        events = [event_key(e) for e in report.get("events") or [] if e.get("code")]
        return cls(id=str(meta["id"]), text=str(meta.get("text") or ""),
                   title=meta.get("title"), outlet=meta.get("outlet"),
                   date=_iso(meta.get("date")), actors=actors, events=events,
                   url=meta.get("url"))


def event_key(event: Mapping[str, Any]) -> str:
    """An event as a clustering key: its CAMEO code and the codes of its two actors."""
    def code(side: Any) -> str:
        return str(side.get("code") or "") if isinstance(side, Mapping) else ""
    return f"{event.get('code')}:{code(event.get('source'))}>{code(event.get('target'))}"


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def parse_date(value: str | None) -> date | None:
    """The calendar date of an ISO 8601 date or date-time (``2019-03-01``,
    ``2019-03-01T08:00:00Z``); None when absent or unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def story_id(anchor_id: str) -> str:
    return "s" + hashlib.sha1(anchor_id.encode("utf-8")).hexdigest()[:10]


@dataclass
class Clustering:
    """The result: each article's story, and what the blocking did."""

    story_of: dict[str, str]
    stories: dict[str, list[str]]
    candidates: int = 0  # pairs scored
    edges: int = 0  # pairs kept in the graph
    undated: list[str] = field(default_factory=list)

    def to_rows(self, ids: Iterable[str] | None = None) -> list[dict[str, str]]:
        """``{"id", "story"}`` per article, in ``ids`` order (default: clustering order)."""
        return [{"id": i, "story": self.story_of[i]} for i in (ids or self.story_of)]


@dataclass
class _Features:
    terms: Vector
    names: Vector
    day: int | None
    keys: list[str]


def _featurise(articles: Sequence[StoryArticle]) -> list[_Features]:
    term_counts: list[Counter[str]] = []
    name_counts: list[Counter[str]] = []
    for a in articles:
        title = a.title or ""
        terms = Counter(content_words(a.text))
        for word in content_words(title):
            terms[word] += TITLE_WEIGHT
        names = Counter(entity_words(title + "\n\n" + a.text))
        # the analysis's actors and events add to the names: an actor's name words once
        # per actor, so that "Xi Jinping" and "Xi" agree
        for actor in a.actors:
            for word in {normalise(w) for w in actor.split()}:
                if len(word) > 1:
                    names[word] += 1
        for key in a.events:
            names["event:" + key] += 1
        term_counts.append(terms)
        name_counts.append(names)
    n = len(articles)
    term_idf, term_default = _idf(term_counts, n)
    name_idf, name_default = _idf(name_counts, n)
    features = []
    for a, terms, names in zip(articles, term_counts, name_counts, strict=True):
        tv = tfidf(terms, term_idf, term_default, keep=TERMS_KEPT)
        nv = tfidf(names, name_idf, name_default, keep=NAMES_KEPT)
        day = parse_date(a.date)
        keys = ["t:" + t for t in top_terms(tv, BLOCK_TERMS)]
        keys += ["n:" + t for t in top_terms(nv, BLOCK_NAMES)]
        features.append(_Features(tv, nv, day.toordinal() if day else None, keys))
    return features


def _idf(counts: Sequence[Counter[str]], n: int) -> tuple[dict[str, float], float]:
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
    return idf, math.log(n + 1) + 1.0


def _candidates(features: Sequence[_Features], window: int) -> Iterable[tuple[int, int]]:
    """Pairs (i, j), i < j, within the window that share a blocking key not too common
    inside that window."""
    dated: dict[str, list[tuple[int, int]]] = defaultdict(list)
    undated: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        for key in f.keys:
            if f.day is None:
                undated[key].append(i)
            else:
                dated[key].append((f.day, i))
    days: dict[str, list[int]] = {}
    for key, postings in dated.items():
        postings.sort()
        days[key] = [d for d, _ in postings]
    for i, f in enumerate(features):
        near: set[int] = set()
        for key in f.keys:
            postings = dated.get(key, [])
            if f.day is None:  # an undated article: any date, but only through rare keys
                lo, hi = 0, len(postings)
            else:
                lo = bisect_left(days[key], f.day - window) if postings else 0
                hi = bisect_right(days[key], f.day + window) if postings else 0
            others = undated.get(key, [])
            if hi - lo + len(others) > BLOCK_CAP:
                continue
            near.update(j for _, j in postings[lo:hi] if j > i)
            near.update(j for j in others if j > i)
        for j in sorted(near):
            yield i, j


def _average_linkage(n: int, edges: Mapping[tuple[int, int], float],
                     threshold: float) -> list[int]:
    """Cluster label per item: merge the pair of clusters with the highest mean pairwise
    similarity (unscored pairs count 0) while it reaches ``threshold``."""
    parent = list(range(n))
    size = [1] * n
    links: list[dict[int, float]] = [dict() for _ in range(n)]  # summed similarities
    for (i, j), s in edges.items():
        links[i][j] = links[i].get(j, 0.0) + s
        links[j][i] = links[j].get(i, 0.0) + s
    heap = [(-s, i, j) for (i, j), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    alive = [True] * n
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or b not in links[a]:
            continue
        mean = links[a][b] / (size[a] * size[b])
        if abs(mean + neg) > 1e-12:  # stale entry: the pair's mean has changed since
            continue
        if mean < threshold:
            break
        if size[a] < size[b]:
            a, b = b, a
        alive[b] = False
        parent[b] = a
        size[a] += size[b]
        del links[a][b]
        del links[b][a]
        for c, s in links[b].items():
            links[c].pop(b)
            links[a][c] = links[a].get(c, 0.0) + s
            links[c][a] = links[a][c]
        links[b] = {}
        for c, s in links[a].items():
            m = s / (size[a] * size[c])
            if m >= threshold:
                heapq.heappush(heap, (-m, min(a, c), max(a, c)))
    labels = []
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        labels.append(root)
    return labels


def cluster_stories(articles: Sequence[StoryArticle], *,
                    window_days: int = DEFAULT_WINDOW_DAYS,
                    threshold: float = DEFAULT_THRESHOLD,
                    encoder: Encoder | None = None) -> Clustering:
    """Group ``articles`` into stories (see the module's description).

    ``window_days``: the most days between two articles of one story (articles without a
    readable date are compared with all dates, through their rarer keys only).
    ``threshold``: the least mean similarity inside a story, in [0, 1].
    ``encoder``: optional; maps texts to embedding vectors (see :mod:`.embeddings`).
    """
    if window_days < 0:
        raise ConfigError(f"window_days must be 0 or more, not {window_days}")
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"threshold must be in (0, 1], not {threshold}")
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            raise InputError(a.id, "duplicate article id")
        seen.add(a.id)
    features = _featurise(articles)
    pairs = list(_candidates(features, window_days))
    scores = [NAME_SHARE * cosine(features[i].names, features[j].names)
              + (1 - NAME_SHARE) * cosine(features[i].terms, features[j].terms)
              for i, j in pairs]
    if encoder is not None and pairs:
        scores = _with_embeddings(articles, pairs, scores, encoder)
    floor = threshold * EDGE_FLOOR_SHARE
    edges = {p: s for p, s in zip(pairs, scores, strict=True) if s >= floor}
    labels = _average_linkage(len(articles), edges, threshold)
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    story_of: dict[str, str] = {}
    stories: dict[str, list[str]] = {}
    for group in members.values():
        anchor = min(group, key=lambda i: (features[i].day is None, features[i].day or 0,
                                           articles[i].id))
        sid = story_id(articles[anchor].id)
        stories[sid] = [articles[i].id for i in group]
        for i in group:
            story_of[articles[i].id] = sid
    ordered = {a.id: story_of[a.id] for a in articles}
    return Clustering(story_of=ordered, stories=stories, candidates=len(pairs),
                      edges=len(edges),
                      undated=[a.id for a, f in zip(articles, features, strict=True)
                               if f.day is None])


def _with_embeddings(articles: Sequence[StoryArticle], pairs: Sequence[tuple[int, int]],
                     scores: Sequence[float], encoder: Encoder) -> list[float]:
    """Average each lexical score with the cosine of the two articles' embeddings (of the
    headline and opening paragraphs, which say what the story is)."""
    from .embeddings import unit

    needed = sorted({i for pair in pairs for i in pair})
    texts = [lead_text(articles[i]) for i in needed]
    vectors = dict(zip(needed, (unit(v) for v in encoder(texts)), strict=True))
    return [(s + max(0.0, sum(x * y for x, y in zip(vectors[i], vectors[j], strict=True)))) / 2
            for (i, j), s in zip(pairs, scores, strict=True)]


def lead_text(article: StoryArticle, chars: int = 600) -> str:
    """The headline and the opening of the text, about as much as a small sentence encoder
    reads (256 word pieces)."""
    head = (article.title or "").strip()
    return (head + "\n" if head else "") + article.text.strip()[:chars]
