"""The deployments `claimledger serve` runs: refresh_sources on a schedule, verify_articles daily, and recheck on
every `claimledger.source.updated` event. Wiring only; served together by one process against PREFECT_API_URL.

Each deployment is named after its flow (the dashboard finds `recheck` by that name). Options given to `serve`
(--source overrides, --ledger) become the deployments' default parameters, so every served run, scheduled or
triggered, reads the same sources and writes the same ledger, and the Prefect UI shows which.
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import deploy, get_client, serve
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.types.entrypoint import EntrypointType

from claimledger.flows.recheck import recheck
from claimledger.flows.fetch_slots import ensure_fetch_limits
from claimledger.flows.refresh import refresh_sources
from claimledger.flows.verify import verify_articles
from claimledger.runs.updates import SOURCE_UPDATED

# Served runs load each flow by module path from the installed package, wherever `serve` was started.
SERVED = {"tags": ["claimledger"], "entrypoint_type": EntrypointType.MODULE_PATH}

# The recheck run's parameters, rendered by the Prefect server from the triggering event (Jinja). A plain string
# that is one `{{ ... }}` expression keeps its JSON type (Prefect renders it with `| tojson`): old_sha256 stays null
# for a source's first snapshot.
RECHECK_ON_UPDATE = {
    "depends_on": ["{{ event.payload.source }}"],
    "trigger": {
        "event": "{{ event.event }}",
        "event_id": "{{ event.id | string }}",
        "occurred": "{{ event.occurred | string }}",
        "old_sha256": "{{ event.payload.old_sha256 }}",
        "new_sha256": "{{ event.payload.new_sha256 }}",
    },
}


def deployments(
    cron: str, verify_cron: str, articles: Sequence[str], overrides: Sequence[str] = (), ledger_url: str | None = None
) -> list:
    """The three runner deployments, with the schedule, articles, overrides and ledger `serve` was given."""
    refresh = refresh_sources.to_deployment(
        name="refresh_sources",
        cron=cron,
        **SERVED,
        parameters={"source_overrides": list(overrides)},
        description="Fetch, validate and snapshot every registered source; emit claimledger.source.updated "
        "for each whose latest good snapshot changed.",
    )
    verify = verify_articles.to_deployment(  # the JSON request is validated into a VerifyRequest by the flow
        name="verify_articles",
        cron=verify_cron,
        **SERVED,
        parameters={
            # a served run is read back from the ledger, not from what the flow returns: it keeps nothing else
            "request": {"paths": list(articles), "source_overrides": list(overrides), "keep": "none"},
            "ledger_url": ledger_url,
        },
        description="Check every claim in the articles and record the run in the ledger.",
    )
    on_update = DeploymentEventTrigger(
        name="recheck when a source is updated",
        expect={SOURCE_UPDATED},
        match={"prefect.resource.id": "claimledger.source.*"},
        parameters=RECHECK_ON_UPDATE,
    )
    rechecks = recheck.to_deployment(
        name="recheck",
        **SERVED,
        triggers=[on_update],
        parameters={"source_overrides": list(overrides), "ledger_url": ledger_url},
        description="Re-check the claims that depend on the updated source (the ledger's claim-to-source index).",
    )
    return [refresh, verify, rechecks]


def unreachable_api() -> str | None:
    """Why the Prefect API at PREFECT_API_URL cannot be used, or None when it answers."""
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    return None if problem is None else f"{client.api_url}: {' '.join(str(problem).split()) or type(problem).__name__}"


def serve_deployments(
    sources: Sequence[str],
    cron: str,
    verify_cron: str,
    articles: Sequence[str],
    overrides: Sequence[str] = (),
    ledger_url: str | None = None,
    work_pool: str | None = None,
) -> None:
    """Create the sources' fetch limits, then serve the deployments until interrupted (schedules pause on exit),
    or, with a work pool, register them there for workers on any machine to run (and return)."""
    served = deployments(cron, verify_cron, articles, overrides, ledger_url)
    ensure_fetch_limits(sources)
    if work_pool:
        # a process pool's workers import the flows from the installed package: no image, nothing to push
        deploy(*served, work_pool_name=work_pool, build=False, push=False, ignore_warnings=True)
        return
    serve(*served, print_starting_message=True)
