"""A recheck after one source update against a full run: bench/recheck.py [--size 10000] [--depends-on NAME].

Verifies a generated corpus end to end (bench/make_corpus.py), then runs `claimledger recheck --depends-on NAME` on the same
ledger, and prints both times, the share of claims that depend on the source, and the recheck's cost above that share
of the full run (the fixed overhead: Prefect, imports, finding the claims in the ledger). With --server, both run
against a `prefect server start` on loopback, as served runs do, instead of each starting a temporary Prefect API.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_scale import CASUALTIES, CLI, REPO, corpus  # noqa: E402  (same corpus, same CLI)


def timed(args: list[str], env: dict, output: Path) -> float:
    """Wall seconds of one CLI run, its JSON written to output."""
    started = time.perf_counter()
    with output.open("w") as out:
        subprocess.run([str(CLI), *args], check=True, stdout=out, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


@contextlib.contextmanager
def prefect_server(work: Path):
    """A Prefect server on a free loopback port for the runs; its API URL. Stopped on the way out."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PREFECT_HOME": str(work / "prefect-server"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    server = subprocess.Popen(
        [str(CLI.with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        import requests

        for _ in range(120):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--depends-on", dest="source", default="gaza_casualties_daily")
    parser.add_argument("--server", action="store_true", help="run against a local Prefect server, as served runs do")
    args = parser.parse_args()
    folder = corpus(args.size)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        env = {
            **os.environ,
            "PREFECT_HOME": str(work / "prefect"),
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "CLAIMLEDGER_HOME": str(REPO),
        }
        if args.server:
            env["PREFECT_API_URL"] = stack.enter_context(prefect_server(work))
        ledger = f"sqlite:///{work / 'ledger.db'}"
        source = f"gaza_casualties_daily=file:{CASUALTIES}"
        full = timed(
            ["verify", str(folder / "articles"), "--format", "json", "--ledger", ledger, "--source", source],
            env,
            work / "full.json",
        )
        rechecked = timed(
            ["recheck", "--depends-on", args.source, "--format", "json", "--ledger", ledger], env, work / "recheck.json"
        )
        all_rows = json.loads((work / "full.json").read_text())
        again = json.loads((work / "recheck.json").read_text())
    share = len({r["claim_id"] for r in again}) / len({r["claim_id"] for r in all_rows})
    overhead = rechecked - share * full
    print(f"Prefect: {'a running local server' if args.server else 'a temporary API per run'}")
    print(
        f"{'articles':>9} {'full run s':>10} {'source':>22} {'claims rechecked':>17} {'share':>6} "
        f"{'recheck s':>9} {'above share x full s':>21}"
    )
    print(
        f"{args.size:>9,} {full:>10.1f} {args.source:>22} {len(again):>17,} {share:>6.1%} {rechecked:>9.1f} "
        f"{overhead:>21.1f}"
    )


if __name__ == "__main__":
    main()
