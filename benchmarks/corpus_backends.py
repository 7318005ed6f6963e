"""The corpus run on both backends: BASIL (300 articles) and PolNeAR (train + dev, 924)
ingested, analysed and aggregated per outlet on SQLite and on PostgreSQL, and the figures
compared. Not a test: it takes minutes; its output is the record.

    .venv/bin/python benchmarks/corpus_backends.py [--workers 2] [--out out/corpus]
        [--pg-url postgresql+psycopg://...]   # default: $EVENHAND_TEST_PG_URL, else a
                                              # throwaway server started here (initdb)

The analyser version names evenhand's release, not every edit of a working tree: run it
from a fixed snapshot of the code (``git archive HEAD | tar -x -C SNAP``, ``git rev-parse
HEAD > SNAP/COMMIT``, then ``PYTHONPATH=SNAP/src``) when others may be editing the tree,
or the two backends may be analysed by different code.

Everything goes through the real command line (``evenhand ingest``, ``run``, ``stats``),
one store per backend, from empty. Written to ``--out``: each backend's stats as JSON (by
outlet, month, side and role) and the per-outlet HTML view, and ``result.json`` with the
timings, the counts and whether the two backends gave identical figures. The data is read
in place from ../shared (never copied).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
INPUTS = ("data/corpus/basil_articles.jsonl", "data/quotes/polnear/train.jsonl",
          "data/quotes/polnear/dev.jsonl")
GROUPINGS = ("outlet", "month", "side", "role")
EVENHAND = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]


def evenhand(*args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    proc = subprocess.run([*EVENHAND, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0,) and args[0] != "run":
        raise SystemExit(f"evenhand {' '.join(args)} failed ({proc.returncode}): "
                         f"{proc.stderr.strip()[-500:]}")
    return proc.returncode, proc.stderr.strip(), elapsed


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL server on a temporary folder and a free port, as the test suite starts
    one (initdb + pg_ctl, as the postgres user when run as root)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = found[-1] if found else (Path(w) if (w := shutil.which("initdb")) else None)
    if initdb is None:
        raise SystemExit("corpus_backends: no PostgreSQL server binaries; give --pg-url")
    bindir = initdb.parent
    folder = Path(tempfile.mkdtemp(prefix="evenhand-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = folder / "data"
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True,
                   capture_output=True)
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "pg.log"), "-w", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def one_backend(name: str, url: str, inputs: list[str], out: Path, workers: int
                ) -> dict[str, Any]:
    record: dict[str, Any] = {"backend": name}
    rc, message, seconds = evenhand("ingest", *inputs, "--db", url)
    record["ingest"] = {"seconds": round(seconds, 1), "summary": message.splitlines()[-1:]}
    rc, message, seconds = evenhand("run", "--db", url, "--workers", str(workers))
    record["run"] = {"exit": rc, "seconds": round(seconds, 1),
                     "summary": message.splitlines()[-1:]}
    print(f"  {name}: ingest {record['ingest']['summary']}; run {record['run']['summary']}",
          flush=True)
    record["stats"] = {}
    for by in GROUPINGS:
        path = out / f"{name}-{by}.json"
        evenhand("stats", "--db", url, "--by", by, "--format", "json", "--output", str(path))
        record["stats"][by] = json.loads(path.read_text(encoding="utf-8"))
    evenhand("stats", "--db", url, "--by", "outlet", "--format", "html", "--output",
             str(out / f"{name}-outlet.html"))
    from evenhand.store import open_store

    store = open_store(url)
    record["counts"] = store.counts()
    record["failures"] = [list(f) for f in store.failures()]
    store.close()
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--out", type=Path, default=REPO / "out" / "corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default=os.environ.get("EVENHAND_TEST_PG_URL"))
    args = parser.parse_args()
    inputs = [str(args.shared / rel) for rel in INPUTS]
    missing = [p for p in inputs if not Path(p).is_file()]
    if missing:
        raise SystemExit(f"corpus_backends: {', '.join(missing)} not found")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; workers: {args.workers}", flush=True)
    records = {}
    sqlite_url = f"sqlite:///{args.out / 'corpus.db'}"
    records["sqlite"] = one_backend("sqlite", sqlite_url, inputs, args.out, args.workers)
    if args.pg_url:
        records["postgresql"] = one_backend("postgresql", args.pg_url, inputs, args.out,
                                            args.workers)
    else:
        with throwaway_postgres() as url:
            records["postgresql"] = one_backend("postgresql", url, inputs, args.out,
                                                args.workers)
    same = {by: records["sqlite"]["stats"][by] == records["postgresql"]["stats"][by]
            for by in GROUPINGS}
    import evenhand

    package = Path(evenhand.__file__).resolve().parent
    commit_file = package.parent.parent / "COMMIT"  # written into a `git archive` snapshot
    result = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_average_at_end": round(os.getloadavg()[0], 2)},
        "evenhand": {"package": str(package),
                     "commit": commit_file.read_text().strip() if commit_file.is_file()
                     else None},
        "inputs": INPUTS,
        "workers": args.workers,
        "identical_stats": same,
        "identical_counts": records["sqlite"]["counts"] == records["postgresql"]["counts"],
        "identical_failures": records["sqlite"]["failures"] == records["postgresql"]["failures"],
        "backends": {name: {k: v for k, v in r.items() if k != "stats"}
                     for name, r in records.items()},
        "articles_analysed": records["sqlite"]["stats"]["outlet"]["articles"],
        "outlets": [row["key"] for row in records["sqlite"]["stats"]["outlet"]["rows"]],
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=2) + "\n",
                                          encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("identical_stats", "identical_counts",
                                              "identical_failures", "articles_analysed",
                                              "outlets")}, indent=2))
    for name, r in records.items():
        print(f"{name}: run {r['run']['seconds']} s, counts {r['counts']}")
    if not all(same.values()) or not result["identical_counts"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
