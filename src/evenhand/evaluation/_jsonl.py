"""Reading evaluation data: JSON objects, one a line, with errors that name file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import EvaluationError

__all__ = ["read_jsonl"]


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; any problem is an
    :class:`EvaluationError` naming the file (and the line)."""
    try:
        handle = Path(path).open(encoding="utf-8")  # noqa: SIM115  closed below
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        try:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvaluationError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise EvaluationError(f"{path}:{lineno}: expected a JSON object")
                yield lineno, row
        except UnicodeDecodeError as exc:
            raise EvaluationError(f"{path}: not valid UTF-8 ({exc.reason})") from exc
