"""A bounded load test of the dashboard on loopback: every page and endpoint, a fixed number of requests each at a
fixed concurrency, against a ledger of N generated articles.

Usage: bench/dashboard_load.py [--ledger URL | --articles 10000] [--requests 50] [--concurrency 10] [--json F]

With --ledger, that ledger is served as it is; else a corpus of --articles (bench/make_corpus.py) is verified into a
fresh SQLite ledger first (bench/verify_scale.py's run, printed too). The dashboard runs as `claimledger dashboard`
in its own process (uvicorn, one worker). For each URL, --requests requests go out from --concurrency threads at
once (the URLs one after another); printed per URL: p50, p95 and max latency in ms, body bytes, errors; then the
server's RSS after the run and its peak (VmHWM). Numbers vary by machine; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verify_scale  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("claimledger")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(ledger: str, port: int, work: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREFECT_HOME": str(work / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "CLAIMLEDGER_HOME": str(REPO),
    }
    server = subprocess.Popen(
        [str(CLI), "dashboard", "--ledger", ledger, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/runs?limit=1", timeout=5).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the dashboard did not answer on port {port} within 60 s")


def urls(base: str) -> list[tuple[str, list[str]]]:
    """Every page and endpoint: (label, the paths its requests go to in turn). One claim's or one article's page is
    asked for a different claim or article each request (spread over the ledger), so no cache of the server's
    answers it twice; ids, filters and the second pages come from the ledger itself."""
    get = lambda path: requests.get(base + path, timeout=120).json()  # noqa: E731
    spread = get("/api/claims?limit=1000")["claims"]
    claim_ids = [c["id"] for c in spread[:: max(1, len(spread) // 50)]]
    articles = get("/api/articles?limit=1000")["articles"]
    article_ids = [a["id"] for a in articles[:: max(1, len(articles) // 50)]]
    sources = [s["name"] for s in get("/api/sources") if s["latest_use"]]
    source = sources[0] if sources else "none"
    fixed = [
        "/",
        "/api/overview",
        "/claims",
        "/claims?verdict=fail",
        "/claims?verdict=unverifiable",
        f"/claims?source={source}",
        "/api/claims",
        "/api/claims?verdict=fail",
        f"/api/claims?source={source}",
        "/api/claims?limit=1000&verdict=pass",
        "/articles",
        "/api/articles",
        "/runs",
        "/api/runs",
        "/sources",
        "/api/sources",
        f"/sources/{source}",
        f"/api/sources/{source}",
    ]
    found = [(path, [path]) for path in fixed]
    for label, path in [
        ("/api/claims?after=...", "/api/claims?limit=100"),
        ("/claims?verdict=fail&after=...", "/api/claims?verdict=fail&limit=100"),
        ("/api/articles?after=...", "/api/articles"),
    ]:
        if later := get(path)["next"]:
            found.append((label, [label.replace("...", later)]))
    found += [
        ("/claims/{id}", [f"/claims/{i}" for i in claim_ids]),
        ("/api/claims/{id}", [f"/api/claims/{i}" for i in claim_ids]),
        ("/articles/{id}", [f"/articles/{i}" for i in article_ids]),
        ("/api/articles/{id}", [f"/api/articles/{i}" for i in article_ids]),
    ]
    return found


def load(base: str, label: str, paths: list[str], count: int, concurrency: int) -> dict:
    session = requests.Session()

    def one(i: int) -> tuple[float, int, int]:
        started = time.perf_counter()
        response = session.get(base + paths[i % len(paths)], timeout=120)
        return (time.perf_counter() - started) * 1000, len(response.content), response.status_code

    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(one, range(count)))
    times = sorted(t for t, _, _ in answers)
    return {
        "path": label,
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
        "max_ms": times[-1],
        "bytes": max(b for _, b, _ in answers),
        "errors": sum(status != 200 for _, _, status in answers),
    }


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", help="serve this ledger (SQLAlchemy URL) instead of building one")
    parser.add_argument("--articles", type=int, default=10_000, help="size of the corpus to build (no --ledger)")
    parser.add_argument("--requests", type=int, default=50, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        built = None
        ledger = args.ledger
        if ledger is None:
            built = verify_scale.run(args.articles, work)
            ledger = f"sqlite:///{work / f'ledger-{args.articles}.db'}"
            print(
                f"built: {built['articles']:,} articles, {built['claims']:,} claims in {built['wall_s']:.1f} s, "
                f"verify peak RSS {built['peak_rss_mib']:,.0f} MiB"
            )
        port = free_port()
        server = serve(ledger, port, work)
        try:
            base = f"http://127.0.0.1:{port}"
            paths = urls(base)
            start_rss = rss_mib(server.pid)[0]
            rows = [load(base, label, each, args.requests, args.concurrency) for label, each in paths]
            rss, peak = rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.requests} requests per URL, {args.concurrency} at once; ledger {ledger.split('@')[-1]}")
    print(f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>10} {'errors':>6}  path")
    for r in rows:
        print(
            f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['max_ms']:>8.1f} {r['bytes']:>10,} {r['errors']:>6}  "
            f"{r['path'][:90]}"
        )
    worst = max(rows, key=lambda r: r["p95_ms"])
    print(f"worst p95: {worst['p95_ms']:.1f} ms ({worst['path'][:60]})")
    print(f"dashboard RSS: {start_rss:,.0f} MiB before the load, {rss:,.0f} MiB after, peak {peak:,.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps({"built": built, "rows": rows, "rss_mib": rss, "peak_rss_mib": peak}, indent=2))


if __name__ == "__main__":
    main()
