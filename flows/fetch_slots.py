"""Fetch slots: a source is fetched, validated and snapshotted by one run at a time, and a dead run never keeps one.

Each source has a Prefect global concurrency limit `claimledger-fetch-<source>` of one slot, created on first use
(an operator may raise it in the UI; it is never changed back). A run holds its slots through a lease of
LEASE_SECONDS that Prefect renews while the run lives; a killed run stops renewing and its lease expires.
A `prefect server start` server frees expired leases itself (its repossessor service); the temporary server of a CLI
run does not run that service, so before each attempt this module frees them, from the lease files that every
temporary server of one PREFECT_HOME shares (claimledger.flows.prefect_home). It also frees slots the database counts
but no lease holds (left by a server that kept its leases in memory and died). A run that cannot get its slots within
Settings.fetch_slot_wait_seconds gets FetchSlotBusy, naming the run that holds them.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from uuid import UUID

from prefect import get_client, get_run_logger
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.concurrency.sync import concurrency
from prefect.context import FlowRunContext, TaskRunContext
from prefect.exceptions import MissingContextError, ObjectAlreadyExists, ObjectNotFound
from prefect.settings import PREFECT_API_URL, get_current_settings
from prefect.types._concurrency import ConcurrencyLeaseHolder
from prefect.utilities.asyncutils import run_coro_as_sync

from claimledger.flows.prefect_home import FILE_LEASES

FETCH_LIMIT = "claimledger-fetch-{source}"
LEASE_SECONDS = 60  # the shortest lease Prefect's API grants; renewed every 45 s while its holder lives
ATTEMPT_SECONDS = 10  # between two looks for the expired leases of dead runs, while waiting for a slot
_ensured: set[str] = set()  # limits known to exist, per process


class _AttemptTimedOut(logging.Filter):
    """Drop Prefect's error line for an acquire attempt that timed out: fetch_slots waits on, or says why it stopped."""

    def filter(self, record: logging.LogRecord) -> bool:
        item = record.args[1] if isinstance(record.args, tuple) and len(record.args) > 1 else None
        future = item[-1] if isinstance(item, tuple) and item else None
        return not (
            isinstance(future, Future)
            and future.done()
            and not future.cancelled()
            and isinstance(future.exception(), TimeoutError)
        )


logging.getLogger("prefect._internal.concurrency").addFilter(_AttemptTimedOut())


class FetchSlotBusy(RuntimeError):
    """Another live run held a source's fetch slot for the whole wait; the message names it."""


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
def fetch_slots(sources: Iterable[str], wait_seconds: float) -> Iterator[None]:
    """Hold the fetch slot of each source: two runs never download, validate and snapshot one source at once."""
    names = sorted(set(sources))
    if not names:
        yield
        return
    ensure_fetch_limits(names)
    limits = [FETCH_LIMIT.format(source=s) for s in names]
    deadline = time.monotonic() + wait_seconds
    with ExitStack() as held:
        while True:
            free_dead_slots(limits)
            attempt = max(1.0, min(ATTEMPT_SECONDS, deadline - time.monotonic()))
            try:
                held.enter_context(
                    concurrency(
                        limits,
                        occupy=1,
                        timeout_seconds=attempt,
                        lease_duration=LEASE_SECONDS,
                        holder=_this_run(),
                        raise_on_lease_renewal_failure=False,
                    )
                )
                break
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise FetchSlotBusy(busy_message(limits, wait_seconds)) from None
        yield


def free_dead_slots(limits: list[str]) -> None:
    """Free the slots of these limits that no live run holds: expired leases, and counts without a lease."""
    leases = _shared_leases()
    if leases is None:
        return  # a Prefect server keeps the leases and frees expired ones itself
    with get_client(sync_client=True) as client, _locked(leases.storage_path / "claimledger-free.lock"):
        ids = {client.read_global_concurrency_limit_by_name(name).id: name for name in limits}
        for lease_id in run_coro_as_sync(leases.read_expired_lease_ids()):
            lease = run_coro_as_sync(leases.read_lease(lease_id))
            if lease is None or not ids.keys() & set(lease.resource_ids):
                continue
            client.release_concurrency_slots_with_lease(lease_id)  # the server decrements and deletes the lease
            freed = ", ".join(ids[i] for i in lease.resource_ids if i in ids)
            _logger().warning(
                f"freed {freed}: held by {_describe(client, lease)}, whose lease expired at "
                f"{lease.expiration:%Y-%m-%d %H:%M:%S} UTC without renewal (that run is gone)"
            )
        for limit_id, name in ids.items():
            _free_unleased(client, leases, limit_id, name)


