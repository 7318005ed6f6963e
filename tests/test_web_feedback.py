"""Reader reports written concurrently, on both backends: identical reports racing for the
same new campaign all land in it, none is lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from evenhand.store import Store, open_store
from evenhand.web.feedback import ReportInput, Submitted, submit_report
from evenhand.web.models import BiasReport, Campaign
from web_fixtures import add_article

WRITERS = 8


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def _race(store: Store, article_id: int, data: ReportInput) -> list[Submitted | Exception]:
    results: list[Submitted | Exception] = []
    barrier = threading.Barrier(WRITERS)

    def send() -> None:
        barrier.wait()
        try:
            results.append(submit_report(store, article_id, data, client_hash="h"))
        except Exception as exc:  # the assertion below names it
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("comment", [
    "",  # a short comment: folds by passage
    "this story quotes only one side of the strike and never the port authority",
])
def test_identical_reports_sent_at_once_are_all_stored_in_one_campaign(
        store: Store, comment: str) -> None:
    article_id = add_article(store)
    data = ReportInput(category="one_sided_sourcing", comment=comment)
    results = _race(store, article_id, data)
    failed = [r for r in results if isinstance(r, Exception)]
    assert not failed, failed
    assert len(results) == WRITERS
    assert len({r.campaign_id for r in results if isinstance(r, Submitted)}) == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(BiasReport)) == WRITERS
        (count,) = s.scalars(select(Campaign.report_count)).all()
    assert count == WRITERS  # no increment lost either
