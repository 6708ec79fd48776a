"""A ledger writer in its own process, for the tests that SIGKILL one (tests/test_ledger_killed.py).

python tests/ledger_writer.py verify HOME LEDGER_URL CASUALTIES_JSON [TIMES]
    the articles in HOME/seeds through claimledger.pipeline.verify (the job flows/verify.py runs, here with
    its plain in-process steps), TIMES runs; prints each run id
python tests/ledger_writer.py loop LEDGER_URL
    runs of a many-claim article against ever new snapshots, back to back, until killed; prints "written"
    after each
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import date, datetime, timezone

# Seconds to hold a run's finished transaction open just before COMMIT, so a test can SIGKILL the writer at the
# worst moment; the writer says so on stdout first.
PAUSE_BEFORE_COMMIT = "CLAIMLEDGER_TEST_PAUSE_BEFORE_COMMIT"


def _pause(run_id: str) -> None:
    seconds = os.environ.get(PAUSE_BEFORE_COMMIT)
    if seconds:
        print(f"claimledger: run {run_id} paused before commit ({PAUSE_BEFORE_COMMIT}={seconds})", flush=True)
        time.sleep(float(seconds))


def verify(home: str, ledger_url: str, casualties: str, times: int = 1) -> list[str]:
    """Check the seeds `times` times; the run ids, each also printed as soon as it is recorded."""
    from claimledger import pipeline
    from claimledger.settings import Settings

    class PausingSteps(pipeline.PlainSteps):
        """The plain steps, the ledger write pausing before COMMIT when the test asks."""

        def writer(self, request, settings, started_at, run_id):
            return pipeline.run_writer(request, settings, started_at, run_id, _pause)

    settings = Settings(home=home, ledger=ledger_url)
    request = pipeline.VerifyRequest(
        paths=(f"{home}/seeds",), source_overrides=(f"gaza_casualties_daily=file:{casualties}",)
    )
    run_ids = []
    for _ in range(times):
        run_ids.append(pipeline.verify(request, settings, PausingSteps()).run_id)
        print(run_ids[-1], flush=True)
    return run_ids


def many_claims_article():
    """An article of 200 claims, enough to fill a ledger's pages."""
    from claimledger.claims.model import Article

    text = " ".join(f"In district {i}, more than {1000 + i} people have been killed." for i in range(200))
    return Article(id="many", text=text, published=date(2025, 5, 16))


def small_run(article, verdict: str = "pass", sha: str | None = None, started: datetime | None = None):
    """A whole run of one article: each of its claims given `verdict` against snapshot `sha` of source s."""
    from claimledger.checks.model import CheckResult
    from claimledger.claims.extract import extract_claims
    from claimledger.ledger.store import RunRecord, SourceUse

    sha = sha or uuid.uuid4().hex * 2
    now = started or datetime.now(timezone.utc)
    claims = extract_claims(article)
    results = [
        CheckResult(
            claim_id=c.id,
            check_kind="value_at_date",
            verdict=verdict,
            explanation=f"{verdict} x",
            observed=c.value + 1,
            source="s",
            snapshot_sha256=sha,
        )
        for c in claims
    ]
    return RunRecord(
        run_id=str(uuid.uuid4()),
        started_at=now,
        finished_at=now,
        arguments={},
        as_of=None,
        articles=[article],
        claims=claims,
        results=results,
        sources=[SourceUse("s", "used", {"sha256": sha, "url": "file:x", "retrieved_at": "now", "bytes": 1})],
    )


def loop(ledger_url: str) -> None:
    from claimledger.ledger.store import LedgerStore

    article = many_claims_article()
    store = LedgerStore(ledger_url)
    print("writing", flush=True)
    while True:
        store.record_run(small_run(article))
        print("written", flush=True)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "verify":
        verify(*args[:3], *(int(a) for a in args[3:]))
    else:
        loop(*args)
