"""The `claimledger` command: verify articles and read what was found (Typer + Rich)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from claimledger.cli.options import (
    TaskRunnerChoice,
    ledger_option,
    load_settings,
    output_option,
    source_overrides_option,
    task_runner_options,
)
from claimledger.cli.terminal import (
    VERDICT_STYLE,
    OutputFormat,
    err,
    fail,
    out,
    stop_promptly_on_signals,
    write_json,
    write_json_array,
)
from claimledger.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Check the numbers in news articles against reference data and keep every verdict in a ledger.",
)


@app.callback()
def _each_command(ctx: typer.Context) -> None:
    """The command's Settings, built once here from the environment and handed down (cli/options.py); SIGTERM or
    Ctrl-C ends a batch command within seconds (terminal.stop_promptly_on_signals)."""
    ctx.obj = load_settings()
    stop_promptly_on_signals(ctx)


def _prefect_environment(settings: Settings, start: bool = False) -> None:
    """Keep Prefect's state in the project and quiet (set before Prefect is imported, unless the user set them);
    with start, start this process's temporary Prefect API now, or fail with one line saying why it cannot."""
    from claimledger.flows.prefect_home import PrefectUnavailable, prefect_environment, start_prefect

    prefect_environment(settings.home)
    if start:
        try:
            start_prefect()
        except PrefectUnavailable as exc:
            raise fail(str(exc)) from None


def _parse_date(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2025-05-16")


@app.command()
@ledger_option
@source_overrides_option
@output_option("the JSON array of results, then one object per article skipped")
@task_runner_options
def verify(
    settings: Settings,
    source: list[str],
    output: OutputFormat,
    task_runner: TaskRunnerChoice,
    paths: list[Path] = typer.Argument(None, help="Article files or folders (default: seeds/)."),
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="Check every claim as of this date (YYYY-MM-DD) instead of each article's own date."
    ),
) -> None:
    """Extract the claims in articles, check each against its reference source, and record the run.

    Before each part of the run is written, its results are held to the invariants of expectations/claim_checks.json
    (a GX validation, added to the Data Docs); a broken one is an error naming it, and nothing of the run is recorded.

    Example: claimledger verify seeds/ --format json
    """
    request = _request(paths, as_of, source, settings)
    _prefect_environment(settings, start=True)
    from claimledger.flows.verify import verify_articles

    from claimledger.checks.invariants import InvariantError

    run = task_runner.on(verify_articles)
    try:
        outcome = run(request, settings, return_state=False)
    except InvariantError as exc:  # a rule broke what no verdict may: says which, and that nothing was written
        raise fail(str(exc)) from None
    except Exception as exc:  # the flow has logged the traceback; the user gets one actionable line
        raise fail(f"run failed: {exc}") from None
    from claimledger.pipeline import skipped_rows

    if output is OutputFormat.json:  # what was skipped follows the results: {article, path, verdict: null, error}
        skipped = ({**row, "verdict": None} for row in skipped_rows(outcome.skipped))
        write_json_array(skipped, encoded=outcome.spool.lines())
    else:
        _print_table(list(outcome.rows()))
    _print_run_summary(outcome, settings.ledger, to=err if output is OutputFormat.json else out)


