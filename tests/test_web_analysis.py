"""The app's analyser: one analysis at a time, a bounded queue, 503 "busy" beyond it."""

from __future__ import annotations

import threading

import anyio
import pytest

from evenhand.web.analysis import Analyzer
from evenhand.web.errors import ApiError


def test_the_analyser_answers_busy_beyond_its_queue() -> None:
    analyzer = Analyzer(queue=1)  # one running, one waiting
    release = threading.Event()

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(2):
                tg.start_soon(analyzer.run, release.wait)
            with anyio.fail_after(10):
                while analyzer._waiting < 2:
                    await anyio.sleep(0.01)
            with pytest.raises(ApiError) as busy:
                await analyzer.run(lambda: None)
            assert busy.value.status_code == 503 and "busy" in str(busy.value.detail)
            assert busy.value.headers and int(busy.value.headers["Retry-After"]) > 0
            release.set()
        assert await analyzer.run(lambda: 7) == 7  # free again, it takes work
        assert not analyzer.loaded  # none of this needed the pipeline

    anyio.run(main)
