"""Ingest: read corpora into the store, normalised and de-duplicated.

Items are written in chunks, one transaction each: an article, its MinHash bands and its
near-duplicate links are written together or not at all. A killed ingest loses at most the
chunk in flight; running it again skips what is stored (exact duplicates by content hash)
and carries on. Bad items never stop an ingest: each is reported (``on_failure``) and
listed in the result.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update

from .._util import utc_now
from ..article import InputFailure
from ..store import Store
from ..store import models as m
from .dedup import DEFAULT_THRESHOLD, LshParams, jaccard, shingles
from .normalise import clean_meta, content_hash, detect_language, normalise_date, outlet_from_url
from .readers import RawItem, Skipped, iter_items

__all__ = ["IngestResult", "ingest", "ingest_items"]

_LSH_KEY = "minhash"
_QUERY_CHUNK = 500  # bind parameters per IN (...) query


@dataclass
class IngestResult:
    """What an ingest did. ``exact_duplicates``: articles skipped because their text is
    already stored (a copy from another source is recorded in ``exact_duplicates``);
    ``near_duplicate_links``: links written; ``flagged``: new articles linked to an
    earlier near-duplicate."""

    read: int = 0
    added: int = 0
    exact_duplicates: int = 0
    near_duplicate_links: int = 0
    flagged: int = 0
    failures: list[InputFailure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.read} articles read: {self.added} added, {self.exact_duplicates} "
                f"exact duplicates skipped, {self.flagged} flagged as near-duplicates "
                f"({self.near_duplicate_links} links); {len(self.failures)} failed, "
                f"{len(self.skipped)} non-articles skipped ({self.seconds:.1f} s)")


@dataclass
class _Prepared:
    row: dict[str, Any]
    shingles: frozenset[str]
    buckets: list[int]
    id: int | None = None


def ingest(paths: Sequence[str], store: Store, *, fields: Mapping[str, str] | None = None,
           fmt: str | None = None, outlet: str | None = None,
           near_threshold: float = DEFAULT_THRESHOLD, max_chars: int = 1_000_000,
           batch_size: int = 200, on_failure: Callable[[InputFailure], None] | None = None,
           on_progress: Callable[[IngestResult], None] | None = None) -> IngestResult:
    """Read ``paths`` (files or folders; see :func:`evenhand.ingest.iter_items`) into
    ``store``. ``fields`` maps fields to JSONL/CSV columns (``{"text": "body"}``),
    ``outlet`` names the outlet of items that give none and have no URL;
    ``near_threshold`` is the word 5-gram Jaccard similarity from which two articles are
    linked as near-duplicates."""
    items = iter_items(paths, fields=fields, fmt=fmt, max_chars=max_chars)
    return ingest_items(items, store, outlet=outlet, near_threshold=near_threshold,
                        max_chars=max_chars, batch_size=batch_size, on_failure=on_failure,
                        on_progress=on_progress)


def ingest_items(items: Iterable[RawItem | InputFailure | Skipped], store: Store, *,
                 outlet: str | None = None, near_threshold: float = DEFAULT_THRESHOLD,
                 max_chars: int = 1_000_000, batch_size: int = 200,
                 on_failure: Callable[[InputFailure], None] | None = None,
                 on_progress: Callable[[IngestResult], None] | None = None) -> IngestResult:
    """:func:`ingest` for items already read (RawItems, failures and skips)."""
    if not 0.0 < near_threshold <= 1.0:
        from ..errors import ConfigError

        raise ConfigError(f"near-duplicate threshold {near_threshold} is not in (0, 1]")
    started = time.perf_counter()
    result = IngestResult()
    params = _lsh_params(store)
    chunk: list[_Prepared] = []

    def fail(problem: InputFailure) -> None:
        result.failures.append(problem)
        if on_failure is not None:
            on_failure(problem)

    def flush() -> None:
        if chunk:
            _write_chunk(store, params, chunk, near_threshold, result)
            chunk.clear()
            result.seconds = time.perf_counter() - started
            if on_progress is not None:
                on_progress(result)

    for item in items:
        if isinstance(item, InputFailure):
            fail(item)
            continue
        if isinstance(item, Skipped):
            result.skipped.append(item)
            continue
        prepared = _prepare(item, params, outlet, max_chars)
        if isinstance(prepared, InputFailure):
            fail(prepared)
            continue
        result.read += 1
        chunk.append(prepared)
        if len(chunk) >= batch_size:
            flush()
    flush()
    result.seconds = time.perf_counter() - started
    return result


def _lsh_params(store: Store) -> LshParams:
    """The store's MinHash parameters, fixed by the first ingest into it."""
    with store.session(write=True) as s:
        value = s.scalar(select(m.StoreMeta.value).where(m.StoreMeta.key == _LSH_KEY))
        if value is not None:
            return LshParams.from_json(value)
        params = LshParams.default()
        s.add(m.StoreMeta(key=_LSH_KEY, value=params.to_json()))
        return params


def _prepare(item: RawItem, params: LshParams, default_outlet: str | None,
             max_chars: int) -> _Prepared | InputFailure:
    text = item.text
    if len(text) > max_chars:
        return InputFailure(item.source, f"{len(text):,} characters exceed the "
                                         f"{max_chars:,}-character limit")
    if "\x00" in text:
        return InputFailure(item.source, "the text contains NUL characters")
    if not text.strip():
        return InputFailure(item.source, "contains only whitespace")
    extra = dict(item.extra)
    url = clean_meta(item.url)
    date = normalise_date(item.date)
    if date is None and clean_meta(item.date) is not None:
        extra["date_raw"] = clean_meta(item.date)  # kept, so nothing given is lost
    language = detect_language(text)
    declared = clean_meta(item.language)
    if declared is not None and declared.lower()[:2] != language:
        extra["declared_language"] = declared
    grams = shingles(text, params.shingle)
    row = {
        "content_hash": content_hash(text),
        "external_id": clean_meta(item.external_id),
        "outlet": _cap(clean_meta(item.outlet) or outlet_from_url(url)
                       or clean_meta(default_outlet), 255),
        "url": url, "title": clean_meta(item.title), "date": date, "language": language,
        "source": item.source, "source_format": item.source_format, "text": text,
        "n_chars": len(text), "n_words": len(text.split()),
        "ingested_at": utc_now(), "extra": extra,
    }
    return _Prepared(row, grams, params.buckets(grams))


