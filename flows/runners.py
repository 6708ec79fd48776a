"""Task runners for the flows: Prefect's default threads or a Dask cluster, and mapping a step over chunks on it."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner


def map_chunks(step, chunks: list, *shared: Any) -> list:
    """Run a step over chunks on the flow's task runner (a Dask cluster), in chunk order.

    On a Dask worker a task runs in a worker thread, where a Prefect timeout cannot interrupt it (Prefect only
    warns), so the mapped copies leave timeouts to the cluster (0 clears the timeout; None would keep it).
    """
    return step.with_options(timeout_seconds=0).map(chunks, *shared).result()


def cluster_threads() -> int:
    """Threads of the Dask cluster this flow runs on; 0 on Prefect's default runner (nothing is split then)."""
    runner = getattr(FlowRunContext.get(), "task_runner", None)
    prefect_dask = sys.modules.get("prefect_dask")  # imported only by whoever chose a Dask task runner
    if prefect_dask is None or not isinstance(runner, prefect_dask.DaskTaskRunner):
        return 0
    if not runner.address and PREFECT_API_URL.value() is None:
        # A local cluster's workers inherit this environment (started with the cluster, before any submit)
        os.environ["PREFECT_API_URL"] = _flow_api_url()
    return max(1, sum(runner.client.nthreads().values()))


def parallel_workers() -> int:
    """Worker processes of the flow's task runner that can take parts of a run (a process pool's or a Dask
    cluster's); 0 on Prefect's default threads, where the flow does its parts itself."""
    runner = getattr(FlowRunContext.get(), "task_runner", None)
    if isinstance(runner, ProcessPoolTaskRunner):
        return runner._max_workers  # Prefect has no public accessor; set by on_task_runner from `workers`
    return cluster_threads()


def cores() -> int:
    """The cores this process may run on (the scheduler's affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _flow_api_url() -> str:
    return str(FlowRunContext.get().client.api_url).rstrip("/")


def submit(step, *args: Any):
    """step.submit(*args) on the flow's task runner. A worker process started for it must talk to this flow's API:
    without an API URL (a temporary API, started by this process) each would start a temporary Prefect server of
    its own (10 s) and record its task runs there; a process pool takes its workers' environment from the settings
    in force at submit time."""
    if PREFECT_API_URL.value() is not None:
        return step.submit(*args)
    with temporary_settings(updates={PREFECT_API_URL: _flow_api_url()}):
        return step.submit(*args)


class TaskRunnerUnavailable(RuntimeError):
    """The chosen task runner cannot be used here (its extra is not installed); the message says how to fix it."""


def on_task_runner(chosen_flow, task_runner: str, dask_address: str | None = None, workers: int | None = None):
    """The flow on the chosen task runner: `processes` (a pool of `workers` worker processes, default one per core,
    started only when a run has more than one part; verify_articles' own), `threads` (all in this process) or `dask`,
    on the cluster at dask_address or on a local cluster of worker processes (one thread each; `workers` of them,
    default one per core)."""
    if task_runner == "processes":
        return chosen_flow.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers or cores()))
    if task_runner == "threads":
        return chosen_flow.with_options(task_runner=ThreadPoolTaskRunner())
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise TaskRunnerUnavailable("--task-runner dask needs the dask extra: pip install 'claimledger[dask]'") from exc
    logging.getLogger("distributed").setLevel(logging.WARNING)  # not a line per worker start and stop
    if dask_address:
        return chosen_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))
    cluster = {"processes": True, "threads_per_worker": 1, "dashboard_address": ":0"}
    if workers:
        cluster["n_workers"] = workers
    return chosen_flow.with_options(task_runner=DaskTaskRunner(cluster_kwargs=cluster))
