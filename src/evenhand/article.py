"""Reading articles: the input text exactly as given, plus what not to analyse.

An :class:`Article` keeps ``text`` untouched so that every offset evenhand reports is an
offset into it. The headline (once, even when the outlet repeats it) and outlet boilerplate
("If you feel our coverage ... let us know", newsletter and share prompts, "Read more ...")
are *found*, recorded as :class:`Region` objects and masked out of the analysis rather than
cut out of the text, so offsets never shift.

:func:`iter_articles` reads files and stdin into articles. It never raises for bad input:
each input that cannot be read yields an :class:`InputFailure` naming the problem in one
line instead, and the other inputs go on being read.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ._util import json_type, jsonl_lines, one_line, read_errors

__all__ = ["MASKED_KINDS", "Article", "InputFailure", "Region", "article_from_bytes",
           "article_from_text", "find_regions", "iter_articles", "looks_english"]


# Region kinds kept out of the analysis: the headline is reported as the title, not analysed
# as body text, and neither its repeats nor the outlet boilerplate are.
MASKED_KINDS = frozenset({"headline", "headline-repeat", "boilerplate"})


@dataclass(frozen=True)
class Region:
    """A stretch of the input that is not analysed."""

    start: int
    end: int
    kind: str  # "headline" | "headline-repeat" | "boilerplate"

    def to_dict(self, text: str) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "kind": self.kind,
                "text": text[self.start:self.end]}


@dataclass
class Article:
    """One input article.

    ``text`` is the text offsets refer to: the input exactly as given for plain text and
    JSONL, the extracted main text for HTML (reported back in the report's ``text``).
    """

    text: str
    source: str = "<text>"
    id: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    regions: list[Region] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # True when ``text`` was extracted from the input (HTML) rather than being the input as
    # given: reports then carry the text so that their offsets can be followed.
    extracted: bool = False

    @classmethod
    def from_text(cls, text: str, *, source: str = "<text>", find_boilerplate: bool = True,
                  **meta: str | None) -> Article:
        article = cls(text=text, source=source, **meta)  # type: ignore[arg-type]
        if find_boilerplate:
            regions, title = find_regions(text, known_title=article.title)
            article.regions = regions
            if article.title is None:
                article.title = title
        return article

    def masked_text(self) -> str:
        """The text with excluded regions blanked out, same length, newlines kept."""
        masked = [r for r in self.regions if r.kind in MASKED_KINDS]
        if not masked:
            return self.text
        chars = list(self.text)
        for region in masked:
            for i in range(region.start, region.end):
                if chars[i] not in "\n\r":
                    chars[i] = " "
        return "".join(chars)


@dataclass(frozen=True)
class InputFailure:
    """An input that gave no article: ``source`` names it (a path, ``<stdin>``, or
    ``path:line`` for a JSONL line) and ``problem`` says what is wrong, in one line."""

    source: str
    problem: str

    @property
    def message(self) -> str:
        return f"{self.source}: {self.problem}"


# --- finding the headline and boilerplate -------------------------------------------------

_PARA = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_LINE = re.compile(r"[^\n]+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")

# Outlet boilerplate: prompts addressed to the reader rather than reporting. A paragraph is
# boilerplate when one pattern matches it; patterns anchored with ^ must open the paragraph.
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bif you (?:feel|think|believe)\b.*\b(?:biased|bias|unfair|inaccura\w*)\b.*"
        r"\b(?:let us know|contact us|tell us|get in touch)\b",
        r"\bbalanced journalism is\b",
        r"^\s*(?:read|see) (?:more|the rest|also|next|the full (?:story|article))\b",
        r"^\s*continue reading\b",
        r"^\W*sign up\b",
        r"\bsign up (?:for|to) (?:our|the|my|his|her)\b.*\b(?:newsletters?|briefing)\b",
        r"\b(?:subscribe|sign up) (?:to|for) our\b",
        r"\b(?:get|receive) (?:our|the)(?: \w+){0,3} newsletter\b",
        r"\bnewsletter sign[- ]?up\b|\benter your email(?: address)?\b",
        r"\b(?:delivered|sent) (?:straight |directly )?to your inbox\b",
        r"^\s*share (?:this|on|via)\b|^\s*share\s*:?\s*$",
        r"\bshare this (?:article|story|page)\b",
        r"\bfollow us on\b|\blike us on facebook\b",
        r"\bclick here\b",
        r"^\s*(?:advertisement|advertising|sponsored content)\s*$",
        r"\bdownload our\b.*\bapp\b|^\s*download the\b.*\bapp\b",
        r"\bwe'?d love to hear\b|\bwe welcome your (?:feedback|comments)\b",
        r"\b(?:let us know|tell us) (?:what you think|your thoughts|in the comments)\b",
        r"\bsupport (?:our|independent) journalism\b",
    )
]
# Labels that only ever open a link or a footer line; they win even over the reporting
# check below ("READ MORE: Minister says ..." is a teaser, not a quote), in short paragraphs.
_BOILERPLATE_LABEL = re.compile(
    r"^\s*(?:(?:read|see) (?:more|also)|related(?: stories| articles| coverage)?|"
    r"more on this(?: story)?|most read|recommended)\s*[:|»>]"
    r"|^\s*(?:©|\(c\)\s*\d{4}|copyright\b)|\ball rights reserved\b",
    re.IGNORECASE,
)
# Reporting, not a reader prompt: a quotation of four or more words, a paragraph that opens
# inside a quotation, or a speech verb ("Read more about it, he said").
_QUOTATION = re.compile(r"[“\"„«]([^“”\"„«»]+)[”\"»]|^\s*[“\"„«‘]")
_SPEECH = re.compile(
    r"\b(?:said|says|told|added|asked|stated|explained|argued|insisted|warned|announced|"
    r"according to)\b|<tweet\b|pic\.twitter\.com|\(@\w+\)", re.IGNORECASE)  # or an embed


def _is_reporting(para: str, low: str | None = None) -> bool:
    """``low``: the paragraph lower-cased (see _BOILERPLATE_WORDS), to skip patterns
    whose words it lacks; None tries them all."""
    if (low is None or any(w in low for w in _SPEECH_WORDS)) and _SPEECH.search(para):
        return True
    if any(c in para for c in _QUOTE_MARKS):  # _QUOTATION needs one
        for m in _QUOTATION.finditer(para):
            if m.group(1) is None or len(m.group(1).split()) >= 4:
                return True
    return False


_SPEECH_WORDS = ("said", "says", "told", "added", "asked", "stated", "explained", "argued",
                 "insisted", "warned", "announced", "according to", "<tweet",
                 "pic.twitter.com", "(@")
_QUOTE_MARKS = "“\"„«‘"
# _BOILERPLATE_LABEL without its one unanchored part, "all rights reserved"
_LABEL_AT_START = re.compile(
    r"^\s*(?:(?:read|see) (?:more|also)|related(?: stories| articles| coverage)?|"
    r"more on this(?: story)?|most read|recommended)\s*[:|»>]"
    r"|^\s*(?:©|\(c\)\s*\d{4}|copyright\b)",
    re.IGNORECASE,
)


# Words without which each _BOILERPLATE pattern cannot match (None: anchored, tried at the
# start only, so cheap anyway). Each unanchored pattern scans the whole paragraph; a
# paragraph that has none of its words skips it. The words are matched in the lower-cased
# paragraph, which is exact unless it holds a character that case-folds onto an ASCII
# letter in the regular expressions' IGNORECASE ("ſ", Kelvin "K", "İ", ligatures):
# those paragraphs try every pattern.
_BOILERPLATE_WORDS: tuple[tuple[str, ...] | None, ...] = (
    ("if you ",), ("balanced journalism is",), None, None, None, ("sign up ",),
    ("subscribe", "sign up"), ("newsletter",), ("newsletter", "enter your email"),
    ("to your inbox",), None, ("share this ",), ("follow us on", "like us on facebook"),
    ("click here",), None, ("download",), ("love to hear", "we welcome your"),
    ("let us know", "tell us "), ("journalism",),
)
assert len(_BOILERPLATE_WORDS) == len(_BOILERPLATE)
_FOLDS_TO_ASCII = re.compile("[\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a"
                             "\u212a\ufb00-\ufb06]")


def _is_boilerplate(para: str) -> bool:
    if len(para) > 2000:
        return False
    para = " ".join(para.split())  # one line, no-break spaces as spaces
    if len(para) > 600:
        return False
    low = None if _FOLDS_TO_ASCII.search(para) else para.lower()
    if len(para) <= 300 and (
            _LABEL_AT_START.search(para) if low is not None and "all rights reserved" not in low
            else _BOILERPLATE_LABEL.search(para)):
        return True
    if _is_reporting(para, low):
        return False
    for pattern, words in zip(_BOILERPLATE, _BOILERPLATE_WORDS, strict=True):
        if low is not None and words is not None:
            for word in words:
                if word in low:
                    break
            else:
                continue
        if pattern.search(para):
            return True
    return False


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blocks separated by blank lines, or single lines when the text has
    no blank line at all (as extracted from HTML)."""
    pattern = _PARA if _BLANK_LINE.search(text) else _LINE
    return _trimmed(text, ((m.start(), m.end()) for m in pattern.finditer(text)))


def _trimmed(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        # trim surrounding spaces so regions hold exactly the paragraph text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


_ABBREVIATION = re.compile(r"[A-Z][a-z]{0,3}|(?:[A-Za-z]\.)*[A-Za-z]")  # Rep. Gov. U.S.


def _looks_like_headline(para: str) -> bool:
    """Short, one line, no sentence break (abbreviations such as "Rep." aside)."""
    words = para.split()
    if not 0 < len(words) <= 25 or "\n" in para or para.endswith(('."', ".”")):
        return False
    return all(_ABBREVIATION.fullmatch(m.group(1))
               for m in re.finditer(r"(\S+)\.\s+\S", para))


def _opens_sentence(para: str) -> bool:
    first = para.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "“\"‘'«(—-")


def find_regions(text: str, known_title: str | None = None) -> tuple[list[Region], str | None]:
    """Find the headline (and its repeats) and outlet boilerplate paragraphs.

    With ``known_title`` the first paragraph is the headline only when it matches it;
    without, it is one when it is short, has no sentence break, does not end with a full
    stop (unless the outlet repeats it) and the next paragraph opens a sentence.
    Returns the regions and the headline text (None when the text does not open with one).
    """
    paras = _paragraphs(text)
    regions: list[Region] = []
    title: str | None = None
    if paras:
        start, end = paras[0]
        first = text[start:end]
        key = _norm(first)
        repeats = [(s, e) for s, e in paras[1:4] if key and _norm(text[s:e]) == key]
        known = _norm(known_title) if known_title else None
        if known is not None:
            is_title = key == known
        else:
            is_title = (
                len(paras) > 1 and _looks_like_headline(first)
                and _opens_sentence(text[paras[1][0]:paras[1][1]])
                and (bool(repeats) or not first.endswith((".", ":", ";", ",")))
            )
        if is_title:
            title = first.strip()
            regions.append(Region(start, end, "headline"))
            # outlets often print the headline twice (page title, then article heading)
            regions.extend(Region(s, e, "headline-repeat") for s, e in repeats)
    # Boilerplate sits at the end (or is interleaved as share/read-more prompts). In a block
    # of several lines each line is judged alone, so a footer line set under the last
    # paragraph is found without taking the reporting above it; the block as a whole only
    # when it is one prompt hard-wrapped over lines.
    taken = {r.start for r in regions}
    for s, e in paras:
        if s in taken:
            continue
        lines = [(m.start(), m.end()) for m in _LINE.finditer(text, s, e)]
        if len(lines) > 1:
            found = [(ls, le) for ls, le in _trimmed(text, lines)
                     if _is_boilerplate(text[ls:le])]
            if found:
                regions.extend(Region(ls, le, "boilerplate") for ls, le in found)
                continue
        if _is_boilerplate(text[s:e]):
            regions.append(Region(s, e, "boilerplate"))
    regions.sort(key=lambda r: r.start)
    return regions, title


# --- is it English? -----------------------------------------------------------------------

_ENGLISH = (
    "a about after all also an and any are as at be because been but by can could did do "
    "does for from had has have he her him his how i if in into is it its just may me more "
    "most my no not of on one only or our out over said she should so some than that the "
    "their them then there these they this those to up was we were what when which who "
    "will with would you your"
)
_FUNCTION_WORDS = frozenset(_ENGLISH.split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def looks_english(text: str, *, threshold: float = 0.12,
                  min_words: int = 20) -> tuple[bool, float]:
    """Whether ``text`` reads as English, by the share of its words that are common English
    function words (about 40% in English prose, under 10% in other languages).

    Returns ``(verdict, share)``; texts under ``min_words`` words are given the benefit of
    the doubt. Only the first 100,000 characters are looked at.
    """
    words = _WORD.findall(text[:100_000])
    if not words:
        return True, 0.0
    share = sum(w.lower() in _FUNCTION_WORDS for w in words) / len(words)
    return (len(words) < min_words or share >= threshold), share


# --- reading inputs -----------------------------------------------------------------------

_CHUNK = 1 << 16
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_OS_PROBLEMS: dict[type[OSError], str] = {
    FileNotFoundError: "no such file", NotADirectoryError: "no such file",
    IsADirectoryError: "is a directory", PermissionError: "permission denied"}


def iter_articles(paths: Sequence[str], *, stdin: TextIO | BinaryIO | None = None,
                  max_chars: int = 1_000_000) -> Iterator[Article | InputFailure]:
    """Read articles from ``paths`` lazily, in input order; bad input never raises.

    By extension: ``.html``/``.htm`` is one article, its main text and metadata (title,
    date, url, site name as outlet) extracted offline with trafilatura, and ``text`` is the
    extracted text (the HTML's own encoding is honoured); ``.jsonl`` is one article per
    line, read as a stream: ``text`` required, ``id``/``title``/``outlet``/``date``/``url``
    optional, ``id`` defaulting to ``"path:line"``; anything else is one plain-text article.
    ``-`` reads ``stdin`` (default ``sys.stdin``): JSONL when its first non-blank line is a
    JSON object, otherwise one plain-text article.

    Text must be UTF-8. A UTF-8 byte-order mark is dropped (decoded as ``utf-8-sig``), so
    offsets are into the decoded text; line endings are kept as given (CRLF is fine).

    Each input that cannot be read yields an :class:`InputFailure`, one per unreadable
    JSONL line (later lines are still read). Articles over ``max_chars`` characters are
    failures; text that does not look like English is returned with a warning.
    """
    for path in paths:
        source = "<stdin>" if path == "-" else path
        try:
            if path == "-":
                yield from _read_stream(stdin if stdin is not None else sys.stdin, max_chars)
            else:
                yield from _read_path(path, max_chars)
        # only what the OS and the parsing libraries raise is the input's problem: a bug
        # of ours must surface as one, not be blamed on the user's file
        except read_errors() as exc:
            yield InputFailure(source, f"cannot read: {one_line(exc)}")


def article_from_text(text: str, *, source: str = "<text>", max_chars: int = 1_000_000,
                      id: str | None = None, title: str | None = None,
                      outlet: str | None = None, date: str | None = None,
                      url: str | None = None) -> Article | InputFailure:
    """One article from text in memory (a web form, a JSON body), with the checks a file
    gets: length, whitespace only, binary content, an English warning."""
    return _make_article(text, source, max_chars, len(text.encode("utf-8", "replace")), id=id,
                         title=title, outlet=outlet, date=date, url=url)


def article_from_bytes(data: bytes, name: str, *,
                       max_chars: int = 1_000_000) -> Article | InputFailure:
    """One article from an uploaded file's bytes, read as a file called ``name`` would be:
    HTML by extension (main text extracted), otherwise plain UTF-8 text."""
    chunks = iter([data] if data else [])
    if Path(name).suffix.lower() in _HTML_SUFFIXES:
        return _html_article(chunks, name, max_chars, len(data))
    return _text_article(chunks, name, max_chars, len(data))


def _human(nbytes: int) -> str:
    if nbytes >= 1_000_000:
        return f"{nbytes / 1e6:.1f} MB"
    if nbytes >= 1_000:
        return f"{nbytes / 1e3:.1f} kB"
    return f"{nbytes} bytes"


def _too_large(nbytes: int, nchars: int | None, max_chars: int, what: str = "text") -> str:
    chars = f" ({nchars:,} characters)" if nchars is not None else ""
    return f"{_human(nbytes)} of {what}{chars} exceeds the {max_chars:,}-character limit"


def _read_path(path: str, max_chars: int) -> Iterator[Article | InputFailure]:
    p = Path(path)
    try:
        if p.is_dir():
            yield InputFailure(path, "is a directory")
            return
        f = p.open("rb")
        size: int | None = p.stat().st_size if p.is_file() else None
    except OSError as exc:
        yield InputFailure(path, _OS_PROBLEMS.get(type(exc))
                           or (exc.strerror or one_line(exc)).lower())
        return
    with f:
        chunks = _chunks(f.read)
        suffix = p.suffix.lower()
        if suffix in _JSONL_SUFFIXES:
            yield from _jsonl_articles(chunks, path, max_chars)
        elif suffix in _HTML_SUFFIXES:
            yield _html_article(chunks, path, max_chars, size)
        else:
            yield _text_article(chunks, path, max_chars, size)


def _read_stream(stream: TextIO | BinaryIO, max_chars: int) -> Iterator[Article | InputFailure]:
    source = "<stdin>"
    chunks = _chunks(_byte_reader(stream))
    # Peek at the first non-blank line to choose between JSONL and plain text.
    head = bytearray()
    start = -1
    for chunk in chunks:
        offset = len(head)
        head += chunk
        if start < 0 and (m := re.compile(rb"\S").search(head, offset)):
            start = m.start()
        if (start >= 0 and head.find(b"\n", max(start, offset)) >= 0) or \
                len(head) > _line_limit(max_chars):
            break
    rest = itertools.chain([bytes(head)], chunks)
    if start >= 0 and _is_json_object(bytes(head[start:]).split(b"\n", 1)[0]):
        yield from _jsonl_articles(rest, source, max_chars)
    else:
        yield _text_article(rest, source, max_chars, None, empty="empty input")


def _byte_reader(stream: TextIO | BinaryIO) -> Callable[[int], bytes]:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:  # a text wrapper around bytes (sys.stdin): read the bytes
        return buffer.read

    def read(n: int) -> bytes:
        data = stream.read(n)
        return data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data

    return read


def _is_json_object(line: bytes) -> bool:
    line = line.strip().removeprefix(codecs.BOM_UTF8)
    if not line.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _chunks(read: Callable[[int], bytes]) -> Iterator[bytes]:
    while chunk := read(_CHUNK):
        yield chunk


def _sniff_binary(head: bytes) -> str | None:
    """The problem with bytes that are not UTF-8 text at all, from their first chunk."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text is not supported; save it as UTF-8"
    if b"\x00" in head:
        return "binary content, not text (contains NUL bytes)"
    return None


def _control_share(text: str) -> float:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / len(sample) if sample else 0.0


def _binary_problem(share: float) -> str:
    return f"binary content, not text ({share:.0%} control or undecodable characters)"


def _read_bounded(chunks: Iterable[bytes], max_bytes: int) -> tuple[bytes | None, int]:
    """All the bytes and their count, or None and the count when there are more than
    ``max_bytes`` (the rest is counted, not kept)."""
    parts: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if parts is not None:
            parts.append(chunk)
            if size > max_bytes:
                parts = None
    return (b"".join(parts) if parts is not None else None), size


def _decode(data: bytes, source: str) -> str | InputFailure:
    problem = _sniff_binary(data)
    if problem:
        return InputFailure(source, problem)
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        share = _control_share(data[:65536].decode("utf-8", "replace"))
        if share > 0.3:  # random bytes; text in a legacy encoding stays well under
            return InputFailure(source, _binary_problem(share))
        return InputFailure(source, f"invalid UTF-8 at byte {exc.start + offset} "
                                    f"(0x{data[exc.start + offset]:02x}); save it as UTF-8")
    return text


def _text_article(chunks: Iterator[bytes], source: str, max_chars: int, size: int | None,
                  *, empty: str = "empty file") -> Article | InputFailure:
    first = next(chunks, b"")
    if not first:
        return InputFailure(source, empty)
    problem = _sniff_binary(first)
    if problem:
        return InputFailure(source, problem)
    max_bytes = 4 * max_chars + len(codecs.BOM_UTF8)  # UTF-8 takes at most 4 bytes a char
    if size is not None and size > max_bytes:  # too large to be worth reading
        return InputFailure(source, _too_large(size, None, max_chars))
    data, size = _read_bounded(itertools.chain([first], chunks), max_bytes)
    if data is None:
        return InputFailure(source, _too_large(size, None, max_chars))
    text = _decode(data, source)
    if isinstance(text, InputFailure):
        return text
    return _make_article(text, source, max_chars, size)


def _make_article(text: str, source: str, max_chars: int, nbytes: int, *,
                  warnings: Sequence[str] = (), id: str | None = None, title: str | None = None,
                  outlet: str | None = None, date: str | None = None,
                  url: str | None = None) -> Article | InputFailure:
    if len(text) > max_chars:
        return InputFailure(source, _too_large(nbytes, len(text), max_chars))
    if not text.strip():
        return InputFailure(source, "contains only whitespace")
    share = _control_share(text)
    if share > 0.1:
        return InputFailure(source, _binary_problem(share))
    article = Article.from_text(text, source=source, id=id, title=title, outlet=outlet,
                                date=date, url=url)
    article.warnings.extend(warnings)
    english, share = looks_english(article.masked_text())
    if not english:
        article.warnings.append(
            f"text does not look like English ({share:.0%} English function words)")
    return article


def _html_article(chunks: Iterator[bytes], source: str, max_chars: int,
                  size: int | None) -> Article | InputFailure:
    """HTML: the raw page may be up to 10 bytes a character of ``max_chars``."""
    first = next(chunks, b"")
    if not first:
        return InputFailure(source, "empty file")
    problem = _sniff_binary(first)
    if problem:
        return InputFailure(source, problem)
    max_bytes = 10 * max_chars
    data = None
    if size is None or size <= max_bytes:
        data, size = _read_bounded(itertools.chain([first], chunks), max_bytes)
    if data is None:
        return InputFailure(source, f"{_human(size or 0)} of HTML exceeds the "
                                    f"{max_bytes:,}-byte limit for HTML")
    if not data.strip():
        return InputFailure(source, "contains only whitespace")
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    except Exception as exc:
        return InputFailure(source, f"cannot parse the HTML: {one_line(exc)}")

    def meta(key: str) -> str | None:
        value = doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)
        return value.strip() or None if isinstance(value, str) else None

    text = meta("text") or ""
    if len(text.split()) < 5:
        return InputFailure(source, "no main text found in the HTML")
    article = _make_article(text, source, max_chars, len(text.encode("utf-8", "replace")),
                            title=meta("title"), outlet=meta("sitename"), date=meta("date"),
                            url=meta("url"))
    if isinstance(article, Article):
        article.extracted = True
    return article


def _line_limit(max_chars: int) -> int:
    # a JSON string may escape a character as \uXXXX: six bytes
    return 6 * max_chars + _CHUNK


def _jsonl_articles(chunks: Iterator[bytes], source: str,
                    max_chars: int) -> Iterator[Article | InputFailure]:
    first = next(chunks, b"")
    problem = _sniff_binary(first)
    if problem:
        yield InputFailure(source, problem)
        return
    for line in jsonl_lines(itertools.chain([first], chunks), _line_limit(max_chars)):
        where = f"{source}:{line.lineno}" if line.lineno else source
        if line.too_long:
            yield InputFailure(where, _too_large(line.size, None, max_chars, "JSON"))
        elif line.obj is None:
            yield InputFailure(where, line.problem or "unreadable")
        else:
            yield _jsonl_item(line.obj, line.size, where, max_chars)


def _jsonl_item(obj: dict[str, Any], size: int, where: str,
                max_chars: int) -> Article | InputFailure:
    text = obj.get("text")
    if text is None:
        return InputFailure(where, 'no "text" field')
    if not isinstance(text, str):
        return InputFailure(where, f'"text" is {json_type(text)}, not a string')
    if not text:
        return InputFailure(where, '"text" is empty')
    warnings: list[str] = []
    meta: dict[str, str | None] = {}
    for key in ("id", "title", "outlet", "date", "url"):
        value = obj.get(key)
        if key == "id" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            warnings.append(f'ignored "{key}": {json_type(value)}, not a string')
            value = None
        meta[key] = value.strip() or None if isinstance(value, str) else None
    return _make_article(text, where, max_chars, size, warnings=warnings,
                         id=meta["id"] or where, title=meta["title"], outlet=meta["outlet"],
                         date=meta["date"], url=meta["url"])