def _request(paths, as_of, source, settings: Settings):
    """Check everything a user can get wrong before any work starts, so errors are one clear line. A bad article
    is no such error: the run skips it and says so; only a missing path or no readable article at all stops it."""
    from claimledger.articles import ArticleError
    from claimledger.ledger.engine import LedgerError
    from claimledger.ledger.store import LedgerStore
    from claimledger.pipeline import VerifyRequest, first_readable
    from claimledger.sources.registry import RegistryError, load_registry, parse_overrides

    chosen = [str(p) for p in (paths or [settings.home / "seeds"])]
    try:
        first_readable(tuple(chosen))
        parse_overrides(list(source), load_registry(settings.registry_path))
        LedgerStore(settings.ledger)
    except (ArticleError, RegistryError, LedgerError) as exc:
        raise fail(str(exc)) from None
    return VerifyRequest(
        paths=tuple(chosen), as_of=_parse_date(as_of), source_overrides=tuple(source), keep="rows"
    )  # the command prints rows: the run keeps only those


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
    counts = {v: outcome.spool.verdicts.get(v, 0) for v in VERDICT_STYLE}
    for use in outcome.sources:
        for note in use.notes:
            to.print(f"[yellow]{use.source}:[/] {note}", highlight=False, soft_wrap=True)
    from claimledger.ledger.engine import redacted
    from claimledger.ledger.store import LedgerStore
    from claimledger.runs.report import snapshot_changes

    with LedgerStore(ledger_url) as store:
        for change in snapshot_changes(store, outcome.run_id):
            to.print(f"[yellow]{change.source}:[/] {change.line()}", highlight=False, soft_wrap=True)
    _print_skipped(outcome.skipped, to)
    skipped = f", {len(outcome.skipped)} skipped" if outcome.skipped else ""
    to.print(
        f"run {outcome.run_id}: {outcome.spool.articles} article(s){skipped}, {outcome.spool.claims} claim(s): "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + f"; ledger {redacted(ledger_url)}",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


def _print_skipped(skipped, to: Console) -> None:
    """One line per article or run of figures not read, naming the file and why (the reason is the file's own
    words, so no Rich markup in it is interpreted)."""
    for entry in skipped:
        to.print("[yellow]skipped:[/] ", end="", highlight=False)
        to.print(entry["reason"], highlight=False, soft_wrap=True, markup=False)


@app.command()
@output_option("the JSON array of claims (or quantities), then one object per article skipped")
def extract(
    settings: Settings,
    output: OutputFormat,
    paths: list[Path] = typer.Argument(..., help="Article files or folders."),
    quantities: bool = typer.Option(
        False,
        "--quantities",
        help="Print every quantity found, claim or not: its "
        "value or range, unit, bound, change and direction, and why it is no claim "
        "(a year, a date, an identifier, an age, ...).",
    ),
) -> None:
    """Print the claims found in articles, without checking them: what `verify` would check.

    Example: claimledger extract seeds/ --format json
             claimledger extract seeds/ --quantities --format json
    """
    from claimledger.articles import ArticleError
    from claimledger.pipeline import (
        claim_fields,
        extract as extract_all,
        load_articles,
        quantity_rows,
        skipped_in,
        skipped_rows,
    )

    try:
        articles = load_articles(tuple(str(p) for p in paths))
    except ArticleError as exc:
        raise fail(str(exc)) from None
    claims = extract_all(articles, settings)
    skipped = skipped_in(articles, claims)
    rows = quantity_rows(articles, claims, settings) if quantities else [claim_fields(c) for c in claims]
    if output is OutputFormat.json:  # what was skipped follows the claims: {"article", "path", "error"}
        write_json(rows + skipped_rows(skipped))
        _print_skipped(skipped, err)
        return
    out.print(_quantity_table(rows) if quantities else _claim_table(rows))
    _print_skipped(skipped, out)


def _bounds(row) -> str:
    return " .. ".join("" if bound is None else f"{bound:,.10g}" for bound in (row["low"], row["high"]))


def _claim_table(rows) -> Table:
    table = Table(header_style="bold")
    for column in ("article", "claim", "metric", "value", "unit", "qualifier", "interval"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["article"],
            row["quote"],
            row["metric"] or "-",
            f"{row['value']:,.10g}",
            row["unit"],
            row["qualifier"],
            _bounds(row),
        )
    return table


def _quantity_table(rows) -> Table:
    table = Table(header_style="bold")
    for column in ("article", "quantity", "value", "unit", "qualifier", "change", "claim"):
        table.add_column(column, overflow="fold")
    for row in rows:
        value = _bounds(row) if row["value"] is None else f"{row['value']:,.10g}"
        table.add_row(
            row["article"],
            row["quote"],
            value,
            row["unit"],
            row["qualifier"],
            row["direction"] or "-",
            "yes" if row["is_claim"] else f"no: {row['not_claim_reason']}",
        )
    return table


from claimledger.cli.sources import fetch, registry_or_fail, sources_app  # noqa: E402  (sources, fetching)

app.add_typer(sources_app, name="sources")
app.command()(fetch)

from claimledger.cli.ledger import LEDGER_HELP, ledger_app  # noqa: E402  (the ledger's history commands)

app.add_typer(ledger_app, name="ledger", help=LEDGER_HELP)


@app.command()
@ledger_option
def dashboard(
    settings: Settings,
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. Anything but loopback (127.0.0.1, "
        "::1, localhost) makes every recheck need a token. Requests must name this address, "
        "localhost on loopback, this machine's names on 0.0.0.0 or ::, or a name in "
        "CLAIMLEDGER_DASHBOARD_HOSTS.",
    ),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the validation dashboard: which claims fail, why and on what data; evidence, charts and rechecks.

    Example: claimledger dashboard --port 8000   (then open http://127.0.0.1:8000/)
    """
    _prefect_environment(settings)  # a recheck runs the verify flow in this process
    import uvicorn

    from claimledger.dashboard.app import create_app
    from claimledger.dashboard.security import TOKEN_ENV, HostsError

    try:
        web = create_app(settings, host=host)
    except HostsError as exc:
        raise fail(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host
    out.print(
        f"claimledger dashboard: http://{shown}:{port}/ (ledger {web.state.ledger_label}); Ctrl-C stops it",
        highlight=False,
        soft_wrap=True,
    )
    out.print(
        f"Answers to Host: {', '.join(web.state.allowed_hosts)} (add names in CLAIMLEDGER_DASHBOARD_HOSTS)",
        highlight=False,
        soft_wrap=True,
    )
    if web.state.token and not settings.dashboard_token:
        out.print(
            f"Rechecks need this token (shown once; set {TOKEN_ENV} to choose it): {web.state.token}",
            highlight=False,
            soft_wrap=True,
        )
    uvicorn.run(web, host=host, port=port, log_level="warning")


# ---- unattended: served deployments and rechecks --------------------------------------------------------------


@app.command()
@ledger_option
@source_overrides_option
def serve(
    settings: Settings,
    source: list[str],
    cron: str = typer.Option("0 * * * *", "--cron", help="When refresh_sources fetches every source (cron, UTC)."),
    verify_cron: str = typer.Option(
        "0 6 * * *", "--verify-cron", help="When verify_articles checks the articles (cron, UTC)."
    ),
    articles: list[Path] = typer.Option(
        None, "--articles", help="Article files or folders verify_articles checks (default: seeds/); repeatable."
    ),
    work_pool: Optional[str] = typer.Option(
        None,
        "--work-pool",
        help="Register the deployments on this Prefect "
        "work pool and exit, instead of serving them here: workers on any "
        "machine run them (prefect worker start --pool NAME).",
    ),
) -> None:
    """Serve the refresh_sources, verify_articles and recheck deployments on the Prefect server until stopped.

    refresh_sources runs on --cron and emits claimledger.source.updated for each source with new data; recheck runs
    on that event and re-checks the claims that depend on the source. Needs PREFECT_API_URL.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api claimledger serve --cron "0 * * * *"
    """
    if not settings.prefect_api_url:
        raise fail(
            "serve needs a Prefect server: start one with `prefect server start --host 127.0.0.1` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (see README, Running unattended)"
        )
    request = _request(articles, None, source, settings)
    registry = registry_or_fail(settings)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")  # served runs' task logs belong in the Prefect UI
    _prefect_environment(settings)
    from claimledger.flows.serve import serve_deployments, unreachable_api

    problem = unreachable_api()
    if problem:
        raise fail(f"cannot reach the Prefect server at {problem} (is `prefect server start` running?)")
    paths = [str(Path(p).resolve()) for p in request.paths]  # served runs may start elsewhere
    try:
        serve_deployments(list(registry), cron, verify_cron, paths, list(source), settings.chosen_ledger, work_pool)
    except ValueError as exc:  # a schedule Prefect cannot parse, a work pool the server does not have
        raise fail(f"cannot serve: {' '.join(str(exc).split())}") from None


@app.command()
@ledger_option
@output_option("the JSON array of the rechecked results")
@task_runner_options
def recheck(
    settings: Settings,
    output: OutputFormat,
    task_runner: TaskRunnerChoice,
    depends_on: list[str] = typer.Option(
        [],
        "--depends-on",
        metavar="NAME",
        help="Recheck the claims that depend on source NAME (as in data/sources.toml); repeatable.",
    ),
    article: list[str] = typer.Option([], "--article", help="Recheck every claim of article ID; repeatable."),
    claim: list[str] = typer.Option([], "--claim", help="Recheck claim ID (or a unique prefix of it); repeatable."),
) -> None:
    """Recheck claims on the data available now: those that depend on a source, all of an article's, or single claims.

    Each article's last run is repeated (its --as-of and --source overrides) for the chosen claims only, through
    the Prefect flow recheck, and recorded as a run whose arguments say what was rechecked.

    Example: claimledger recheck --depends-on gaza_casualties_daily --format json
    """
    from claimledger.articles import ArticleError
    from claimledger.checks.invariants import InvariantError
    from claimledger.ledger.engine import LedgerError
    from claimledger.sources.registry import RegistryError

    if not (depends_on or article or claim):
        raise fail("recheck needs --depends-on NAME, --article ID or --claim ID")
    _prefect_environment(settings)
    from claimledger import pipeline
    from claimledger.flows.recheck import recheck as recheck_flow
    from claimledger.runs.recheck import RecheckScope

    scope = RecheckScope(sources=tuple(depends_on), articles=tuple(article), claims=tuple(claim))
    try:
        plan = pipeline.plan(scope, [], settings)
    except (LedgerError, RegistryError, ArticleError) as exc:
        raise fail(str(exc)) from None
    report = err if output is OutputFormat.json else out
    for reason in plan.skipped:
        report.print(f"[yellow]skipped:[/] {reason}", highlight=False, soft_wrap=True)
    if not plan.targets:
        if output is OutputFormat.json:
            write_json([])
        report.print(
            f"nothing to recheck: no claim in the ledger depends on {scope.describe()}", highlight=False, soft_wrap=True
        )
        return
    run = task_runner.on(recheck_flow)
    _prefect_environment(settings, start=True)
    try:
        outcomes = run(
            depends_on=list(depends_on),
            articles=list(article),
            claims=list(claim),
            settings=settings,
            return_state=False,
        )
    except InvariantError as exc:  # the runs before it are recorded; this one and those after it are not
        raise fail(str(exc)) from None
    except Exception as exc:  # the flow has logged the traceback; the user gets one actionable line
        raise fail(f"recheck failed: {exc}") from None
    if output is OutputFormat.json:
        write_json_array((), encoded=(line for outcome in outcomes for line in outcome.spool.lines()))
    else:
        _print_table([row for outcome in outcomes for row in outcome.rows()])
    for outcome in outcomes:
        _print_run_summary(outcome, settings.ledger, to=report)


if __name__ == "__main__":
    app()
