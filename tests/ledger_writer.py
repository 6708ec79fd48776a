"""A ledger writer in its own process, for the tests that SIGKILL one (tests/test_ledger_killed.py).

    python tests/ledger_writer.py verify HOME LEDGER_URL CASUALTIES_JSON [TIMES]
        the articles in HOME/seeds through the pipeline, wired as flows/verify.py wires it (without Prefect),
        TIMES runs; prints each run id
    python tests/ledger_writer.py loop LEDGER_URL
        runs of a many-claim article against ever new snapshots, back to back, until killed
"""

from __future__ import annotations

import sys
import uuid
from datetime import date, datetime, timezone


def verify(home: str, ledger_url: str, casualties: str, times: int = 1) -> list[str]:
    """Check the seeds `times` times; the run ids, each also printed as soon as it is recorded."""
    from claimledger import pipeline
    from claimledger.settings import Settings

    settings = Settings(home=home)
    request = pipeline.VerifyRequest(paths=(f"{home}/seeds",), ledger_url=ledger_url,
                                     source_overrides=(f"gaza_casualties_daily=file:{casualties}",))
    run_ids = []
    for _ in range(times):
        started = datetime.now(timezone.utc)
        articles = pipeline.load_articles(request.paths)
        claims = pipeline.extract(articles)
        references, sources = pipeline.prepare_references(claims, request.source_overrides, settings)
        results = pipeline.check(claims, references, request.as_of, settings)
        run_ids.append(pipeline.record(request, settings, started, articles, claims, results, sources))
        print(run_ids[-1], flush=True)
    return run_ids


def loop(ledger_url: str) -> None:
    from claimledger.checks.model import CheckResult
    from claimledger.claims.extract import extract_claims
    from claimledger.claims.model import Article
    from claimledger.ledger.store import LedgerStore, RunRecord, SourceUse

    text = " ".join(f"In district {i}, more than {1000 + i} people have been killed." for i in range(200))
    article = Article(id="many", text=text, published=date(2025, 5, 16))
    claims = extract_claims(article)
    store = LedgerStore(ledger_url)
    print("writing", flush=True)
    while True:
        sha = uuid.uuid4().hex * 2
        now = datetime.now(timezone.utc)
        results = [CheckResult(claim_id=c.id, check_kind="value_at_date", verdict="pass", explanation="x",
                               observed=c.value + 1, source="s", snapshot_sha256=sha) for c in claims]
        store.record_run(RunRecord(
            run_id=str(uuid.uuid4()), started_at=now, finished_at=now, arguments={}, as_of=None,
            articles=[article], claims=claims, results=results,
            sources=[SourceUse("s", "used", {"sha256": sha, "url": "file:x", "retrieved_at": "now", "bytes": 1})]))


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "verify":
        verify(*args[:3], *(int(a) for a in args[3:]))
    else:
        loop(*args)
