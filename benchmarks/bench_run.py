"""Benchmark of the batch run (``evenhand run``): throughput against raw spaCy, memory
flatness, and the Ray engine against the local one. Not a test: figures, printed beside the
machine they were measured on.

    .venv/bin/python benchmarks/bench_run.py [--n 300] [--workers 1,2]
        [--mem-sizes 300,3000] [--no-memory] [--no-ray] [--json out/bench_run.json]

Texts: the ``text`` fields of ../shared/data/corpus/basil_articles.jsonl and
../shared/data/quotes/polnear/dev.jsonl (read in place), cut or replicated to N; a
replicated text gets a closing line "(copy k)" so that it is a distinct article to the
store (an exact copy would be skipped at ingest).

Every figure is the wall time of a whole command, measured from here, so both sides pay
for their interpreter start and their pipeline load:

* ``raw``: a child process that loads the spaCy pipeline (``spacy.load``, no evenhand
  component) and runs ``nlp.pipe(texts, batch_size=16, n_process=W)`` over the texts read
  from a JSONL file;
* ``run``: ``evenhand run --db COPY --workers W --quiet`` on a SQLite store holding the same
  texts (ingested beforehand with ``evenhand ingest``, not timed; each run gets a fresh copy
  of that store), which reads them from the store, analyses them with evenhand's full
  pipeline and saves every report and its derived rows.

The ratio run/raw (articles per second) is the figure with the bar: >= 0.8. evenhand runs
output-identical, faster versions of spaCy's ``attribute_ruler`` and ``lemmatizer``
(``evenhand/pipeline/_fast_spacy.py``); for the first worker count the run is also timed with
spaCy's own code (``EVENHAND_NATIVE_SPACY=1``), so both ratios are printed. Both commands
also run on the first ``--n0`` articles alone, which gives their marginal rates,
(N - N0) / (T(N) - T(N0)): the throughput once started, without the fixed costs (interpreter,
imports, pipeline load, the worker pool) that a short run is dominated by.

Memory: the peak resident memory of the whole ``evenhand run`` process tree (driver and
workers, sampled every 50 ms from /proc) for the smallest and the largest of
``--mem-sizes`` (the larger replicating the smaller's texts); flat within 10% is the bar.

Ray: the same run with ``--engine ray`` beside the local engine, same workers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SOURCES = ("data/corpus/basil_articles.jsonl", "data/quotes/polnear/dev.jsonl")
EVENHAND = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]
MIN_RATIO = 0.8
MAX_MEMORY_GROWTH = 1.10

RAW_CHILD = """
import json, sys, spacy
path, model, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, encoding="utf-8") as fh:
    texts = [json.loads(line)["text"] for line in fh if line.strip()]
