"""Reading articles (evenhand.article): formats, bad input, headline and boilerplate.

Fast: no spaCy model. Fixture texts are written here; the shared seed article is read from
../shared beside the checkout and its test is skipped when that is absent.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evenhand.article import (
    MASKED_KINDS,
    Article,
    InputFailure,
    Region,
    find_regions,
    iter_articles,
    looks_english,
)

SEED = Path(__file__).parents[1].parent / "shared" / "data" / "seed" / "article.txt"

HEADLINE = "Council backs new bridge over the river"
BODY = (
    "The city council voted on Tuesday to fund a new bridge over the river, ending a "
    "debate that had lasted for more than two years.\n\n"
    "“This bridge will connect our neighbourhoods and our businesses,” the mayor, Jane "
    "Doe, said after the vote.\n\n"
    "Opponents argued that the cost was too high and said they would appeal the decision "
    "in the courts."
)
FOOTER = ("Fair reporting matters to us. If you think our reporting on this topic is "
          "unfair, please tell us.")
ARTICLE = f"{HEADLINE}\n\n{HEADLINE}\n\n{BODY}\n\n{FOOTER}\n"
SPANISH = (
    "El ayuntamiento aprobó el martes la financiación de un nuevo puente sobre el río, "
    "poniendo fin a un debate que duró más de dos años. La alcaldesa dijo que el puente "
    "unirá los barrios de la ciudad y sus comercios, pero los opositores recurrirán."
)


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return str(path)


def one(paths: list[str], **kwargs: object) -> Article | InputFailure:
    items = list(iter_articles(paths, **kwargs))  # type: ignore[arg-type]
    assert len(items) == 1, items
    return items[0]


def kinds(article: Article) -> list[str]:
    return [r.kind for r in article.regions]


def region_texts(article: Article) -> list[str]:
    return [article.text[r.start:r.end] for r in article.regions]


def failure(item: Article | InputFailure) -> str:
    assert isinstance(item, InputFailure), item
    assert "\n" not in item.problem
    return item.problem


# --- InputFailure -------------------------------------------------------------------------

def test_input_failure_message() -> None:
    f = InputFailure("a.txt", "empty file")
    assert f.message == "a.txt: empty file"


# --- plain text ---------------------------------------------------------------------------

def test_txt_file_is_one_article(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", ARTICLE)
    article = one([path])
    assert isinstance(article, Article)
    assert article.text == ARTICLE
    assert article.source == path
    assert article.title == HEADLINE
    assert kinds(article) == ["headline", "headline-repeat", "boilerplate"]
    assert region_texts(article) == [HEADLINE, HEADLINE, FOOTER]
    assert article.warnings == []


def test_other_extensions_are_text(tmp_path: Path) -> None:
    article = one([write(tmp_path, "a.md", ARTICLE)])
    assert isinstance(article, Article) and article.text == ARTICLE


def test_items_come_in_input_order_and_failures_do_not_stop(tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", "First article. " * 5)
    b = write(tmp_path, "b.txt", "Second article. " * 5)
    items = list(iter_articles([a, str(tmp_path / "missing.txt"), b]))
    assert [type(i).__name__ for i in items] == ["Article", "InputFailure", "Article"]
    assert isinstance(items[0], Article) and items[0].text.startswith("First")
    assert isinstance(items[2], Article) and items[2].text.startswith("Second")


def test_missing_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    item = one([missing])
    assert failure(item) == "no such file"
    assert isinstance(item, InputFailure) and item.source == missing


def test_directory(tmp_path: Path) -> None:
    assert failure(one([str(tmp_path)])) == "is a directory"


def test_empty_file(tmp_path: Path) -> None:
    assert failure(one([write(tmp_path, "a.txt", "")])) == "empty file"


def test_whitespace_only(tmp_path: Path) -> None:
    assert failure(one([write(tmp_path, "a.txt", " \n\r\n\t \n")])) == \
        "contains only whitespace"


def test_nul_bytes_are_binary(tmp_path: Path) -> None:
    problem = failure(one([write(tmp_path, "a.txt", b"PK\x03\x04\x00\x00text")]))
    assert problem.startswith("binary content") and "NUL" in problem


def test_control_characters_are_binary(tmp_path: Path) -> None:
    problem = failure(one([write(tmp_path, "a.txt", b"\x01\x02\x03\x1b abc " * 50)]))
    assert problem.startswith("binary content")


def test_undecodable_bytes_are_binary(tmp_path: Path) -> None:
    data = bytes(range(0x80, 0x100)) * 20
    assert failure(one([write(tmp_path, "a.bin", data)])).startswith("binary content")


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    data = "Le café est fermé.".encode("latin-1")
    problem = failure(one([write(tmp_path, "a.txt", data)]))
    assert problem.startswith("invalid UTF-8 at byte 6 ")
    assert "0xe9" in problem


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    problem = failure(one([write(tmp_path, "a.txt", ARTICLE.encode("utf-16"))]))
    assert "UTF-16" in problem and "UTF-8" in problem


def test_text_over_the_limit(tmp_path: Path) -> None:
    problem = failure(one([write(tmp_path, "a.txt", "x" * 150)], max_chars=100))
    assert problem == "150 bytes of text (150 characters) exceeds the 100-character limit"


def test_huge_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 4_000_000)  # 20 MB
    assert failure(one([str(path)])) == \
        "20.0 MB of text exceeds the 1,000,000-character limit"


def test_one_long_line_under_the_limit_is_an_article(tmp_path: Path) -> None:
    text = "the council said it would vote " * 32_000  # ~1 MB, one line
    assert len(text) < 1_000_000
    article = one([write(tmp_path, "a.txt", text)])
    assert isinstance(article, Article)
    assert article.text == text
    assert article.regions == []


def test_utf8_bom_is_dropped_and_offsets_are_into_decoded_text(tmp_path: Path) -> None:
    article = one([write(tmp_path, "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode())])
    assert isinstance(article, Article)
    assert article.text == ARTICLE
    assert region_texts(article) == [HEADLINE, HEADLINE, FOOTER]


def test_crlf_is_kept_and_regions_still_found(tmp_path: Path) -> None:
    crlf = ARTICLE.replace("\n", "\r\n")
    article = one([write(tmp_path, "a.txt", crlf)])
    assert isinstance(article, Article)
    assert article.text == crlf
    assert kinds(article) == ["headline", "headline-repeat", "boilerplate"]
    assert region_texts(article) == [HEADLINE, HEADLINE, FOOTER]
    masked = article.masked_text()
    assert len(masked) == len(crlf)
    assert masked.count("\r\n") == crlf.count("\r\n")


def test_non_english_text_is_returned_with_a_warning(tmp_path: Path) -> None:
    article = one([write(tmp_path, "a.txt", SPANISH)])
    assert isinstance(article, Article)
    assert len(article.warnings) == 1
    assert article.warnings[0].startswith("text does not look like English (")
    assert article.warnings[0].endswith("% English function words)")


def test_looks_english() -> None:
    ok, share = looks_english(BODY)
    assert ok and share > 0.25
    ok, share = looks_english(SPANISH)
    assert not ok and share < 0.12
    assert looks_english("Guten Tag") == (True, 0.0)  # too short to judge
    assert looks_english("") == (True, 0.0)
    assert looks_english("Ждём вас на встрече. " * 10)[0] is False


# --- JSONL --------------------------------------------------------------------------------

def jsonl(*lines: object) -> str:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)


def test_jsonl_one_article_per_line_with_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(
        {"id": "a1", "title": HEADLINE, "outlet": "Daily Test", "date": "2024-03-05",
         "url": "https://example.org/a1", "text": f"{HEADLINE}\n\n{BODY}"},
        "",
        {"text": BODY, "extra": [1, 2]},
    ))
    first, second = list(iter_articles([path]))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.id, first.title, first.outlet, first.date, first.url) == \
        ("a1", HEADLINE, "Daily Test", "2024-03-05", "https://example.org/a1")
    assert first.source == f"{path}:1"
    assert kinds(first) == ["headline"]
    assert second.id == f"{path}:3" and second.source == f"{path}:3"
    assert second.title is None and second.regions == []


def test_jsonl_title_must_match_to_mark_a_headline(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(
        {"title": "Something else entirely", "text": f"{HEADLINE}\n\n{BODY}"}))
    article = one([path])
    assert isinstance(article, Article)
    assert article.title == "Something else entirely"
    assert article.regions == []


def test_jsonl_bad_lines_fail_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl(
        {"text": BODY},
        '{"text": "unterminated',
        [1, 2],
        {"title": "no text"},
        {"text": 42},
        {"text": ""},
        {"text": "  \n "},
        {"text": BODY, "id": 7, "title": ["not", "a", "string"]},
    ).encode() + b'{"text": "caf\xe9"}\n')
    items = list(iter_articles([path]))
    assert len(items) == 9
    assert isinstance(items[0], Article)
    problems = {int(i.source.rsplit(":", 1)[1]): i.problem
                for i in items if isinstance(i, InputFailure)}
    assert problems[2].startswith("invalid JSON: Unterminated string")
    assert "(column" in problems[2]
    assert problems[3] == "expected a JSON object, got an array"
    assert problems[4] == 'no "text" field'
    assert problems[5] == '"text" is a number, not a string'
    assert problems[6] == '"text" is empty'
    assert problems[7] == "contains only whitespace"
    assert problems[9].startswith("invalid UTF-8 at byte")
    last = items[7]
    assert isinstance(last, Article)
    assert last.id == "7" and last.title is None
    assert last.warnings == ['ignored "title": an array, not a string']
    assert all(isinstance(i, InputFailure) and i.message.startswith(f"{path}:")
               for i in items[1:7])


def test_jsonl_empty_and_blank(tmp_path: Path) -> None:
    assert failure(one([write(tmp_path, "a.jsonl", "")])) == "empty file"
    assert failure(one([write(tmp_path, "b.jsonl", "\n \n\n")])) == "contains only whitespace"


def test_jsonl_binary(tmp_path: Path) -> None:
    assert failure(one([write(tmp_path, "a.jsonl", b"\x00\x01{}")])).startswith("binary")


def test_jsonl_article_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl({"text": "x" * 50}, {"text": "short text"}))
    big, small = list(iter_articles([path], max_chars=20))
    assert "exceeds the 20-character limit" in failure(big)
    assert isinstance(small, Article)


def test_jsonl_giant_line_is_not_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", jsonl({"text": "x" * 200_000}, {"text": "short text"}))
    big, small = list(iter_articles([path], max_chars=10))
    assert isinstance(big, InputFailure) and big.source == f"{path}:1"
    assert "of JSON exceeds the 10-character limit" in big.problem
    assert isinstance(small, Article) and small.source == f"{path}:2"


class OneLineThenBoom(io.RawIOBase):
    """A stream that serves one JSONL line, then fails: proves reading is lazy."""

    def __init__(self, first: bytes) -> None:
        self.first: bytes | None = first

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.first is None:
            raise AssertionError("read past the first line")
        data, self.first = self.first, None
        return data


def test_jsonl_is_streamed() -> None:
    stream = OneLineThenBoom(jsonl({"text": BODY}, "").encode())
    items = iter_articles(["-"], stdin=stream)  # type: ignore[arg-type]
    first = next(items)
    assert isinstance(first, Article) and first.source == "<stdin>:1"


# --- stdin --------------------------------------------------------------------------------

def test_stdin_text() -> None:
    article = one(["-"], stdin=io.StringIO(ARTICLE))
    assert isinstance(article, Article)
    assert article.text == ARTICLE and article.source == "<stdin>"
    assert kinds(article) == ["headline", "headline-repeat", "boilerplate"]


def test_stdin_bytes_and_default_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    article = one(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert isinstance(article, Article) and article.text == ARTICLE
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode())))
    article = one(["-"])
    assert isinstance(article, Article) and article.text == ARTICLE


def test_stdin_jsonl_when_first_line_is_an_object() -> None:
    items = list(iter_articles(["-"], stdin=io.StringIO(
        "\n" + jsonl({"text": BODY}, "not json", {"text": BODY, "id": "b"}))))
    assert [i.source for i in items] == ["<stdin>:2", "<stdin>:3", "<stdin>:4"]
    assert isinstance(items[1], InputFailure) and items[1].problem.startswith("invalid JSON")
    assert isinstance(items[2], Article) and items[2].id == "b"


def test_stdin_text_starting_with_a_brace_is_text() -> None:
    text = "{braces} open this article.\n\nThe council said it would vote again."
    article = one(["-"], stdin=io.StringIO(text))
    assert isinstance(article, Article) and article.text == text


def test_stdin_empty_and_invalid() -> None:
    assert failure(one(["-"], stdin=io.StringIO(""))) == "empty input"
    assert failure(one(["-"], stdin=io.BytesIO(b"caf\xe9 au lait"))).startswith(
        "invalid UTF-8 at byte 3")


# --- HTML ---------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html><html><head><title>{HEADLINE} | The Daily Test</title>
<meta property="og:site_name" content="The Daily Test">
<meta property="og:url" content="https://example.org/bridge">
<meta name="date" content="2024-03-05">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{HEADLINE}</h1>
<p>The city council voted on Tuesday to fund a new bridge over the river, ending a debate
that had lasted for more than two years.</p>
<p>“This bridge will connect our neighbourhoods and our businesses,” the mayor said.</p>
<p>Opponents argued that the cost was too high and said they would appeal.</p>
</article><footer>Contact the newsroom</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    article = one([write(tmp_path, "a.html", PAGE)])
    assert isinstance(article, Article)
    assert article.title == HEADLINE
    assert article.outlet == "The Daily Test"
    assert article.date == "2024-03-05"
    assert article.url == "https://example.org/bridge"
    assert "ending a debate" in article.text and "Home" not in article.text
    assert kinds(article) == ["headline"]
    assert region_texts(article) == [HEADLINE]
    start = article.text.index("“This bridge")
    assert article.text[start:start + 12] == "“This bridge"


def test_html_without_main_text(tmp_path: Path) -> None:
    page = "<html><body><nav><a href='/'>Home</a></nav></body></html>"
    assert failure(one([write(tmp_path, "a.htm", page)])) == "no main text found in the HTML"


def test_html_empty_and_binary(tmp_path: Path) -> None:
    assert failure(one([write(tmp_path, "a.html", "")])) == "empty file"
    assert failure(one([write(tmp_path, "b.html", "  \n")])) == "contains only whitespace"
    assert failure(one([write(tmp_path, "c.html", b"<html>\x00")])).startswith("binary")


# --- headline and boilerplate -------------------------------------------------------------

def test_headline_once_even_when_repeated() -> None:
    regions, title = find_regions(ARTICLE)
    assert title == HEADLINE
    assert [r.kind for r in regions] == ["headline", "headline-repeat", "boilerplate"]
    assert regions[0] == Region(0, len(HEADLINE), "headline")


@pytest.mark.parametrize("headline", [
    "Texas Rep. Jane Roe resigns from Congress",
    "Will the new bridge ever be built?",
])
def test_headline_shapes(headline: str) -> None:
    assert find_regions(f"{headline}\n\n{BODY}")[1] == headline


@pytest.mark.parametrize("text", [
    BODY,  # opens with a sentence
    "The city council voted on Tuesday to fund a new bridge over the\nriver, ending a "
    "debate.\nIt was long.",  # hard-wrapped lines, no blank line
    "Only one paragraph here",
])
def test_no_headline(text: str) -> None:
    regions, title = find_regions(text)
    assert title is None and not [r for r in regions if r.kind.startswith("headline")]


def test_known_title_decides() -> None:
    text = f"{HEADLINE}\n\n{BODY}"
    assert find_regions(text, known_title=HEADLINE.upper() + "!")[1] == HEADLINE
    assert find_regions(text, known_title="Another title") == ([], None)


def test_single_newline_paragraphs() -> None:
    text = f"{HEADLINE}\n{BODY.replace(chr(10) * 2, chr(10))}\nShare this article"
    regions, title = find_regions(text)
    assert title == HEADLINE
    assert [(r.kind, text[r.start:r.end]) for r in regions] == [
        ("headline", HEADLINE), ("boilerplate", "Share this article")]


@pytest.mark.parametrize("para", [
    FOOTER,
    "Sign up for our morning newsletter to get the news first.",
    "Get our weekly politics newsletter, delivered straight to your inbox.",
    "Share this article",
    "Share on Facebook",
    "Read more: Council approves its budget for next year",
    "READ MORE: Minister says ‘we will act on prices this year’",
    "Read more about the bridge project",
    "Follow us on social media for updates.",
    "Advertisement",
    "© 2024 The Daily Test. All rights reserved.",
    "Balanced journalism is our promise to you.",
])
def test_boilerplate(para: str) -> None:
    text = f"{BODY}\n\n{para}"
    regions, _ = find_regions(text)
    assert [(r.kind, text[r.start:r.end]) for r in regions] == [("boilerplate", para)]


@pytest.mark.parametrize("para", [
    "“Read more about the plan before you vote,” he said.",
    "Read more about the plan before you vote, the mayor said.",
    "“If you think our reporting on this topic is unfair, please tell us,” the editor "
    "wrote in a letter to readers.",
    "She urged residents to “share this article with everyone you know” before Friday.",
    "A court ruled on the copyright dispute between the two publishers on Monday.",
    "Volunteers persuaded hundreds of people to sign up for updates from the campaign.",
])
def test_reporting_is_not_boilerplate(para: str) -> None:
    regions, _ = find_regions(f"{BODY}\n\n{para}")
    assert regions == []


def test_footer_line_under_a_paragraph_is_taken_alone() -> None:
    para = "Opponents will appeal the decision.\nSign up to get an email from our reporter."
    text = f"{BODY}\n\n{para}"
    regions, _ = find_regions(text)
    assert [text[r.start:r.end] for r in regions] == [
        "Sign up to get an email from our reporter."]


def test_hard_wrapped_footer_is_one_region() -> None:
    para = "If you think our reporting on this\ntopic is unfair, please tell us."
    text = f"{BODY}\n\n{para}"
    regions, _ = find_regions(text)
    assert [text[r.start:r.end] for r in regions] == [para]


def test_masked_text_keeps_length_and_offsets() -> None:
    article = Article.from_text(ARTICLE)
    masked = article.masked_text()
    assert len(masked) == len(ARTICLE)
    assert any(r.kind == "headline" for r in article.regions)
    inside = {i for r in article.regions if r.kind in MASKED_KINDS
              for i in range(r.start, r.end)}
    for i, (a, b) in enumerate(zip(ARTICLE, masked, strict=True)):
        assert b == (a if i not in inside or a in "\r\n" else " ")


# --- the shared example article -----------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason="../shared/data/seed/article.txt not present")
def test_seed_article() -> None:
    article = one([str(SEED)])
    assert isinstance(article, Article)
    text = SEED.read_text(encoding="utf-8")
    assert article.text == text
    assert kinds(article) == ["headline", "headline-repeat", "boilerplate"]
    headline, repeat, footer = article.regions
    assert text[headline.start:headline.end] == text[repeat.start:repeat.end] == article.title
    assert headline.start == 0
    assert footer.end == len(text.rstrip())
    assert text[footer.start:footer.end].startswith("Balanced journalism")
    assert article.warnings == []
    masked = article.masked_text()
    assert len(masked) == len(text)
    assert masked[:footer.start].strip() != ""
    assert masked[footer.start:footer.end].strip() == ""
    assert masked[repeat.start:repeat.end].strip() == ""
    assert masked[headline.start:headline.end].strip() == ""
    body = text.index("\n\n", repeat.end) + 2
    assert masked[body:footer.start] == text[body:footer.start]
