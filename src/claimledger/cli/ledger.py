"""`claimledger ledger ...`: read the ledger's history (runs, a claim's verdicts, what changed, exports)."""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import asdict
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Optional

import typer
from rich.table import Table

from claimledger.cli.options import ledger_option, output_option
from claimledger.cli.terminal import VERDICT_STYLE, OutputFormat, err, fail, out
from claimledger.settings import Settings

LEDGER_HELP = """Read the ledger: runs, a claim's verdict history, what changed between runs, exports.

Example: claimledger ledger diff   (what the latest run changed)
"""

ledger_app = typer.Typer(no_args_is_help=True, add_completion=False, help=LEDGER_HELP)


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"


@contextlib.contextmanager
def _open(settings: Settings) -> Iterator[Any]:
    """The ledger, checked on open; damage found while reading is one line too, never a traceback."""
    from claimledger.ledger.engine import LedgerError
    from claimledger.ledger.store import open_for_reading

    try:
        with open_for_reading(settings.ledger) as store:
            yield store
    except LedgerError as exc:
        raise fail(str(exc)) from None


def _when(value: Any) -> str:
    from claimledger.ledger.export import when_text

    return when_text(value)


def _json(value: Any) -> str:
    def encode(v):
        if isinstance(v, datetime):
            return _when(v)
        if isinstance(v, date):
            return v.isoformat()
        return str(v)

    return json.dumps(value, indent=2, ensure_ascii=False, default=encode) + "\n"


def _verdict(verdict: Optional[str]) -> str:
    return f"[{VERDICT_STYLE.get(verdict, 'white')}]{verdict}[/]" if verdict else "-"


@ledger_app.command("list")
@ledger_option
@output_option("the JSON array, one object per run")
def list_runs(
    settings: Settings,
    output: OutputFormat,
    limit: int = typer.Option(20, "--limit", min=1, help="Show the newest N runs."),
) -> None:
    """List runs, newest first: when, status, articles, claims, results by verdict, and the snapshots used.

    Example: claimledger ledger list --limit 5
    """
    from claimledger.ledger.history import run_summaries

    with _open(settings) as store:
        runs = run_summaries(store, limit)
    if output is OutputFormat.json:
        sys.stdout.write(_json([run.as_dict() for run in runs]))
        return
    table = Table(header_style="bold")
    for column in (
        "run",
        "started",
        "finished",
        "status",
        "articles",
        "skipped",
        "claims",
        "results (new)",
        "pass",
        "fail",
        "unverifiable",
    ):
        table.add_column(column, overflow="fold")
    table.add_column("snapshots", no_wrap=True)
    for r in runs:
        snapshots = "\n".join(f"{s.source}@{(s.snapshot_sha256 or s.status)[:8]}" for s in r.sources)
        table.add_row(
            r.id[:8],
            _when(r.started_at),
            _when(r.finished_at),
            r.status,
            str(r.articles),
            str(len(r.skipped or ())),
            str(r.claims),
            f"{r.results} ({r.new_results})",
            *(str(r.verdicts.get(v, 0)) for v in VERDICT_STYLE),
            snapshots,
        )
    out.print(table)


@ledger_app.command()
@ledger_option
@output_option("the claim and its history, as one object")
def show(
    settings: Settings,
    output: OutputFormat,
    claim_id: str = typer.Argument(..., help="Claim id, or a unique prefix of it (verify --format json prints it)."),
) -> None:
    """Show a claim and its verdict history across runs, with the snapshot and explanation of each verdict.

    Example: claimledger ledger show 3f2a9c1b
    """
    from claimledger.ledger.history import claim, claim_history
    from claimledger.ledger.engine import LedgerError

    with _open(settings) as store:
        try:
            found = claim(store, claim_id)
        except LedgerError as exc:
            raise fail(str(exc)) from None
        history = claim_history(store, found.id)
    if output is OutputFormat.json:
        sys.stdout.write(_json({"claim": found.as_dict(), "history": [h.as_dict() for h in history]}))
        return
    interval = " .. ".join("" if b is None else f"{b:,.10g}" for b in (found.low, found.high))
    versions = f"; {found.versions} texts under this id, latest shown" if found.versions > 1 else ""
    out.print(
        f"[bold]{found.quote}[/]  ({found.id}, article {found.article_id}"
        f"{', ' + str(found.article_published) if found.article_published else ''}{versions})",
        highlight=False,
    )
    out.print(found.sentence, highlight=False, soft_wrap=True)
    out.print(
        f"metric {found.metric or '-'}; value {found.value:,.10g} {found.unit}, {found.qualifier}"
        f" -> [{interval}]; subject {found.subject or '-'}; period {found.period or '-'}",
        highlight=False,
    )
    table = Table(header_style="bold")
    for column in (
        "run",
        "started",
        "as of",
        "quote",
        "article text",
        "check",
        "verdict",
        "observed",
        "reference date",
        "snapshot",
        "explanation",
    ):
        table.add_column(column, overflow="fold")
    for h in history:  # a flip is against the last verdict on the same claim text (history.claim_history)
        flipped = " (flipped)" if h.flipped else ""
        table.add_row(
            h.run_id[:8],
            _when(h.started_at),
            _when(h.as_of) or "-",
            h.quote,
            (h.article_sha256 or "-")[:12],
            h.check_kind,
            _verdict(h.verdict) + flipped,
            "" if h.observed is None else f"{h.observed:,.10g}",
            _when(h.reference_date),
            (h.snapshot_sha256 or "-")[:12],
            h.explanation,
        )
    out.print(table)


