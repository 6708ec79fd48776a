"""The recheck flow: re-check exactly the claims that depend on given sources, articles or claims. Wiring only.

Which claims, and with which options, is claimledger.runs.recheck (the ledger's claim-to-source index); the run
itself is verify_articles' steps limited to those claims, recorded with `recheck` in its arguments. The served
deployment runs on each `claimledger.source.updated` event, with the source and snapshots from the event.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from claimledger import pipeline
from claimledger.flows.artifacts import RUN_KEY, publish_markdown
from claimledger.flows.verify import TASKS
from claimledger.pipeline import VerifyOutcome
from claimledger.runs.recheck import RecheckScope
from claimledger.runs.report import nothing_to_recheck_markdown
from claimledger.settings import Settings


find_dependent_claims = task(
    pipeline.plan,
    name="find dependent claims",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=2,
    timeout_seconds=300,
)


@flow(name="recheck", log_prints=False)
def recheck(
    depends_on: list[str] | None = None,
    articles: list[str] | None = None,
    claims: list[str] | None = None,
    paths: list[str] | None = None,
    source_overrides: list[str] | None = None,
    ledger_url: str | None = None,
    trigger: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> list[VerifyOutcome]:
    """Re-check the claims that depend on the sources, every claim of the articles (by id or file), and the claims.
    The command line passes its settings; a served run builds them here, with the ledger_url it was deployed with."""
    settings = settings or Settings().given(ledger=ledger_url)
    scope = RecheckScope(
        sources=tuple(depends_on or ()),
        articles=tuple(articles or ()),
        claims=tuple(claims or ()),
        paths=tuple(paths or ()),
        trigger=trigger,
    )
    plan = find_dependent_claims(scope, list(source_overrides or ()), settings)
    logger = get_run_logger()
    for reason in plan.skipped:
        logger.warning(reason)
    if not plan.targets:
        logger.info(f"no claim in the ledger depends on {scope.describe()}: nothing to recheck")
        publish_markdown(
            nothing_to_recheck_markdown(scope.describe(), plan.skipped),
            RUN_KEY["recheck"],
            f"claimledger recheck of {scope.describe()}: nothing to recheck",
        )
        return []
    return pipeline.recheck(plan, settings, TASKS)
