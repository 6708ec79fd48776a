"""The verify_articles flow: load, extract, fetch and validate sources, check, validate and record, report. Wiring."""

from __future__ import annotations

import itertools
from collections import deque

from prefect import flow, task, unmapped
from prefect.context import FlowRunContext
from prefect.cache_policies import NONE
from prefect.task_runners import ProcessPoolTaskRunner
from prefect.utilities.annotations import quote

from claimledger import pipeline
from claimledger.checks.engine import sources_needed
from claimledger.claims.model import Claim
from claimledger.claims.vocabulary import load_vocabulary
from claimledger.flows.artifacts import publish_run_report
from claimledger.flows.fetch_slots import FetchSlotBusy, fetch_slots
from claimledger.flows.runners import cluster_threads, cores, map_chunks, parallel_workers, submit
from claimledger.pipeline import VerifyOutcome, VerifyRequest
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
# A part read, extracted and checked in a worker process (or on a Dask worker) while the flow writes the one before
read_extract_check = task(
    pipeline.read_extract_check, name="read, extract and check part", cache_policy=NONE, retries=1, timeout_seconds=1800
)
check_claims = task(pipeline.check, name="check claims", cache_policy=NONE, retries=1, timeout_seconds=1800)


def retry_unless(*errors: type[Exception]):
    """A task's retry condition: retry a failure, but not one of these kinds, which the same call would meet again
    (a ledger that is damaged or of another schema; results that break an invariant; a fetch slot another run held
    all along the wait)."""

    def condition(task, task_run, state) -> bool:
        return not any(isinstance(state.data, error) or error.__name__ in (state.message or "") for error in errors)

    return condition


# A run's parts go into one open transaction (pipeline.run_writer) as each is checked, and the run is committed at
# the end. Neither is retried: a retry cannot rebuild a transaction that failed half-way; the run fails whole,
# having written nothing (waits for another run's SQLite write lock happen inside, ledger/store.py's LOCK_TRIES).
record_part = task(pipeline.record_part, name="record part", cache_policy=NONE, timeout_seconds=600)
record_run = task(pipeline.record, name="record run", cache_policy=NONE, timeout_seconds=300)


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
    """pipeline.verify's steps as Prefect tasks. On a runner with worker processes (flows/runners.py: a process pool,
    a Dask cluster) the next parts are read and extracted there while the flow checks and writes this one; on a Dask
    cluster a part's checks are split into chunks over its threads too. The run report is published as an artifact."""

    def parts(self, groups, settings, references, as_of):
        workers = parallel_workers()
        if workers and len(groups) > 1:
            yield from self._spread(groups, settings, references, as_of, workers)
            return
        for files in groups:
            articles = load_articles(files)
            yield articles, self._extract(articles, settings), None

    def _spread(self, groups, settings, references, as_of, workers):
        """Parts read, extracted and (when the sources they need are prepared) checked by the runner's workers, a
        few ahead of the one the flow is at, in order."""
        ahead = deque()
        waiting = iter(groups)

        basis = pipeline.run_basis(settings)  # what the writer fingerprints results with (the same files)

        def more(files):
            ahead.append(submit(read_extract_check, files, settings, quote(dict(references)), as_of, basis))

        for files in itertools.islice(waiting, workers + 1):
            more(files)
        while ahead:
            articles, claims, results = ahead.popleft().result()
            yield articles, [claims], results
            if (files := next(waiting, None)) is not None:  # after this part: with the sources it had prepared
                more(files)

    def _extract(self, articles, settings):
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

    def writer(self, request, settings, started_at, run_id):
        return pipeline.run_writer(request, settings, started_at, run_id)

    def record_part(self, writer, articles, claims, results, sources):
        record_part(quote(writer), quote(articles), quote(claims), quote(results), sources)

    def record(self, writer, sources, skipped, invariants):
        return record_run(quote(writer), sources, quote(skipped), invariants)

    def report(self, ledger_url, run_id):
        publish_run_report(ledger_url, run_id)

    def settle(self):
        """A flow keeps every task's result (its state) until it ends, for lineage (FlowRunContext.run_results):
        a written part's articles, claims and results would stay in memory. Drop them; the task runs and their
        states stay recorded by the API."""
        context = FlowRunContext.get()
        if context is not None:
            context.run_results.clear()


TASKS = TaskSteps()


# parameters validated: served runs pass JSON. Worker processes, one per core, start only for a run of several parts.
@flow(name="verify_articles", log_prints=False, task_runner=ProcessPoolTaskRunner(max_workers=cores()))
def verify_articles(
    request: VerifyRequest, settings: Settings | None = None, ledger_url: str | None = None
) -> VerifyOutcome:
    """Check every claim in the articles and write the run to the ledger (the settings', or ledger_url when a served
    deployment that has no settings passed names one)."""
    return pipeline.verify(request, settings or Settings().given(ledger=ledger_url), TASKS)
