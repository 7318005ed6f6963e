"""What the routes share: the store, the signed-in user (session cookie for pages, bearer
token for the API), rate limits, CSRF checks and page rendering."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..store import Store
from .auth import SESSION_COOKIE, UserInfo, user_for_token
from .errors import ApiError
from .security import CSRF_FIELD, client_address
from .settings import REPORT_CATEGORIES, RESOLUTIONS, STATUSES, WebSettings

__all__ = ["LoginRequired", "RateLimit", "api_admin", "api_editor", "check_csrf",
           "client_hash", "page_admin", "page_editor", "render", "require_json",
           "session_user", "settings_of", "store_of"]


class LoginRequired(ApiError):
    """A page for editors asked without a session: browsers are sent to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(401, "sign in as an editor to see this page")
        self.login_url = f"/editor/login?next={quote(next_path, safe='/')}"


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def store_of(request: Request) -> Store:
    store: Store | None = request.app.state.store
    if store is None:
        raise ApiError(503, "no corpus store is configured for this app (evenhand serve "
                            "--db URL)")
    return store


def client_hash(request: Request) -> str:
    hashed: str = request.app.state.hasher.hash(client_address(request))
    return hashed


class RateLimit:
    """A dependency that counts one event of ``kind`` for the client, 429 when over."""

    def __init__(self, kind: str, what: str) -> None:
        self.kind = kind
        self.what = what

    def __call__(self, request: Request) -> None:
        request.app.state.limits[self.kind].check(client_hash(request), self.what)


def require_json(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, f"expected Content-Type: application/json, got "
                            f"{kind or 'none'}")


# --- who is asking ---------------------------------------------------------------------------

def session_user(request: Request) -> UserInfo | None:
    """The editor signed in with this request's session cookie, if any (looked up once)."""
    if not hasattr(request.state, "user"):
        store = request.app.state.store
        request.state.user = (request.app.state.sessions.user(
            store, request.cookies.get(SESSION_COOKIE)) if store is not None else None)
    user: UserInfo | None = request.state.user
    return user


def page_editor(request: Request) -> UserInfo:
    user = session_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def page_admin(request: Request) -> UserInfo:
    user = page_editor(request)
    if not user.is_admin:
        raise ApiError(403, f"{user.name} is an editor; this page is for admins")
    return user


def api_editor(request: Request) -> UserInfo:
    """The user of the request's bearer token (any role), else 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="evenhand"'}
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "this endpoint needs an editor's API token: Authorization: "
                            "Bearer eh_...", headers=challenge)
    user = user_for_token(store_of(request), token.strip())
    if user is None:
        raise ApiError(401, "invalid or revoked API token", headers=challenge)
    request.state.user = user
    return user


def api_admin(request: Request) -> UserInfo:
    user = api_editor(request)
    if not user.is_admin:
        raise ApiError(403, f"{user.name} is an editor; this endpoint is for admins")
    return user


def check_csrf(request: Request, token: str | None) -> None:
    request.app.state.csrf.verify(request, token)


# --- pages ----------------------------------------------------------------------------------

def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200, private: bool = False) -> HTMLResponse:
    """A page from a template, with what every page uses (the user, a CSRF token, the
    category and status names); ``private`` pages are never cached."""
    csrf = request.app.state.csrf
    ctx = {"user": session_user(request), "csrf_field": CSRF_FIELD,
           "csrf_token": csrf.token(request), "categories": REPORT_CATEGORIES,
           "statuses": STATUSES, "resolutions": RESOLUTIONS,
           "settings": settings_of(request), "path": request.url.path}
    ctx.update(context or {})
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, ctx, status_code=status_code)
    csrf.set_cookie(request, response)
    if private or ctx["user"] is not None:
        response.headers["Cache-Control"] = "no-store"
    return response
