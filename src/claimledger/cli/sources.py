"""The `claimledger sources` and `claimledger fetch` commands: the registry, each source's snapshots, fetching."""

from __future__ import annotations

import typer
from rich import box
from rich.table import Table

from claimledger.cli.options import output_option, source_overrides_option
from claimledger.cli.terminal import OutputFormat, err, fail, out, write_json
from claimledger.settings import Settings

sources_app = typer.Typer(no_args_is_help=False)

STATUS_STYLE = {"new snapshot": "green", "unchanged": "dim", "quarantined": "bold red", "fetch failed": "yellow"}


def registry_or_fail(settings: Settings):
    """The registry, or a one-line error naming what in it is wrong."""
    from claimledger.sources.registry import RegistryError, load_registry

    try:
        return load_registry(settings.registry_path)
    except RegistryError as exc:
        raise fail(str(exc)) from None


@sources_app.callback(invoke_without_command=True)
@output_option("the JSON array, one object per source")
def sources(ctx: typer.Context, settings: Settings, output: OutputFormat) -> None:
    """List the reference sources with the snapshot each one uses, its validation, rows, dates and metrics.

    Example: claimledger sources --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from claimledger.sources.catalog import age, source_statuses
    from claimledger.sources.snapshots import SnapshotStore

    statuses = source_statuses(registry_or_fail(settings), SnapshotStore(settings.snapshots_dir))
    if output is OutputFormat.json:
        write_json([status.as_dict() for status in statuses])
        return
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False)
    for column in ("source", "snapshot", "retrieved_at", "age", "validation", "rows", "dates", "metrics"):
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column in ("source", "snapshot", "retrieved_at", "dates"),
            justify="right" if column == "rows" else "left",
            max_width=22 if column == "validation" else None,
        )  # room for the longest metric name
    for status in statuses:
        snapshot = status.snapshot
        held = "red" if status.held else "green" if snapshot else "yellow"
        dates = f"{status.first_date}..{status.last_date}" if status.first_date else "-"
        retrieved = (
            ("-", "-")
            if snapshot is None
            else (snapshot.retrieved_at.replace("T", " ")[:16], age(snapshot.retrieved_at))
        )
        table.add_row(
            status.source.name,
            snapshot.short if snapshot else "-",
            *retrieved,
            f"[{held}]{status.validation}[/]",
            f"{status.rows:,}" if status.rows is not None else "-",
            dates,
            "\n".join(status.source.metrics) or "-",
        )
    out.print(table)
    for status in statuses:
        if status.problem:
            err.print(f"[yellow]{status.source.name}:[/] {status.problem}", highlight=False, soft_wrap=True)


@sources_app.command("diff")
@output_option("the stored diff object, null when none is stored")
def sources_diff(
    settings: Settings,
    output: OutputFormat,
    name: str = typer.Argument(..., help="Source name, as in data/sources.toml."),
) -> None:
    """Show what the source's current snapshot changed against the one before: rows, revised values, fields.

    Example: claimledger sources diff gaza_casualties_daily --format json
    """
    from claimledger.sources.reference import latest_diff
    from claimledger.sources.snapshots import SnapshotError, SnapshotStore

    registry = registry_or_fail(settings)
    if name not in registry:
        raise fail(f"no such source {name!r} (known: {', '.join(sorted(registry))})")
    store = SnapshotStore(settings.snapshots_dir)
    try:
        good, diff = store.latest_good(name), latest_diff(store, name)
    except SnapshotError as exc:
        raise fail(str(exc)) from None
    if output is OutputFormat.json:
        write_json(diff.as_dict() if diff else None)
    elif diff is not None:
        for line in diff.lines():
            out.print(line, highlight=False, soft_wrap=True)
    elif good is None:
        out.print(f"{name}: no good snapshot yet (claimledger fetch {name})", highlight=False)
    else:
        out.print(
            f"{name}: snapshot {good.short} is the first good one; there is nothing to compare it with", highlight=False
        )


@source_overrides_option
@output_option("the JSON array, one object per source")
def fetch(
    settings: Settings,
    source: list[str],
    output: OutputFormat,
    names: list[str] = typer.Argument(None, help="Sources to fetch (default: every source in data/sources.toml)."),
) -> None:
    """Fetch sources, validate and snapshot what is new, diff it, and build the sources' GX Data Docs once.

    Example: claimledger fetch gaza_casualties_daily --format json
    """
    from claimledger.runs.updates import fetch_row, validations
    from claimledger.sources.docs import DocsError, build_data_docs
    from claimledger.sources.reference import prepare_sources
    from claimledger.sources.registry import RegistryError, parse_overrides
    from claimledger.sources.snapshots import SnapshotError
    from claimledger.gx import SuiteError

    registry = registry_or_fail(settings)
    try:
        overrides = parse_overrides(list(source), registry)
        prepared = prepare_sources(names or list(registry), registry, overrides, settings)
    except (RegistryError, SnapshotError, SuiteError) as exc:
        raise fail(str(exc)) from None
    rows = [fetch_row(name, table) for name, table in prepared.items()]
    if output is OutputFormat.json:
        write_json(rows)
    else:
        for row in rows:
            style = STATUS_STYLE.get(row["status"], "")
            out.print(
                f"[bold]{row['source']}[/]: [{style}]{row['status']}[/] {row['message']}",
                highlight=False,
                soft_wrap=True,
            )
    checked = validations(prepared.values())
    try:
        index = build_data_docs(checked, settings)
    except DocsError as exc:
        raise fail(f"{exc}; the snapshots and validations above are recorded") from None
    docs = f"built {index}" if index else f"unchanged ({settings.data_docs_dir}): nothing new was validated"
    (err if output is OutputFormat.json else out).print(f"Data Docs: {docs}", highlight=False, soft_wrap=True)
