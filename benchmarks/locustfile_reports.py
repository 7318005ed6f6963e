"""Locust users for benchmarks/load_reports.py (run by it, as its own ``locust`` process).

Each user sends ``LOAD_PER_USER`` requests back to back, then stops: with ``LOAD_MODE=reports``
bias reports on random passages of article ``LOAD_ARTICLE_ID`` (offsets from
``LOAD_SPANS``), with ``LOAD_MODE=health`` the liveness endpoint (the reference). Every
response's status and latency is tallied here and written to ``LOAD_TALLY`` (JSON) when the
run stops, so that the driver counts accepted reports itself.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from typing import Any

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

ARTICLE_ID = int(os.environ.get("LOAD_ARTICLE_ID", "1"))
SPANS: list[list[int]] = json.loads(os.environ.get("LOAD_SPANS", "[[0, 10]]"))
PER_USER = int(os.environ.get("LOAD_PER_USER", "50"))
USERS = int(os.environ.get("LOAD_USERS", "1"))  # when all are done, the run ends
MODE = os.environ.get("LOAD_MODE", "reports")
TALLY = os.environ.get("LOAD_TALLY", "load-tally.json")
CATEGORIES = ["one_sided_sourcing", "missing_perspective", "loaded_language", "factual_error",
              "misleading_headline", "other"]
WORDS = ["source", "quote", "side", "voice", "balance", "minister", "union", "farmers",
         "agency", "statement", "figures", "headline", "tone", "claim", "context", "missing"]

statuses: Counter[int] = Counter()
latencies_ms: list[float] = []  # of accepted requests (201 for reports, 200 for health)
window = [float("inf"), 0.0]  # first request sent, last response received (perf_counter)
finished = [0]


class Reader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sent = 0
        self.rng = random.Random(id(self))

    @task
    def send(self) -> None:
        if self.sent >= PER_USER:
            finished[0] += 1
            if finished[0] >= USERS and self.environment.runner is not None:
                self.environment.runner.quit()  # else locust idles until --run-time
            raise StopUser()
        self.sent += 1
        started = time.perf_counter()
        if MODE == "health":
            with self.client.get("/healthz", name="health", catch_response=True) as r:
                self._tally(r, 200, started)
            return
        start, end = self.rng.choice(SPANS)
        comment = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(3, 25)))
        body: dict[str, Any] = {"category": self.rng.choice(CATEGORIES), "comment": comment,
                                "start": start, "end": end}
        with self.client.post(f"/api/articles/{ARTICLE_ID}/bias-reports", json=body,
                              name="report", catch_response=True) as r:
            self._tally(r, 201, started)

    def _tally(self, r: Any, ok: int, started: float) -> None:
        window[0] = min(window[0], started)
        window[1] = max(window[1], time.perf_counter())
        statuses[r.status_code] += 1
        if r.status_code == ok:
            latencies_ms.append(1000 * (time.perf_counter() - started))
            r.success()
        elif r.status_code == 429:
            r.failure("429 rate limited")
        else:
            r.failure(f"{r.status_code}")


@events.quitting.add_listener
def _write_tally(environment: Any, **_: Any) -> None:
    with open(TALLY, "w", encoding="utf-8") as f:
        json.dump({"statuses": {str(k): v for k, v in statuses.items()},
                   "latencies_ms": latencies_ms,
                   "seconds": max(0.0, window[1] - window[0])}, f)
