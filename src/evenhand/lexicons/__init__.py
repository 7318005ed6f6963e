"""evenhand's word lists for wording analysis, and the bias-score weights.

Every list here was compiled by the evenhand team (see ``PROVENANCE.md``); none is copied
from a third-party lexicon. Files are plain UTF-8 text:

* ``# comment`` lines are ignored;
* ``[subcategory]`` starts a section (the subcategory is quoted in each flag's explanation);
* other lines hold comma-separated entries in lemma form, lower case; a multiword entry is
  written with spaces ("lash out"), a hyphenated one with its hyphen ("far-left").

One file per category: :data:`CATEGORY_FILES`. ``bias_weights.json`` holds the weights of
the sentence bias score (numbers only; see ``docs/model-card-bias.md``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CATEGORIES", "CATEGORY_FILES", "LEXICON_VERSION", "WEIGHTS_RESOURCE", "Entry",
           "load_entries", "load_weights", "parse_list"]

LEXICON_VERSION = "2025.1"
# In order of precedence: an entry found in several lists takes the first category.
CATEGORY_FILES = {
    "label": "labels.txt",
    "loaded": "loaded.txt",
    "factive": "factives.txt",
    "hedge": "hedges.txt",
    "intensifier": "intensifiers.txt",
    "subjective": "subjective.txt",
}
CATEGORIES = tuple(CATEGORY_FILES)
WEIGHTS_RESOURCE = "bias_weights.json"


@dataclass(frozen=True)
class Entry:
    """One word-list entry: ``text`` as written, its ``category`` and ``subcategory``."""

    text: str
    category: str
    subcategory: str


def parse_list(text: str, category: str) -> list[Entry]:
    """Parse one word-list file's text."""
    entries: list[Entry] = []
    subcategory = category
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            subcategory = line[1:-1].strip()
            continue
        for item in line.split(","):
            word = " ".join(item.split()).lower()
            if word:
                entries.append(Entry(word, category, subcategory))
    return entries


@lru_cache(maxsize=1)
def load_entries() -> tuple[Entry, ...]:
    """Every entry of every list; an entry appears once, with the first category (in
    :data:`CATEGORY_FILES` order) that lists it."""
    package = resources.files(__name__)
    seen: set[str] = set()
    out: list[Entry] = []
    for category, filename in CATEGORY_FILES.items():
        text = package.joinpath(filename).read_text(encoding="utf-8")
        for entry in parse_list(text, category):
            if entry.text not in seen:
                seen.add(entry.text)
                out.append(entry)
    return tuple(out)


@lru_cache(maxsize=1)
def load_weights() -> dict[str, Any] | None:
    """The fitted bias-score weights, or None when the file is absent."""
    path = resources.files(__name__).joinpath(WEIGHTS_RESOURCE)
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
