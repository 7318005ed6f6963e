"""The public API: pinned names, the error hierarchy, the report contract."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import evenhand

if TYPE_CHECKING:
    from spacy.language import Language

PUBLIC = {
    "SCHEMA", "ActorRecord", "Article", "ConfigError", "EmptyInputError", "EvaluationError",
    "EvenhandError", "InputError", "PipelineError", "QuoteRecord", "Region", "Report",
    "SpanRecord", "__version__", "analyze", "analyze_many", "load_pipeline",
}


def test_public_names_are_pinned() -> None:
    assert set(evenhand.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(evenhand, name)


def test_errors_share_one_base() -> None:
    for cls in (evenhand.InputError, evenhand.EmptyInputError, evenhand.PipelineError,
                evenhand.ConfigError, evenhand.EvaluationError):
        assert issubclass(cls, evenhand.EvenhandError)
    err = evenhand.InputError("a.txt", "empty file")
    assert str(err) == "a.txt: empty file" and err.source == "a.txt"


def test_package_logger_is_silent_by_default() -> None:
    handlers = logging.getLogger("evenhand").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_unknown_pipeline_is_a_pipeline_error() -> None:
    with pytest.raises(evenhand.PipelineError, match="no_such_pipeline"):
        evenhand.load_pipeline("no_such_pipeline")


def test_report_contract(nlp: Language) -> None:
    text = "“Prices will fall,” the minister said.\n\nThe bank said rates would rise."
    report = evenhand.analyze(evenhand.Article.from_text(text, id="x1"), nlp=nlp)
    data = json.loads(report.to_json())
    assert data["schema"] == evenhand.SCHEMA == "evenhand/report-1"
    assert {"id", "title", "quotes", "actors", "warnings"} <= set(data)
    assert data["id"] == "x1"
    assert data["quotes"], data
    actor_ids = {a["id"] for a in data["actors"]}
    for q in data["quotes"]:
        assert {"start", "end", "text", "kind", "cue", "speaker", "actor"} <= set(q)
        assert text[q["start"]:q["end"]] == q["text"]
        assert q["kind"] in ("direct", "indirect", "mixed")
        assert q["actor"] is None or q["actor"] in actor_ids
    for a in data["actors"]:
        assert {"id", "name", "type", "mentions"} <= set(a)
        for s, e in a["mentions"]:
            assert 0 <= s < e <= len(text)


def test_analyze_accepts_plain_text(nlp: Language) -> None:
    report = evenhand.analyze("The minister said that prices would fall.", nlp=nlp)
    assert [q.kind for q in report.quotes] == ["indirect"]


def test_analyze_many_keeps_input_order(nlp: Language) -> None:
    texts = [f"Official number {i} said that the count was {i}." for i in range(20)]
    reports = list(evenhand.analyze_many(
        (evenhand.Article.from_text(t, id=str(i)) for i, t in enumerate(texts)), nlp=nlp))
    assert [r.id for r in reports] == [str(i) for i in range(20)]


def test_batches_close_at_the_token_budget() -> None:
    import spacy

    from evenhand.api import _batches

    blank = spacy.blank("en")
    docs = [blank.make_doc(" ".join(["word"] * n)) for n in (5, 5, 5, 20, 3, 3, 3, 3, 1)]
    pairs = [(doc, None) for doc in docs]
    sizes = [[len(d) for d, _ in b] for b in _batches(iter(pairs), 3, 12)]
    # 5+5 fits, a third 5 would pass 12; 20 alone (longer than the budget); 3+3+3 = 3 docs
    assert sizes == [[5, 5], [5], [20], [3, 3, 3], [3, 1]]
    unbounded = [[len(d) for d, _ in b]
                 for b in _batches(iter(pairs), 4, None)]
    assert unbounded == [[5, 5, 5, 20], [3, 3, 3, 3], [1]]
    assert list(_batches(iter([]), 4, 10)) == []


def test_batching_does_not_change_reports(nlp: Language) -> None:
    texts = [f"Minister {name} said the talks would go on. \"We will not give up,\" "
             f"{name} told reporters in {city}." for name, city in
             (("Ana Silva", "Lisbon"), ("Li Wei", "Beijing"), ("Tom Berg", "Oslo"))]
    texts.append(" ".join(texts) * 3)  # a long one: a batch of its own at a small budget
    one_batch = [r.to_dict() for r in evenhand.analyze_many(texts, nlp=nlp,
                                                            batch_tokens=None)]
    small = [r.to_dict() for r in evenhand.analyze_many(texts, nlp=nlp, batch_size=2,
                                                        batch_tokens=40)]
    assert small == one_batch
    assert [len(r["quotes"]) for r in small][:3] == [2, 2, 2]  # indirect + direct


def test_analyze_many_sets_the_heap_aside_only_while_it_runs(nlp: Language) -> None:
    import gc

    texts = ["The minister said that prices would fall.", "Officials said no."]
    assert gc.get_freeze_count() == 0
    running = evenhand.analyze_many(texts, nlp=nlp)
    next(running)
    assert gc.get_freeze_count() > 0  # the pipeline's objects, out of full collections
    list(running)
    assert gc.get_freeze_count() == 0
    abandoned = evenhand.analyze_many(texts, nlp=nlp)
    next(abandoned)
    abandoned.close()
    assert gc.get_freeze_count() == 0
    # a program's own freeze is left alone
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert len(list(evenhand.analyze_many(texts, nlp=nlp))) == 2
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_html_report_carries_the_text_its_offsets_refer_to(nlp: Language,
                                                          tmp_path: Path) -> None:
    from evenhand.article import iter_articles

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Port deal signed</title></head><body><article>"
        "<h1>Port deal signed</h1><p>The harbour authority said on Monday that the new "
        "terminal would open next spring, after years of delays.</p><p>\"This is the day we "
        "have waited for,\" the mayor, Ana Ruiz, told reporters.</p></article></body></html>",
        encoding="utf-8")
    (article,) = list(iter_articles([str(page)]))
    assert isinstance(article, evenhand.Article)
    data = evenhand.analyze(article, nlp=nlp).to_dict()
    assert data["text"] == article.text
    assert data["quotes"]
    for q in data["quotes"]:
        assert data["text"][q["start"]:q["end"]] == q["text"]


def test_plain_text_report_has_no_text_copy(nlp: Language) -> None:
    assert "text" not in evenhand.analyze("The minister said it rained.", nlp=nlp).to_dict()
