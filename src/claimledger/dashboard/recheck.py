"""Rechecks started from the dashboard: one job per button press, run one at a time off the request thread.

A recheck repeats the last run of each article (same --source overrides and --as-of) on the data available now.
With a Prefect server configured (the settings' prefect_api_url, from PREFECT_API_URL) and a deployment named
`recheck`, the job is handed to it; otherwise the job (claimledger.pipeline) runs in this process."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from claimledger import pipeline
from claimledger.ledger.engine import LedgerError
from claimledger.pipeline import VerifyRequest
from claimledger.runs.recheck import RecheckScope
from claimledger.settings import Settings
from claimledger.sources.registry import RegistryError

DEPLOYMENT = "recheck"
FINAL = ("done", "failed")

Runner = Callable[[VerifyRequest, Settings], str]  # runs one request, returns the new run's id


class RecheckError(ValueError):
    """A recheck that cannot start (unknown article, article file gone); the message says which."""


@dataclass
class Job:
    """One recheck: what it covers, where it stands, and the runs it wrote."""

    id: str
    label: str
    article_ids: list[str]
    status: str = "queued"  # queued | running | submitted | done | failed
    message: str = "waiting for the previous recheck to finish"
    via: str = "in-process"
    run_ids: list[str] = field(default_factory=list)
    flow_run_id: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    finished_at: datetime | None = None

    def as_dict(self) -> dict:
        values = asdict(self)
        values["finished"] = self.status in FINAL
        values["seconds"] = round(
            ((self.finished_at or datetime.now(timezone.utc)) - self.started_at).total_seconds(), 1
        )
        return values


def run_in_process(request: VerifyRequest, settings: Settings) -> str:
    """The verify job in this process (pipeline.verify's plain steps): no Prefect API to start when no server is
    configured, and the same job the flows run."""
    return pipeline.verify(request, settings).run_id


class RecheckQueue:
    """The dashboard's recheck jobs; one worker thread, so two rechecks never write the ledger at once."""

    def __init__(self, settings: Settings, runner: Runner = run_in_process):
        self.settings, self.runner = settings, runner
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimledger-recheck")

    def start(self, label: str, article_ids: list[str]) -> Job:
        """Queue a recheck of these articles; fails at once when one cannot be rechecked."""
        requests = self.requests_for(article_ids)
        job = Job(id=uuid.uuid4().hex[:12], label=label, article_ids=list(article_ids))
        with self._lock:
            self._jobs[job.id] = job
        self._worker.submit(self._run, job, requests)
        return job

    def get(self, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        if job is not None and job.status == "submitted":
            _follow_flow_run(job)
        return job

    def requests_for(self, article_ids: list[str]) -> list[VerifyRequest]:
        """The runs a recheck of these articles makes, as the CLI's recheck plans them (pipeline.plan): one per
        distinct (--source overrides, --as-of) of the articles' last runs."""
        if not article_ids:
            raise RecheckError("no article to recheck")
        scope = RecheckScope(articles=tuple(article_ids))
        try:
            plan = pipeline.plan(scope, [], self.settings)
        except (LedgerError, RegistryError) as exc:
            raise RecheckError(str(exc)) from None
        if plan.skipped:  # an article whose file is gone: say so rather than recheck the others silently
            raise RecheckError("; ".join(plan.skipped))
        return [
            VerifyRequest(
                paths=target.paths,
                as_of=target.as_of,
                source_overrides=target.source_overrides,
                recheck=scope.arguments(),
                keep="none",  # the job reads the new run from the ledger
            )
            for target in plan.targets
        ]

    def _run(self, job: Job, requests: list[VerifyRequest]) -> None:
        job.status, job.message = "running", f"rechecking {job.label}"
        try:
            deployment = recheck_deployment(self.settings)
            if deployment is not None:
                _submit(job, deployment, self.settings)
                return
            for request in requests:
                job.run_ids.append(self.runner(request, self.settings))
            job.status, job.message = "done", f"run {', '.join(job.run_ids)} recorded"
        except Exception as exc:  # the job page shows it; the dashboard keeps serving
            job.status, job.message = "failed", f"recheck failed: {exc}"
        finally:
            if job.status in FINAL:
                job.finished_at = datetime.now(timezone.utc)


def recheck_deployment(settings: Settings) -> str | None:
    """The id of the Prefect deployment named `recheck`, when a server is configured and has one; else None."""
    if not settings.prefect_api_url:
        return None
    try:
        from prefect import get_client
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

        with get_client(sync_client=True) as client:
            found = client.read_deployments(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT])), limit=1
            )
    except Exception:  # server down or unreachable: recheck in-process instead
        return None
    return str(found[0].id) if found else None


def _submit(job: Job, deployment_id: str, settings: Settings) -> None:
    from prefect.deployments import run_deployment

    # the recheck flow (flows/recheck.py) takes article ids; the deployment's defaults supply --source overrides
    flow_run = run_deployment(
        name=uuid.UUID(deployment_id),
        timeout=0,
        as_subflow=False,
        parameters={"articles": job.article_ids, "ledger_url": settings.ledger},
    )
    # Prefect types the call as FlowRun | Coroutine (it is sync_compatible); called from sync code it is the FlowRun
    run_id = str(flow_run.id)  # type: ignore[union-attr]
    job.via, job.flow_run_id = f"Prefect deployment {DEPLOYMENT}", run_id
    job.status, job.message = "submitted", f"flow run {run_id} scheduled on deployment {DEPLOYMENT}"


def _follow_flow_run(job: Job) -> None:
    """Bring a deployment job's status up to date from its flow run's state."""
    try:
        from prefect import get_client

        with get_client(sync_client=True) as client:
            state = client.read_flow_run(uuid.UUID(job.flow_run_id)).state
    except Exception as exc:
        job.message = f"flow run {job.flow_run_id}: state unknown ({exc})"
        return
    if state is None or not state.is_final():
        job.message = f"flow run {job.flow_run_id}: {state.name if state else 'pending'}"
        return
    job.status = "done" if state.is_completed() else "failed"
    job.message = f"flow run {job.flow_run_id}: {state.name}"
    job.finished_at = datetime.now(timezone.utc)
