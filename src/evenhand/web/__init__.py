"""The newsroom web app: analyse articles, file reader bias reports on a passage, triage
them beside the automatic findings. See docs/web.md.

>>> from evenhand.store import open_store
>>> from evenhand.web import WebSettings, create_app
>>> app = create_app(open_store("sqlite:///:memory:"), WebSettings(cookie_secure=False))
"""

from .app import create_app
from .settings import REPORT_CATEGORIES, RESOLUTIONS, STATUSES, WebSettings

__all__ = ["REPORT_CATEGORIES", "RESOLUTIONS", "STATUSES", "WebSettings", "create_app"]