def _cap(value: str | None, size: int) -> str | None:
    return value[:size] if value is not None else None


def _chunks(values: Sequence[Any], size: int = _QUERY_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _write_chunk(store: Store, params: LshParams, chunk: list[_Prepared], threshold: float,
                 result: IngestResult) -> None:
    """One transaction: new articles, their bands, links and exact-duplicate sightings."""
    A = m.Article
    with store.session(write=True) as s:
        if store.dialect == "postgresql":  # concurrent ingests take turns, chunk by chunk
            s.connection().exec_driver_sql("SELECT pg_advisory_xact_lock(7268012)")
        hashes = sorted({p.row["content_hash"] for p in chunk})
        stored: dict[str, tuple[int, str]] = {}
        for part in _chunks(hashes):
            for aid, h, src in s.execute(select(A.id, A.content_hash, A.source)
                                         .where(A.content_hash.in_(part))):
                stored[h] = (aid, src)
        new: list[_Prepared] = []
        first: dict[str, _Prepared] = {}
        copies: list[_Prepared] = []
        for p in chunk:
            h = p.row["content_hash"]
            if h in stored or h in first:
                copies.append(p)
            else:
                first[h] = p
                new.append(p)
        result.exact_duplicates += len(copies)
        if new:
            ids = s.scalars(insert(A).returning(A.id, sort_by_parameter_order=True),
                            [p.row for p in new]).all()
            for p, aid in zip(new, ids, strict=True):
                p.id = aid
            _link_near_duplicates(s, params, new, threshold, result)
            result.added += len(new)
        sightings = []
        for p in copies:
            h = p.row["content_hash"]
            target, target_source = stored[h] if h in stored else (
                first[h].id, first[h].row["source"])
            if p.row["source"] == target_source:
                continue  # the same input ingested again
            sightings.append({
                "article_id": target, "source": p.row["source"],
                "source_format": p.row["source_format"], "external_id": p.row["external_id"],
                "outlet": p.row["outlet"], "url": p.row["url"], "title": p.row["title"],
                "date": p.row["date"], "seen_at": p.row["ingested_at"]})
        if sightings:
            s.execute(store._insert(m.ExactDuplicate).on_conflict_do_nothing(
                index_elements=["article_id", "source"]), sightings)


def _link_near_duplicates(s: Any, params: LshParams, new: list[_Prepared], threshold: float,
                          result: IngestResult) -> None:
    """Compare each new article with the stored and earlier new articles that share an LSH
    bucket with it; link those at or above ``threshold`` (exact Jaccard)."""
    A = m.Article
    wanted = sorted({b for p in new for b in p.buckets})
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    new_ids = {p.id for p in new}
    for part in _chunks(wanted):
        for aid, band, bucket in s.execute(
                select(m.MinHashBand.article_id, m.MinHashBand.band, m.MinHashBand.bucket)
                .where(m.MinHashBand.bucket.in_(part))):
            if aid not in new_ids:
                buckets[(band, bucket)].append(aid)
    # what each candidate needs: its shingles, outlet and group root
    grams: dict[int, frozenset[str]] = {}
    outlet: dict[int, str | None] = {}
    root: dict[int, int | None] = {}
    stored_ids = sorted({aid for p in new for band, b in enumerate(p.buckets)
                         for aid in buckets.get((band, b), ())})
    for part in _chunks(stored_ids):
        for aid, text, out, dup in s.execute(select(A.id, A.text, A.outlet, A.duplicate_of)
                                             .where(A.id.in_(part))):
            grams[aid], outlet[aid], root[aid] = shingles(text, params.shingle), out, dup
    links, roots, bands = [], [], []
    for p in new:
        assert p.id is not None
        candidates = {aid for band, b in enumerate(p.buckets)
                      for aid in buckets.get((band, b), ())}
        matches = sorted(((jaccard(p.shingles, grams[c]), c) for c in candidates),
                         reverse=True)
        matches = [(sim, c) for sim, c in matches if sim >= threshold]
        for sim, c in matches:
            links.append({"article_id": p.id, "duplicate_of": c, "similarity": round(sim, 6),
                          "cross_outlet": (p.row["outlet"] or "") != (outlet[c] or ""),
                          "method": f"minhash-lsh/jaccard-{params.shingle}gram"})
        group = None
        if matches:
            best = matches[0][1]
            group = root[best] or best  # the group's earliest article
            roots.append({"id": p.id, "duplicate_of": group})
            result.flagged += 1
        # later articles of this chunk see this one as a candidate
        grams[p.id], outlet[p.id], root[p.id] = p.shingles, p.row["outlet"], group
        for band, b in enumerate(p.buckets):
            buckets[(band, b)].append(p.id)
            bands.append({"article_id": p.id, "band": band, "bucket": b})
    if bands:
        s.execute(insert(m.MinHashBand), bands)
    if links:
        s.execute(insert(m.NearDuplicate), links)
        result.near_duplicate_links += len(links)
    if roots:
        s.execute(update(A), roots)
