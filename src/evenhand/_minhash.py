"""MinHash signatures and shingling, shared by near-duplicate detection at ingest
(:mod:`evenhand.ingest.dedup`, word shingles) and the folding of reader reports into
campaigns (:mod:`evenhand.web.campaigns`, character shingles).

datasketch draws a MinHash's permutations from its seed each time one is made; they depend
only on ``(num_perm, seed)``, so they are drawn once per pair here and reused for every
signature (the values are the same as a fresh ``MinHash(num_perm, seed)`` gives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["char_shingles", "minhash_values", "word_shingles"]

_WORD = re.compile(r"\w+")


def word_shingles(text: str, size: int) -> frozenset[str]:
    """The set of lower-cased word ``size``-grams (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


def char_shingles(text: str, size: int) -> frozenset[str]:
    """The set of character ``size``-grams (the whole text when shorter)."""
    return frozenset(text[i:i + size] for i in range(max(1, len(text) - size + 1)))


@lru_cache(maxsize=8)
def _reference(num_perm: int, seed: int) -> tuple[Any, Any]:
    from datasketch import MinHash

    reference = MinHash(num_perm=num_perm, seed=seed)
    return reference.permutations, reference.scheme


def minhash_values(items: Iterable[str], num_perm: int, seed: int) -> np.ndarray:
    """The MinHash values (uint64, each below 2**32) of the set ``items``."""
    from datasketch import MinHash

    permutations, scheme = _reference(num_perm, seed)
    minhash = MinHash(num_perm=num_perm, seed=seed, permutations=permutations, scheme=scheme)
    minhash.update_batch([s.encode("utf-8") for s in items])
    return np.asarray(minhash.hashvalues, dtype=np.uint64)
