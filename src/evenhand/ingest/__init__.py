"""Ingest corpora into the store: folders of .txt/.html, JSONL, CSV/TSV, WARC, RSS/Atom;
metadata normalised (outlet, ISO 8601 dates, language); exact duplicates skipped and
near-duplicates (MinHash LSH) linked. See docs/store.md.
"""

from .core import IngestResult, ingest, ingest_items
from .dedup import DEFAULT_THRESHOLD, jaccard, shingles
from .normalise import content_hash, detect_language, normalise_date, outlet_from_url
from .readers import ALIASES, FIELDS, FORMATS, RawItem, Skipped, iter_items, parse_fields

__all__ = [
    "ALIASES",
    "DEFAULT_THRESHOLD",
    "FIELDS",
    "FORMATS",
    "IngestResult",
    "RawItem",
    "Skipped",
    "content_hash",
    "detect_language",
    "ingest",
    "ingest_items",
    "iter_items",
    "jaccard",
    "normalise_date",
    "outlet_from_url",
    "parse_fields",
    "shingles",
]
