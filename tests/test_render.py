"""The terminal view and the JSON / JSONL writers (evenhand.render).

Fast: built on hand-made reports; one slow test renders a real report of the example.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evenhand.render import (
    JsonlWriter,
    JsonWriter,
    TextWriter,
    make_console,
    make_writer,
    render_report,
    render_scores,
)
from evenhand.report import SCHEMA, ActorRecord, QuoteRecord, Report, SpanRecord

TEXT = ("Ferry fares to rise in spring\n\n"
        "“Prices must go up [again],” the harbour master, Ines Varga, said.\n\n"
        "The union said that crews had not been consulted.\n\n"
        "Tell us what you think in the comments.")


def span(text: str, part: str) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), part)


def make_report(id: str = "r1", warnings: list[str] | None = None) -> Report:
    q1 = span(TEXT, "“Prices must go up [again],”")
    q2 = span(TEXT, "crews had not been consulted")
    return Report(
        id=id, title="Ferry fares to rise in spring", source="fares.txt",
        quotes=[
            QuoteRecord(q1.start, q1.end, q1.text, "direct", span(TEXT, "said"),
                        span(TEXT, "the harbour master"), "a1"),
            QuoteRecord(q2.start, q2.end, q2.text, "indirect", None,
                        span(TEXT, "The union"), "a2"),
        ],
        actors=[
            ActorRecord("a1", "Ines Varga", "person", [[76, 86], [56, 74]]),
            ActorRecord("a2", "union", "group", [[94, 103]]),
            ActorRecord("a3", "Harbour Board", "organization", [[0, 5]]),
        ],
        warnings=warnings or [],
        excluded=[{"start": 0, "end": 29, "kind": "headline", "text": TEXT[:29]},
                  {"start": 150, "end": 188, "kind": "boilerplate",
                   "text": "Tell us what you think in the comments."}],
    )


def render(report: Report, *, plain: bool = True) -> str:
    out = io.StringIO()
    render_report(report, make_console(out, plain=plain))
    return out.getvalue()


# --- text view ------------------------------------------------------------------------------

def test_text_view_shows_title_source_quotes_actors() -> None:
    out = render(make_report())
    assert "Ferry fares to rise in spring" in out
    assert "source: fares.txt" in out
    assert "2 quotes (1 direct, 1 indirect), 3 actors" in out
    assert "the harbour master → Ines Varga" in out
    # the speaker is the actor's name: shown once
    assert "union" in out and "→ union" not in out
    assert "Quotes" in out and "Actors" in out
    for column in ("kind", "speaker → actor", "cue", "quote", "type", "mentions"):
        assert column in out
    # actors sorted by quotes, then mentions: the unquoted organisation last
    actors = out[out.index("Actors"):]
    assert actors.index("Ines Varga") < actors.index("union") < actors.index("Harbour Board")


def test_text_view_lists_what_was_set_aside() -> None:
    out = render(make_report())
    assert "set aside:" in out
    assert "headline" in out and "boilerplate" in out
    assert "Tell us what you think" in out


def test_text_view_prints_brackets_literally_not_as_markup() -> None:
    out = render(make_report())
    assert "[again]" in out


def test_text_view_shows_warnings() -> None:
    out = render(make_report(warnings=["text does not look like English (3% ...)"]))
    assert "warning: text does not look like English" in out


def test_plain_console_has_no_escape_codes() -> None:
    out = render(make_report(warnings=["w"]), plain=True)
    assert "\x1b[" not in out


def test_non_terminal_console_has_no_colour() -> None:
    # a StringIO is not a terminal: Rich writes no colour even when not asked to be plain
    out = render(make_report(), plain=False)
    assert "\x1b[" not in out


def test_text_view_of_a_report_without_quotes_or_title() -> None:
    report = Report(id=None, title=None, quotes=[], actors=[], source="<stdin>")
    out = render(report)
    assert "(untitled)" in out
    assert "0 quotes, 0 actors" in out
    assert "Quotes" not in out


def test_floating_quote_without_speaker_span_shows_the_actor() -> None:
    report = make_report()
    report.quotes[0].speaker = None
    assert "→ Ines Varga" in render(report)


def test_long_quote_is_truncated() -> None:
    report = make_report()
    report.quotes[0].text = "word " * 200
    out = render(report)
    assert "…" in out
    assert out.count("word") < 60


def test_render_scores() -> None:
    scores = {"documents": 3, "gold_quotes": 10, "predicted_quotes": 9,
              "f1_0.3": {"precision": 0.8, "recall": 0.7, "f1": 0.7467},
              "f1_0.8": {"precision": 0.5, "recall": 0.4, "f1": 0.4444},
              "exact": {"precision": 0.2, "recall": 0.2, "f1": 0.2},
              "speaker_accuracy": 0.75, "speaker_scored": 4,
              "recall_by_kind": {"direct": 0.9, "indirect": 0.5}}
    out = io.StringIO()
    render_scores(scores, make_console(out, plain=True), title="dev.jsonl")
    text = out.getvalue()
    for needle in ("3 documents", "10 gold", "overlap > 0.3", "overlap > 0.8", "exact",
                   "0.747", "0.444", "speaker accuracy: 0.750", "direct", "0.900"):
        assert needle in text


# --- writers --------------------------------------------------------------------------------

def test_jsonl_writer_one_object_per_line() -> None:
    out = io.StringIO()
    writer = JsonlWriter(out)
    writer.write(make_report("a"))
    writer.write(make_report("b"))
    writer.close()
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]
    assert json.loads(lines[0])["schema"] == SCHEMA


def test_json_writer_single_article_is_an_object() -> None:
    out = io.StringIO()
    writer = JsonWriter(out, several=lambda: False)
    writer.write(make_report("a"))
    writer.close()
    data = json.loads(out.getvalue())
    assert isinstance(data, dict) and data["id"] == "a"


def test_json_writer_several_articles_is_an_array_streamed() -> None:
    out = io.StringIO()
    writer = JsonWriter(out, several=lambda: True)
    writer.write(make_report("a"))
    assert out.getvalue().startswith("[")  # written at once, not held back
    writer.write(make_report("b"))
    writer.close()
    assert [r["id"] for r in json.loads(out.getvalue())] == ["a", "b"]


def test_json_writer_one_report_of_several_inputs_is_still_an_array() -> None:
    out = io.StringIO()
    writer = JsonWriter(out, several=lambda: True)
    writer.write(make_report("a"))
    writer.close()
    assert [r["id"] for r in json.loads(out.getvalue())] == ["a"]


def test_json_writer_no_reports() -> None:
    out = io.StringIO()
    JsonWriter(out, several=lambda: True).close()
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    JsonWriter(out, several=lambda: False).close()
    assert out.getvalue() == ""


def test_json_writer_without_a_hint_switches_to_an_array_on_the_second_report() -> None:
    out = io.StringIO()
    writer = JsonWriter(out)
    writer.write(make_report("a"))
    assert out.getvalue() == ""
    writer.write(make_report("b"))
    writer.close()
    assert [r["id"] for r in json.loads(out.getvalue())] == ["a", "b"]


def test_make_writer() -> None:
    out = io.StringIO()
    assert isinstance(make_writer("text", out), TextWriter)
    assert isinstance(make_writer("json", out), JsonWriter)
    assert isinstance(make_writer("jsonl", out), JsonlWriter)
    with pytest.raises(ValueError, match="unknown format"):
        make_writer("xml", out)


# --- a real report --------------------------------------------------------------------------

def test_text_view_of_the_example(nlp: object, example_article: Path) -> None:
    from evenhand import analyze_many
    from evenhand.article import Article, iter_articles

    article = next(iter(iter_articles([str(example_article)])))
    assert isinstance(article, Article)
    report = next(analyze_many([article], nlp=nlp))  # type: ignore[arg-type]
    out = render(report)
    assert report.title and report.title in out
    assert str(example_article) in out
    assert "Margaret Okafor" in out and "Tom Brennan" in out
    assert "boilerplate" in out
