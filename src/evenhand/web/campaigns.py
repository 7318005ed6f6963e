"""Folding near-identical reader reports into campaigns: the text side (no database).

A report's comment is normalised (Unicode NFKC, case folded, punctuation dropped, white
space collapsed). Then:

* a comment of at least :data:`MIN_WORDS` words is campaign material: its fingerprint is the
  hash of the normalised comment alone (the same letter pasted under any article folds
  together), and it gets a MinHash signature of its character 5-grams, banded for LSH, so
  that a copy with a word or two changed folds too (estimated Jaccard ≥ the configured
  similarity, 0.7 by default);
* a shorter comment (or none) says little by itself, so it folds only with reports of the
  same category on the same passage of the same article with the same normalised comment:
  its fingerprint covers all of those, and it has no signature.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from .._minhash import char_shingles, minhash_values

__all__ = ["BANDS", "MIN_WORDS", "NUM_PERM", "Fingerprint", "bands", "fingerprint",
           "normalise", "similarity"]

MIN_WORDS = 5
NUM_PERM = 64
BANDS = 16  # 16 bands of 4 rows: a pair at Jaccard 0.7 shares a band with p ≈ 0.99
ROWS = NUM_PERM // BANDS
SHINGLE = 5
_SEED = 20261128
_NON_WORD = re.compile(r"[\W_]+")


def normalise(comment: str) -> str:
    text = unicodedata.normalize("NFKC", comment).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


class Fingerprint:
    """A report's fingerprint (hex SHA-256) and, for campaign material, its signature."""

    __slots__ = ("key", "signature")

    def __init__(self, key: str, signature: bytes | None) -> None:
        self.key = key
        self.signature = signature


def fingerprint(comment: str, *, article_id: int, start: int | None, end: int | None,
                category: str) -> Fingerprint:
    norm = normalise(comment)
    if len(norm.split()) >= MIN_WORDS:
        key = hashlib.sha256(f"comment\x00{norm}".encode()).hexdigest()
        return Fingerprint(key, _signature(norm))
    scope = f"passage\x00{article_id}\x00{start}\x00{end}\x00{category}\x00{norm}"
    return Fingerprint(hashlib.sha256(scope.encode()).hexdigest(), None)


def _signature(norm: str) -> bytes:
    values = minhash_values(char_shingles(norm, SHINGLE), NUM_PERM, _SEED)
    return np.asarray(values, dtype="<u4").tobytes()


def _values(signature: bytes) -> np.ndarray:
    return np.frombuffer(signature, dtype="<u4")


def bands(signature: bytes) -> list[tuple[int, int]]:
    """``(band, bucket)`` for each LSH band: a signed 64-bit hash of the band's rows."""
    values = _values(signature)
    out = []
    for band in range(BANDS):
        rows = values[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + rows, digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "big", signed=True)))
    return out


def similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets."""
    va, vb = _values(a), _values(b)
    if va.shape != vb.shape:
        return 0.0
    return float(np.mean(va == vb))


def best_match(signature: bytes, candidates: Sequence[tuple[int, bytes]],
               threshold: float) -> int | None:
    """The id of the most similar candidate at or over ``threshold``, else None."""
    best, best_id = threshold, None
    for cid, other in candidates:
        score = similarity(signature, other)
        if score >= best:
            best, best_id = score, cid
    return best_id
