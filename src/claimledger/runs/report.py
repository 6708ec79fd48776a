"""What a run tells the people watching Prefect: counts by verdict, the claims that flipped, the snapshots used.

Each report is Markdown for a Prefect artifact, built from the ledger after the run is written, so what the UI shows
is what the ledger holds. A claim "flipped" when its verdict differs from its previous result (same claim and check
kind, in the newest earlier run that checked it), whichever run that was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimledger.checks.model import VERDICTS
from claimledger.ledger import history
from claimledger.ledger.store import LedgerStore
from claimledger.runs.updates import SourceUpdate


@dataclass(frozen=True)
class Flip:
    """A claim whose verdict changed since its previous result, and the snapshots either side."""

    claim_id: str
    article_id: str
    quote: str
    check_kind: str
    before: str
    after: str
    snapshot_before: str | None
    snapshot_after: str | None


@dataclass(frozen=True)
class SnapshotChange:
    """A source whose snapshot in a run differs from the one the newest earlier run using that source read."""

    source: str
    before: str | None
    after: str | None
    previous_run: str

    def line(self) -> str:
        return (
            f"verdicts read snapshot {(self.after or 'none')[:12]}; the previous run ({self.previous_run[:8]}) "
            f"read {(self.before or 'none')[:12]}"
        )


@dataclass(frozen=True)
class RunReport:
    """One ledger run summarised for its Prefect artifact."""

    run_id: str
    kind: str  # verify or recheck
    arguments: dict[str, Any]
    articles: int
    claims: int
    results: int
    new_results: int
    verdicts: dict[str, int]
    flipped: list[Flip] = field(default_factory=list)  # the first REPORT_FLIPS of them
    flips: int = 0  # all of them
    first_checked: int = 0  # results whose claim and check had no earlier result
    sources: list[dict[str, Any]] = field(default_factory=list)
    snapshot_changes: list[SnapshotChange] = field(default_factory=list)

    def markdown(self) -> str:
        recheck = self.arguments.get("recheck") or {}
        lines = [f"# claimledger {self.kind} run `{self.run_id}`", ""]
        if recheck:
            why = ", ".join(
                f"{key} {', '.join(map(str, recheck[key]))}"
                for key in ("sources", "articles", "claims", "paths")
                if recheck.get(key)
            )
            lines += [f"Rechecked the claims that depend on {why}."]
            trigger = recheck.get("trigger") or {}
            if trigger.get("event"):
                lines += [
                    f"Triggered by `{trigger['event']}` ({_sha(trigger.get('old_sha256'))} -> "
                    f"{_sha(trigger.get('new_sha256'))})."
                ]
            lines += [""]
        lines += [
            f"{self.articles} article(s), {self.claims} claim(s), {self.results} result(s), "
            f"{self.new_results} of them new to the ledger.",
            "",
            "| verdict | results |",
            "|---|---:|",
        ]
        lines += [f"| {verdict} | {self.verdicts.get(verdict, 0)} |" for verdict in VERDICTS]
        lines += ["", "## Flipped since each claim's previous result", ""]
        if self.flips > len(self.flipped):
            lines += [f"The first {len(self.flipped)} of {self.flips} flips, in article and text order.", ""]
        if self.flipped:
            lines += ["| claim | article | check | before | after | snapshot |", "|---|---|---|---|---|---|"]
            lines += [
                f"| {_cell(f.quote)} (`{f.claim_id[:8]}`) | {_cell(f.article_id)} | {f.check_kind} | {f.before} "
                f"| **{f.after}** | {_sha(f.snapshot_before)} -> {_sha(f.snapshot_after)} |"
                for f in self.flipped
            ]
        else:
            lines += [
                "No verdict flipped"
                + (f" ({self.first_checked} result(s) checked for the first time)." if self.first_checked else ".")
            ]
        lines += ["", "## Sources used", ""]
        if self.sources:
            lines += ["| source | status | snapshot | notes |", "|---|---|---|---|"]
            lines += [
                f"| {s['source']} | {s['status']} | {_sha(s.get('snapshot_sha256'))} | "
                f"{'<br>'.join(_cell(n) for n in (s.get('notes') or '').splitlines())} |"
                for s in self.sources
            ]
        else:
            lines += ["None: no claim needed a reference source."]
        if self.snapshot_changes:
            lines += ["", "## Snapshots changed since the previous run", ""]
            lines += [
                f"- `{c.source}`: {_sha(c.before)} -> {_sha(c.after)} (previous run `{c.previous_run[:8]}`)"
                for c in self.snapshot_changes
            ]
        return "\n".join(lines) + "\n"


REPORT_FLIPS = 200  # flips listed in a run's report; the rest are counted (the dashboard lists them all)


def run_report(store: LedgerStore, run_id: str) -> RunReport:
    """Read a finished run back from the ledger: its counts and its flips, as its write recorded them (runs,
    flips), so the report costs the same for ten results or a million."""
    run = history.run_row(store, run_id)
    arguments = run.arguments
    flipped = [
        Flip(
            f.claim_id,
            f.article_id,
            f.quote,
            f.check_kind,
            f.previous_verdict or "",
            f.verdict,
            f.previous_snapshot_sha256,
            f.snapshot_sha256,
        )
        for f in store.reader.flips(run_id, REPORT_FLIPS)
    ]
    sources = [
        {"source": s.source, "status": s.status, "snapshot_sha256": s.snapshot_sha256, "notes": s.notes}
        for s in sorted(store.reader.run_sources(run_id), key=lambda s: s.source)  # Python's order, not a collation's
    ]
    return RunReport(
        run_id=run_id,
        kind="recheck" if arguments.get("recheck") else "verify",
        arguments=arguments,
        articles=run.articles,
        claims=run.claims,
        results=run.results,
        new_results=run.new_results,
        verdicts={v: n for v, n in (run.verdicts or {}).items() if n},
        flipped=flipped,
        flips=store.reader.count_flips(run_id),
        first_checked=run.first_checked or 0,
        sources=sources,
        snapshot_changes=snapshot_changes(store, run_id),
    )


def snapshot_changes(store: LedgerStore, run_id: str) -> list[SnapshotChange]:
    """The sources this run read from another snapshot than the newest earlier run that read them: their verdicts
    may differ for that reason alone (a fetch between the runs may have replaced the snapshot)."""
    mine, before = history.snapshots_before(store, run_id)
    return [
        SnapshotChange(name, before[name][0], mine[name], before[name][1])
        for name in sorted(before)
        if before[name][0] != mine[name]
    ]


def refresh_markdown(rows: Sequence[dict[str, Any]], updates: Sequence[SourceUpdate], docs: str) -> str:
    """The artifact of a refresh_sources run: each source's fetch outcome and the update events it emitted."""
    lines = [
        "# claimledger source refresh",
        "",
        "| source | status | snapshot in use | what happened |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {row['source']} | {row['status']} | {_sha(row.get('snapshot_sha256'))} | {_cell(row['message'])} |"
        for row in rows
    ]
    lines += ["", "## Updated sources", ""]
    if updates:
        lines += [
            f"- `{u.source}`: {_sha(u.old_sha256)} -> {_sha(u.new_sha256)}; emitted `claimledger.source.updated`"
            for u in updates
        ]
    else:
        lines += ["None: no source has a new good snapshot, so nothing is rechecked."]
    lines += ["", f"Data Docs: {docs}"]
    return "\n".join(lines) + "\n"


def nothing_to_recheck_markdown(scope_description: str, skipped: Iterable[str]) -> str:
    """The artifact of a recheck that found no claim to check (a source no claim in the ledger depends on)."""
    lines = ["# claimledger recheck", "", f"No claim in the ledger depends on {scope_description}: nothing rechecked."]
    lines += [f"- {reason}" for reason in skipped]
    return "\n".join(lines) + "\n"


def _sha(value: str | None) -> str:
    return f"`{value[:12]}`" if value else "none"


def _cell(text: str | None) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text or "").split()).replace("|", "\\|")
