"""The verify_articles flow: load, extract, fetch and validate sources, check, validate and record, report. Wiring."""

from __future__ import annotations

from prefect import flow, task, unmapped
from prefect.context import FlowRunContext
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from claimledger import pipeline
from claimledger.checks.engine import sources_needed
from claimledger.checks.invariants import InvariantError
from claimledger.claims.model import Claim
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.flows.artifacts import publish_run_report
from claimledger.flows.fetch_slots import FetchSlotBusy, fetch_slots
from claimledger.flows.runners import cluster_threads, map_chunks
from claimledger.pipeline import VerifyOutcome, VerifyRequest
from claimledger.ledger.engine import LedgerError
from claimledger.runs.chunks import chunk_count, chunked
from claimledger.settings import Settings

# Large inputs (articles, claims, results, reference tables) go in quote(): Prefect otherwise walks every object in
# them looking for futures, which cost 40 s of a 2,000-article run.
# Coarse tasks (a batch each): Prefect costs 5-40 ms per task run. Inputs are DataFrames and settings, not
# worth hashing, so no task caching. Timeouts are ceilings for a stuck step, not estimates; extraction and checks
# are deterministic, so their one retry is for a lost Dask worker, not for a bug.
load_articles = task(
    pipeline.read_articles,
    name="load articles",
    cache_policy=NONE,
    retries=1,
    retry_delay_seconds=1,
    timeout_seconds=300,
)
extract_claims = task(pipeline.extract, name="extract claims", cache_policy=NONE, retries=1, timeout_seconds=1800)
check_claims = task(pipeline.check, name="check claims", cache_policy=NONE, retries=1, timeout_seconds=1800)


def retry_unless(*errors: type[Exception]):
    """A task's retry condition: retry a failure, but not one of these kinds, which the same call would meet again
    (a ledger that is damaged or of another schema; results that break an invariant; a fetch slot another run held
    all along the wait)."""

    def condition(task, task_run, state) -> bool:
        return not any(isinstance(state.data, error) or error.__name__ in (state.message or "") for error in errors)

    return condition


# The whole run in one transaction, its parts read back from the spool; a ledger error of the kind a retry would
# meet again (damaged, another schema) is not retried.
record_run = task(
    pipeline.record,
    name="record run",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=1,
    timeout_seconds=300,
    retry_condition_fn=retry_unless(LedgerError, InvariantError),
)


load_recorded_claims = task(
    pipeline.recorded,
    name="load recorded claims",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=1,
    timeout_seconds=300,
)


@task(
    name="fetch and validate sources",
    cache_policy=NONE,
    retries=1,
    retry_delay_seconds=5,
    timeout_seconds=1800,
    retry_condition_fn=retry_unless(FetchSlotBusy),
)
def prepare_sources(
    claims: list[Claim], overrides: tuple[str, ...], settings: Settings, ready: frozenset[str] = frozenset()
) -> tuple[dict, list]:
    """The sources the claims need (but those `ready` from an earlier part), each fetched by one run at a time
    (downloads retry inside, per URL).

    A source another live run is fetching all along the wait fails the run with FetchSlotBusy, naming that run.
    """
    with fetch_slots(sources_needed(claims, load_vocabulary()) - ready, settings.fetch_slot_wait_seconds):
        return pipeline.prepare_references(claims, overrides, settings, ready)


class TaskSteps:
    """pipeline.verify's steps as Prefect tasks: extraction and checks split into chunks over a Dask cluster's
    threads (one chunk on Prefect's default runner), the run report published as an artifact."""

    def load(self, files, seen):
        return load_articles(files, quote(seen))

    def extract(self, articles, settings):
        chunks = chunked(articles, chunk_count(len(articles), cluster_threads()))
        if len(chunks) > 1:
            return map_chunks(extract_claims, chunks, unmapped(settings))
        return [extract_claims(quote(articles), settings)]

    def recorded(self, ledger_url, target):
        return load_recorded_claims(ledger_url, target)

    def prepare(self, claims, overrides, settings, ready):
        return prepare_sources(quote(claims), overrides, settings, ready)

    def check(self, chunks, references, as_of, settings):
        if len(chunks) > 1:
            results = map_chunks(check_claims, chunks, unmapped(references), unmapped(as_of), unmapped(settings))
            return [result for chunk in results for result in chunk]
        return check_claims(quote(pipeline.joined(chunks)), quote(references), as_of, settings)

    def record(self, request, settings, started_at, run_id, spool, sources, invariants):
        return record_run(request, settings, started_at, run_id, quote(spool), sources, invariants)

    def report(self, ledger_url, run_id):
        publish_run_report(ledger_url, run_id)

    def settle(self):
        """A flow keeps every task's result (its state) until it ends, for lineage (FlowRunContext.run_results):
        a spooled part's articles, claims and results would stay in memory. Drop them; the task runs and their
        states stay recorded by the API."""
        context = FlowRunContext.get()
        if context is not None:
            context.run_results.clear()


TASKS = TaskSteps()


@flow(name="verify_articles", log_prints=False)  # parameters validated: served runs pass JSON
def verify_articles(
    request: VerifyRequest, settings: Settings | None = None, ledger_url: str | None = None
) -> VerifyOutcome:
    """Check every claim in the articles and write the run to the ledger (the settings', or ledger_url when a served
    deployment that has no settings passed names one)."""
    return pipeline.verify(request, settings or Settings().given(ledger=ledger_url), TASKS)
