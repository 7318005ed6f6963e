"""The JSON API (``/api``; OpenAPI at ``/openapi.json``).

Public: ``POST /api/analyze``, ``GET /api/articles``, ``GET /api/articles/{id}``,
``POST /api/articles/{id}/bias-reports``. Editors (``Authorization: Bearer eh_...``): the
triage queue, bias reports (read, change status, add notes), the CSV export. Admins: users
and the audit log. Bodies must be ``application/json``; unknown fields are refused; every
error is the one error shape (see :mod:`evenhand.web.errors`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ...article import InputFailure, article_from_text
from ...errors import InputError
from ..auth import UserInfo, list_users
from ..corpus import ArticleFilters, get_article, list_articles
from ..deps import (
    RateLimit,
    api_admin,
    api_editor,
    client_hash,
    require_json,
    settings_of,
    store_of,
)
from ..feedback import MAX_QUOTE_CHARS, ReportInput, add_note, set_status, submit_report
from ..triage import audit_entries, list_reports, report_detail, triage_queue
from .editor import csv_response

router = APIRouter(prefix="/api", tags=["api"])

Category = Literal["one_sided_sourcing", "missing_perspective", "loaded_language",
                   "factual_error", "misleading_headline", "other"]
Status = Literal["new", "in_review", "resolved"]
Resolution = Literal["no_action", "clarification", "correction"]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"example": {
        "ok": False, "status": code, "title": title, "error": text, "details": []}}}}
    for code, title, text in (
        (401, "Unauthorized", "this endpoint needs an editor's API token"),
        (403, "Forbidden", "this endpoint is for admins"),
        (404, "Not Found", "no article with id 42"),
        (413, "Content Too Large", "request body exceeds the limit for this endpoint"),
        (415, "Unsupported Media Type", "expected Content-Type: application/json"),
        (422, "Unprocessable Content", "body.text: Field required"),
        (429, "Too Many Requests", "too many bias reports from one client"))}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalyzeIn(Strict):
    text: str = Field(min_length=1, description="The article's text; offsets in the report "
                                                "are character offsets into it.")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=255)
    date: str | None = Field(None, max_length=32, description="ISO 8601")
    url: str | None = Field(None, max_length=2000)


class BiasReportIn(Strict):
    category: Category
    comment: str = Field("", max_length=20_000, description="What the reader thinks is "
                                                           "biased (the app's limit applies).")
    email: str | None = Field(None, max_length=254, description="Optional, for an answer.")
    start: int | None = Field(None, ge=0, description="Passage start (character offset).")
    end: int | None = Field(None, ge=1, description="Passage end (exclusive).")
    quote: str | None = Field(None, max_length=MAX_QUOTE_CHARS,
                              description="The passage's text, looked up in the article "
                                          "when no valid offsets are given.")
    analysis_id: int | None = Field(None, description="The analysis the reader was shown.")
    website: str | None = Field(None, description="Honeypot: must be absent or empty.")


class BiasReportCreated(BaseModel):
    ok: bool = True
    id: int
    article_id: int
    status: str
    start: int | None
    end: int | None


class StatusIn(Strict):
    status: Status
    resolution: Resolution | None = None


class NoteIn(Strict):
    body: str = Field(min_length=1, max_length=5_000)


Json = Annotated[None, Depends(require_json)]


@router.post("/analyze", responses=ERRORS,
             dependencies=[Depends(RateLimit("analyze", "analyses"))],
             summary="Analyse an article; returns the report (schema evenhand/report-1)")
async def analyze(request: Request, body: AnalyzeIn, _: Json) -> dict[str, Any]:
    settings = settings_of(request)
    article = article_from_text(body.text, source="api", max_chars=settings.max_article_chars,
                                title=body.title, outlet=body.outlet, date=body.date,
                                url=body.url)
    if isinstance(article, InputFailure):
        raise InputError("text", article.problem)
    report = await request.app.state.analyzer.analyze(article)
    data: dict[str, Any] = report.to_dict()
    return data


@router.get("/articles", responses=ERRORS, summary="Articles in the store, with filters")
def articles(request: Request, q: str | None = None, outlet: str | None = None,
             date_from: str | None = None, date_to: str | None = None,
             never_heard: str | None = Query(None, description="A side never quoted"),
             limit: int = Query(50, ge=1, le=500),
             offset: int = Query(0, ge=0)) -> dict[str, Any]:
    rows, total = list_articles(store_of(request), ArticleFilters(
        q=q, outlet=outlet, date_from=date_from, date_to=date_to, never_heard=never_heard,
        limit=limit, offset=offset))
    return {"total": total, "limit": limit, "offset": offset,
            "articles": [asdict(r) for r in rows]}


@router.get("/articles/{article_id}", responses=ERRORS,
            summary="One article: metadata, text and its newest report")
def article(request: Request, article_id: int) -> dict[str, Any]:
    """``source`` (where the server ingested it from: a path on the server) only with an
    editor's API token; the public view has no server-side detail."""
    data = asdict(get_article(store_of(request), article_id))
    source = data.pop("source")
    if request.headers.get("authorization"):
        api_editor(request)  # 401 for a bad token rather than a quietly public answer
        data["source"] = source
    return data


