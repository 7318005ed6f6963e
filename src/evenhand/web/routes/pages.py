"""The analyse page (paste or upload an article, see its balance report), the assets the
report view needs, the embeddable snippet and the health check."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..._version import __version__
from ...article import InputFailure, article_from_bytes, article_from_text
from ...render.html import REPORT_SCRIPT, render_html_fragment, report_css
from ..deps import RateLimit, check_csrf, render, settings_of
from ..paths import STATIC
from ..security import CSRF_FIELD
from ..settings import REPORT_CATEGORIES

router = APIRouter(include_in_schema=False)
_META = ("title", "outlet", "date", "url")


@router.get("/", response_class=HTMLResponse)
def analyze_page(request: Request) -> HTMLResponse:
    return render(request, "analyze.html", {"form": {}, "error": None})


@router.post("/analyze", response_class=HTMLResponse,
             dependencies=[Depends(RateLimit("analyze", "analyses"))])
async def analyze_form(
    request: Request,
    text: str = Form(""),
    file: UploadFile | None = File(None),
    title: str = Form(""),
    outlet: str = Form(""),
    date: str = Form(""),
    url: str = Form(""),
    csrf_token: str = Form("", alias=CSRF_FIELD),
) -> HTMLResponse:
    check_csrf(request, csrf_token)
    settings = settings_of(request)
    form = {"text": text, "title": title, "outlet": outlet, "date": date, "url": url}
    meta: dict[str, Any] = {k: (form[k].strip()[:500] or None) for k in _META}
    data = await file.read() if file is not None and file.filename else b""
    if data and file is not None:
        article = article_from_bytes(data, file.filename or "upload.txt",
                                     max_chars=settings.max_article_chars)
        if not isinstance(article, InputFailure):
            for key, value in meta.items():
                if value:
                    setattr(article, key, value)
    elif text.strip():
        article = article_from_text(text, source="pasted text",
                                    max_chars=settings.max_article_chars, **meta)
    else:
        article = InputFailure("article", "paste an article's text or choose a file")
    if isinstance(article, InputFailure):
        return render(request, "analyze.html", {"form": form, "error": article.message},
                      status_code=422)
    report = await request.app.state.analyzer.analyze(article)
    return render(request, "analysis.html", {
        "report": report, "fragment": render_html_fragment(report, article.text),
        "json": report.to_json(indent=2)})


# --- assets ---------------------------------------------------------------------------------

_CACHE = {"Cache-Control": "public, max-age=3600"}


@lru_cache(maxsize=1)
def _embed_js() -> str:
    source = (STATIC / "embed.js").read_text(encoding="utf-8")
    return source.replace("__CATEGORIES__", json.dumps(REPORT_CATEGORIES))


@router.get("/assets/report.css")
def report_stylesheet() -> Response:
    return Response(report_css(), media_type="text/css", headers=_CACHE)


@router.get("/assets/report-view.js")
def report_script() -> Response:
    return Response(REPORT_SCRIPT, media_type="text/javascript", headers=_CACHE)


@router.get("/embed.js")
def embed_script() -> Response:
    return Response(_embed_js(), media_type="text/javascript", headers=_CACHE)


@router.get("/healthz")
def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "version": __version__,
                         "store": request.app.state.store is not None,
                         "pipeline_loaded": request.app.state.analyzer.loaded})
