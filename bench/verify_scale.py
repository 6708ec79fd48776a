"""End-to-end `claimledger verify` on generated corpora of growing size: how cost grows, and whether verdicts are right.

Usage: bench/verify_scale.py [--sizes 100 1000 10000] [--ledger postgresql+psycopg://USER@HOST/DB]
For each size: writes the corpus (bench/make_corpus.py) if missing, runs the real CLI in a fresh process (a Prefect
flow on an ephemeral API, its default task runner: worker processes; a fresh SQLite ledger, or the empty database
given with --ledger, for one size), and prints wall time, claims/s, peak RSS (the flow's process and, apart, its
worker processes), Prefect task runs, ledger bytes per result, and verdict accuracy against the corpus's expected
verdicts; then `ledger export` of the whole ledger to CSV, JSON lines and Parquet, each in its own process: wall
time, peak RSS and size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASUALTIES = REPO.parent / "shared" / "reference" / "techforpalestine" / "casualties_daily.json"
CLI = Path(sys.executable).with_name("claimledger")


def corpus(size: int) -> Path:
    """The generated corpus of this size, written on first use."""
    folder = REPO / "bench" / "out" / f"corpus-{size}"
    if not (folder / "expected.jsonl").exists():
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "make_corpus.py"), str(size), "--out", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def run(size: int, work: Path, ledger_url: str | None = None) -> dict:
    """One verify run of the corpus in a child process; its numbers."""
    folder = corpus(size)
    ledger, output = work / f"ledger-{size}.db", work / f"verdicts-{size}.json"
    url = ledger_url or f"sqlite:///{ledger}"
    prefect_home = work / f"prefect-{size}"
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "CLAIMLEDGER_HOME": str(REPO),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with output.open("w") as out:
        process = subprocess.Popen(
            [
                str(CLI),
                "verify",
                str(folder / "articles"),
                "--format",
                "json",
                "--ledger",
                url,
                "--source",
                f"gaza_casualties_daily=file:{CASUALTIES}",
            ],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        peaks = sample_rss(process)
        if process.returncode:
            raise SystemExit(f"verify of {size} articles failed ({process.returncode})")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = json.loads(output.read_text())
    results = [r for r in rows]
    exports = {fmt: export(url, fmt, work, env) for fmt in EXPORTS}
    return {
        "articles": size,
        "claims": len({r["claim_id"] for r in rows}),
        "results": len(results),
        "wall_s": wall,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_rss_mib": after.ru_maxrss / 1024,  # the largest single process
        "flow_rss_mib": peaks["flow"],
        "workers_rss_mib": peaks["workers"],
        "task_runs": task_runs(prefect_home),
        "ledger_bytes_per_result": ledger.stat().st_size / max(len(results), 1) if ledger.exists() else None,
        "accuracy": accuracy(folder, rows),
        "exports": exports,
    }


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process under pid (the flow's worker processes and what they start)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def sample_rss(process: subprocess.Popen, every: float = 0.25) -> dict[str, float]:
    """Wait for the process, sampling /proc: peak RSS of the flow's own process, and peak of its descendants' sum."""
    peaks = {"flow": 0.0, "workers": 0.0}
    while process.poll() is None:
        peaks["flow"] = max(peaks["flow"], rss_mib(process.pid))
        peaks["workers"] = max(peaks["workers"], sum(rss_mib(pid) for pid in descendants(process.pid)))
        time.sleep(every)
    return peaks


EXPORTS = ("csv", "jsonl", "parquet")
# `ledger export` in a child of its own, reporting its own peak RSS: VmHWM, which starts afresh at exec (getrusage's
# ru_maxrss does not: a child forked from this process, which holds the run's verdicts, inherited its peak)
_EXPORT = (
    "import re, sys, time; from pathlib import Path; from claimledger.cli import app; started = time.perf_counter()\n"
    "try:\n    app(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    peak = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)\n"
    "    print(time.perf_counter() - started, peak)"
)


def export(ledger: str, fmt: str, work: Path, env: dict) -> dict:
    """One `ledger export` of the whole ledger: wall seconds, peak RSS, bytes written."""
    target = work / f"export.{fmt}"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _EXPORT,
            "ledger",
            "export",
            "--format",
            fmt,
            "--output",
            str(target),
            "--ledger",
            ledger,
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    wall, peak_kib = done.stdout.split()[-2:]
    size = target.stat().st_size
    target.unlink()
    return {"wall_s": float(wall), "peak_rss_mib": int(peak_kib) / 1024, "bytes": size}


def task_runs(prefect_home: Path) -> int | None:
    """Task runs recorded by the run's own (ephemeral) Prefect API database."""
    database = prefect_home / "prefect.db"
    if not database.exists():
        return None
    with sqlite3.connect(database) as db:
        return db.execute("select count(*) from task_run").fetchone()[0]


def accuracy(folder: Path, rows: list[dict]) -> float:
    """Share of the corpus's claims whose verdict is the expected one."""
    got = {(r["article"], r["quote"], r["metric"]): r["verdict"] for r in rows}
    expected = [json.loads(line) for line in (folder / "expected.jsonl").open()]
    right = sum(got.get((e["article"], e["quote"], e["metric"])) == e["expected"] for e in expected)
    return right / len(expected)


def machine_pace() -> float:
    """Seconds this machine takes for ten million steps of a plain Python loop: the figures below scale with it
    (machines of one kind differ in speed, and one machine from hour to hour: 0.67-2.8 s seen on 2026-12-04), so
    runs compare through it."""
    started, total = time.perf_counter(), 0
    for step in range(10_000_000):
        total += step
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--ledger", help="an empty ledger database to write to (one size), e.g. a PostgreSQL URL")
    args = parser.parse_args()
    if args.ledger and len(args.sizes) != 1:
        parser.error("--ledger takes one size: each run needs an empty ledger")
    before = machine_pace()
    with tempfile.TemporaryDirectory() as tmp:
        results = [run(size, Path(tmp), args.ledger) for size in args.sizes]
    after = machine_pace()
    print(f"machine pace: {before:.2f} s before the runs, {after:.2f} s after, for ten million steps of a Python loop")
    print(
        f"{'articles':>9} {'claims':>8} {'wall s':>7} {'cpu s':>7} {'claims/s':>9} {'flow RSS MiB':>13} "
        f"{'workers MiB':>11} {'task runs':>9} {'ledger B/result':>15} {'accuracy':>9}"
    )
    for r in results:
        print(
            f"{r['articles']:>9,} {r['claims']:>8,} {r['wall_s']:>7.1f} {r['cpu_s']:>7.1f} "
            f"{r['claims'] / r['wall_s']:>9,.0f} {r['flow_rss_mib']:>13,.0f} {r['workers_rss_mib']:>11,.0f} "
            f"{r['task_runs'] or '-':>9} {r['ledger_bytes_per_result'] or 0:>15,.0f} {r['accuracy']:>9.2%}"
        )
    print(f"\n{'articles':>9} {'export':>8} {'wall s':>7} {'peak RSS MiB':>13} {'MB':>8}")
    for r in results:
        for fmt, e in r["exports"].items():
            print(
                f"{r['articles']:>9,} {fmt:>8} {e['wall_s']:>7.1f} {e['peak_rss_mib']:>13,.0f} {e['bytes'] / 1e6:>8.1f}"
            )
    for small, large in zip(results, results[1:]):
        print(f"{large['articles'] / small['articles']:.0f}x articles -> {large['wall_s'] / small['wall_s']:.1f}x time")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
