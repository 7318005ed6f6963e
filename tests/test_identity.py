"""Who each actor is: role, country, gender where evident (model-backed: slow)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import evenhand
from evenhand import ActorRecord, Article, Report

if TYPE_CHECKING:
    from spacy.language import Language


def run(nlp: Language, text: str) -> Report:
    return evenhand.analyze(Article.from_text(text, find_boilerplate=False), nlp=nlp)


def actor(report: Report, name: str) -> ActorRecord:
    for a in report.actors:
        if name in a.name:
            return a
    raise AssertionError(f"no actor named {name!r}: {[a.name for a in report.actors]}")


def test_seed_article_identities(nlp: Language, seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    r = evenhand.analyze(Article.from_text(text), nlp=nlp)
    xi, putin = actor(r, "Xi Jinping"), actor(r, "Vladimir Putin")
    assert (xi.role, xi.country) == ("head_of_state_or_government", "CHN")
    assert (putin.role, putin.country) == ("head_of_state_or_government", "RUS")
    cctv = actor(r, "CCTV")
    assert (cctv.role, cctv.country) == ("state_media", "CHN")
    li = actor(r, "Li Hui")
    assert (li.role, li.country) == ("diplomat", "CHN")  # China's ambassador *to Russia*
    mod = actor(r, "Ministry of Defence")
    assert (mod.role, mod.country) == ("minister_or_ministry", "CHN")
    assert actor(r, "NATO").role == "international_organization"
    assert actor(r, "United States").country == "USA"
    assert not actor(r, "United States").quoted and not actor(r, "NATO").quoted
    assert xi.quoted and xi.quote_count >= 2 and xi.quoted_words > 0


def test_gender_only_where_the_text_says_so(nlp: Language) -> None:
    r = run(nlp, "Maria Lopez said the budget was balanced. Ms. Ana Ruiz said it was not. "
                 "Peter Novak said the vote would be close, and he added that it was urgent.")
    assert actor(r, "Maria Lopez").gender == "unknown"  # a first name is not evidence
    assert actor(r, "Ana Ruiz").gender == "female"  # an honorific is
    assert actor(r, "Peter Novak").gender == "male"  # so is a resolved pronoun


def test_roles_from_titles_and_appositives(nlp: Language) -> None:
    r = run(nlp, "Laura Chen, an economist at the University of Leeds, said growth would "
                 "slow. Defence Minister Olav Berg said troops would stay. The French "
                 "ambassador, Claire Dubois, said talks would go on.")
    assert actor(r, "Laura Chen").role == "expert_or_academic"
    assert actor(r, "Olav Berg").role == "minister_or_ministry"
    dubois = actor(r, "Claire Dubois")
    assert (dubois.role, dubois.country) == ("diplomat", "FRA")


def test_documents_and_unnamed_sources(nlp: Language) -> None:
    r = run(nlp, "The report found that emissions had doubled. Officials said the plant "
                 "would close.")
    roles = {a.role for a in r.actors if a.quoted}
    assert "document" in roles
