"""Normalising article metadata: content hash, outlet, date, language.

* ``content_hash``: SHA-256 of the text after Unicode NFC and with every run of white
  space collapsed to one space (and the ends trimmed): the same article saved with other
  line endings or re-wrapped is an exact duplicate.
* ``outlet_from_url``: the registered domain of the URL's host (``thecaucus.blogs.
  nytimes.com`` → ``nytimes.com``), from the Public Suffix List bundled with ``tld``.
* ``normalise_date``: ISO 8601: ``YYYY-MM-DD`` for a date, ``YYYY-MM-DDTHH:MM:SS[±HH:MM|Z]``
  when a time is given, ``YYYY-MM`` / ``YYYY`` for partial dates; None when unreadable.
* ``detect_language``: ISO 639-1 code from common function words (Latin script) or the
  writing system; ``und`` when undetermined (too short, or no clear winner).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["clean_meta", "content_hash", "detect_language", "normalise_date",
           "outlet_from_url"]

_SPACE = re.compile(r"\s+")


def content_hash(text: str) -> str:
    norm = _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def clean_meta(value: Any) -> str | None:
    """A metadata value as one trimmed line (NUL characters dropped: PostgreSQL refuses
    them), or None when empty or not a scalar."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = _SPACE.sub(" ", str(value).replace("\x00", "")).strip()
    return text or None


# --- outlets --------------------------------------------------------------------------------

def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of ``url``'s host, lower case; None without a host."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().rstrip(".")
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):  # an IP address: keep it as is
        return host
    try:
        from tld import get_fld

        fld = get_fld(host, fix_protocol=True, fail_silently=True)
    except Exception:  # tld raises its own errors for odd hosts; fall back below
        fld = None
    if isinstance(fld, str) and fld:
        return fld
    return host.removeprefix("www.")


# --- dates ----------------------------------------------------------------------------------

_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def _iso(value: datetime | date, with_time: bool) -> str:
    if isinstance(value, datetime):
        if not with_time:
            return value.date().isoformat()
        # the offset is kept as given: the local date is the one the outlet printed
        text = value.isoformat(timespec="seconds")
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value.isoformat()


def normalise_date(value: Any) -> str | None:
    """``value`` (a string in any common form, a date, a datetime or a Unix timestamp) as
    ISO 8601; None when it cannot be read. A time keeps its UTC offset (``Z`` for UTC)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _iso(value, True)
    if isinstance(value, date):
        return _iso(value, False)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds
        try:
            return _iso(datetime.fromtimestamp(seconds, UTC), True)
        except (OverflowError, OSError, ValueError):
            return None
    text = clean_meta(value)
    if text is None:
        return None
    if (m := _YEAR_MONTH.fullmatch(text)) is not None:  # 2016 or 2016-09: keep the precision
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        if not _MIN_YEAR <= year <= _MAX_YEAR or (month is not None and not 1 <= month <= 12):
            return None
        return text
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)  # RFC 822 dates of RSS and e-mail
        except (TypeError, ValueError, IndexError):
            parsed = _dateutil(text)
    if parsed is None or not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return None
    has_time = bool(_HAS_TIME.search(text)) or "T" in text[8:11]
    return _iso(parsed, has_time)


def _dateutil(text: str) -> datetime | None:
    try:
        # python-dateutil comes with trafilatura (through htmldate); it reads "April 7,
        # 2011", "07/04/2011 10:00", "Thu, 7 Apr 2011" and the like
        from dateutil import parser
    except ImportError:  # pragma: no cover
        return None
    try:
        # a default far from real dates shows when the text had no year at all
        parsed = parser.parse(text, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    return None if parsed.year == 1 else parsed


# --- languages ------------------------------------------------------------------------------

# About thirty of the commonest function words of each language: in running text of that
# language they make up a third or more of the words, in another language a few percent.
_STOPWORDS = {
    "en": "the of and to a in is that for it was on with as he be by at his are this from "
          "have or not but they had has which were been their said would will there who",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
          "auch es an werden aus er hat dass sie nach wird bei einer um noch",
    "fr": "le la les de des et en un une du que est pour qui dans par sur pas au plus ne se "
          "ce il sont avec été cette aux mais ont elle son",
    "es": "el la de que y en los del se las por un para con una su al lo como más pero sus "
          "le ha fue este ya o sobre entre cuando también",
    "it": "il di che la e è per un in del della non una le si con dei da sono alla gli al "
          "anche nel più ha ma come delle questo",
    "pt": "de que o a do da em um para é com não uma os no se na por mais as dos como mas "
          "foi ao ele das tem à seu sua ou",
    "nl": "de het een van en in is dat op te zijn voor met die niet aan er om ook als bij "
          "maar door wordt nog naar heeft dan uit",
    "sv": "och i att det som en på är av för med till den har de inte om ett han men var "
          "jag sig från vi så kan",
    "pl": "i w na z że się nie do to jest o jak po co ale od za przez jego tym czy tak już "
          "może są dla",
    "ru": "и в не на что с по он как это из к у за то от но все так же она его был бы для "
          "мы о только было",
    "uk": "і в на що з не до та як у це за він від але його є я про для вона так було їх "
          "які ми",
}
_STOP = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Writing systems that name a language (or one language family) on their own.
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese even among kanji
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_NON_LATIN = re.compile("[" + "".join(p.pattern[1:-1] for _, p in _SCRIPTS) + "]")


def detect_language(text: str, *, min_words: int = 20) -> str:
    """An ISO 639-1 code for ``text``, or ``und``. Only the first 20,000 characters are
    looked at."""
    sample = text[:20_000]
    words = _WORDS.findall(sample)
    if not words:
        return "und"
    letters = sum(map(len, words))
    # the writing systems are only looked at one by one when there are enough of them
    if len(_NON_LATIN.findall(sample)) > 0.3 * letters:
        for code, script in _SCRIPTS:
            if len(script.findall(sample)) > 0.3 * letters:
                return code
    counts = Counter(w.lower() for w in words)
    total = len(words)
    if total < min_words:
        return "und"
    scores = sorted(((sum(counts[w] for w in stop) / total, lang)
                     for lang, stop in _STOP.items()), reverse=True)
    (best, lang), (second, _) = scores[0], scores[1]
    # a clear winner: enough of its function words and well ahead of the runner-up (the
    # Romance languages share "de", "la", "que")
    if best >= 0.12 and best >= 1.5 * second:
        return lang
    return "und"
