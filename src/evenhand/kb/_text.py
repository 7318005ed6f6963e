"""How names are normalised into lookup keys.

Two keys are made from every name and every query:

* the *exact* key keeps case and full stops ("U.S.", "WHO"); it only tidies Unicode,
  apostrophes, dashes and spaces. Abbreviations are indexed under it alone, so "US" matches
  and "us" does not.
* the *folded* key is also lower-cased, stripped of accents, full stops and commas, with
  hyphens read as spaces ("Côte d'Ivoire" = "cote d'ivoire", "St. Lucia" = "st lucia",
  "Guinea-Bissau" = "guinea bissau"). Every other name is indexed under it.

A trailing possessive is dropped from both ("China's" = "China").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["exact_key", "folded_key", "singular", "without_article"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DASHES = re.compile(r"[‐‑‒–—―−]")
_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:(?<=\w)'s|(?<=s)')$")
_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)


# Keys are made for the same few thousand names and words over and over (every mention of
# every article is looked up): remembered, they cost a dictionary look-up.
@lru_cache(maxsize=1 << 16)
def exact_key(text: str) -> str:
    """The case-preserving key: NFKC, straight apostrophes, ASCII hyphens, single spaces."""
    if not text.isascii():  # ASCII is its own NFKC form, with no curly apostrophe or dash
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
        text = _DASHES.sub("-", text)
    text = _SPACE.sub(" ", text).strip()
    return _POSSESSIVE.sub("", text)


@lru_cache(maxsize=1 << 16)
def folded_key(text: str) -> str:
    """The case-insensitive key: the exact key lower-cased, without accents and full stops."""
    text = exact_key(text)
    if text.isascii():  # its own NFKD form, no accents; casefold is lower
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("-", " ").replace(".", "").replace(",", "")
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def without_article(text: str) -> str | None:
    """``text`` without a leading "the", or None when it has none."""
    stripped = _ARTICLE.sub("", text.strip())
    return stripped if stripped != text.strip() and stripped else None


@lru_cache(maxsize=1 << 16)
def singular(word: str) -> str | None:
    """A plural noun's singular by the regular English rules, or None when it is not plural."""
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    if word.endswith("people"):
        return word[:-6] + "person" if len(word) > 6 else None
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return None
