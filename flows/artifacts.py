"""Prefect artifacts: each run's report (counts by verdict, flipped claims, snapshots used) in the Prefect UI.

The reports are built by claimledger.runs.report from the ledger; this module only hands them to Prefect.
Artifacts are keyed by job, so the UI's Artifacts page lists every run of a job as versions of one artifact.
"""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from claimledger.ledger.store import LedgerStore
from claimledger.runs.report import run_report

RUN_KEY = {"verify": "claimledger-verify", "recheck": "claimledger-recheck"}
REFRESH_KEY = "claimledger-refresh"


@task(name="publish run report", cache_policy=NONE, retries=2, retry_delay_seconds=2, timeout_seconds=120)
def publish_run_report(ledger_url: str, run_id: str) -> str:
    """Read the run back from the ledger and publish its report as a markdown artifact; return the Markdown."""
    with LedgerStore(ledger_url) as store:
        report = run_report(store, run_id)
    markdown = report.markdown()
    create_markdown_artifact(
        markdown=markdown, key=RUN_KEY[report.kind], description=f"claimledger {report.kind} run {run_id}"
    )
    return markdown


def publish_markdown(markdown: str, key: str, description: str) -> None:
    """A report that is not a ledger run (a source refresh, a recheck with nothing to do)."""
    create_markdown_artifact(markdown=markdown, key=key, description=description)
