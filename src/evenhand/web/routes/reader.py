"""Reader pages: the articles in the store (search and filters), one article with its
balance report and the bias-report form, and the thank-you page.

The form is plain HTML and works without JavaScript: the reader may paste the passage into
a text box (it is looked up in the article) or leave it empty for the whole article. With
JavaScript (static/report.js), selecting text in the article fills in the passage and its
exact character offsets.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...errors import InputError
from ...render.html import highlight, render_html_fragment
from ...report import Report
from ..corpus import ArticleFilters, filter_choices, get_article, list_articles
from ..deps import RateLimit, check_csrf, client_hash, render, settings_of, store_of
from ..feedback import ReportInput, submit_report
from ..security import CSRF_FIELD, HONEYPOT_FIELD

router = APIRouter(include_in_schema=False)
PAGE = 25


def _int_or_none(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise InputError(field, f"{value!r} is not a whole number")
    return int(value)


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, q: str = "", outlet: str = "", date_from: str = "",
                  date_to: str = "", never_heard: str = "",
                  page: int = Query(1, ge=1, le=10_000)) -> HTMLResponse:
    store = store_of(request)
    filters = ArticleFilters(q=q.strip() or None, outlet=outlet or None,
                             date_from=date_from or None, date_to=date_to or None,
                             never_heard=never_heard or None, limit=PAGE,
                             offset=(page - 1) * PAGE)
    rows, total = list_articles(store, filters)
    return render(request, "articles.html", {
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE)),
        "filters": {"q": q, "outlet": outlet, "date_from": date_from, "date_to": date_to,
                    "never_heard": never_heard},
        "choices": filter_choices(store)})


def _article_context(request: Request, article_id: int) -> dict[str, Any]:
    view = get_article(store_of(request), article_id)
    if view.report is not None:
        report = Report.from_dict(view.report)
        fragment = render_html_fragment(report, view.text, offsets=True)
    else:  # not analysed yet: the text alone, still selectable passage by passage
        fragment = ('<article class="report"><section id="article"><div class="article">'
                    + highlight(view.text, [], offsets=True) + "</div></section></article>")
    return {"article": view, "fragment": fragment}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int) -> HTMLResponse:
    ctx = _article_context(request, article_id)
    ctx.update(form={}, error=None)
    return render(request, "article.html", ctx)


@router.post("/articles/{article_id}/report", response_class=HTMLResponse,
             dependencies=[Depends(RateLimit("report", "bias reports"))])
def report_form(
    request: Request,
    article_id: int,
    category: str = Form(""),
    comment: str = Form(""),
    email: str = Form(""),
    quote: str = Form(""),
    start: str = Form(""),
    end: str = Form(""),
    analysis_id: str = Form(""),
    honeypot: str = Form("", alias=HONEYPOT_FIELD),
    csrf_token: str = Form("", alias=CSRF_FIELD),
) -> Response:
    check_csrf(request, csrf_token)
    if honeypot.strip():  # a bot: thank it and store nothing
        return RedirectResponse(f"/articles/{article_id}/thanks", status_code=303)
    settings = settings_of(request)
    form = {"category": category, "comment": comment, "email": email, "quote": quote,
            "start": start, "end": end}
    try:
        data = ReportInput(category=category, comment=comment, email=email or None,
                           start=_int_or_none(start, "start"), end=_int_or_none(end, "end"),
                           quote=quote or None,
                           analysis_id=_int_or_none(analysis_id, "analysis_id"))
        done = submit_report(
            store_of(request), article_id, data, client_hash=client_hash(request),
            via="form", response_time=timedelta(hours=settings.response_time_hours),
            similarity=settings.campaign_similarity,
            max_comment_chars=settings.max_comment_chars)
    except InputError as exc:
        ctx = _article_context(request, article_id)
        ctx.update(form=form, error=str(exc))
        return render(request, "article.html", ctx, status_code=422)
    return RedirectResponse(f"/articles/{article_id}/thanks?report={done.id}",
                            status_code=303)


@router.get("/articles/{article_id}/thanks", response_class=HTMLResponse)
def thanks_page(request: Request, article_id: int,
                report: int | None = Query(None, ge=1)) -> HTMLResponse:
    view = get_article(store_of(request), article_id)
    return render(request, "thanks.html", {"article": view, "report_id": report})
