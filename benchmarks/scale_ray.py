"""Ray scaling: the batch run on Ray at 1, 2, 4, ... workers up to the CPUs of this machine
(and the local engine beside it), printed with the machine it ran on. Not a test.

    .venv/bin/python benchmarks/scale_ray.py [--n 200] [--max-workers N] [--no-local]
        [--json out/scale_ray.json]

One prepared store of N articles (the texts of ../shared, as in bench_run.py, ingested
once, not timed); each configuration runs on a fresh copy of it, in a process of its own,
through :func:`evenhand.batch.run_batch` (what ``evenhand run`` calls). Two figures each:

* ``wall``: articles / seconds of the whole run, Ray's start-up and the actors' pipeline
  loads included (what a user waits for);
* ``steady``: articles saved between the first and the last saved batch / the time between
  them: throughput once every actor is up, which is what scales with workers.

The Ray cluster is a local one started by the run (``ray.init(num_cpus=...)``); on a
machine shared with other work, the load average printed beside the figures says how much
of it was free.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import (  # a sibling script (benchmarks/ is not a package)
    SHARED,
    corpus,
    fresh_copy,
    load_texts,
    machine,
    machine_line,
    prepared_store,
    ray_env,
)

CHILD = """
import json, sys, time
from evenhand.batch import run_batch
from evenhand.store import open_store
url, engine, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
saves = []
def on_saved(outcome):
    saves.append((time.perf_counter(), len(outcome)))
store = open_store(url)
started = time.perf_counter()
summary = run_batch(store, engine=engine, workers=workers, quiet=True, on_saved=on_saved)
wall = time.perf_counter() - started
first, last = saves[0][0], saves[-1][0]
steady_n = sum(n for _, n in saves[1:])
print(json.dumps({"wall_s": wall, "analysed": summary.analysed, "failed": summary.failed,
                  "batches": len(saves), "first_save_s": first - started,
                  "steady_s": last - first, "steady_articles": steady_n}))
"""


def worker_counts(limit: int) -> list[int]:
    counts, w = [], 1
    while w <= limit:
        counts.append(w)
        w *= 2
    if counts[-1] != limit:
        counts.append(limit)
    return counts


def one(template: Path, folder: Path, engine: str, workers: int) -> dict[str, Any]:
    url = fresh_copy(template, folder, f"{engine}-{workers}")
    env = {**os.environ, **(ray_env(folder) if engine == "ray" else {})}
    proc = subprocess.run([sys.executable, "-c", CHILD, url, engine, str(workers)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"engine": engine, "workers": workers,
                "error": proc.stderr.strip()[-400:] or f"exit {proc.returncode}"}
    r: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    r.update(engine=engine, workers=workers,
             wall_rate=round(r["analysed"] / r["wall_s"], 2),
             steady_rate=round(r["steady_articles"] / r["steady_s"], 2)
             if r["steady_s"] > 0 else None)
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--max-workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-local", action="store_true", help="Ray only")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    figures: dict[str, Any] = {"machine": machine(), "n": args.n, "runs": []}
    print(machine_line(figures["machine"]), flush=True)
    print(f"{args.n} articles per run; workers: {worker_counts(args.max_workers)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="evenhand-scale-") as tmp:
        folder = Path(tmp)
        template = prepared_store(corpus(load_texts(args.shared), args.n), folder / "data")
        base: dict[str, float] = {}
        for workers in worker_counts(args.max_workers):
            for engine in ("ray",) if args.no_local else ("ray", "local"):
                started = time.perf_counter()
                r = one(template, folder, engine, workers)
                figures["runs"].append(r)
                if "error" in r:
                    print(f"{engine:>5} {workers:>3} workers: ERROR {r['error']}", flush=True)
                    continue
                if r["steady_rate"]:
                    base.setdefault(engine, r["steady_rate"])
                speedup = (f"{r['steady_rate'] / base[engine]:.2f}x"
                           if r["steady_rate"] and engine in base else "–")
                print(f"{engine:>5} {workers:>3} workers: wall {r['wall_rate']:>6} art/s "
                      f"({r['wall_s']:.1f} s, first batch saved after "
                      f"{r['first_save_s']:.1f} s), steady {r['steady_rate']} art/s, "
                      f"{speedup} the 1-worker steady rate; {r['analysed']} analysed "
                      f"[{time.perf_counter() - started:.0f} s]", flush=True)
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(machine_line(figures["machine"]) + f"; at the end: "
          f"{', '.join(map(str, figures['machine']['load_average_at_end']))}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
