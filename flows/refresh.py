"""The refresh_sources flow: fetch, validate and snapshot every source; announce each one whose data changed.

Wiring only: fetching is claimledger.sources.reference.prepare_sources (as `claimledger fetch`), what "changed" means
is claimledger.scheduling.updates. One task per source; a source is fetched by one run at a time, whichever flow
fetches it (this one or verify_articles), through a Prefect global concurrency limit `claimledger-fetch-<source>`
of one slot, created on first use (an operator may raise it in the UI; it is never changed back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prefect import flow, get_client, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.events import emit_event
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from claimledger.flows.artifacts import REFRESH_KEY, publish_markdown
from claimledger.scheduling.report import refresh_markdown
from claimledger.scheduling.updates import (SOURCE_UPDATED, changed_sources, fetch_row, good_snapshots,
                                            validations)
from claimledger.settings import Settings
from claimledger.sources.docs import DocsError, build_data_docs
from claimledger.sources.reference import ReferenceTable, SourceUnavailable, prepare_sources
from claimledger.sources.registry import RegistryError, load_registry, parse_overrides
from claimledger.sources.snapshots import SnapshotStore

FETCH_LIMIT = "claimledger-fetch-{source}"
FETCH_WAIT_SECONDS = 900  # how long a fetch waits for another run's fetch of the same source
_ensured: set[str] = set()  # limits known to exist, per process


def ensure_fetch_limits(sources: Iterable[str]) -> None:
    """Create the one-slot fetch limit of each source the Prefect API does not have yet."""
    missing = sorted({FETCH_LIMIT.format(source=s) for s in sources} - _ensured)
    if not missing:
        return
    with get_client(sync_client=True) as client:
        for name in missing:
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                try:
                    client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
                except ObjectAlreadyExists:  # another run created it a moment ago
                    pass
            _ensured.add(name)


@contextmanager
def fetch_slots(sources: Iterable[str]) -> Iterator[None]:
    """Hold the fetch slot of each source: two runs never download, validate and snapshot one source at once."""
    names = sorted(set(sources))
    if not names:
        yield
        return
    ensure_fetch_limits(names)
    with concurrency([FETCH_LIMIT.format(source=s) for s in names], occupy=1, timeout_seconds=FETCH_WAIT_SECONDS):
        yield


@task(name="fetch source", task_run_name="fetch {name}", cache_policy=NONE, retries=2, retry_delay_seconds=10,
      timeout_seconds=FETCH_WAIT_SECONDS + 600)
def fetch_source(name: str, overrides: dict[str, str], settings: Settings) -> ReferenceTable | SourceUnavailable:
    """Download (conditional GET), validate, snapshot and diff one source; downloads also retry inside, per URL."""
    with fetch_slots([name]):
        return prepare_sources([name], load_registry(settings.registry_path), overrides, settings)[name]


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
    publish_markdown(refresh_markdown(rows, updates, docs), REFRESH_KEY,
                     f"claimledger refresh: {len(updates)} source(s) updated")
    return rows
