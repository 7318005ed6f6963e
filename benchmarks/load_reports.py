"""Load test of reader bias-report submissions on loopback, bounded in time and count.

    python benchmarks/load_reports.py [--users 16] [--per-user 50] [--limit 30]
                                      [--db URL] [--time 120] [--json out/load.json]

Starts ``evenhand serve`` (its own process, a fresh SQLite store by default, one article)
and drives it with locust (its own process too: locust cannot be imported into pytest) from
``benchmarks/locustfile_reports.py``:

1. **reference**: ``GET /healthz`` (no database), the same users and request count;
2. **throughput**: ``POST /api/articles/{id}/bias-reports`` with rate limiting off
   (``EVENHAND_REPORT_RATE_LIMIT=0``): reports/s, p50 and p99 latency, and the ratio to the
   reference measured in the same run;
3. **rate limited**: the same with ``EVENHAND_REPORT_RATE_LIMIT=--limit`` per minute; every
   user shares the loopback address, so at most ``--limit`` are accepted and the rest get 429.

After each report run the stored reports are counted in the database: the script exits 1
when that count differs from the number of 201 answers. Every run stops after
``--per-user`` requests per user or ``--time`` seconds, whichever comes first. Client and
server share this machine's cores, so the figures are a floor for a real deployment.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile_reports.py")
# written for this benchmark (no shared data)
ARTICLE = (
    "Council approves harbour bridge\n\n"
    "The city council approved the new harbour bridge on Tuesday after a four-hour debate, "
    "ending a decade of delays.\n\n"
    "“This bridge will carry the city for the next hundred years,” said Mayor Lena Ortiz, "
    "who has backed the project since her election.\n\n"
    "Opponents said the council had ignored the cost to residents of the old quarter, whose "
    "homes lie in the path of the southern ramp.\n\n"
    "Construction is due to begin in the spring and to last three years, the council said "
    "in a statement."
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spans(text: str) -> list[list[int]]:
    """Each paragraph and sentence of the article as [start, end]."""
    spans, pos = [], 0
    for para in text.split("\n\n"):
        start = text.index(para, pos)
        pos = start + len(para)
        spans.append([start, pos])
        at = start
        for sentence in para.split(". "):
            s = text.index(sentence, at)
            spans.append([s, s + len(sentence)])
            at = s + len(sentence)
    return spans


def _prepare(url: str) -> int:
    """The article, ingested; its id."""
    from evenhand.ingest import RawItem, ingest_items
    from evenhand.store import open_store

    store = open_store(url)
    try:
        ingest_items([RawItem(text=ARTICLE, source="load.txt", source_format="txt",
                              title="Council approves harbour bridge", outlet="Load Test",
                              date="2026-01-01")], store)
        return next(a.article_id for a in store.iter_articles(text=False))
    finally:
        store.close()


def _stored(url: str) -> int:
    from evenhand.store import open_store
    from evenhand.web.feedback import count_reports

    store = open_store(url)
    try:
        return count_reports(store)
    finally:
        store.close()


class Server:
    """``evenhand serve`` in its own process."""

    def __init__(self, db: str, env: dict[str, str]) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(BIN / "evenhand"), "serve", "--db", db, "--port", str(self.port),
             "--insecure-cookies"], env={**os.environ, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"evenhand serve exited: {self.proc.stderr.read()[-2000:]}"
                                 if self.proc.stderr else "evenhand serve exited")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("evenhand serve did not start within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _locust(host: str, mode: str, users: int, per_user: int, seconds: int, article_id: int,
            workdir: Path) -> dict[str, Any]:
    tally = workdir / f"tally-{mode}-{time.monotonic_ns()}.json"
    env = {**os.environ, "LOAD_MODE": mode, "LOAD_PER_USER": str(per_user),
           "LOAD_USERS": str(users),
           "LOAD_ARTICLE_ID": str(article_id), "LOAD_SPANS": json.dumps(_spans(ARTICLE)),
           "LOAD_TALLY": str(tally)}
    cmd = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", host,
           "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--only-summary",
           "--stop-timeout", "5", "--loglevel", "WARNING"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    if not tally.exists():
        raise SystemExit(f"locust wrote no tally (exit {proc.returncode}): "
                         f"{proc.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(tally.read_text())
    return data


def _warm_up(host: str, mode: str, article_id: int, n: int = 10) -> None:
    """A few requests first, so that the measured run does not time the first connections
    and imports."""
    for i in range(n):
        if mode == "health":
            request = urllib.request.Request(f"{host}/healthz")
        else:
            body = json.dumps({"category": "other", "comment": f"warm-up {i}"}).encode()
            request = urllib.request.Request(
                f"{host}/api/articles/{article_id}/bias-reports", data=body,
                headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    lat = sorted(data["latencies_ms"])
    statuses = {int(k): v for k, v in data["statuses"].items()}
    ok = len(lat)
    seconds = data["seconds"] or float("nan")

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None

    return {"requests": sum(statuses.values()), "statuses": statuses, "accepted": ok,
            "seconds": round(seconds, 3), "per_second": round(ok / seconds, 1) if ok else 0.0,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(lat), 2) if lat else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=16, help="concurrent locust users")
    ap.add_argument("--per-user", type=int, default=50, help="requests per user and run")
    ap.add_argument("--limit", type=int, default=30,
                    help="reports per minute per client in the rate-limited run")
    ap.add_argument("--time", type=int, default=120, help="seconds at most per run")
    ap.add_argument("--db", help="a database URL (default: a fresh SQLite file)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if shutil.which("locust", path=str(BIN)) is None:
        raise SystemExit(f"locust is not installed in {BIN}")
    workdir = Path(tempfile.mkdtemp(prefix="evenhand-load-"))
    db = args.db or f"sqlite:///{workdir / 'load.db'}"
    article_id = _prepare(db)
    base_env = {"EVENHAND_SECRET_KEY": "load-test-secret-0123456789",
                "EVENHAND_ANALYZE_RATE_LIMIT": "0"}
    results: dict[str, Any] = {"users": args.users, "per_user": args.per_user, "db": (
        "sqlite (fresh file)" if not args.db else "given"), "cpus": os.cpu_count()}
    failed = False
    with Server(db, {**base_env, "EVENHAND_REPORT_RATE_LIMIT": "0"}) as server:
        _warm_up(server.url, "health", article_id)
        _warm_up(server.url, "reports", article_id)
        results["reference_health"] = _summary(_locust(
            server.url, "health", args.users, args.per_user, args.time, article_id, workdir))
        before = _stored(db)
        run = _summary(_locust(server.url, "reports", args.users, args.per_user, args.time,
                               article_id, workdir))
        run["stored"] = _stored(db) - before
        results["reports_unlimited"] = run
    with Server(db, {**base_env, "EVENHAND_REPORT_RATE_LIMIT": str(args.limit),
                     "EVENHAND_RATE_WINDOW_S": "60"}) as server:
        before = _stored(db)
        limited = _summary(_locust(server.url, "reports", args.users,
                                   max(1, (2 * args.limit) // args.users + 1), args.time,
                                   article_id, workdir))
        limited["stored"] = _stored(db) - before
        results["reports_rate_limited"] = limited
    ref = results["reference_health"]["per_second"]
    results["ratio_reports_to_health"] = round(run["per_second"] / ref, 3) if ref else None
    for name in ("reports_unlimited", "reports_rate_limited"):
        r = results[name]
        if r["stored"] != r["accepted"]:
            failed = True
    _print(results, args.limit)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print("FAIL: stored reports differ from accepted ones", file=sys.stderr)
    return 1 if failed else 0


def _print(r: dict[str, Any], limit: int) -> None:
    h, u, lim = r["reference_health"], r["reports_unlimited"], r["reports_rate_limited"]
    print(f"loopback load test: {r['users']} users x {r['per_user']} requests, "
          f"{r['cpus']} CPUs shared by client and server, store: {r['db']}")
    print(f"{'run':<28}{'req':>7}{'ok':>7}{'429':>6}{'/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'stored':>8}")
    for name, x in (("GET /healthz (reference)", h), ("reports, no rate limit", u),
                    (f"reports, limit {limit}/min", lim)):
        print(f"{name:<28}{x['requests']:>7}{x['accepted']:>7}{x['statuses'].get(429, 0):>6}"
              f"{x['per_second']:>9}{x['p50_ms'] or '-':>9}{x['p99_ms'] or '-':>9}"
              f"{x.get('stored', '-'):>8}")
    print(f"report submissions / health checks throughput: {r['ratio_reports_to_health']}")
    print(f"stored == accepted: unlimited {u['stored'] == u['accepted']}, "
          f"rate limited {lim['stored'] == lim['accepted']}")


if __name__ == "__main__":
    raise SystemExit(main())
