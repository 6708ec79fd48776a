"""Each registered source as it stands: the snapshot in use, how it validated, what it covers, what was held back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from claimledger.sources.loaders import LoadError, load_frame
from claimledger.sources.reference import pending_quarantine
from claimledger.sources.registry import Source
from claimledger.sources.snapshots import Snapshot, SnapshotError, SnapshotStore


@dataclass(frozen=True)
class SourceStatus:
    """One line of `claimledger sources`: enough to tell whether a verdict from this source can be trusted today."""

    source: Source
    snapshot: Snapshot | None  # the latest good snapshot, the one verdicts use
    held: Snapshot | None  # a newer download that failed its suite and was quarantined
    rows: int | None = None
    first_date: str | None = None
    last_date: str | None = None
    problem: str = ""  # why rows and dates are unknown

    @property
    def validation(self) -> str:
        """'passed', 'passed with 2 warnings', 'quarantined newer snapshot 3f2a…', or 'no good snapshot'."""
        if self.snapshot is None:
            return f"no good snapshot; {self.held.short} quarantined" if self.held else "no good snapshot"
        warnings = len((self.snapshot.validation or {}).get("warnings") or [])
        text = "passed" if not warnings else f"passed with {warnings} warning{'s' if warnings != 1 else ''}"
        return f"{text}; quarantined newer snapshot {self.held.short}" if self.held else text

    def as_dict(self, now: datetime | None = None) -> dict:
        """The `sources --format json` object."""
        snapshot, held = self.snapshot, self.held
        return {
            "source": self.source.name,
            "snapshot_sha256": snapshot.sha256 if snapshot else None,
            "retrieved_at": snapshot.retrieved_at if snapshot else None,
            "age": age(snapshot.retrieved_at, now) if snapshot else None,
            "validation": self.validation,
            "warnings": list((snapshot.validation or {}).get("warnings") or []) if snapshot else [],
            "quarantined": None
            if held is None
            else {
                "sha256": held.sha256,
                "retrieved_at": held.retrieved_at,
                "failures": list((held.validation or {}).get("failures") or []),
            },
            "rows": self.rows,
            "coverage": [self.first_date, self.last_date] if self.first_date else None,
            "metrics": list(self.source.metrics),
            "problem": self.problem or None,
        }


def source_statuses(registry: dict[str, Source], store: SnapshotStore) -> list[SourceStatus]:
    """Every registered source with its latest good snapshot read back, in registry order."""
    return [_status(source, store) for source in registry.values()]


def age(retrieved_at: str, now: datetime | None = None) -> str:
    """'40 s', '12 min', '5 h', '3 d': how old a snapshot is, from its passport's retrieved_at."""
    try:
        then = datetime.strptime(retrieved_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return "?"
    seconds = max(0, int(((now or datetime.now(UTC)) - then).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _status(source: Source, store: SnapshotStore) -> SourceStatus:
    try:
        good = store.latest_good(source.name)
        held = pending_quarantine(store, source.name)
    except SnapshotError as exc:
        return SourceStatus(source, None, None, problem=str(exc))
    if good is None:
        return SourceStatus(source, None, held)
    try:
        frame = load_frame(source, store.read(good))
    except (LoadError, SnapshotError) as exc:
        return SourceStatus(source, good, held, problem=str(exc))
    first = last = None
    if source.date_column and frame[source.date_column].notna().any():
        dates = frame[source.date_column].dropna()
        first, last = (value.date().isoformat() for value in (dates.min(), dates.max()))
    return SourceStatus(source, good, held, rows=len(frame), first_date=first, last_date=last)
