"""The verify_articles flow: load, extract, fetch and validate sources, check, record. Wiring only."""

from __future__ import annotations

from datetime import datetime, timezone

from prefect import flow, task
from prefect.cache_policies import NONE

from claimledger import pipeline
from claimledger.pipeline import VerifyOutcome, VerifyRequest
from claimledger.settings import Settings

# Coarse tasks (a batch each): Prefect costs 5-40 ms per task run. Inputs are DataFrames and settings, not
# worth hashing, so no task caching; fetching retries inside (per URL, with backoff), not as a whole task.
load_articles = task(pipeline.load_articles, name="load articles", cache_policy=NONE)
extract_claims = task(pipeline.extract, name="extract claims", cache_policy=NONE)
prepare_sources = task(pipeline.prepare_references, name="fetch and validate sources", cache_policy=NONE)
check_claims = task(pipeline.check, name="check claims", cache_policy=NONE)
record_run = task(pipeline.record, name="record run", cache_policy=NONE, retries=2, retry_delay_seconds=1)


@flow(name="verify_articles", log_prints=False, validate_parameters=False)
def verify_articles(request: VerifyRequest, settings: Settings | None = None) -> VerifyOutcome:
    """Check every claim in the articles and write the run to the ledger."""
    settings = settings or Settings()
    started_at = datetime.now(timezone.utc)
    articles = load_articles(request.paths)
    claims = extract_claims(articles)
    references, sources = prepare_sources(claims, request.source_overrides, settings)
    results = check_claims(claims, references, request.as_of, settings)
    run_id = record_run(request, settings, started_at, articles, claims, results, sources)
    return VerifyOutcome(run_id, articles, claims, results, sources)
