"""Security plumbing: response headers, body size limits, rate limits keyed by a salted hash
of the client's address, CSRF tokens for forms, and the honeypot.

* **Headers.** Every response carries a Content-Security-Policy that allows scripts only
  from this origin (no inline script anywhere), forbids framing (``frame-ancestors 'none'``
  and ``X-Frame-Options: DENY``), and the usual ``nosniff``/referrer/permissions headers.
  Inline ``style`` attributes are allowed: the report's bar charts set their widths with
  them, and every bit of user text in a page is escaped anyway.
* **Client addresses** are never stored: :meth:`ClientHasher.hash` is an HMAC of the
  address under a key derived from the app's secret and the current UTC day, so the same
  client hashes alike within a day (rate limits, spotting a flood in the triage queue)
  and cannot be linked across days or reversed without the secret.
* **CSRF.** A page with a form sets a random ``eh_csrf`` cookie (HttpOnly, SameSite=Lax) and
  puts a signed, timed copy of it in the form; a POST is accepted only when the two agree.
  The JSON API needs no token: it carries no ambient credentials (readers are anonymous,
  editors use bearer tokens) and insists on ``Content-Type: application/json``, which a
  cross-site form cannot send.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, handle_error

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "HONEYPOT_FIELD", "BodyLimitMiddleware", "ClientHasher",
           "CsrfGuard", "RateLimiter", "SecurityHeadersMiddleware", "client_address"]

CSRF_COOKIE = "eh_csrf"
CSRF_FIELD = "csrf_token"
# A field hidden from people (CSS, aria-hidden, tabindex -1) that form-filling bots fill in.
HONEYPOT_FIELD = "website"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# The snippet publishers load with a <script> tag must be loadable cross-origin.
CROSS_ORIGIN_PATHS = ("/embed.js",)


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cross_origin = scope["path"] in CROSS_ORIGIN_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Permissions-Policy",
                                   "camera=(), microphone=(), geolocation=(), payment=()")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Resource-Policy",
                                   "cross-origin" if cross_origin else "same-origin")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuses request bodies over a limit that depends on the path, whether or not they
    declare a Content-Length: the body is counted as it arrives and the request fails with
    413 as soon as it goes over."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                # refused before the app runs: answered here, in the one error shape
                response = await handle_error(Request(scope, receive),
                                              _too_large(int(value), limit))
                await response(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(received, limit, at_least=True)
            return message

        await self.app(scope, counting_receive, send)


def _too_large(size: int, limit: int, at_least: bool = False) -> ApiError:
    more = "more than " if at_least else ""
    return ApiError(413, f"request body of {more}{size:,} bytes exceeds the {limit:,}-byte "
                         "limit for this endpoint")


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so that this is the reader's address)."""
    return request.client.host if request.client else "unknown"


class ClientHasher:
    """Salted hash of a client address: HMAC-SHA256 under a key that changes every UTC day."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode("utf-8")
        self._day = ""
        self._key = b""

    def hash(self, address: str) -> str:
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        if day != self._day:
            self._key = hmac.new(self._secret, b"client-address:" + day.encode(),
                                 hashlib.sha256).digest()
            self._day = day
        return hmac.new(self._key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (sliding-window counter: the
    previous window's count weighted by how much of it still overlaps). ``limit`` 0 turns
    it off. Memory is bounded: keys idle for two windows are dropped."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._counts: dict[str, tuple[int, int, int]] = {}  # key → (window no., count, prev)
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Count one event; None when allowed, else the seconds to wait before retrying."""
        if not self.limit:
            return None
        now = time.monotonic() if now is None else now
        current = int(now // self.window)
        with self._lock:
            window, count, prev = self._counts.get(key, (current, 0, 0))
            if window != current:
                prev = count if window == current - 1 else 0
                window, count = current, 0
            elapsed = (now % self.window) / self.window
            estimate = prev * (1 - elapsed) + count
            if estimate + 1 > self.limit:
                self._counts[key] = (window, count, prev)
                return max(1.0, self.window * (1 - elapsed))
            self._counts[key] = (window, count + 1, prev)
            if len(self._counts) > self.max_keys:
                self._prune(current)
        return None

    def _prune(self, current: int) -> None:
        for key in [k for k, (w, _, _) in self._counts.items() if w < current - 1]:
            del self._counts[key]
        while len(self._counts) > self.max_keys:  # still too many: drop the oldest entries
            del self._counts[next(iter(self._counts))]

    def check(self, key: str, what: str) -> None:
        """Raise a 429 ApiError when ``key`` is over the limit."""
        wait = self.hit(key)
        if wait is not None:
            raise ApiError(429, f"too many {what}: at most {self.limit} per "
                                f"{self.window:g} s from one client; retry in {wait:.0f} s",
                           headers={"Retry-After": str(int(wait + 0.999))})


class CsrfGuard:
    """Double-submit CSRF tokens: a random cookie and a signed, timed copy in each form."""

    def __init__(self, secret: str, max_age_s: int, secure: bool) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="evenhand-csrf")
        self.max_age_s = max_age_s
        self.secure = secure

    def token(self, request: Request) -> str:
        """The token for a form on this page; remembers the cookie to set (see
        :meth:`set_cookie`)."""
        value = request.cookies.get(CSRF_COOKIE)
        if not value or len(value) != 32:
            value = getattr(request.state, "csrf_new", None) or secrets.token_hex(16)
            request.state.csrf_new = value
        return self._signer.dumps(value)

    def set_cookie(self, request: Request, response: object) -> None:
        value = getattr(request.state, "csrf_new", None)
        if value and hasattr(response, "set_cookie"):
            response.set_cookie(CSRF_COOKIE, value, max_age=self.max_age_s, httponly=True,
                                secure=self.secure, samesite="lax", path="/")

    def verify(self, request: Request, token: str | None) -> None:
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or not token:
            raise ApiError(403, "CSRF check failed: the form has no token or the browser "
                                "sent no CSRF cookie; reload the page and submit again")
        try:
            value = self._signer.loads(token, max_age=self.max_age_s)
        except SignatureExpired:
            raise ApiError(403, "CSRF check failed: the form has expired; reload the page "
                                "and submit again") from None
        except BadSignature:
            raise ApiError(403, "CSRF check failed: invalid token") from None
        if not hmac.compare_digest(str(value), cookie):
            raise ApiError(403, "CSRF check failed: the token does not match this browser's "
                                "cookie; reload the page and submit again")