@router.post("/articles/{article_id}/bias-reports", status_code=201, responses=ERRORS,
             response_model=BiasReportCreated,
             dependencies=[Depends(RateLimit("report", "bias reports"))],
             summary="File a reader's bias report on a passage (or the whole article)")
def create_bias_report(request: Request, article_id: int, body: BiasReportIn,
                       _: Json) -> BiasReportCreated:
    if body.website:  # a bot filled the honeypot: it is answered like anyone, nothing stored
        return BiasReportCreated(id=0, article_id=article_id, status="new", start=body.start,
                                 end=body.end)
    settings = settings_of(request)
    origin = request.headers.get("origin")
    via = "embed" if origin and origin in settings.cors_origins else "api"
    done = submit_report(
        store_of(request), article_id,
        ReportInput(category=body.category, comment=body.comment, email=body.email,
                    start=body.start, end=body.end, quote=body.quote,
                    analysis_id=body.analysis_id),
        client_hash=client_hash(request), via=via,
        response_time=timedelta(hours=settings.response_time_hours),
        similarity=settings.campaign_similarity, max_comment_chars=settings.max_comment_chars)
    return BiasReportCreated(id=done.id, article_id=done.article_id, status=done.status,
                             start=done.start, end=done.end)


# --- editors --------------------------------------------------------------------------------

Editor = Annotated[UserInfo, Depends(api_editor)]
Admin = Annotated[UserInfo, Depends(api_admin)]


@router.get("/triage", responses=ERRORS, summary="The triage queue, grouped by article "
                                                 "and passage (editors)")
def triage(request: Request, user: Editor,
           status: str = Query("open", description="open, all, new, in_review, resolved"),
           limit: int = Query(200, ge=1, le=1000)) -> dict[str, Any]:
    groups = triage_queue(store_of(request), status, limit)
    return {"status": status, "articles": [
        {**{k: v for k, v in asdict(g).items() if k != "passages"}, "reports": g.reports,
         "passages": [{**{k: v for k, v in asdict(p).items() if k != "items"},
                       "reports": p.reports, "items": [asdict(i) for i in p.items]}
                      for p in g.passages]} for g in groups]}


@router.get("/bias-reports", responses=ERRORS, summary="Bias reports, newest first (editors)")
def bias_reports(request: Request, user: Editor, status: Status | None = None,
                 article_id: int | None = None, limit: int = Query(100, ge=1, le=1000),
                 before_id: int | None = Query(None, ge=1)) -> dict[str, Any]:
    return {"reports": list_reports(store_of(request), status, article_id, limit, before_id)}


@router.get("/bias-reports/export.csv", responses=ERRORS,
            response_class=Response, summary="Every report as CSV (editors)")
def export(request: Request, user: Editor, status: str = "all") -> Response:
    return csv_response(request, status, user)


@router.get("/bias-reports/{report_id}", responses=ERRORS,
            summary="One report with its campaign and the findings for its passage (editors)")
def bias_report(request: Request, report_id: int, user: Editor) -> dict[str, Any]:
    return report_detail(store_of(request), report_id)


@router.patch("/bias-reports/{report_id}", responses=ERRORS,
              summary="Change the status of a report's campaign (editors)")
def patch_bias_report(request: Request, report_id: int, body: StatusIn, user: Editor,
                      _: Json) -> dict[str, Any]:
    return set_status(store_of(request), report_id, body.status, body.resolution, user.id)


@router.post("/bias-reports/{report_id}/notes", status_code=201, responses=ERRORS,
             summary="Add an internal note to a report's campaign (editors)")
def post_note(request: Request, report_id: int, body: NoteIn, user: Editor,
              _: Json) -> dict[str, Any]:
    return {"ok": True, "id": add_note(store_of(request), report_id, user.id, body.body)}


@router.get("/users", responses=ERRORS, summary="Editor accounts (admins)")
def users(request: Request, user: Admin) -> dict[str, Any]:
    return {"users": [{"id": u.id, "name": u.name, "role": u.role, "active": u.active}
                      for u in list_users(store_of(request))]}


@router.get("/audit-log", responses=ERRORS, summary="The audit log, newest first (admins)")
def audit_log(request: Request, user: Admin, limit: int = Query(200, ge=1, le=1000),
              before_id: int | None = Query(None, ge=1)) -> dict[str, Any]:
    return {"entries": audit_entries(store_of(request), limit, before_id)}


@router.get("/health", summary="Liveness")
def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "store": request.app.state.store is not None})