@ledger_app.command()
@ledger_option
@output_option("the changes, as one object")
def diff(
    settings: Settings,
    output: OutputFormat,
    run_a: Optional[str] = typer.Argument(
        None, help="The earlier run: id or unique prefix (default: the run before RUN_B)."
    ),
    run_b: Optional[str] = typer.Argument(None, help="The later run: id, unique prefix or latest (default: latest)."),
) -> None:
    """Show what changed between two runs: claims whose verdict flipped, claims added and removed.

    Example: claimledger ledger diff 3f2a9c1b 9bc14e07
    """
    from claimledger.ledger.history import diff_runs, previous_run, resolve_run
    from claimledger.ledger.engine import LedgerError

    with _open(settings) as store:
        try:
            b = resolve_run(store, run_b or "latest")
            a = resolve_run(store, run_a) if run_a else previous_run(store, b)
        except LedgerError as exc:
            raise fail(str(exc)) from None
        changes = diff_runs(store, a, b)
    if output is OutputFormat.json:
        sys.stdout.write(_json(asdict(changes)))
        return
    if changes.flipped:
        table = Table(header_style="bold", title=f"verdicts that flipped from run {a[:8]} to run {b[:8]}")
        for column in ("claim", "article", "quote", "check", "before", "after", "because (after)"):
            table.add_column(column, overflow="fold")
        for f in changes.flipped:
            table.add_row(
                f.claim_id,
                f.article_id,
                f.quote,
                f.check_kind,
                _verdict(f.verdict_a),
                _verdict(f.verdict_b),
                f.explanation_b,
            )
        out.print(table)
    for label, rows in (("added", changes.added), ("removed", changes.removed)):
        for row in rows:
            out.print(
                f"{label}: {row.claim_id} {row.article_id} {row.quote!r} ({row.check_kind}) {_verdict(row.verdict)}",
                highlight=False,
            )
    out.print(
        f"run {a[:8]} -> run {b[:8]}: {len(changes.flipped)} flipped, {len(changes.added)} added, "
        f"{len(changes.removed)} removed, {changes.unchanged} unchanged",
        highlight=False,
    )


@ledger_app.command()
@ledger_option
def export(
    settings: Settings,
    output_format: ExportFormat = typer.Option(
        ..., "--format", help="csv, json (an array of objects), jsonl (an object a line) or parquet (row groups)."
    ),
    output: Optional[Path] = typer.Option(
        None, "--output", help="Write to this file, whole or not at all (default: stdout)."
    ),
    run: Optional[str] = typer.Option(
        None, "--run", help="Only this run (id, unique prefix or latest); default: every run."
    ),
) -> None:
    """Export the verdict history, one row per run and result: run, claim, verdict, reference value, snapshot.

    Written as it is read, a batch of rows at a time: memory stays flat whatever the ledger's size.

    Example: claimledger ledger export --format parquet --output ledger.parquet
    """
    from claimledger.ledger.engine import LedgerError
    from claimledger.ledger.export import write_export
    from claimledger.ledger.history import export_batches, resolve_run

    if output_format is ExportFormat.parquet and output is None and sys.stdout.isatty():
        raise fail("parquet is binary: give --output PATH or redirect stdout to a file")
    with _open(settings) as store:
        try:
            batches = export_batches(store, resolve_run(store, run) if run else None)
            if output is None:
                count = write_export(batches, output_format.value, sys.stdout.buffer)
                sys.stdout.flush()
            else:
                count = _write_whole(output, lambda out: write_export(batches, output_format.value, out))
        except LedgerError as exc:
            raise fail(str(exc)) from None
    if output is not None:
        err.print(f"wrote {count} row(s) to {output}", highlight=False)


def _write_whole(path: Path, write: Callable[[BinaryIO], int]) -> int:
    """Write to a temporary file beside `path`, then rename it over `path`: a failed export leaves no half file."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            count = write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
