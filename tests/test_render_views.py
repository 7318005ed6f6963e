"""The Markdown and HTML views of a report (evenhand.render.markdown, evenhand.render.html).

Fast: built on a hand-made report whose text and names carry markup; one slow test renders
the real report of the seed article.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evenhand.render.html import HtmlWriter, render_html, render_html_page, side_colours
from evenhand.render.markdown import MarkdownWriter, md_escape, render_markdown
from evenhand.report import ActorRecord, QuoteRecord, Report, SpanRecord

TEXT = (
    "Ferry <script>alert(1)</script> fares rise\n\n"
    "“Prices must go up, *now* [again] | <b>bold</b>,” the harbour master, Ines <Varga>, "
    "said.\n\n"
    "The union said that crews had not been consulted, as the board chair put it "
    "“without a single meeting”.\n"
    "Officials say the fares are outrageous.\n\n"
    "“Fares will rise,” she said, “but not by much.”\n\n"
    "Tell us what you think in the comments."
)
HARBOUR = "Harbour <script>side</script>"


def span(part: str, after: int = 0) -> SpanRecord:
    start = TEXT.index(part, after)
    return SpanRecord(start, start + len(part), part)


def quote(part: str, kind: str, actor: str | None, cue: str | None = None,
          speaker: str | None = None, spans: list[list[int]] | None = None) -> QuoteRecord:
    s = span(part)
    cue_span = None
    if cue:  # the cue after the quote, else the one before it
        cue_span = span(cue, s.end) if cue in TEXT[s.end:] else span(cue)
    return QuoteRecord(s.start, s.end, s.text, kind, cue_span,
                       span(speaker) if speaker else None, actor, spans or [])


@dataclass
class ExtendedReport(Report):
    """A report with the keys later versions add (sentences, tone, attribution)."""

    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.pop("extra")
        data.update(self.extra)
        return data


def quotes() -> list[QuoteRecord]:
    first, second = span("“Fares will rise,”"), span("“but not by much.”")
    return [
        quote("“Prices must go up, *now* [again] | <b>bold</b>,”", "direct", "a1",
              cue="said", speaker="the harbour master"),
        quote("crews had not been consulted, as the board chair put it “without a single "
              "meeting”", "mixed", "a2", cue="said", speaker="The union"),
        quote("“without a single meeting”", "direct", "a3", cue="put it",
              speaker="the board chair"),  # nested in the one before
        quote("board chair put it “without a single meeting”.\nOfficials say the fares",
              "indirect", None),  # crosses the ends of both and a line break
        QuoteRecord(first.start, second.end, TEXT[first.start:second.end], "direct",
                    span("said", first.end), span("she", first.end), "a1",
                    [[first.start, first.end], [second.start, second.end]]),
    ]


def make_report(cls: type[Report] = Report, **kw: Any) -> Report:
    q = quotes()
    headline = span("Ferry <script>alert(1)</script> fares rise")
    boiler = span("Tell us what you think in the comments.")
    return cls(
        id="r1", title=headline.text, source="fares.txt", outlet="The <i>Harbour</i> Post",
        date="2024-03-01", url="javascript:alert(1)",
        quotes=q,
        actors=[
            ActorRecord("a1", "Ines <Varga>", "person",
                        [[span("Ines <Varga>").start, span("Ines <Varga>").end]],
                        role="minister_or_ministry", country="GBR", gender="female",
                        quoted=True, quote_count=2, quoted_words=14, side=HARBOUR),
            ActorRecord("a2", "union", "group", [[span("The union").start,
                                                  span("The union").end]],
                        quoted=True, quote_count=1, quoted_words=12, side="Union"),
            ActorRecord("a3", "board | chair", "person",
                        [[span("the board chair").start, span("the board chair").end]],
                        role="business", quoted=True, quote_count=1, quoted_words=4,
                        side=HARBOUR),
            ActorRecord("a4", "passengers", "group", [[span("fares are").start,
                                                       span("fares are").end]],
                        side="Passengers"),
        ],
        excluded=[{"start": headline.start, "end": headline.end, "kind": "headline",
                   "text": headline.text},
                  {"start": boiler.start, "end": boiler.end, "kind": "boilerplate",
                   "text": boiler.text}],
        sides=[
            {"name": HARBOUR, "actors": ["a1", "a3"], "quotes": 3, "quoted_words": 18,
             "share": 0.6, "mentions": 2, "heard": True},
            {"name": "Union", "actors": ["a2"], "quotes": 1, "quoted_words": 12, "share": 0.4,
             "mentions": 1, "heard": True},
            {"name": "Passengers", "actors": ["a4"], "quotes": 0, "quoted_words": 0,
             "share": 0.0, "mentions": 1, "heard": False},
        ],
        findings=[
            {"id": "one-sided-voices", "severity": "warning",
             "text": "Passengers <script>x</script> are discussed but never quoted.",
             "evidence": [[q[0].start, q[0].end], [span("fares are").start,
                                                   span("fares are").end]]},
            {"id": "gender-of-quoted-people", "severity": "info", "text": "1 woman quoted.",
             "evidence": [[span("Ines <Varga>").start, span("Ines <Varga>").end]]},
        ],
        analyzer={"evenhand": "0.0.0", "pipeline": "test"},
        **kw,
    )


def extras() -> dict[str, Any]:
    sentence = span("Officials say the fares are outrageous.")
    term = span("outrageous")
    vague = span("Officials say")
    slanted = span("put it")
    return {
        "sentences": [{"start": sentence.start, "end": sentence.end, "bias": 0.8,
                       "biased": True,
                       "loaded": [{"start": term.start, "end": term.end, "text": term.text,
                                   "category": "loaded", "subcategory": "emotive <adj>",
                                   "why": "strong <feeling>", "quoted": False}]}],
        "tone": {"a1": {"score": 0.5, "label": "positive", "clauses": 2,
                        "evidence": [{"start": term.start, "end": term.end,
                                      "text": term.text, "polarity": "positive"}]},
                 "a2": {"score": -0.25, "label": "negative", "clauses": 1, "evidence": []}},
        "attribution": {"attributed_claim_share": 0.75, "claims": 4, "attributed_claims": 3,
                        "vague": [{"start": vague.start, "end": vague.end, "text": vague.text,
                                   "pattern": "officials say"}],
                        "slanted": [{"start": slanted.start, "end": slanted.end,
                                     "text": slanted.text, "verb": "put",
                                     "category": "neutral"}]},
    }


# --- Markdown -------------------------------------------------------------------------------

def test_markdown_sections() -> None:
    md = render_markdown(make_report(), TEXT)
    assert md.startswith("# Ferry \\<script\\>alert(1)\\</script\\> fares rise\n")
    for heading in ("## Findings", "## Sides", "## Quotes", "## Actors", "## Not analysed"):
        assert heading in md
    assert "- **Warning**: Passengers \\<script\\>x\\</script\\> are discussed" in md
    start, end = make_report().quotes[0].start, make_report().quotes[0].end
    assert f"({start}–{end})" in md  # evidence with its offsets
    assert "| *Passengers* | 0 | 0 | 0% | 1 | **never quoted** |" in md
    assert "the harbour master → Ines \\<Varga\\>" in md
    assert "| a1 | **Ines \\<Varga\\>** | person | minister or ministry | GBR | female |" in md
    assert "**Outlet:** The \\<i\\>Harbour\\</i\\> Post" in md


def test_markdown_escapes_text_and_names() -> None:
    md = render_markdown(make_report(), TEXT)
    assert "<script>" not in md and "<b>" not in md and "<Varga>" not in md
    assert "\\*now\\* \\[again\\] \\| \\<b\\>bold\\</b\\>" in md
    # every table keeps its column count: pipes inside cells are escaped
    for block in re.findall(r"(?:^\|.*\n)+", md, flags=re.M):
        counts = {len(re.findall(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(counts) == 1, block


def test_md_escape() -> None:
    assert md_escape("a|b *c* _d_ [e](f) <g> &amp; #h `i`\n~j~") == (
        "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\&amp; \\#h \\`i\\` \\~j\\~")


def test_markdown_optional_sections() -> None:
    plain = render_markdown(make_report(), TEXT)
    for heading in ("## Loaded language", "## Tone by actor", "## Attribution"):
        assert heading not in plain
    none = render_markdown(make_report(ExtendedReport, extra={
        "sentences": None, "tone": None, "attribution": None}), TEXT)
    assert "## Tone by actor" not in none
    md = render_markdown(make_report(ExtendedReport, extra=extras()), TEXT)
    assert "## Loaded language" in md and "1 of 1 sentence flagged as biased." in md
    assert "| outrageous | loaded (emotive \\<adj\\>) | strong \\<feeling\\> |" in md
    assert "| **0.80** |" in md
    assert "## Tone by actor" in md and "| +0.50 | positive |" in md and "-0.25" in md
    assert "3 of 4 factual claims (75%) are attributed to a source." in md
    assert "“Officials say”" in md and "put · neutral" in md
    only_tone = render_markdown(make_report(ExtendedReport, extra={"tone": {}}), TEXT)
    assert "No tone measured." in only_tone and "## Attribution" not in only_tone


def test_text_from_report_or_argument() -> None:
    with pytest.raises(ValueError):
        render_markdown(make_report())
    with pytest.raises(ValueError):
        render_html(make_report())
    carried = make_report(text=TEXT)
    assert render_markdown(carried) == render_markdown(make_report(), TEXT)
    assert "Prices must go up" in render_html(carried)


def test_markdown_writer() -> None:
    out = io.StringIO()
    writer = MarkdownWriter(out)
    writer.write(make_report(), TEXT)
    writer.write(make_report(text=TEXT))
    writer.close()
    assert out.getvalue().count("## Findings") == 2 and "\n* * *\n" in out.getvalue()


# --- HTML -----------------------------------------------------------------------------------

class Page(HTMLParser):
    """Checks that the page is well nested and collects, for the article: its text (labels
    left out), the text of each quote's marks, and which quotes enclose each quote."""

    VOID = frozenset({"br", "meta", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.article = ""
        self.quotes: dict[str, str] = {}
        self.pieces: dict[str, int] = {}
        self.enclosing: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag in self.VOID:
            return
        if tag == "mark" and "data-q" in a:
            q = a["data-q"]
            self.pieces[q] = self.pieces.get(q, 0) + 1
            self.enclosing.setdefault(q, set()).update(
                o["data-q"] for t, o in self.stack if t == "mark" and "data-q" in o)
        self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-3:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        classes = [set(a.get("class", "").split()) for _, a in self.stack]
        if not any("article" in c for c in classes):
            return
        if any(t == "sup" for t, _ in self.stack) or any("na" in c for c in classes):
            return  # labels, not article text
        self.article += data
        for tag, a in self.stack:
            if tag == "mark" and "data-q" in a:
                self.quotes[a["data-q"]] = self.quotes.get(a["data-q"], "") + data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert not parser.stack
    return parser


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_html_escapes_text_and_names() -> None:
    page = render_html(make_report(), TEXT)
    assert page.count("<script>") == 1  # the page's own few lines, nothing from the report
    assert "alert(1)</script>" not in page and "<Varga>" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ines &lt;Varga&gt;" in page and "Harbour &lt;script&gt;side&lt;/script&gt;" in page
    assert 'href="javascript' not in page  # only http(s) URLs become links


def test_html_is_standalone() -> None:
    page = render_html(make_report(), TEXT)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for external in ("<link", " src=", "@import", "url(", "http://", "https://"):
        assert external not in page


def test_html_every_quote_highlighted() -> None:
    report = make_report()
    page = parse(render_html(report, TEXT))
    assert squeeze(page.article) == squeeze(TEXT)  # nothing lost, nothing doubled
    for n, q in enumerate(report.quotes, 1):
        expected = "".join(TEXT[s:e] for s, e in q.spans) if q.spans else q.text
        assert squeeze(page.quotes[str(n)]) == squeeze(expected), n


def test_html_nested_and_crossing_quotes() -> None:
    page = parse(render_html(make_report(), TEXT))  # parse() checks the nesting
    assert "2" in page.enclosing["3"]  # the nested quote is a mark inside its quote
    assert page.pieces["4"] > 1  # the crossing one is split where it crosses
    assert page.pieces["5"] == 2  # one mark per fragment


def test_html_findings_link_into_article() -> None:
    report = make_report()
    html = render_html(report, TEXT)
    page = parse(html)
    links = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert links and set(links) <= set(page.ids)
    start, end = report.quotes[0].start, report.quotes[0].end
    assert f'href="#t{start}-{end}"' in html and f'id="t{start}-{end}"' in html
    assert 'class="badge warning">Warning<' in html and 'class="badge info">Info<' in html


def test_html_article_marks_and_labels() -> None:
    html = render_html(make_report(), TEXT)
    assert 'class="spk' in html and 'class="cue' in html
    assert "not analysed · headline" in html and "not analysed · boilerplate" in html
    assert "Ines &lt;Varga&gt; <i>ministry</i></sup>" in html  # the superscript label
    assert re.search(r'<mark class="q direct s\d"[^>]* title="the harbour master → Ines '
                     r'&lt;Varga&gt;\nminister or ministry', html)
    assert "never quoted" in html  # the voice chart and the sides table
    assert len(re.findall(r"<table>", html)) == 3  # sides, actors, quotes


def test_html_optional_sections() -> None:
    plain = render_html(make_report(), TEXT)
    for marker in ("Tone by actor", "Loaded language", "Attribution</h2>", 'class="loaded"'):
        assert marker not in plain
    html = render_html(make_report(ExtendedReport, extra=extras()), TEXT)
    parse(html)
    assert "Tone by actor" in html and "+0.50" in html and "-0.25" in html
    assert 'class="bar neg"' in html and 'class="bar pos"' in html
    assert re.search(r'<span class="loaded" title="loaded term: loaded \(emotive &lt;adj&gt;\) · '
                     r'strong &lt;feeling&gt;">outrageous', html)
    assert "Loaded language" in html and "Attribution</h2>" in html
    assert 'class="vague"' in html and 'class="slanted"' in html


def test_side_colours_are_stable() -> None:
    one = side_colours(["China", "Russia", "United States", "NATO"])
    assert one == side_colours(["NATO", "United States", "Russia", "China"])
    assert len(set(one.values())) == 4
    assert side_colours(["China"])["China"] == side_colours(["China", "Mali"])["China"] \
        or side_colours(["Mali"])["Mali"] == side_colours(["China"])["China"]


def test_html_writer_and_page_of_several() -> None:
    out = io.StringIO()
    writer = HtmlWriter(out)
    writer.write(make_report(), TEXT)
    writer.write(make_report(text=TEXT))
    writer.close()
    page = out.getvalue()
    parsed = parse(page)
    assert page.count("<!DOCTYPE html>") == 1 and page.count('<article class="report"') == 2
    assert len(parsed.ids) == len(set(parsed.ids))  # ids stay unique across reports
    single = io.StringIO()
    writer = HtmlWriter(single)
    writer.write(make_report(), TEXT)
    writer.close()
    assert single.getvalue() == render_html(make_report(), TEXT)
    several = render_html_page([(make_report(), TEXT), (make_report(), TEXT)])
    assert len(parse(several).ids) == len(set(parse(several).ids))


# --- a real report --------------------------------------------------------------------------

def test_seed_article_views(nlp: Any, seed_article: Path) -> None:
    import evenhand

    text = seed_article.read_text(encoding="utf-8")
    report = evenhand.analyze(evenhand.Article.from_text(text), nlp=nlp)
    html = render_html(report, text)
    page = parse(html)
    assert squeeze(page.article) == squeeze(text)
    names = {a.id: a.name for a in report.actors}
    for n, q in enumerate(report.quotes, 1):
        assert squeeze(page.quotes[str(n)]) == squeeze(q.text)
    cctv = next(n for n, q in enumerate(report.quotes, 1) if names.get(q.actor or "") == "CCTV")
    xi = [n for n, q in enumerate(report.quotes, 1) if names.get(q.actor or "") == "Xi Jinping"]
    assert xi and re.search(rf'<mark class="q [a-z]+ s\d"[^>]* title="[^"]*→ CCTV[^"]*" '
                            rf'data-q="{cctv}"', html)
    assert "<sup class=\"who\">Xi Jinping <i>leader</i></sup>" in html
    assert 'class="finding warning"' in html and "never quoted" in html
    assert any("United States" in f["text"] for f in report.findings
               if f["id"] == "one-sided-voices")
    md = render_markdown(report, text)
    assert "**never quoted**" in md and "→ CCTV" in md and "**Warning**" in md
