"""The web app's settings: one frozen object, built from keyword arguments or ``EVENHAND_*``
environment variables (:meth:`WebSettings.from_env`).

Every limit that the load test or a deployment may need to change is here, so that nothing
in the routes is a magic number.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..errors import ConfigError

__all__ = ["REPORT_CATEGORIES", "RESOLUTIONS", "STATUSES", "WebSettings"]

# Reader-facing categories of a bias report (value → label).
REPORT_CATEGORIES: dict[str, str] = {
    "one_sided_sourcing": "One-sided sourcing",
    "missing_perspective": "Missing perspective",
    "loaded_language": "Loaded language",
    "factual_error": "Factual error",
    "misleading_headline": "Misleading headline",
    "other": "Other",
}
STATUSES: dict[str, str] = {"new": "New", "in_review": "In review", "resolved": "Resolved"}
RESOLUTIONS: dict[str, str] = {
    "no_action": "No action", "clarification": "Clarification", "correction": "Correction"}


@dataclass(frozen=True)
class WebSettings:
    """Settings of one app. ``secret_key`` signs session cookies and CSRF tokens and keys the
    hash of client addresses; when it is not given a random one is made, so sessions do
    not survive a restart (set ``EVENHAND_SECRET_KEY`` in production)."""

    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # Cookies are sent over HTTPS only; turn off only for plain-HTTP development.
    cookie_secure: bool = True
    session_max_age_s: int = 12 * 3600
    csrf_max_age_s: int = 6 * 3600
    # Rate limits per client (salted hash of its address) over a window; 0 turns one off.
    report_rate_limit: int = 10
    analyze_rate_limit: int = 30
    login_rate_limit: int = 10
    rate_window_s: float = 60.0
    # Size limits: any request body, a bias-report body, an article to analyse.
    max_body_bytes: int = 2_000_000
    max_report_bytes: int = 16_384
    max_article_chars: int = 200_000
    max_comment_chars: int = 2_000
    # Editors answer a report within this many hours (its due date).
    response_time_hours: float = 72.0
    # Origins allowed to call the reader API from their pages (the embeddable snippet).
    cors_origins: tuple[str, ...] = ()
    # The spaCy pipeline (None: the default) and how many analyses may wait for it.
    model: str | None = None
    analysis_queue: int = 8
    # Near-identical comments (estimated Jaccard of their shingles) fold into one campaign.
    campaign_similarity: float = 0.7
    # The public base URL, used in the embeddable snippet's documentation and CSV links.
    public_url: str | None = None

    def __post_init__(self) -> None:
        if len(self.secret_key) < 16:
            raise ConfigError("secret key: must be at least 16 characters")
        for name in ("report_rate_limit", "analyze_rate_limit", "login_rate_limit",
                     "analysis_queue"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name}: must be 0 or more, got {getattr(self, name)}")
        for name in ("max_body_bytes", "max_report_bytes", "max_article_chars",
                     "max_comment_chars", "session_max_age_s", "csrf_max_age_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name}: must be positive, got {getattr(self, name)}")
        if self.rate_window_s <= 0 or self.response_time_hours <= 0:
            raise ConfigError("rate_window_s and response_time_hours must be positive")
        if not 0 < self.campaign_similarity <= 1:
            raise ConfigError("campaign_similarity: must be in (0, 1]")
        for origin in self.cors_origins:
            if "*" in origin:
                raise ConfigError(f"CORS origin {origin!r}: wildcards are not allowed; name "
                                  "each publisher origin (https://news.example)")
            if not origin.startswith(("http://", "https://")):
                raise ConfigError(f"CORS origin {origin!r}: must start with http:// or https://")

    def with_(self, **changes: Any) -> WebSettings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> WebSettings:
        """Settings from ``EVENHAND_<NAME>`` variables (``EVENHAND_SECRET_KEY``,
        ``EVENHAND_CORS_ORIGINS=https://a.example,https://b.example``,
        ``EVENHAND_REPORT_RATE_LIMIT=0`` ...); ``overrides`` win over the environment."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"EVENHAND_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _parse(f.name, str(f.type), raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, kind: str, raw: str) -> Any:
    where = f"EVENHAND_{name.upper()}={raw!r}"
    try:
        if kind.startswith("bool"):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(x.strip().rstrip("/") for x in raw.split(",") if x.strip())
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return raw or None if "None" in kind else raw
