"""Where the app's templates and static files are (inside the installed package)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["STATIC", "TEMPLATES"]

_HERE = Path(str(files("evenhand.web")))
TEMPLATES = _HERE / "templates"
STATIC = _HERE / "static"
