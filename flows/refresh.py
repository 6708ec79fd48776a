"""The refresh_sources flow: fetch, validate and snapshot every source; announce each one whose data changed.

Wiring only: fetching is claimledger.sources.reference.prepare_sources (as `claimledger fetch`), what "changed" means
is claimledger.runs.updates. One task per source; a source is fetched by one run at a time, whichever flow
fetches it (this one or verify_articles), through its fetch slot (claimledger.flows.fetch_slots).
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.events import emit_event

from claimledger.flows.artifacts import REFRESH_KEY, publish_markdown
from claimledger.flows.fetch_slots import FetchSlotBusy, fetch_slots
from claimledger.runs.report import refresh_markdown
from claimledger.runs.updates import SOURCE_UPDATED, changed_sources, fetch_row, good_snapshots, validations
from claimledger.settings import Settings
from claimledger.sources.docs import DocsError, build_data_docs
from claimledger.sources.reference import FETCH_FAILED, FetchOutcome, ReferenceTable, SourceUnavailable, prepare_sources
from claimledger.sources.registry import RegistryError, load_registry, parse_overrides
from claimledger.sources.snapshots import SnapshotStore


@task(
    name="fetch source",
    task_run_name="fetch {name}",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=10,
    timeout_seconds=1800,
)
def fetch_source(name: str, overrides: dict[str, str], settings: Settings) -> ReferenceTable | SourceUnavailable:
    """Download (conditional GET), validate, snapshot and diff one source; downloads also retry inside, per URL.

    When another run is fetching the source all along the wait, it is left to that run: this one reports it
    `fetch failed` with the reason, and its snapshots are whatever that run keeps.
    """
    registry = load_registry(settings.registry_path)
    try:
        with fetch_slots([name], settings.fetch_slot_wait_seconds):
            return prepare_sources([name], registry, overrides, settings)[name]
    except FetchSlotBusy as exc:
        get_run_logger().warning(f"{name}: {exc}")
        return SourceUnavailable(registry[name], str(exc), FetchOutcome(FETCH_FAILED, detail=str(exc)))


@task(name="build Data Docs", cache_policy=NONE, retries=1, retry_delay_seconds=5, timeout_seconds=600)
def build_docs(prepared: list[ReferenceTable | SourceUnavailable], settings: Settings) -> str:
    """The sources' GX Data Docs, once per run; a failure is reported, not fatal: the snapshots are already kept."""
    try:
        index = build_data_docs(validations(prepared), settings)
    except DocsError as exc:
        get_run_logger().warning(str(exc))
        return f"not built: {exc}"
    return f"built {index}" if index else "unchanged: nothing new was validated"


@flow(name="refresh_sources", log_prints=False)
def refresh_sources(names: list[str] | None = None, source_overrides: list[str] | None = None) -> list[dict]:
    """Fetch every registered source (or the named ones) and emit claimledger.source.updated for each that changed."""
    settings = Settings()
    registry = load_registry(settings.registry_path)
    overrides = parse_overrides(list(source_overrides or ()), registry)
    chosen = list(names or registry)
    unknown = sorted(set(chosen) - set(registry))
    if unknown:
        raise RegistryError(f"no such source {', '.join(map(repr, unknown))} (known: {', '.join(sorted(registry))})")
    store = SnapshotStore(settings.snapshots_dir)
    before = good_snapshots(store, chosen)
    prepared = {name: fetch_source(name, overrides, settings) for name in chosen}
    updates = changed_sources(before, good_snapshots(store, chosen))
    for update in updates:
        emit_event(event=SOURCE_UPDATED, resource=update.resource(), payload=update.payload())
    docs = build_docs(list(prepared.values()), settings)
    rows = [fetch_row(name, table) for name, table in prepared.items()]
    publish_markdown(
        refresh_markdown(rows, updates, docs), REFRESH_KEY, f"claimledger refresh: {len(updates)} source(s) updated"
    )
    return rows
