"""The `claimledger` command: verify articles and read what was found (Typer + Rich)."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from claimledger.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check the numbers in news articles against reference data and keep every verdict in a ledger.",
)
# Piped output (make run, CI logs) gets room for the explanation column; a terminal keeps its own width.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

VERDICT_STYLE = {"pass": "green", "fail": "bold red", "unverifiable": "yellow"}


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


def _prefect_environment(settings: Settings) -> None:
    """Keep Prefect's state in the project and quiet: set before Prefect is imported, unless the user set them."""
    os.environ.setdefault("PREFECT_HOME", str(settings.home / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]claimledger: error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _parse_date(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2025-05-16")


@app.command()
def verify(
    paths: list[Path] = typer.Argument(None, help="Article files or folders (default: seeds/)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Check every claim as of this date (YYYY-MM-DD) "
                                        "instead of each article's own date."),
    ledger: Optional[str] = typer.Option(None, "--ledger", help="Ledger SQLAlchemy URL "
                                         "(default sqlite:///data/ledger.db in the project)."),
    source: list[str] = typer.Option([], "--source", help="Read source NAME from URL (file:, http://, https://); "
                                     "repeatable. Example: --source gaza_casualties_daily=file:/tmp/c.json"),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table for people, json for programs "
                                        "(stdout holds only the JSON array)."),
) -> None:
    """Extract the claims in articles, check each against its reference source, and record the run.

    Example: claimledger verify seeds/ --format json
    """
    settings = Settings()
    request = _request(paths, as_of, ledger, source, settings)
    _prefect_environment(settings)
    from claimledger.flows.verify import verify_articles

    try:
        outcome = verify_articles(request, settings, return_state=False)
    except Exception as exc:  # the flow has logged the traceback; the user gets one actionable line
        raise _fail(f"run failed: {exc}") from None
    from claimledger.pipeline import result_rows

    rows = result_rows(outcome)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_table(rows)
    _print_run_summary(outcome, request.ledger_url or settings.ledger, to=err if output is OutputFormat.json else out)


def _request(paths, as_of, ledger, source, settings: Settings):
    """Check everything a user can get wrong before any work starts, so errors are one clear line."""
    from claimledger.articles import ArticleError
    from claimledger.ledger.store import LedgerError, LedgerStore
    from claimledger.pipeline import VerifyRequest, load_articles
    from claimledger.sources.registry import RegistryError, load_registry, parse_overrides

    chosen = [str(p) for p in (paths or [settings.home / "seeds"])]
    try:
        load_articles(tuple(chosen))
        parse_overrides(list(source), load_registry(settings.registry_path))
        LedgerStore(ledger or settings.ledger)
    except (ArticleError, RegistryError, LedgerError) as exc:
        raise _fail(str(exc)) from None
    return VerifyRequest(paths=tuple(chosen), as_of=_parse_date(as_of), source_overrides=tuple(source),
                         ledger_url=ledger)


def _print_table(rows: list[dict]) -> None:
    table = Table(show_lines=False, header_style="bold")
    table.add_column("article", overflow="fold", max_width=30)
    table.add_column("claim", overflow="fold")
    table.add_column("verdict")
    table.add_column("explanation", overflow="fold")
    for row in rows:
        style = VERDICT_STYLE[row["verdict"]]
        table.add_row(row["article"], row["quote"], f"[{style}]{row['verdict']}[/]", row["explanation"])
    out.print(table)


def _print_run_summary(outcome, ledger_url: str, to: Console) -> None:
    counts = {v: sum(1 for r in outcome.results if r.verdict == v) for v in VERDICT_STYLE}
    for use in outcome.sources:
        for note in use.notes:
            to.print(f"[yellow]{use.source}:[/] {note}", highlight=False, soft_wrap=True)
    to.print(f"run {outcome.run_id}: {len(outcome.articles)} article(s), {len(outcome.claims)} claim(s): "
             + ", ".join(f"{n} {v}" for v, n in counts.items()) + f"; ledger {ledger_url}", highlight=False,
             soft_wrap=True)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., help="Article files or folders."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Print the claims found in articles, without checking them: what `verify` would check.

    Example: claimledger extract seeds/ --format json
    """
    from claimledger.articles import ArticleError
    from claimledger.pipeline import extract as extract_all, load_articles

    try:
        claims = extract_all(load_articles(tuple(str(p) for p in paths)))
    except ArticleError as exc:
        raise _fail(str(exc)) from None
    rows = [{"article": c.article_id, "claim_id": c.id, "quote": c.quote, "sentence": c.sentence, "metric": c.metric,
             "value": c.value, "unit": c.unit, "qualifier": c.qualifier, "low": c.low, "high": c.high} for c in claims]
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(header_style="bold")
    for column in ("article", "claim", "metric", "value", "unit", "qualifier", "interval"):
        table.add_column(column, overflow="fold")
    for row in rows:
        interval = " .. ".join("" if bound is None else f"{bound:,.10g}" for bound in (row["low"], row["high"]))
        table.add_row(row["article"], row["quote"], row["metric"] or "-", f"{row['value']:,.10g}", row["unit"],
                      row["qualifier"], interval)
    out.print(table)


if __name__ == "__main__":
    app()