nlp = spacy.load(model)
count = sum(1 for _ in nlp.pipe(texts, batch_size=16, n_process=workers))
assert count == len(texts), (count, len(texts))
"""


# --- the machine ----------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kib / 2**20, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def machine_line(m: dict[str, Any]) -> str:
    return (f"machine: {m['cpus']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, "
            f"{m['platform']}, Python {m['python']}; load average "
            f"{', '.join(map(str, m['load_average']))} (other users' work included)")


# --- data -----------------------------------------------------------------------------------

def load_texts(shared: Path) -> list[str]:
    texts = []
    for rel in SOURCES:
        path = shared / rel
        if not path.is_file():
            raise SystemExit(f"bench_run: {path} not found (is ../shared beside the checkout?)")
        with path.open(encoding="utf-8") as fh:
            texts += [t for line in fh if line.strip() and (t := json.loads(line).get("text"))]
    return texts


def corpus(texts: list[str], n: int) -> list[str]:
    """``n`` distinct articles: the texts in turn, a replicate marked "(copy k)"."""
    out = []
    for i in range(n):
        text, copy = texts[i % len(texts)], i // len(texts)
        out.append(text if copy == 0 else f"{text}\n\n(copy {copy})")
    return out


def write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"id": f"bench-{i}", "text": text, "outlet": "bench"},
                                ensure_ascii=False) + "\n")


def prepared_store(texts: list[str], folder: Path) -> Path:
    """A SQLite store holding ``texts``, ingested with ``evenhand ingest`` (not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "texts.jsonl"
    write_jsonl(data, texts)
    db = folder / "template.db"
    proc = subprocess.run([*EVENHAND, "ingest", str(data), "--db", f"sqlite:///{db}",
                           "--quiet"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench_run: ingest failed: {proc.stderr.strip()[-400:]}")
    return db


def fresh_copy(template: Path, folder: Path, name: str) -> str:
    target = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{target}{suffix}")
    return f"sqlite:///{target}"


# --- measuring ------------------------------------------------------------------------------

def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux /proc)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{pid}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str], *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall time, exit status and the peak RSS of the process tree (sampled)."""
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"exit": proc.returncode, "seconds": round(seconds, 2),
            "peak_tree_rss_mib": round(peak / 1024, 1),
            "stderr": stderr.decode(errors="replace").strip()[-300:]}


def raw(texts_path: Path, n: int, model: str, workers: int) -> dict[str, Any]:
    r = timed([sys.executable, "-c", RAW_CHILD, str(texts_path), model, str(workers)])
    r["articles_per_s"] = round(n / r["seconds"], 2)
    return r


def run(template: Path, folder: Path, n: int, workers: int, engine: str = "local",
        env: dict[str, str] | None = None) -> dict[str, Any]:
    url = fresh_copy(template, folder, f"run-{engine}-{workers}")
    r = timed([*EVENHAND, "run", "--db", url, "--workers", str(workers), "--engine", engine,
               "--quiet"], env=env)
    r["articles_per_s"] = round(n / r["seconds"], 2)
    from evenhand.store import open_store

    store = open_store(url)
    r["analysed"] = store.counts()["analyses"]
    store.close()
    return r


def ray_env(folder: Path) -> dict[str, str]:
    home = folder / "ray-home"  # Ray writes an auth token under $HOME/.ray
    home.mkdir(exist_ok=True)
    return {"HOME": str(home), "RAY_USAGE_STATS_ENABLED": "0"}


# --- main -----------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=300, help="articles for the throughput runs")
    ap.add_argument("--n0", type=int, default=30,
                    help="articles of the short runs that give the marginal rates (0: none)")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    ap.add_argument("--mem-sizes", default="300,3000")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--no-throughput", action="store_true",
                    help="only the memory runs (no raw/run ratio, no Ray)")
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-native", action="store_true",
                    help="skip the run with spaCy's own attribute_ruler and lemmatizer "
                         "(EVENHAND_NATIVE_SPACY=1) beside the default one")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from evenhand.api import default_pipeline_name

    model = default_pipeline_name()
    figures: dict[str, Any] = {"machine": machine(), "n": args.n, "model": model}
    print(machine_line(figures["machine"]), flush=True)
    base = load_texts(args.shared)
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="evenhand-bench-") as tmp:
        folder = Path(tmp)
        figures["throughput"] = []
        if not args.no_throughput:
            texts = corpus(base, args.n)
            template = prepared_store(texts, folder / f"n{args.n}")
            data = folder / f"n{args.n}" / "texts.jsonl"
            if args.n0:
                template0 = prepared_store(texts[:args.n0], folder / f"n{args.n0}")
                data0 = folder / f"n{args.n0}" / "texts.jsonl"
        for w in [] if args.no_throughput else workers:
            r_raw = raw(data, args.n, model, w)
            r_run = run(template, folder, args.n, w)
            ratio = round(r_run["articles_per_s"] / r_raw["articles_per_s"], 3)
            row = {"workers": w, "raw": r_raw, "run": r_run, "ratio": ratio}
            print(f"workers {w}: raw spaCy {r_raw['articles_per_s']} art/s "
                  f"({r_raw['seconds']} s), evenhand run {r_run['articles_per_s']} art/s "
                  f"({r_run['seconds']} s, {r_run['analysed']} stored): ratio {ratio} "
                  f"(bar >= {MIN_RATIO}) {'OK' if ratio >= MIN_RATIO else 'BELOW BAR'}",
                  flush=True)
            if args.n0:
                raw0 = raw(data0, args.n0, model, w)
                run0 = run(template0, folder, args.n0, w)
                marginal = {name: round((args.n - args.n0) / (big["seconds"] - small["seconds"]),
                                        2)
                            for name, big, small in (("raw", r_raw, raw0), ("run", r_run, run0))}
                row["marginal"] = {**marginal, "n0": args.n0, "raw0": raw0, "run0": run0,
                                   "ratio": round(marginal["run"] / marginal["raw"], 3)}
                print(f"workers {w}, marginal rates ({args.n0} -> {args.n} articles): raw "
                      f"{marginal['raw']} art/s, run {marginal['run']} art/s: ratio "
                      f"{row['marginal']['ratio']} (fixed costs: raw {raw0['seconds']} s, "
                      f"run {run0['seconds']} s for {args.n0} articles)", flush=True)
            if not args.no_native and w == workers[0]:
                native = run(template, folder, args.n, w, env={"EVENHAND_NATIVE_SPACY": "1"})
                row["run_native_spacy"] = native
                row["ratio_native_spacy"] = round(native["articles_per_s"]
                                                  / r_raw["articles_per_s"], 3)
                print(f"workers {w}: evenhand run with spaCy's own attribute_ruler and "
                      f"lemmatizer (EVENHAND_NATIVE_SPACY=1) {native['articles_per_s']} art/s "
                      f"({native['seconds']} s): ratio {row['ratio_native_spacy']} to raw",
                      flush=True)
            figures["throughput"].append(row)
        if not args.no_ray and not args.no_throughput:
            w = max(workers)
            local = next(r["run"] for r in figures["throughput"] if r["workers"] == w)
            r_ray = run(template, folder, args.n, w, "ray", ray_env(folder))
            figures["ray_vs_local"] = {"workers": w, "local": local, "ray": r_ray,
                                       "ratio": round(r_ray["articles_per_s"]
                                                      / local["articles_per_s"], 3)}
            print(f"ray vs local, {w} workers: ray {r_ray['articles_per_s']} art/s "
                  f"({r_ray['seconds']} s, peak {r_ray['peak_tree_rss_mib']} MiB for the "
                  f"process tree: Ray's GCS, raylet and workers included), local "
                  f"{local['articles_per_s']} art/s ({local['seconds']} s, peak "
                  f"{local['peak_tree_rss_mib']} MiB): ratio "
                  f"{figures['ray_vs_local']['ratio']}", flush=True)
        if not args.no_memory:
            sizes = sorted(int(s) for s in args.mem_sizes.split(","))
            smallest = corpus(base, sizes[0])
            memory = {}
            for size in sizes:
                # the smallest run's texts again and again, each copy marked distinct
                sized = [smallest[i % sizes[0]]
                         + ("" if i < sizes[0] else f"\n\n(copy {i // sizes[0]})")
                         for i in range(size)]
                tpl = prepared_store(sized, folder / f"mem{size}")
                memory[size] = run(tpl, folder, size, max(workers))
                print(f"memory, {size} articles: peak {memory[size]['peak_tree_rss_mib']} "
                      f"MiB (driver and workers), {memory[size]['seconds']} s, "
                      f"{memory[size]['analysed']} stored", flush=True)
            growth = round(memory[sizes[-1]]["peak_tree_rss_mib"]
                           / memory[sizes[0]]["peak_tree_rss_mib"], 3)
            figures["memory"] = {"workers": max(workers), "runs": memory, "ratio": growth}
            print(f"memory {sizes[-1]}/{sizes[0]} articles: {growth} (bar <= "
                  f"{MAX_MEMORY_GROWTH}) {'OK' if growth <= MAX_MEMORY_GROWTH else 'ABOVE'}",
                  flush=True)
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
