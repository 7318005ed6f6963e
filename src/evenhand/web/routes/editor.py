"""Editor pages: sign in and out, the triage queue, one report beside the findings for its
passage (status, notes, audit trail), the CSV export, API tokens, and (admins) the audit
log. Every form carries a CSRF token; every page needs a session."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from ...errors import InputError
from ..auth import (
    SESSION_COOKIE,
    UserInfo,
    audit,
    authenticate,
    create_token,
    end_sessions,
    list_tokens,
    revoke_token,
)
from ..deps import (
    RateLimit,
    check_csrf,
    page_admin,
    page_editor,
    render,
    session_user,
    settings_of,
    store_of,
)
from ..feedback import add_note, set_status
from ..security import CSRF_FIELD
from ..triage import audit_entries, export_csv, report_detail, triage_queue

router = APIRouter(prefix="/editor", include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no //host) may follow a login."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/editor"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/editor") -> Response:
    if session_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None},
                  private=True)


@router.post("/login", response_class=HTMLResponse,
             dependencies=[Depends(RateLimit("login", "sign-in attempts"))])
def login(request: Request, name: str = Form(""), password: str = Form(""),
          next: str = Form("/editor"),
          csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token)
    user = authenticate(store_of(request), name.strip(), password) if name and password \
        else None
    if user is None:
        return render(request, "login.html", {"next": _safe_next(next), "name": name,
                                              "error": "Wrong name or password."},
                      status_code=401, private=True)
    settings = settings_of(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, request.app.state.sessions.dumps(user),
                        max_age=settings.session_max_age_s, httponly=True,
                        secure=settings.cookie_secure, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: UserInfo = Depends(page_editor),
           csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token)
    end_sessions(store_of(request), user.id)
    response = RedirectResponse("/editor/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, status: str = "open",
               user: UserInfo = Depends(page_editor)) -> HTMLResponse:
    groups = triage_queue(store_of(request), status)
    return render(request, "queue.html", {"groups": groups, "status": status}, private=True)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int,
                user: UserInfo = Depends(page_editor)) -> HTMLResponse:
    detail = report_detail(store_of(request), report_id)
    return render(request, "report.html", {"d": detail, "error": None}, private=True)


@router.post("/reports/{report_id}/status")
def change_status(request: Request, report_id: int, status: str = Form(""),
                  resolution: str = Form(""), user: UserInfo = Depends(page_editor),
                  csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token)
    store = store_of(request)
    try:
        set_status(store, report_id, status, resolution or None, user.id)
    except InputError as exc:
        return render(request, "report.html", {"d": report_detail(store, report_id),
                                               "error": str(exc)},
                      status_code=422, private=True)
    return RedirectResponse(f"/editor/reports/{report_id}", status_code=303)


@router.post("/reports/{report_id}/notes")
def post_note(request: Request, report_id: int, body: str = Form(""),
              user: UserInfo = Depends(page_editor),
              csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token)
    store = store_of(request)
    try:
        add_note(store, report_id, user.id, body)
    except InputError as exc:
        return render(request, "report.html", {"d": report_detail(store, report_id),
                                               "error": str(exc)},
                      status_code=422, private=True)
    return RedirectResponse(f"/editor/reports/{report_id}#notes", status_code=303)


@router.get("/export.csv")
def export(request: Request, status: str = "all",
           user: UserInfo = Depends(page_editor)) -> Response:
    return csv_response(request, status, user)


def csv_response(request: Request, status: str, user: UserInfo) -> StreamingResponse:
    """The CSV export as a streamed download (the export is audited)."""
    store = store_of(request)
    rows = export_csv(store, status)
    first = next(rows)  # the header: a bad status fails here, before the response starts
    with store.session(write=True) as s:
        audit(s, "export.csv", user_id=user.id, status=status)

    def stream() -> object:
        yield first
        yield from rows

    return StreamingResponse(
        stream(), media_type="text/csv; charset=utf-8",  # type: ignore[arg-type]
        headers={"Content-Disposition": 'attachment; filename="bias-reports.csv"',
                 "Cache-Control": "no-store"})


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, user: UserInfo = Depends(page_editor)) -> HTMLResponse:
    return render(request, "tokens.html", {
        "tokens": list_tokens(store_of(request), user.id), "new_token": None}, private=True)


@router.post("/tokens", response_class=HTMLResponse)
def new_token(request: Request, name: str = Form(""), user: UserInfo = Depends(page_editor),
              csrf_token: str = Form("", alias=CSRF_FIELD)) -> HTMLResponse:
    check_csrf(request, csrf_token)
    store = store_of(request)
    token, _ = create_token(store, user.id, name or "API token")
    return render(request, "tokens.html", {"tokens": list_tokens(store, user.id),
                                           "new_token": token}, private=True)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, user: UserInfo = Depends(page_editor),
           csrf_token: str = Form("", alias=CSRF_FIELD)) -> Response:
    check_csrf(request, csrf_token)
    revoke_token(store_of(request), user.id, token_id)
    return RedirectResponse("/editor/tokens", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, before: int | None = Query(None, ge=1),
               user: UserInfo = Depends(page_admin)) -> HTMLResponse:
    entries = audit_entries(store_of(request), 200, before)
    return render(request, "audit.html", {"entries": entries}, private=True)
