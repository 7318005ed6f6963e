"""Corpus pages: the dashboard (voice share by outlet × side over time) and the stories,
each compared across outlets with the stories module's renderer."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import NotFoundError, StoreError
from ...store import Store
from ...stories import COMPARISON_CSS, comparison_body
from ...stories.run import (
    analyse_and_compare,
    analyse_missing,
    cluster_articles,
    store_articles,
    store_reports,
    story_table,
)
from ...stories.views import story_title
from ..dashboard import dashboard_data
from ..deps import RateLimit, render, store_of

log = logging.getLogger("evenhand.web")
router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
# the clustering `evenhand stories` uses by default
WINDOW_DAYS = 3
THRESHOLD = 0.2


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request) -> HTMLResponse:
    data = await _dashboard(request)
    return render(request, "dashboard.html", {"d": data})


@api_router.get("/dashboard", summary="Voice share by outlet and side, month by month")
async def dashboard_json(request: Request) -> dict[str, Any]:
    return await _dashboard(request)


async def _dashboard(request: Request) -> dict[str, Any]:
    import anyio.to_thread

    store = store_of(request)
    cache = request.app.state.cache
    data: dict[str, Any] = await anyio.to_thread.run_sync(
        cache.get, "dashboard", lambda: dashboard_data(store))
    return data


def _stories(request: Request) -> dict[str, Any]:
    """The store's stories (cached for a minute): rows by story, and the articles."""
    store = store_of(request)

    def make() -> dict[str, Any]:
        articles = store_articles(store)
        clustering = cluster_articles(articles, window_days=WINDOW_DAYS, threshold=THRESHOLD)
        stories: dict[str, list[dict[str, Any]]] = {}
        for row in story_table(articles, clustering):
            stories.setdefault(row["story"], []).append(row)
        return {"articles": {a.id: a for a in articles}, "clustering": clustering,
                "stories": stories}

    value: dict[str, Any] = request.app.state.cache.get("stories", make)
    return value


@router.get("/stories", response_class=HTMLResponse)
async def stories_page(request: Request) -> HTMLResponse:
    import anyio.to_thread

    data = await anyio.to_thread.run_sync(_stories, request)
    rows = []
    for story, members in data["stories"].items():
        outlets = sorted({m["outlet"] or "?" for m in members})
        if len(members) < 2:
            continue
        dates = sorted((m["date"] or "")[:10] for m in members if m.get("date"))
        title = next((m["title"] for m in members if m.get("title")), story)
        rows.append({"story": story, "title": title, "outlets": outlets,
                     "articles": len(members), "first": dates[0] if dates else "",
                     "last": dates[-1] if dates else ""})
    rows.sort(key=lambda r: (r["last"], r["articles"]), reverse=True)
    return render(request, "stories.html", {"rows": rows, "singles": sum(
        1 for m in data["stories"].values() if len(m) == 1)})


@router.get("/stories/{story}", response_class=HTMLResponse)
async def story_page(request: Request, story: str) -> HTMLResponse:
    import anyio.to_thread

    data = await anyio.to_thread.run_sync(_stories, request)
    ids = data["clustering"].stories.get(story)
    if not ids:
        raise NotFoundError(f"no story {story!r} in the store")
    members = [data["articles"][i] for i in ids]
    store = store_of(request)
    reports = await anyio.to_thread.run_sync(store_reports, store, ids)
    analyzer = request.app.state.analyzer
    if any(m.id not in reports for m in members):
        # the pipeline runs for this view: it counts against the client's analyses
        RateLimit("analyze", "analyses")(request)

    def work() -> dict[str, Any]:
        fresh = analyse_missing(members, reports, nlp=analyzer.pipeline)
        _save(store, fresh)  # the next view (and `evenhand compare --db`) reads them back
        return analyse_and_compare(story, members, nlp=analyzer.pipeline,
                                   reports={**reports, **fresh})

    # articles not analysed yet are analysed now, in the analysis thread
    comparison = await analyzer.run(work)
    return render(request, "story.html", {"title": story_title(comparison),
                                          "body": comparison_body(comparison)})


def _save(store: Store, fresh: dict[str, dict[str, Any]]) -> None:
    from ...store import analyzer_version

    if not fresh:
        return
    try:
        store.save_results([(int(i), analyzer_version(r.get("analyzer")), r)
                            for i, r in fresh.items()])
    except StoreError as exc:  # the page is still right; the analyses are made again later
        log.warning("could not save %d story analyses: %s", len(fresh), exc)


@router.get("/assets/comparison.css")
def comparison_stylesheet() -> Response:
    return Response(COMPARISON_CSS, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})
