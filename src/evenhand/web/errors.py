"""One error shape for every error, and the one handler that writes it.

Every error the app answers with — a 404 for an unknown path, a validation error, a body too
large, a rate limit, a refused login, an internal error — is, for the API (and any client
that does not ask for HTML), the JSON object::

    {"ok": false, "status": 422, "title": "Unprocessable Content",
     "error": "body.text: Field required", "details": [{"field": "body.text", ...}]}

``error`` is one line naming the problem (and the input); ``details`` lists each field's
problem for validation errors and is empty otherwise. Browsers asking for a page get the
same message in an HTML page. The shape follows Datasette's (``ok``, ``error``, ``status``,
``title``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    AccessError,
    ConfigError,
    EvenhandError,
    InputError,
    NotFoundError,
    PipelineError,
    StoreError,
)

__all__ = ["ApiError", "error_payload", "handle_error", "wants_html"]

log = logging.getLogger("evenhand.web")
# What a client is told when the store fails; the detail (database URL, SQL) is only logged.
STORE_FAILED = "the corpus store is unavailable; please try again later"


class ApiError(StarletteHTTPException):
    """An error answered with the error shape. A subclass of Starlette's HTTPException so
    that it passes through FastAPI's body parsing untouched (a body over the size limit is
    raised from inside the request's ``receive``)."""

    def __init__(self, status: int, error: str, *, details: Sequence[Mapping[str, Any]] = (),
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=error,
                         headers=dict(headers) if headers else None)
        self.details = [dict(d) for d in details]


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= 300 else line[:299] + "…"


def error_payload(status: int, error: str,
                  details: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    return {"ok": False, "status": status, "title": _title(status), "error": _one_line(error),
            "details": [dict(d) for d in details]}


def _field(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _validation(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    details = []
    for err in exc.errors():
        field = _field(err.get("loc") or ())
        problem = str(err.get("msg") or "invalid")
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            problem = f"invalid JSON: {ctx.get('error', 'cannot be parsed')}"
            field = "body"
        details.append({"field": field, "problem": problem, "type": err.get("type")})
    message = "; ".join(f"{d['field']}: {d['problem']}" for d in details[:3])
    if len(details) > 3:
        message += f"; and {len(details) - 3} more"
    return 422, message or "invalid request", details


def _classify(exc: Exception) -> tuple[int, str, list[dict[str, Any]], dict[str, str]]:
    """(status, one-line error, details, headers) for any exception."""
    if isinstance(exc, ApiError):
        return exc.status_code, str(exc.detail), exc.details, dict(exc.headers or {})
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "no such page or endpoint"
        return exc.status_code, detail, [], dict(exc.headers or {})
    if isinstance(exc, RequestValidationError):
        status, message, details = _validation(exc)
        return status, message, details, {}
    if isinstance(exc, InputError):
        return 422, str(exc), [{"field": exc.source, "problem": exc.problem}], {}
    if isinstance(exc, NotFoundError):
        return 404, str(exc), [], {}
    if isinstance(exc, AccessError):
        return 403, str(exc), [], {}
    if isinstance(exc, StoreError):  # its text names the database URL and the SQL: logged
        return 503, STORE_FAILED, [], {}
    if isinstance(exc, ConfigError):
        return 400, str(exc), [], {}
    if isinstance(exc, PipelineError):
        return 503, f"the analysis is unavailable: {exc}", [], {}
    if isinstance(exc, EvenhandError):
        return 500, str(exc), [], {}
    return 500, f"internal error ({type(exc).__name__}); it has been logged", [], {}


def wants_html(request: Request) -> bool:
    """An error on a page (not the API) is a page, unless the client asks for JSON only."""
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


async def handle_error(request: Request, exc: Exception) -> Response:
    """The single handler registered for every exception type."""
    status, message, details, headers = _classify(exc)
    login_url = getattr(exc, "login_url", None)
    if login_url and wants_html(request):  # an editor page without a session
        return RedirectResponse(login_url, status_code=303)
    if status >= 500:
        log.error("%s %s: %s (%s: %s)", request.method, request.url.path, message,
                  type(exc).__name__, exc, exc_info=(type(exc), exc, exc.__traceback__))
    if wants_html(request):
        from .deps import render  # deps imports this module

        if isinstance(exc, StoreError):
            request.state.user = None  # do not ask the failing store who is signed in
        try:
            response: Response = render(
                request, "error.html",
                {"status": status, "title": _title(status), "message": _one_line(message)},
                status_code=status, private=True)
            response.headers.update(headers)
            return response
        except Exception:  # the page itself failed: a bare page, never a second error
            log.exception("cannot render the error page")
            return HTMLResponse(f"<h1>{status} {_title(status)}</h1>", status_code=status,
                                headers=headers)
    return JSONResponse(error_payload(status, message, details), status_code=status,
                        headers=headers)
