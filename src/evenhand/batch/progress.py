"""The batch run's progress bar (Rich): done/total, articles per second, time left.

Shown only on a terminal and not with ``--quiet``; otherwise every call is a no-op, so the
engines call it unconditionally.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["RunProgress"]


class _RateColumn(ProgressColumn):
    """Articles per second over the run so far (Rich's speed column is bytes-minded)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("– art/s", style="progress.data.speed")
        return Text(f"{task.completed / elapsed:.1f} art/s", style="progress.data.speed")


class RunProgress:
    """``with RunProgress(total, quiet=...) as p: p.advance(n, failed=k)``."""

    def __init__(self, total: int | None, *, quiet: bool = False,
                 stream: TextIO | None = None, description: str = "analysing") -> None:
        console = Console(file=stream or sys.stderr)
        self.enabled = not quiet and console.is_terminal
        self.failed = 0
        self._description = description
        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"), _RateColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
            console=console, disable=not self.enabled, transient=False)
        self._task = self._progress.add_task(description, total=total, failed=0)

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()

    def set_total(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)

    def set_description(self, text: str) -> None:
        self._progress.update(self._task, description=text)

    def advance(self, done: int, failed: int = 0) -> None:
        self.failed += failed
        self._progress.update(self._task, advance=done, failed=self.failed)
