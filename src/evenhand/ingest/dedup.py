"""Near-duplicate detection: word 5-gram shingles, MinHash signatures (datasketch) and
LSH banding whose buckets are kept in the store (``minhash_bands``), so that an article is
compared with every article ingested before it, in this run or an earlier one.

Candidates that share a bucket are confirmed with the exact Jaccard similarity of their
shingle sets: the similarity stored with a link is exact, never an estimate, and LSH only
decides which pairs are worth comparing. The banding is tuned for a similarity of
``CANDIDATE_THRESHOLD`` (lower than any sensible link threshold) so that pairs near the
link threshold are rarely missed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np

from .._minhash import minhash_values, word_shingles

__all__ = ["CANDIDATE_THRESHOLD", "DEFAULT_THRESHOLD", "LshParams", "jaccard", "shingles"]

# A link needs this exact Jaccard similarity of word 5-grams (see docs/store.md for how
# it was chosen on BASIL and PolNeAR).
DEFAULT_THRESHOLD = 0.5
CANDIDATE_THRESHOLD = 0.3
SHINGLE = 5


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The set of lower-cased word ``size``-grams (the whole text when shorter)."""
    return word_shingles(text, size)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True)
class LshParams:
    """How signatures are made and banded; fixed per store (kept in ``store_meta``) so that
    every ingest into it buckets alike."""

    num_perm: int = 128
    bands: int = 0
    rows: int = 0
    seed: int = 1
    shingle: int = SHINGLE

    @classmethod
    def default(cls) -> LshParams:
        from datasketch import MinHashLSH

        # datasketch's own choice of bands x rows for the candidate threshold
        lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=128)
        return cls(num_perm=128, bands=int(lsh.b), rows=int(lsh.r))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LshParams:
        return cls(**json.loads(text))

    def buckets(self, items: Iterable[str]) -> list[int]:
        """One bucket per band for the shingle set ``items``: a signed 64-bit hash of the
        band's MinHash values."""
        # the permutations are drawn once per (num_perm, seed), not for every article
        values = np.asarray(minhash_values(items, self.num_perm, self.seed), dtype="<u8")
        out = []
        for band in range(self.bands):
            chunk = values[band * self.rows:(band + 1) * self.rows].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8, person=b"evenhand-lsh").digest()
            out.append(int.from_bytes(digest, "big", signed=True))
        return out