def busy_message(limits: list[str], wait_seconds: float) -> str:
    """What is held and by whom, after a wait for the slots that did not end."""
    leases = _shared_leases()
    with get_client(sync_client=True) as client:
        held = []
        for name in limits:
            limit = client.read_global_concurrency_limit_by_name(name)
            if limit.active_slots < limit.limit:
                continue
            holders = [] if leases is None else [_describe(client, lease) for lease in _leases_of(leases, limit.id)]
            by = "; ".join(holders) or f"another run (see Concurrency in the Prefect UI of {client.api_url})"
            held.append(f"{name} is held by {by}")
    return (
        f"waited {wait_seconds:g} s for a fetch slot: {'; '.join(held) or ', '.join(limits) + ' busy'}; this "
        f"run fetched nothing. Wait for that run to finish, or raise CLAIMLEDGER_FETCH_SLOT_WAIT_SECONDS "
        f"(now {wait_seconds:g})"
    )


def _free_unleased(client, leases, limit_id: UUID, name: str) -> None:
    """Set a limit's count of taken slots back to what its leases hold, when it stays higher for a second.

    A slot is counted in the database a moment before its lease is written: the second look skips that moment.
    """
    for look in range(2):
        taken = client.read_global_concurrency_limit_by_name(name).active_slots
        leased = sum(lease.metadata.slots for lease in _leases_of(leases, limit_id) if lease.metadata)
        if taken <= leased:
            return
        if look == 0:
            time.sleep(1)
    client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(active_slots=leased))
    _logger().warning(
        f"freed {name}: {taken - leased} slot(s) counted taken but held by no lease (a Prefect server "
        f"that kept its leases in memory stopped)"
    )


def _shared_leases():
    """The lease files of this PREFECT_HOME's temporary servers, or None when a Prefect server keeps the leases."""
    if PREFECT_API_URL.value() or get_current_settings().server.concurrency.lease_storage != FILE_LEASES:
        return None
    from prefect.server.concurrency.lease_storage.filesystem import ConcurrencyLeaseStorage

    leases = ConcurrencyLeaseStorage()
    leases.storage_path.mkdir(parents=True, exist_ok=True)
    return leases


def _leases_of(leases, limit_id: UUID) -> list:
    """The unexpired leases on a limit."""
    now = datetime.now(timezone.utc)
    found = [run_coro_as_sync(leases.read_lease(i)) for i in run_coro_as_sync(leases.read_active_lease_ids(1000))]
    return [lease for lease in found if lease is not None and limit_id in lease.resource_ids and lease.expiration > now]


def _describe(client, lease) -> str:
    """The run holding a lease, as a person finds it in the Prefect UI: name, id, state, since when."""
    since = f"since {lease.created_at:%Y-%m-%d %H:%M:%S} UTC"
    holder = lease.metadata.holder if lease.metadata else None
    if holder is None:
        return f"an unnamed holder (lease {lease.id}, {since})"
    try:
        run = client.read_flow_run(holder.id) if holder.type == "flow_run" else None
    except ObjectNotFound:
        run = None
    if run is None:
        return f"{holder.type.replace('_', ' ')} {holder.id} ({since})"
    return f"flow run {run.name!r} ({run.id}, {run.state_name or 'no state'}, {since})"


def _this_run() -> ConcurrencyLeaseHolder | None:
    """The flow run asking for slots, recorded on its lease so that a waiting run can name it."""
    task = TaskRunContext.get()
    flow_run_id = task.task_run.flow_run_id if task else None
    if flow_run_id is None and (flow := FlowRunContext.get()) is not None and flow.flow_run is not None:
        flow_run_id = flow.flow_run.id
    return None if flow_run_id is None else ConcurrencyLeaseHolder(type="flow_run", id=flow_run_id)


@contextmanager
def _locked(path) -> Iterator[None]:
    """One process at a time frees slots, so a lease is never released twice."""
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _logger():
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("claimledger.fetch_slots")
