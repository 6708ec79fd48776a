"""A writer killed with SIGKILL mid-run leaves the ledger consistent, on SQLite and PostgreSQL; the next run completes.

The writer runs in another process (tests/ledger_writer.py). The sure way to hit the worst moment is the writer's
CLAIMLEDGER_TEST_PAUSE_BEFORE_COMMIT, which it injects into the store (LedgerStore's before_commit): the whole run
is written and only the COMMIT is missing.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from builders import daily_casualties, small_project, write_article
from ledger_writer import PAUSE_BEFORE_COMMIT

from claimledger.ledger import schema
from claimledger.ledger.store import LedgerStore

WRITER = Path(__file__).with_name("ledger_writer.py")
SENTENCES = (
    "More than 52,000 people have been killed in Gaza, two-thirds of them women and children.",
    "More than 100,000 people have been injured in Gaza.",
)  # three results


@pytest.fixture
def project(tmp_path) -> Path:
    """A small project: two days of the casualty series, one article of SENTENCES under seeds/ (what the writer
    verifies)."""
    home = small_project(tmp_path, casualties=daily_casualties({"2025-05-12": 52_810, "2025-05-15": 53_010}))
    write_article(home / "seeds", "toll", *SENTENCES)
    return home


def series(project: Path) -> str:
    return str(project / "data" / "reference" / "gaza_casualties_daily.json")


class Writer:
    """tests/ledger_writer.py in a subprocess, its stdout and stderr read line by line as they come."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, marker: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"writer exited ({self.process.wait()}) before {marker!r}:\n{''.join(self.seen)}")
            self.seen.append(line)
            if marker in line:
                return
        self.kill()
        pytest.fail(f"writer did not say {marker!r} within {timeout} s:\n{''.join(self.seen)}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self, timeout: float = 180) -> str:
        """Wait for the writer to exit by itself; its whole output, which must end in success."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        while (line := self.lines.get(timeout=30)) is not None:
            self.seen.append(line)
        output = "".join(self.seen)
        assert self.process.returncode == 0, output
        return output


def count(store: LedgerStore, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_run_killed_before_commit_leaves_no_trace_and_the_next_run_completes(project, ledger_url):
    writer = Writer("verify", str(project), ledger_url, series(project), env={PAUSE_BEFORE_COMMIT: "300"})
    try:
        writer.wait_for("paused before commit")
        with LedgerStore(ledger_url) as store:
            assert store.reader.runs() == []  # readers never see a run that is being written
    finally:
        writer.kill()

    with LedgerStore(ledger_url) as store:
        assert store.reader.runs() == []
        assert (count(store, schema.check_results), count(store, schema.run_results), count(store, schema.claims)) == (
            0,
            0,
            0,
        )
        assert store.integrity_problems() == []

    Writer("verify", str(project), ledger_url, series(project), "2").finish()  # the next run, and a rerun
    with LedgerStore(ledger_url) as store:
        rerun, first = store.reader.runs()
        assert first.status == rerun.status == "completed"
        assert first.results == first.new_results == rerun.results == 3
        assert rerun.new_results == 0  # same snapshots: the rerun re-confirmed every result, added none
        assert count(store, schema.check_results) == first.results
        assert store.integrity_problems() == []


def test_writers_killed_at_random_moments_never_leave_half_a_run(ledger_url):
    with LedgerStore(ledger_url):
        pass  # migrated, so the kills land in record_run
    moments = random.Random(20250516)
    for _ in range(3):
        writer = Writer("loop", ledger_url)
        try:
            writer.wait_for("writing")
            started = time.monotonic()
            writer.wait_for("written")  # a run in, and how long one takes on this machine
            time.sleep(moments.uniform(0.0, 1.5) * (time.monotonic() - started))  # somewhere in the next ones
        finally:
            writer.kill()
        with LedgerStore(ledger_url) as store:
            assert store.integrity_problems() == []
            runs = store.reader.runs()
            assert all(r.status == "completed" and r.results == 200 for r in runs)
    assert len(runs) >= 3  # each writer finished a run before it was killed
