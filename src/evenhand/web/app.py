"""The app factory: ``create_app(store=..., settings=...)``.

One app holds one store, one analyser (the spaCy pipeline, loaded on first use), the rate
limiters and the signers. Middleware, outermost first: security headers on every response;
CORS for the reader endpoints only, limited to the configured origins; the body size limit.
Every error goes through :func:`evenhand.web.errors.handle_error`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from .._version import __version__
from ..errors import EvenhandError
from ..store import Store
from .analysis import Analyzer
from .auth import SessionSigner
from .dashboard import TimedCache
from .errors import handle_error
from .paths import STATIC, TEMPLATES
from .routes.api import router as api_router
from .routes.editor import router as editor_router
from .routes.overview import api_router as overview_api_router
from .routes.overview import router as overview_router
from .routes.pages import router as pages_router
from .routes.reader import router as reader_router
from .security import (
    BodyLimitMiddleware,
    ClientHasher,
    CsrfGuard,
    RateLimiter,
    SecurityHeadersMiddleware,
)
from .settings import WebSettings

__all__ = ["create_app"]

# The endpoints a publisher's page may call from the browser (the embeddable snippet).
CORS_PATHS = ("/api/articles",)


def _is_report_path(path: str) -> bool:
    return path.endswith("/bias-reports") or path.endswith("/report")


class _PathCORS:
    """Starlette's CORS middleware, applied only to the reader endpoints."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=list(origins),
                                   allow_methods=["GET", "POST"],
                                   allow_headers=["Content-Type"], max_age=600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CORS_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _when(value: datetime | str | None) -> str:
    """A time for people: ``2026-11-28 18:40 UTC``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        when = value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def create_app(store: Store | None = None, settings: WebSettings | None = None,
               analyzer: Analyzer | None = None) -> FastAPI:
    """The newsroom app over ``store`` (None: only the analyse page and ``/api/analyze``
    work; the rest answers 503)."""
    settings = settings or WebSettings.from_env()
    app = FastAPI(
        title="evenhand", version=__version__, docs_url=None, redoc_url=None,
        openapi_url="/openapi.json",
        description="Balance of news coverage: analyse articles, file reader bias reports "
                    "on a passage, triage them. Every error is `{ok: false, status, title, "
                    "error, details}`.")
    app.state.settings = settings
    app.state.store = store
    app.state.analyzer = analyzer or Analyzer(settings.model, settings.analysis_queue)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["when"] = _when
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.state.csrf = CsrfGuard(settings.secret_key, settings.csrf_max_age_s,
                               settings.cookie_secure)
    app.state.sessions = SessionSigner(settings.secret_key, settings.session_max_age_s)
    app.state.hasher = ClientHasher(settings.secret_key)
    app.state.cache = TimedCache(60.0)  # the dashboard's and the stories' corpus-wide figures
    app.state.limits = {
        "report": RateLimiter(settings.report_rate_limit, settings.rate_window_s),
        "analyze": RateLimiter(settings.analyze_rate_limit, settings.rate_window_s),
        "login": RateLimiter(settings.login_rate_limit, settings.rate_window_s),
    }
    for exc_type in (StarletteHTTPException, RequestValidationError, EvenhandError, Exception):
        app.add_exception_handler(exc_type, handle_error)
    for router in (pages_router, reader_router, overview_router, editor_router, api_router,
                   overview_api_router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def limit_for(path: str) -> int:
        return settings.max_report_bytes if _is_report_path(path) else settings.max_body_bytes

    # added innermost first: the last one added is the outermost
    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    if settings.cors_origins:
        app.add_middleware(_PathCORS, origins=settings.cors_origins)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure)
    return app
