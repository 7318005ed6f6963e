"""Reading evaluation data: JSON objects, one a line, with errors that name file and line."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from .._util import jsonl_lines
from ..errors import EvaluationError

__all__ = ["read_jsonl"]

_NO_LIMIT = 1 << 40  # evaluation files are ours and trusted: no line is too long


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line; any problem is an
    :class:`EvaluationError` naming the file and the line (an empty file has no lines)."""
    try:
        handle = Path(path).open("rb")  # noqa: SIM115  closed below
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        for line in jsonl_lines(iter(partial(handle.read, 1 << 16), b""), _NO_LIMIT):
            if line.obj is not None:
                yield line.lineno, line.obj
            elif line.lineno:
                raise EvaluationError(f"{path}:{line.lineno}: {line.problem}")
